"""What staff see, at 375 px (a phone), checked with axe-core and for sideways overflow (issue 12):
each confirmation (publish, retire, go back to earlier preferences, stop sending), review and
sign-off with the message beside its source, the author not shown the review form, the auditor's
filter by NHS number, and the administrator's and operations' pages."""

import re
import uuid

import pytest
from django.conf import settings
from playwright.sync_api import expect

from notifyadmin.accounts.cis2.services import role_mapping_create
from notifyadmin.accounts.roles import Role
from notifyadmin.sending.models import KillSwitch
from preferences.models import ContactPoint
from templates_app.models import RoutingPlan, VersionStatus
from tests.preferences.factories import add_contact, make_patient
from tests.templates_app.conftest import ctx, new_template, version_brought_to

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 375, "height": 800}
RENDERED = "Your appointment is on Friday 27 March 2026. Call the clinic if you cannot come."


def assert_fits_a_phone(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], page.url


def check(page, assert_accessible) -> None:
    assert_accessible(page)
    assert_fits_a_phone(page)


@pytest.fixture
def people(make_staff):
    return {
        "author": make_staff(Role.CONTENT_DESIGNER, first_name="Priya", last_name="Shah"),
        "reviewer": make_staff(Role.CONTENT_DESIGNER, first_name="Tom", last_name="Okafor"),
        "cso": make_staff(Role.CLINICAL_SAFETY_OFFICER, first_name="Helen", last_name="Marsh"),
    }


@pytest.fixture
def version_in(people, organisation):
    """version_in(status): a version Priya wrote, Tom reviewed and Helen signed off, as far as status needs."""

    def make(status: VersionStatus):
        return version_brought_to(
            status,
            as_designer=ctx(people["author"], Role.CONTENT_DESIGNER, organisation),
            as_designer2=ctx(people["reviewer"], Role.CONTENT_DESIGNER, organisation),
            as_cso=ctx(people["cso"], Role.CLINICAL_SAFETY_OFFICER, organisation),
        )

    return make


def version_url(version, suffix: str = "") -> str:
    return f"/templates/{version.template_id}/versions/{version.id}/{suffix}"


def test_publish_and_retire_ask_first_on_a_phone(page, people, version_in, sign_in, assert_accessible):
    version = version_in(VersionStatus.SIGNED_OFF)
    page.set_viewport_size(PHONE)
    sign_in(page, people["author"].username)

    # Publishing asks first, in words, with a reason
    page.goto(version_url(version))
    page.get_by_role("link", name="Publish version 1.0").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Publish version 1.0?")
    expect(page.locator("#effect")).to_contain_text("Version 1.0 becomes the version every message created from")
    check(page, assert_accessible)
    page.get_by_label("Why are you doing this?").fill("Approved at the clinical governance meeting")
    page.get_by_role("button", name="Publish version 1.0").click()
    expect(page.get_by_text("Version 1.0 published. Messages now send with it.")).to_be_visible()
    check(page, assert_accessible)

    # And so does retiring, saying what stops
    page.get_by_role("link", name="Retire version 1.0").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Retire version 1.0?")
    expect(page.locator("#effect")).to_contain_text("will stop sending")
    check(page, assert_accessible)


def test_review_and_sign_off_show_the_message_beside_its_source_on_a_phone(
    page, people, version_in, sign_in, assert_accessible
):
    submitted = version_in(VersionStatus.SUBMITTED)
    page.set_viewport_size(PHONE)

    # Given another content designer reviewing the content
    sign_in(page, people["reviewer"].username)
    page.goto(version_url(submitted))
    page.get_by_role("link", name="Review content").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Review content")
    # Then each channel shows what was written and what the patient receives
    nhsapp = page.locator(".app-side-by-side").first
    expect(nhsapp).to_contain_text("Your appointment is on {{ appointment_date }}.")
    expect(nhsapp.locator(".app-preview")).to_have_text(RENDERED)
    expect(page.locator(".app-sms-bubble")).to_have_text("Your appointment is on Friday 27 March 2026.")
    check(page, assert_accessible)
    page.get_by_label("Approve the content").check()
    page.get_by_role("button", name="Record decision").click()
    expect(page.get_by_text("Content approved. It now awaits clinical sign-off.")).to_be_visible()
    page.get_by_role("button", name="Sign out").click()

    # And the clinical safety officer sees the same at sign-off
    sign_in(page, people["cso"].username)
    page.goto(version_url(submitted, "sign-off/"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Clinical sign-off")
    expect(page.locator(".app-side-by-side").first.locator(".app-preview")).to_have_text(RENDERED)
    check(page, assert_accessible)


def test_the_author_is_not_shown_the_review_form_and_is_told_who_can(
    page, people, version_in, sign_in, assert_accessible
):
    version = version_in(VersionStatus.SUBMITTED)
    page.set_viewport_size(PHONE)
    sign_in(page, people["author"].username)

    # On the version page: no review offered, and who can review instead
    page.goto(version_url(version))
    expect(page.locator(".app-not-you")).to_have_text(
        re.compile(r"You wrote this version, so another content designer must review it\. Tom Okafor can review")
    )
    expect(page.get_by_role("link", name="Review content")).to_have_count(0)
    check(page, assert_accessible)

    # And on the review page itself, reached by its address: no form, the same words
    page.goto(version_url(version, "content-review/"))
    expect(page.locator(".nhsuk-warning-callout")).to_contain_text("Tom Okafor can review its content.")
    expect(page.get_by_role("button", name="Record decision")).to_have_count(0)
    check(page, assert_accessible)


def test_going_back_to_earlier_preferences_asks_first_on_a_phone(
    page, make_staff, sign_in, assert_accessible, organisation
):
    patient = make_patient(organisation=organisation, nhs_number="9990000018", given_name="Sam", family_name="Hill")
    add_contact(patient, ContactPoint.Kind.MOBILE, "07400 123456")
    desk = make_staff(Role.SERVICE_DESK, first_name="Gareth", last_name="Lloyd")
    page.set_viewport_size(PHONE)
    sign_in(page, desk.username)
    page.get_by_label("NHS number, mobile phone number or email address").fill("999 000 0018")
    page.get_by_label("Why do you need to find this patient?").select_option("Patient phoned the service desk")
    page.get_by_role("button", name="Find patient").click()
    check(page, assert_accessible)
    page.get_by_label("Prescriptions by SMS").uncheck()
    page.get_by_label("How did this change reach us?").select_option("phone_call")
    page.get_by_label("Reason for the change").fill("Patient prefers email")
    page.get_by_role("button", name="Save preferences").click()

    page.get_by_role("link", name="History of changes").click()
    check(page, assert_accessible)
    page.get_by_role("link", name="Go back to this point").first.click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("Go back to the preferences of")
    check(page, assert_accessible)


def test_stopping_sending_asks_first_on_a_phone(page, make_staff, sign_in, assert_accessible):
    operations = make_staff(Role.OPERATIONS)
    page.set_viewport_size(PHONE)
    sign_in(page, operations.username)

    page.goto("/sending/kill-switches/stop/")

    expect(page.get_by_role("heading", level=1)).to_have_text("Stop sending")
    expect(page.locator("main")).to_contain_text("No message you stop here will be sent until someone clears")
    check(page, assert_accessible)
    page.get_by_label("Why must sending stop?").fill("Wrong clinic address in the reminder")
    page.get_by_role("button", name="Stop sending").click()

    # And starting again asks first too
    expect(page.get_by_text("Sending is stopped for your organisation. Nothing more will be sent")).to_be_visible()
    switch = KillSwitch.objects.get(cleared_at__isnull=True)
    page.goto(f"/sending/kill-switches/{switch.id}/clear/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Start sending again for your organisation")
    check(page, assert_accessible)


def test_the_auditor_filters_the_trail_by_nhs_number_on_a_phone(
    page, make_staff, sign_in, assert_accessible, organisation
):
    # Given a patient (their creation is on the trail) and another patient
    patient = make_patient(organisation=organisation, nhs_number="9990000018")
    make_patient(organisation=organisation, nhs_number="9990010013")
    auditor = make_staff(Role.AUDITOR)
    page.set_viewport_size(PHONE)
    sign_in(page, auditor.username)
    page.goto("/audit/")
    check(page, assert_accessible)

    # When the auditor finds the patient's events by NHS number
    page.get_by_label("NHS number").fill("999 000 0018")
    page.get_by_role("button", name="Find patient").click()

    # Then the trail is filtered by the patient's opaque reference, never the number
    expect(page).to_have_url(re.compile(rf"/audit/\?patient={patient.id}$"))
    assert "9990000018" not in page.url
    expect(page.locator("main")).to_contain_text("2 events match.")
    expect(page.locator("tbody")).to_contain_text("Created a patient's record")
    expect(page.locator("tbody")).to_contain_text("Found a patient's audit events by NHS number")
    check(page, assert_accessible)


@pytest.mark.parametrize(
    ("role", "url", "heading"),
    [
        (Role.ADMINISTRATOR, "/templates/routing-plans/", "Routing plans"),
        (Role.ADMINISTRATOR, "/events/mappings/", "Event mappings"),
        (Role.CLINICAL_SAFETY_OFFICER, "/safety-case/", "Clinical safety case"),
        (Role.CLINICAL_SAFETY_OFFICER, "/safety-case/hazards/", "Hazards"),
        (Role.AUDITOR, "/audit/verify/", "Verify the audit trail"),
        (Role.ADMINISTRATOR, "/accounts/role-mappings/", "CIS2 role mappings"),
        (Role.ADMINISTRATOR, "/accounts/staff/", "Staff and roles"),
        (Role.ADMINISTRATOR, "/accounts/organisation/", "Your organisation"),
        (Role.ADMINISTRATOR, "/integrations/api-clients/", "API clients"),
        (Role.OPERATIONS, "/sending/kill-switches/", "Kill switches"),
        (Role.CONTENT_DESIGNER, "/templates/", "Message templates"),
        (Role.CONTENT_DESIGNER, "/templates/work-queue/", "Work queue"),
    ],
)
def test_each_page_fits_a_phone(page, make_staff, sign_in, assert_accessible, organisation, role, url, heading):
    # Given a little of everything these pages list, so that their tables are not empty
    user = make_staff(role)
    RoutingPlan.objects.create(
        organisation=organisation,
        name="Every channel: NHS App, email, text, letter",
        plan_id=uuid.UUID("b838b13c-f98c-4def-93f0-515d4e4f4ee1"),
        channels=["nhsapp", "email", "sms", "letter"],
        environment=settings.NOTIFY_ENVIRONMENT,
    )
    new_template(ctx(make_staff(Role.CONTENT_DESIGNER), Role.CONTENT_DESIGNER, organisation), "Appointment reminder")
    role_mapping_create(
        actor=ctx(make_staff(Role.ADMINISTRATOR), Role.ADMINISTRATOR, organisation),
        organisation=organisation,
        role_code="S8000:G8000:R5002",
        activity_code="",
        app_role=Role.CLINICAL_SAFETY_OFFICER,
    )
    page.set_viewport_size(PHONE)
    sign_in(page, user.username)

    page.goto(url)

    expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    check(page, assert_accessible)
