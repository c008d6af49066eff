"""Service desk journeys in a real browser, with axe-core on every page: find a patient with a
reason, change an SMS preference with a reason, view the timeline, compare, revert."""

import pytest
from playwright.sync_api import expect

from notifyadmin.accounts.roles import Role
from preferences.models import ContactPoint, Preference
from tests.preferences.factories import add_contact, make_patient

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def desk_patient(organisation):
    patient = make_patient(organisation=organisation, nhs_number="9990000018", given_name="Sam", family_name="Patient")
    add_contact(patient, ContactPoint.Kind.MOBILE, "07400 123456")
    return patient


def _find(page, assert_accessible):
    page.get_by_role("link", name="Find a patient").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Find a patient")
    assert_accessible(page)
    page.get_by_label("NHS number", exact=True).check()
    page.get_by_label("NHS number, mobile phone number or email address").fill("999 000 0018")
    page.get_by_label("Why do you need to find this patient?").select_option("Patient phoned the service desk")
    page.get_by_role("button", name="Find patient").click()


def test_find_change_sms_preference_then_timeline_compare_and_revert(
    page, make_staff, sign_in, assert_accessible, desk_patient
):
    # Given a service desk member of staff
    user = make_staff(Role.SERVICE_DESK, first_name="Gareth", last_name="Lloyd")
    sign_in(page, user.username)

    # When they find the patient with a reason
    _find(page, assert_accessible)
    expect(page.get_by_role("heading", level=1)).to_have_text("Sam Patient")
    assert str(desk_patient.id) in page.url and "9990000018" not in page.url
    expect(page.locator("main")).to_contain_text("*** *** 0018")
    assert_accessible(page)

    # And untick prescriptions by SMS with a reason
    page.get_by_label("Prescriptions by SMS").uncheck()
    page.get_by_label("How did this change reach us?").select_option("phone_call")
    page.get_by_label("Reason for the change").fill("Patient prefers email for prescriptions")
    page.get_by_role("button", name="Save preferences").click()
    expect(page.locator(".nhsuk-notification-banner")).to_contain_text("Preferences saved.")
    assert Preference.objects.get(patient=desk_patient, category="prescriptions", channel="sms").allowed is False

    # Then the timeline shows their change at the top, with their name
    page.get_by_role("link", name="History of changes").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("History of changes")
    first_row = page.locator("tbody tr").first
    expect(first_row).to_contain_text("Gareth Lloyd")
    expect(first_row).to_contain_text("Prescriptions by SMS: allowed → not allowed")
    expect(first_row).to_contain_text("Patient prefers email for prescriptions")
    assert_accessible(page)

    # When they compare the two latest points
    page.get_by_role("button", name="Compare these points").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Compare two points in time")
    expect(page.locator("main")).to_contain_text("Prescriptions by SMS")
    assert_accessible(page)

    # And go back to the earlier point with a reason
    page.go_back()
    page.get_by_role("link", name="Go back to this point").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Go back to the preferences of")
    assert_accessible(page)
    page.get_by_role("button", name="Go back to this point").click()
    expect(page.locator(".nhsuk-error-summary")).to_contain_text("Enter the reason for this change")
    assert_accessible(page)
    page.get_by_label("How did this change reach us?").select_option("phone_call")
    page.get_by_label("Reason for the change").fill("Changed by mistake")
    page.get_by_role("button", name="Go back to this point").click()

    # Then the revert is the newest entry and the preference is back on
    expect(page.get_by_role("heading", level=1)).to_have_text("History of changes")
    expect(page.locator("tbody tr").first).to_contain_text("Changed by mistake")
    assert Preference.objects.get(patient=desk_patient, category="prescriptions", channel="sms").allowed is True


def test_reveal_a_contact_detail_and_not_found(page, make_staff, sign_in, assert_accessible, desk_patient):
    user = make_staff(Role.SERVICE_DESK)
    sign_in(page, user.username)
    _find(page, assert_accessible)
    page.get_by_role("button", name="Reveal mobile").click()
    expect(page.locator("main")).to_contain_text("07400 123456")
    assert_accessible(page)

    page.get_by_role("link", name="Add a contact detail").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Add a contact detail")
    assert_accessible(page)
    page.get_by_role("link", name="Back to the patient").click()
    page.get_by_role("link", name="Change preferred name, language or accessible formats").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Change patient details")
    assert_accessible(page)
    page.get_by_role("link", name="Back to the patient").click()
    page.get_by_role("link", name="Change status of mobile").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Change the status of mobile")
    assert_accessible(page)
    page.get_by_role("link", name="Back to the patient").click()
    page.get_by_role("link", name="Find another patient").click()
    page.get_by_label("NHS number, mobile phone number or email address").fill("999 000 0026")
    page.get_by_label("Why do you need to find this patient?").select_option("Patient wrote to us")
    page.get_by_role("button", name="Find patient").click()
    expect(page.locator("main")).to_contain_text("No patient found.")
    assert_accessible(page)
