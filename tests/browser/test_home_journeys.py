"""Every role's home at 375 px (a phone): checked with axe-core, no sideways overflow; the
service desk finds a patient from their home; operations open the state of sending; the
footer's help and accessibility statement."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from notifyadmin.accounts.roles import Role
from notifyadmin.core.home import ROLE_HOMES
from notifyadmin.sending.models import KillSwitch, ProviderState
from tests.preferences.factories import make_patient

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 375, "height": 800}


def assert_no_sideways_overflow(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], page.url


@pytest.mark.parametrize("role", list(Role))
def test_each_home_at_375px_is_accessible_and_fits(page, make_staff, sign_in, assert_accessible, role):
    page.set_viewport_size(PHONE)
    user = make_staff(role, first_name="Robin", last_name="Carter")

    sign_in(page, user.username)

    expect(page.get_by_role("heading", level=1)).to_have_text(ROLE_HOMES[role].title)
    assert_accessible(page)
    assert_no_sideways_overflow(page)


def test_the_service_desk_finds_a_patient_from_their_home(page, make_staff, sign_in, organisation):
    page.set_viewport_size(PHONE)
    patient = make_patient(organisation=organisation, nhs_number="9990000018", given_name="Sam", family_name="Hill")
    user = make_staff(Role.SERVICE_DESK)
    sign_in(page, user.username)

    page.get_by_label("NHS number, mobile phone number or email address").fill("999 000 0018")
    page.get_by_label("Why do you need to find this patient?").select_option("Patient phoned the service desk")
    page.get_by_role("button", name="Find patient").click()

    expect(page).to_have_url(re.compile(f"/patients/{patient.id}/$"))


def test_operations_see_a_kill_switch_and_the_breaker_from_home(
    page, make_staff, sign_in, assert_accessible, organisation
):
    page.set_viewport_size(PHONE)
    user = make_staff(Role.OPERATIONS, first_name="Aisha", last_name="Begum")
    KillSwitch.objects.create(
        organisation=organisation, reason="Wrong clinic address", set_by=user, set_at=timezone.now()
    )
    ProviderState.objects.create(provider="nhs_notify", consecutive_failures=5, opened_at=timezone.now())
    sign_in(page, user.username)

    expect(page.get_by_role("link", name="Sending stopped for your organisation")).to_be_visible()
    page.get_by_role("link", name="See the state of sending").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("State of sending")
    expect(page.locator("main")).to_contain_text("Reason: Wrong clinic address")
    expect(page.locator("main")).to_contain_text("NHS Notify: Open since")
    assert_accessible(page)
    assert_no_sideways_overflow(page)


@pytest.mark.parametrize(
    ("link", "heading"),
    [("Help", "Help using notifyadmin"), ("Accessibility statement", "Accessibility statement for notifyadmin")],
)
def test_the_footer_pages_open_before_signing_in(page, assert_accessible, link, heading):
    page.set_viewport_size(PHONE)
    page.goto("/accounts/sign-in/")

    page.locator("footer").get_by_role("link", name=link).click()

    expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    assert_accessible(page)
    assert_no_sideways_overflow(page)
