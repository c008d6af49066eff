"""A content designer sends a test of a draft to themselves, in a real browser at desktop width
and at 375 px, with axe-core on every page: from the version page, adding their test contact
details when they have none (a real NHS number refused), filling in (prefilled with the sample
values), previewing, sending, and watching its status move as the dispatcher sends it."""

import pytest
from django.test import override_settings
from playwright.sync_api import expect

from notifyadmin.accounts.roles import Role
from notifyadmin.sending.dispatch.engine import dispatch_once
from notifyadmin.sending.models import Message
from notifyadmin.sending.status import MessageStatus
from tests.sending.fakes import ScriptedProvider
from tests.sending.self_test_factories import draft_reminder, single_channel_plans

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 375, "height": 812}}


def _fits_and_is_accessible(page, assert_accessible):
    assert_accessible(page)
    overflow = page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow == 0, f"{page.url} scrolls sideways by {overflow}px"


@pytest.mark.parametrize("screen", SCREENS)
def test_send_a_test_of_a_draft_to_yourself(page, make_staff, organisation, sign_in, assert_accessible, screen):
    # Given a draft and a content designer with no test contact details yet
    single_channel_plans(organisation)
    version = draft_reminder(organisation=organisation, owner=make_staff())
    user = make_staff(Role.CONTENT_DESIGNER, first_name="Priya", last_name="Shah")
    page.set_viewport_size(SCREENS[screen])
    sign_in(page, user.username)

    # When they open the draft and choose to send a test to themselves
    page.goto(f"/templates/{version.template_id}/versions/{version.id}/")
    page.get_by_role("link", name="Send a test to yourself").click()

    # Then the page tells them to add their test contact details first
    expect(page.get_by_role("heading", level=1)).to_have_text("Send a test to yourself")
    expect(page.locator("main")).to_contain_text("Before you send a test, add the test contact details")
    _fits_and_is_accessible(page, assert_accessible)
    page.get_by_role("link", name="Add your test contact details").click()

    # When they give a real patient's NHS number, it is refused with what to enter instead
    expect(page.get_by_role("heading", level=1)).to_have_text("Your test contact details")
    _fits_and_is_accessible(page, assert_accessible)
    page.get_by_label("Test NHS number").fill("943 476 5919")
    page.get_by_label("Mobile phone number").fill("07400 000001")
    page.get_by_role("button", name="Save your test contact details").click()
    expect(page.locator(".nhsuk-error-summary")).to_contain_text("Enter an NHS number from the range reserved")
    _fits_and_is_accessible(page, assert_accessible)

    # And a test NHS number is saved, bringing them back to the test
    page.get_by_label("Test NHS number").fill("999 054 8609")
    page.get_by_role("button", name="Save your test contact details").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Send a test to yourself")
    expect(page.locator(".nhsuk-notification-banner")).to_contain_text("Your test contact details are saved.")
    expect(page.get_by_label("Clinic")).to_have_value("Eye clinic")
    _fits_and_is_accessible(page, assert_accessible)

    # When they choose text message, leave out the clinic and preview: a clear error
    page.get_by_label("Text message (SMS)").check()
    page.get_by_label("Clinic").fill("")
    page.get_by_role("button", name="Preview the test").click()
    expect(page.locator(".nhsuk-error-summary")).to_contain_text("Enter the clinic")
    _fits_and_is_accessible(page, assert_accessible)

    # And with the clinic filled in, the preview shows the real text and where it goes
    page.get_by_label("Clinic").fill("Eye clinic")
    page.get_by_label("Appointment date").fill("21/12/2026")
    page.get_by_role("button", name="Preview the test").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check the test before you send it")
    expect(page.locator("main")).to_contain_text("Eye clinic on Monday 21 December 2026.")
    expect(page.locator("main")).to_contain_text("07400 000001")
    _fits_and_is_accessible(page, assert_accessible)
    page.get_by_role("button", name="Send the test").click()

    # Then their test messages show it queued
    expect(page.get_by_role("heading", level=1)).to_have_text("Your test messages")
    expect(page.locator(".nhsuk-notification-banner")).to_contain_text("Your test of Clinic reminder is queued")
    expect(page.locator(".app-test-status").first).to_have_text("Queued")
    _fits_and_is_accessible(page, assert_accessible)

    # When the dispatcher sends it, the page shows it accepted by NHS Notify
    with override_settings(DISPATCH_RATE_PER_SECOND=10_000, DISPATCH_RATE_BURST=10_000):
        assert dispatch_once(provider=ScriptedProvider(), worker="browser").accepted == 1
    page.get_by_role("link", name="Refresh this page").click()
    expect(page.locator(".app-test-status").first).to_have_text("Accepted by NHS Notify")
    expect(page.locator(".app-timeline").first).to_contain_text("Sending")
    message = Message.objects.get()
    assert (message.status, message.patient_id, message.authorised_by) == (MessageStatus.ACCEPTED, None, user)
