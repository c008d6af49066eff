"""Template governance in the browser: a designer drafts and submits, a second designer approves
the content, a clinical safety officer signs off (confirming their password), the designer publishes."""

import uuid

import pytest
from django.conf import settings
from playwright.sync_api import expect

from notifyadmin.accounts.roles import Role
from templates_app.models import RoutingPlan

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


PLAN_LABEL = "NHS App, then text message (NHS App message, then Text message (SMS))"


def a_routing_plan(organisation):
    """The organisation's routing plan, configured by an administrator, that designers choose."""
    return RoutingPlan.objects.create(
        organisation=organisation,
        name="NHS App, then text message",
        plan_id=uuid.UUID("00000000-0000-0000-0000-000000000006"),
        channels=["nhsapp", "sms"],
        environment=settings.NOTIFY_ENVIRONMENT,
    )


def sign_out(page):
    page.get_by_role("button", name="Sign out").click()


def test_draft_review_sign_off_and_publish(page, make_staff, sign_in, assert_accessible, organisation):
    a_routing_plan(organisation)
    designer = make_staff(Role.CONTENT_DESIGNER, first_name="Priya", last_name="Shah")
    designer2 = make_staff(Role.CONTENT_DESIGNER, first_name="Tom", last_name="Okafor")
    cso = make_staff(Role.CLINICAL_SAFETY_OFFICER, first_name="Helen", last_name="Marsh")

    # Given a content designer, when they create a template and write its first draft
    sign_in(page, designer.username)
    page.goto("/templates/")
    assert_accessible(page)
    page.get_by_role("link", name="Create a template").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Create a template")
    assert_accessible(page)
    page.get_by_label("Template name").fill("Appointment booked")
    page.get_by_label("NHS Notify routing plan").select_option(label=PLAN_LABEL)
    page.get_by_label("NHS App message").check()
    page.get_by_role("button", name="Create template").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Appointment booked")
    assert_accessible(page)
    page.get_by_role("link", name="Draft", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Draft")
    assert_accessible(page)
    page.get_by_role("link", name="Edit draft").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Edit draft")
    assert_accessible(page)
    page.locator("#id_content-nhsapp-en-body").fill("Your appointment is on {{ appointment_date }}.")
    page.locator("#id_field-0-name").fill("appointment_date")
    page.locator("#id_field-0-type").select_option("date")
    page.locator("#id_field-0-max_length").fill("10")
    page.locator("#id_field-0-personal_data").select_option("low")
    page.locator("#id_field-0-sample_value").fill("2026-03-27")
    page.get_by_role("button", name="Save and continue to submit").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Submit for content review")
    assert_accessible(page)
    page.get_by_role("button", name="Submit for review").click()
    expect(page.get_by_text("Version submitted for content review.")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Preview with sample values").click()
    expect(page.get_by_text("Your appointment is on Friday 27 March 2026.")).to_be_visible()
    assert_accessible(page)
    sign_out(page)

    # When a second content designer approves the content
    sign_in(page, designer2.username)
    page.goto("/templates/work-queue/")
    assert_accessible(page)
    page.get_by_role("link", name="Appointment booked").click()
    page.get_by_role("link", name="Review content").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Review content")
    assert_accessible(page)
    page.get_by_label("Approve the content").check()
    page.get_by_role("button", name="Record decision").click()
    expect(page.get_by_text("Content approved. It now awaits clinical sign-off.")).to_be_visible()
    sign_out(page)

    # And the clinical safety officer, seeing it on their home page and in their queue, signs off
    # (just signed in with their password, they are not asked for it again)
    sign_in(page, cso.username)
    page.goto("/")
    panel = page.get_by_role("region", name="Awaiting your clinical sign-off")
    expect(panel.get_by_role("link", name="Appointment booked, version 1.0")).to_be_visible()
    expect(panel.get_by_text("waiting less than a minute")).to_be_visible()
    assert_accessible(page)
    page.goto("/templates/work-queue/")
    expect(page.get_by_role("heading", name="Awaiting clinical sign-off (1)")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Appointment booked").click()
    expect(page.get_by_text("Signing off asks you to confirm your identity")).to_be_visible()
    page.get_by_role("link", name="Clinical sign-off").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Clinical sign-off")
    assert_accessible(page)
    page.get_by_label("Sign off").check()
    page.get_by_label("HAZ-003 A cancellation is not sent").check()
    page.get_by_label("HAZ-011 A test message reaches a real patient").check()
    page.get_by_label("I make this declaration").check()
    page.get_by_role("button", name="Record decision").click()
    expect(page.get_by_text("Version signed off. A content designer can now publish it.")).to_be_visible()
    expect(page.get_by_text("Hazards considered at sign-off: HAZ-003 A cancellation")).to_be_visible()
    sign_out(page)

    # Then the designer publishes it, and the template sends with version 1.0
    sign_in(page, designer.username)
    page.goto("/templates/work-queue/")
    page.get_by_role("link", name="Appointment booked").click()
    page.get_by_role("link", name="Publish version 1.0").click()
    # The confirmation says what publishing does and asks why, before anything changes
    expect(page.get_by_role("heading", level=1)).to_have_text("Publish version 1.0?")
    expect(page.get_by_text("Version 1.0 becomes the version every message created from")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Publish version 1.0").click()
    expect(page.get_by_text("Enter the reason, for the audit trail").first).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Why are you doing this?").fill("First version, approved at the clinical governance meeting")
    page.get_by_role("button", name="Publish version 1.0").click()
    expect(page.get_by_text("Version 1.0 published. Messages now send with it.")).to_be_visible()
    assert_accessible(page)
    # Retiring asks first too, in the words of what stops
    page.get_by_role("link", name="Retire version 1.0").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Retire version 1.0?")
    expect(page.get_by_text("will stop sending")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Cancel: keep version 1.0 as it is").click()
    page.get_by_role("link", name="Back to Appointment booked").click()
    expect(page.get_by_text("Version 1.0", exact=True).first).to_be_visible()
    assert_accessible(page)


def test_pressing_enter_in_the_editor_saves_the_draft(page, make_staff, sign_in, organisation):
    a_routing_plan(organisation)
    designer = make_staff(Role.CONTENT_DESIGNER)
    sign_in(page, designer.username)
    page.goto("/templates/new/")
    page.get_by_label("Template name").fill("Results ready")
    page.get_by_label("NHS Notify routing plan").select_option(label=PLAN_LABEL)
    page.get_by_label("NHS App message").check()
    page.get_by_role("button", name="Create template").click()
    page.get_by_role("link", name="Draft", exact=True).click()
    page.get_by_role("link", name="Edit draft").click()
    rows_before = page.locator("[id^=id_field-][id$=-name]").count()
    page.locator("#id_content-nhsapp-en-body").fill("Your results are ready.")
    page.locator("#id_field-0-name").press("Enter")
    expect(page.get_by_text("Draft saved")).to_be_visible()
    assert page.locator("[id^=id_field-][id$=-name]").count() == rows_before
    expect(page.locator("#id_content-nhsapp-en-body")).to_have_value("Your results are ready.")
