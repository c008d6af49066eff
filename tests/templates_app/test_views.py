"""Template pages: access, field errors, concurrent edits, preview, compare, step-up, cross-organisation."""

import html
import re
import time
from urllib.parse import urlencode

import pytest
from django.urls import reverse

from notifyadmin.accounts.roles import Role
from templates_app.models import MessageTemplate, TemplateVersion, VersionStatus
from templates_app.services.versions import STALE_EDIT_MESSAGE


def field_error(page: str, field_id: str) -> str:
    """The text of the NHS.UK error message shown at one field."""
    match = re.search(
        rf'<span class="nhsuk-error-message" id="{re.escape(field_id)}-error"\s*>\s*'
        r'<span class="nhsuk-u-visually-hidden">Error: </span>(.*?)\s*</span>',
        page,
        re.S,
    )
    assert match, f"no error message at {field_id}"
    return html.unescape(match.group(1).strip())


def summary_rows(page: str) -> dict[str, str]:
    """Key -> value of the NHS.UK summary list rows on a page."""
    pairs = re.findall(
        r'<dt class="nhsuk-summary-list__key">(.*?)</dt><dd class="nhsuk-summary-list__value">(.*?)</dd>', page
    )
    return {html.unescape(key): html.unescape(value) for key, value in pairs}


def edit_url(version):
    return reverse("templates_app:version-edit", args=[version.template_id, version.id])


def detail_url(version):
    return reverse("templates_app:version-detail", args=[version.template_id, version.id])


def edit_post(version, body, lock_version=None, **extra):
    data = {
        "lock_version": lock_version if lock_version is not None else version.lock_version,
        "field_rows": 3,
        "channels": ["nhsapp", "sms"],
        "content-nhsapp-en-body": body,
        "content-sms-en-body": "Your appointment is on {{ appointment_date }}.",
        "field-0-name": "appointment_date",
        "field-0-type": "date",
        "field-0-max_length": "10",
        "field-0-personal_data": "low",
        "field-0-sample_value": "2026-03-27",
        "save": "1",
    }
    data.update(extra)
    return data


@pytest.fixture
def designer_client(client_for, designer):
    return client_for(Role.CONTENT_DESIGNER, user=designer)


def test_template_list_names_the_templates(version_in, designer_client):
    version_in(VersionStatus.PUBLISHED)
    response = designer_client.get(reverse("templates_app:template-list"))
    assert response.status_code == 200
    assert "Appointment booked" in response.content.decode()


def test_service_desk_cannot_see_templates(client_for):
    assert client_for(Role.SERVICE_DESK).get(reverse("templates_app:template-list")).status_code == 403


def test_create_template_makes_a_first_draft(designer_client, organisation, routing_plan):
    response = designer_client.post(
        reverse("templates_app:template-create"),
        {
            "name": "Results ready",
            "purpose": "test_results",
            "sensitivity": "sensitive",
            "send_window_start": "08:00",
            "send_window_end": "20:00",
            "routing_plan": str(routing_plan.id),
            "channels": ["nhsapp"],
        },
    )
    template = MessageTemplate.objects.get(name="Results ready")
    assert response.status_code == 302
    assert template.versions.get().status == VersionStatus.DRAFT
    assert template.routing_plan_id == routing_plan.plan_id


@pytest.mark.hazard("HAZ-004")
def test_create_template_refuses_any_time_for_routine(designer_client, routing_plan):
    response = designer_client.post(
        reverse("templates_app:template-create"),
        {
            "name": "Results ready",
            "purpose": "test_results",
            "sensitivity": "routine",
            "send_any_time": "on",
            "routing_plan": str(routing_plan.id),
            "channels": ["nhsapp"],
        },
    )
    assert response.status_code == 400
    assert "Only urgent messages can be sent at any time" in response.content.decode()
    assert not MessageTemplate.objects.exists()


def test_saving_a_draft(version_in, designer_client):
    version = version_in(VersionStatus.DRAFT)
    response = designer_client.post(edit_url(version), edit_post(version, "New {{ appointment_date }} text."))
    assert response.status_code == 302
    assert version.contents.get(channel="nhsapp").body == "New {{ appointment_date }} text."


def test_injection_attempt_is_shown_at_the_field_with_its_line(version_in, designer_client):
    version = version_in(VersionStatus.DRAFT)
    response = designer_client.post(edit_url(version), edit_post(version, "Hello\n{{ ''.__class__.__mro__ }}"))
    page = response.content.decode()
    assert response.status_code == 400
    # The message sits at the NHS App field, exactly, with its line
    assert field_error(page, "id_content-nhsapp-en-body") == (
        "Line 2: A placeholder may only hold a field name, like {{ name }}; found a dot (attribute access)."
    )
    assert "{{ &#39;&#39;.__class__.__mro__ }}" in page  # the author's text is kept in the form
    assert TemplateVersion.objects.get(pk=version.pk).lock_version == version.lock_version


def test_duplicate_field_name_is_shown_at_the_field(version_in, designer_client):
    version = version_in(VersionStatus.DRAFT)
    data = edit_post(
        version,
        "Hi {{ appointment_date }}",
        **{
            "field-1-name": "appointment_date",
            "field-1-type": "date",
            "field-1-max_length": "10",
            "field-1-personal_data": "low",
            "field-1-sample_value": "2026-03-27",
        },
    )
    response = designer_client.post(edit_url(version), data)
    assert response.status_code == 400
    assert "Field 2 (appointment_date): the name is used by an earlier field." in response.content.decode()


def test_concurrent_edit_refused_and_text_kept(version_in, designer_client, client_for, designer2):
    version = version_in(VersionStatus.DRAFT)
    opened_at = version.lock_version
    other = client_for(Role.CONTENT_DESIGNER, user=designer2)
    assert other.post(edit_url(version), edit_post(version, "Theirs {{ appointment_date }}")).status_code == 302
    response = designer_client.post(
        edit_url(version), edit_post(version, "Mine {{ appointment_date }}", lock_version=opened_at)
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert STALE_EDIT_MESSAGE in page
    assert "Mine {{ appointment_date }}" in page
    assert version.contents.get(channel="nhsapp").body == "Theirs {{ appointment_date }}"


def test_add_another_field_keeps_the_text(version_in, designer_client):
    version = version_in(VersionStatus.DRAFT)
    data = edit_post(version, "Unsaved {{ appointment_date }}")
    del data["save"]
    data["add_field"] = "1"
    response = designer_client.post(edit_url(version), data)
    page = response.content.decode()
    assert 'name="field-3-name"' in page
    assert "Unsaved {{ appointment_date }}" in page


def test_compare_highlights_changes(version_in, designer_client, as_designer):
    from templates_app import services
    from tests.templates_app.conftest import SCHEMA, contents

    published = version_in(VersionStatus.PUBLISHED)
    draft = services.version_draft_create(actor=as_designer, template=published.template)
    services.version_draft_save(
        actor=as_designer,
        version=draft,
        lock_version=draft.lock_version,
        channels=["nhsapp", "sms"],
        schema=SCHEMA,
        contents=contents(body="Your appointment is on {{ appointment_date }}. Bring your letter."),
    )
    url = reverse("templates_app:version-compare", args=[published.template_id])
    page = designer_client.get(url, {"from": published.id, "to": draft.id}).content.decode()
    assert '<ins class="app-diff__ins">' in page and "letter." in page
    assert '<del class="app-diff__del">' in page


def test_sign_off_form_is_shown_without_asking_for_step_up_first(version_in, client_for, cso):
    # Given a CSO whose session holds no recent authentication
    version = version_in(VersionStatus.CONTENT_APPROVED)
    client = client_for(Role.CLINICAL_SAFETY_OFFICER, user=cso)
    url = reverse("templates_app:version-sign-off", args=[version.template_id, version.id])
    # When they open the sign-off form, Then it is shown: step-up comes when they record the decision
    response = client.get(url)
    assert response.status_code == 200
    assert 'id="id_hazards" name="hazards" type="checkbox" value="HAZ-001"' in response.content.decode()


@pytest.mark.hazard("HAZ-006")
def test_sign_off_post_without_fresh_authentication_is_refused(version_in, client_for, cso):
    version = version_in(VersionStatus.CONTENT_APPROVED)
    client = client_for(Role.CLINICAL_SAFETY_OFFICER, user=cso)
    session = client.session
    session["auth_time"] = int(time.time()) - 3600
    session.save()
    url = reverse("templates_app:version-sign-off", args=[version.template_id, version.id])
    response = client.post(
        url, {"content_hash": version.content_hash, "decision": "sign_off", "declaration": "on", "hazards": "HAZ-002"}
    )
    # Then nothing is signed off: the CSO is sent to confirm their identity, and back here after
    assert response.status_code == 302
    assert response.url == reverse("accounts:stepup") + "?" + urlencode({"next": url})
    assert TemplateVersion.objects.get(pk=version.pk).status == VersionStatus.CONTENT_APPROVED
    assert not version.reviews.filter(stage="clinical").exists()


def test_content_review_page_approves(version_in, client_for, designer2):
    version = version_in(VersionStatus.SUBMITTED)
    client = client_for(Role.CONTENT_DESIGNER, user=designer2)
    url = reverse("templates_app:version-content-review", args=[version.template_id, version.id])
    assert client.post(url, {"content_hash": version.content_hash, "decision": "approve"}).status_code == 302
    assert TemplateVersion.objects.get(pk=version.pk).status == VersionStatus.CONTENT_APPROVED


def test_request_changes_without_comments_is_shown_at_the_field(version_in, client_for, designer2):
    version = version_in(VersionStatus.SUBMITTED)
    client = client_for(Role.CONTENT_DESIGNER, user=designer2)
    url = reverse("templates_app:version-content-review", args=[version.template_id, version.id])
    response = client.post(url, {"content_hash": version.content_hash, "decision": "changes"})
    assert response.status_code == 400
    assert "Enter the changes you are asking for" in response.content.decode()


def test_work_queue_for_cso_shows_waiting_versions(version_in, client_for, cso):
    version_in(VersionStatus.CONTENT_APPROVED)
    page = client_for(Role.CLINICAL_SAFETY_OFFICER, user=cso).get(reverse("templates_app:work-queue")).content.decode()
    assert "Awaiting clinical sign-off (1)" in page
    assert "Appointment booked" in page
    assert "less than a minute" in page


def test_content_review_queue_excludes_my_own(version_in, designer_client):
    version_in(VersionStatus.SUBMITTED)
    page = designer_client.get(reverse("templates_app:work-queue")).content.decode()
    assert "Awaiting content review (0)" in page


def test_each_empty_work_queue_says_what_would_appear_there(client_for):
    # Given a content designer with no work at all
    page = client_for(Role.CONTENT_DESIGNER).get(reverse("templates_app:work-queue")).content.decode()

    # Then each of their queues says what would appear in it and how, never "Nothing here"
    sections = re.findall(r'<h2 class="nhsuk-heading-m">(.*?)</h2>\s*<p>(.*?)</p>', page, re.S)
    assert sections == [
        (
            "My drafts (0)",
            "Drafts you start appear here. Create a template, or start a new draft from a template&#39;s page.",
        ),
        (
            "Changes requested on my versions (0)",
            "When a reviewer or clinical safety officer asks for changes to a version you wrote, "
            "its new draft appears here with their comments.",
        ),
        (
            "My versions waiting on others (0)",
            "Versions you submit appear here while they wait for content review or clinical sign-off.",
        ),
        (
            "Awaiting content review (0)",
            "Versions appear here when another content designer submits a draft for content review.",
        ),
        (
            "Ready to publish (0)",
            "Versions appear here when a clinical safety officer signs them off. "
            "Publishing makes a template send with them.",
        ),
    ]


@pytest.mark.parametrize(
    "name",
    [
        "version-detail",
        "version-edit",
        "version-preview",
        "version-submit",
        "version-content-review",
    ],
)
def test_other_organisation_gets_404_for_versions(name, version_in, client_for, make_staff, other_organisation):
    version = version_in(VersionStatus.DRAFT)
    outsider = make_staff(Role.CONTENT_DESIGNER, organisation=other_organisation)
    client = client_for(Role.CONTENT_DESIGNER, user=outsider)
    assert client.get(reverse(f"templates_app:{name}", args=[version.template_id, version.id])).status_code == 404


@pytest.mark.parametrize("name", ["template-detail", "version-compare"])
def test_other_organisation_gets_404_for_templates(name, version_in, client_for, make_staff, other_organisation):
    version = version_in(VersionStatus.DRAFT)
    outsider = make_staff(Role.CONTENT_DESIGNER, organisation=other_organisation)
    client = client_for(Role.CONTENT_DESIGNER, user=outsider)
    assert client.get(reverse(f"templates_app:{name}", args=[version.template_id])).status_code == 404


def test_version_of_another_template_is_404(version_in, designer_client):
    one = version_in(VersionStatus.DRAFT)
    two = version_in(VersionStatus.DRAFT, name="Another")
    assert (
        designer_client.get(reverse("templates_app:version-detail", args=[one.template_id, two.id])).status_code == 404
    )
