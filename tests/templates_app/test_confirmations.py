"""Publishing and retiring ask first: the page says the effect, needs a reason, records it."""

import html
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from notifyadmin.accounts.roles import Role
from templates_app import services
from templates_app.models import TemplateVersion, VersionStatus

pytestmark = pytest.mark.django_db


def effect_of(page: str) -> list[str]:
    block = re.search(r'<ul class="nhsuk-list nhsuk-list--bullet" id="effect">(.*?)</ul>', page, re.S)
    assert block, "no effect list on the page"
    return [html.unescape(item) for item in re.findall(r"<li>(.*?)</li>", block.group(1))]


def reason_error(page: str) -> str:
    match = re.search(
        r'<span class="nhsuk-error-message" id="id_reason--error-message">\s*(.*?)</span>\s*</span>', page, re.S
    )
    if match is None:
        match = re.search(r'id="id_reason-error"[^>]*>(.*?)</span>\s*</span>', page, re.S)
    assert match, "no error at the reason field"
    return " ".join(html.unescape(re.sub(r"<[^>]+>", "", match.group(1))).split())


def url(name, version):
    return reverse(f"templates_app:version-{name}", args=[version.template_id, version.id])


@pytest.fixture
def designer_client(client_for, designer):
    return client_for(Role.CONTENT_DESIGNER, user=designer)


def signed_off_successor(published, as_designer, as_designer2, as_cso) -> TemplateVersion:
    draft = services.version_draft_create(actor=as_designer, template=published.template)
    draft = services.version_submit(actor=as_designer, version=draft)
    draft = services.version_content_approve(actor=as_designer2, version=draft, content_hash=draft.content_hash)
    return services.version_sign_off(
        actor=as_cso,
        version=draft,
        content_hash=draft.content_hash,
        declaration_confirmed=True,
        hazard_ids=("HAZ-001",),
        authenticated_at=timezone.now(),
    )


def test_version_page_links_to_the_publish_confirmation_instead_of_posting(version_in, designer_client):
    # Given a signed-off version, when its page is opened
    version = version_in(VersionStatus.SIGNED_OFF)
    page = designer_client.get(url("detail", version)).content.decode()
    # Then "Publish" is a link to the confirmation, not a form that publishes
    assert f'href="{url("publish", version)}" draggable="false">Publish version 1.0</a>' in page
    assert f'action="{url("publish", version)}"' not in page


def test_publish_confirmation_says_the_first_version_becomes_the_one_sent(version_in, designer_client):
    version = version_in(VersionStatus.SIGNED_OFF)
    response = designer_client.get(url("publish", version))
    page = response.content.decode()
    assert response.status_code == 200
    assert "<h1>Publish version 1.0?</h1>" in page
    assert re.search(r"<button[^>]*>\s*Publish version 1.0\s*</button>", page)
    assert effect_of(page) == [
        "Version 1.0 becomes the version every message created from “Appointment booked” is sent with.",
        "Messages can be created from this template from now on.",
    ]
    # And nothing has happened yet
    version.refresh_from_db()
    assert version.status == VersionStatus.SIGNED_OFF


def test_publish_confirmation_says_which_version_is_superseded(
    version_in, designer_client, as_designer, as_designer2, as_cso
):
    published = version_in(VersionStatus.PUBLISHED)
    successor = signed_off_successor(published, as_designer, as_designer2, as_cso)
    page = designer_client.get(url("publish", successor)).content.decode()
    assert effect_of(page) == [
        "Version 1.1 replaces version 1.0 for every message created from “Appointment booked” from now on.",
        "Version 1.0 is superseded: it can no longer be sent or published again.",
        "Messages already created keep the version they were created with.",
    ]


def test_publish_without_a_reason_is_refused_at_the_field(version_in, designer_client):
    version = version_in(VersionStatus.SIGNED_OFF)
    response = designer_client.post(url("publish", version), {"reason": "   "})
    assert response.status_code == 400
    assert "Enter the reason, for the audit trail" in response.content.decode()
    assert 'href="#id_reason"' in response.content.decode()
    version.refresh_from_db()
    assert version.status == VersionStatus.SIGNED_OFF
    assert not AuditEvent.objects.filter(action="template.version.published").exists()


def test_publish_with_a_reason_publishes_and_audits_the_reason(
    version_in, designer_client, as_designer, as_designer2, as_cso
):
    published = version_in(VersionStatus.PUBLISHED)
    successor = signed_off_successor(published, as_designer, as_designer2, as_cso)
    response = designer_client.post(url("publish", successor), {"reason": "CR-114: new clinic address"})
    assert response.status_code == 302
    assert response["Location"] == url("detail", successor)
    successor.refresh_from_db()
    published.refresh_from_db()
    assert successor.status == VersionStatus.PUBLISHED
    assert published.status == VersionStatus.SUPERSEDED
    event = AuditEvent.objects.get(action="template.version.published", target_id=str(successor.id))
    assert event.reason == "CR-114: new clinic address"
    superseded = AuditEvent.objects.get(action="template.version.superseded", target_id=str(published.id))
    assert superseded.reason == "CR-114: new clinic address"
    assert superseded.details["replaced_by"] == str(successor.id)


def test_retire_confirmation_says_which_messages_stop(version_in, designer_client):
    version = version_in(VersionStatus.PUBLISHED)
    page = designer_client.get(url("retire", version)).content.decode()
    assert "<h1>Retire version 1.0?</h1>" in page
    purpose = version.template.get_purpose_display()
    assert effect_of(page) == [
        f"{purpose} messages mapped to “Appointment booked” will stop sending.",
        "Messages already waiting to be sent are not sent, and no new message can be created from this "
        "template until another version is published.",
        "Version 1.0 cannot be published again: to send this wording again, start a new draft from it.",
    ]


def test_retire_without_a_reason_is_refused_and_with_one_retires_and_audits(version_in, designer_client):
    version = version_in(VersionStatus.PUBLISHED)
    refused = designer_client.post(url("retire", version), {"reason": ""})
    assert refused.status_code == 400
    assert "Enter the reason, for the audit trail" in refused.content.decode()
    version.refresh_from_db()
    assert version.status == VersionStatus.PUBLISHED

    done = designer_client.post(url("retire", version), {"reason": "Clinic closed"})
    assert done.status_code == 302
    version.refresh_from_db()
    assert version.status == VersionStatus.RETIRED
    assert version.template.published_version_id is None
    assert (
        AuditEvent.objects.get(action="template.version.retired", target_id=str(version.id)).reason == "Clinic closed"
    )


def test_confirmation_for_a_version_in_the_wrong_state_says_why_and_shows_no_form(version_in, designer_client):
    version = version_in(VersionStatus.SUBMITTED)
    response = designer_client.get(url("publish", version))
    page = response.content.decode()
    assert response.status_code == 200
    assert '<p id="refusal">You cannot publish this version when it is awaiting content review.</p>' in page
    assert "<textarea" not in page
    # And posting anyway changes nothing
    designer_client.post(url("publish", version), {"reason": "try"})
    version.refresh_from_db()
    assert version.status == VersionStatus.SUBMITTED


def test_a_clinical_safety_officer_may_not_open_the_publish_confirmation(version_in, client_for):
    version = version_in(VersionStatus.SIGNED_OFF)
    assert client_for(Role.CLINICAL_SAFETY_OFFICER).get(url("publish", version)).status_code == 403


def test_template_history_says_in_a_sentence_who_published(version_in, designer_client):
    # Given Priya Shah publishes through the page
    version = version_in(VersionStatus.SIGNED_OFF)
    designer_client.post(url("publish", version), {"reason": "Ready"})
    # Then the template's history says so in a sentence
    page = designer_client.get(reverse("templates_app:template-detail", args=[version.template_id])).content.decode()
    sentences = [html.unescape(s) for s in re.findall(r'<td class="nhsuk-table__cell app-history">(.*?)</td>', page)]
    assert "Priya Shah published version 1.0" in sentences[:2]  # with the template row it updated
    assert "Helen Marsh signed off version 1.0" in sentences
