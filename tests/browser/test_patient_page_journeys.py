"""The service desk on a phone call, in a real browser at desktop width and at 375 px, with
axe-core on every page: the patient page (caller check revealed deliberately, no sideways
scroll), sending a message by hand (choose, fill in, preview, confirm) and the history."""

import pytest
from playwright.sync_api import expect

from notifyadmin.accounts.roles import Role
from notifyadmin.sending.models import Message
from notifyadmin.sending.status import MessageStatus
from preferences.models import ContactPoint, Patient
from tests.preferences.factories import add_contact, make_patient
from tests.sending.patient_factories import published_reminder

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 375, "height": 812}}


def _no_sideways_scroll(page):
    overflow = page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow == 0, f"{page.url} scrolls sideways by {overflow}px"


@pytest.mark.parametrize("screen", SCREENS)
def test_phone_call_reveal_send_and_history(page, make_staff, organisation, sign_in, assert_accessible, screen):
    # Given a patient with a mobile, a date of birth and a postcode, and a published template
    patient = make_patient(organisation=organisation, nhs_number="9990000018", given_name="Sam", family_name="Patient")
    add_contact(patient, ContactPoint.Kind.MOBILE, "07400 123456")
    Patient.objects.filter(pk=patient.pk).update(postcode="LS1 4AP")
    published_reminder(organisation=organisation, owner=make_staff())
    user = make_staff(Role.SERVICE_DESK, first_name="Gareth", last_name="Lloyd")
    page.set_viewport_size(SCREENS[screen])
    sign_in(page, user.username)

    # When they find the patient with a reason
    page.goto("/patients/")
    page.get_by_label("NHS number", exact=True).check()
    page.get_by_label("NHS number, mobile phone number or email address").fill("999 000 0018")
    page.get_by_label("Why do you need to find this patient?").select_option("Patient phoned the service desk")
    page.get_by_role("button", name="Find patient").click()

    # Then the patient page hides what the caller must confirm, fits the screen and is accessible
    expect(page.get_by_role("heading", level=1)).to_have_text("Sam Patient")
    expect(page.locator("main")).not_to_contain_text("LS1 4AP")
    expect(page.locator("main")).to_contain_text("Cannot receive today: does not use the NHS App")
    assert_accessible(page)
    _no_sideways_scroll(page)

    # When they reveal the date of birth and postcode
    page.get_by_role("button", name="Reveal date of birth and postcode").click()
    expect(page.locator("main")).to_contain_text("LS1 4AP")

    # And send a message by hand
    page.get_by_role("link", name="Send a message").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Send a message")
    assert_accessible(page)
    _no_sideways_scroll(page)
    page.get_by_label("Template").select_option(label="Appointment reminder")
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Send Appointment reminder")
    page.get_by_role("button", name="Preview the message").click()
    expect(page.locator(".nhsuk-error-summary")).to_contain_text("Enter the clinic")
    assert_accessible(page)
    page.get_by_label("Clinic").fill("Eye clinic")
    page.get_by_label("Appointment date").fill("21/12/2026")
    page.get_by_label("Why are you sending this message?").fill("Corrected appointment letter")
    page.get_by_role("button", name="Preview the message").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check the message before you send it")
    expect(page.locator("main")).to_contain_text("Eye clinic on Monday 21 December 2026.")
    assert_accessible(page)
    _no_sideways_scroll(page)
    page.get_by_role("button", name="Send the message").click()

    # Then they land on the history with the new message queued
    expect(page.get_by_role("heading", level=1)).to_have_text("Messages sent to the patient")
    expect(page.locator(".nhsuk-notification-banner")).to_contain_text("Appointment reminder is queued to send.")
    expect(page.locator(".app-message").first).to_contain_text("Queued")
    expect(page.locator(".app-message").first).to_contain_text("Gareth Lloyd")
    assert_accessible(page)
    _no_sideways_scroll(page)
    message = Message.objects.get()
    assert message.status == MessageStatus.QUEUED and message.authorised_by == user
