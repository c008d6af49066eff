"""Hazards at clinical sign-off: chosen from the log, raised, recorded, audited, shown."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from notifyadmin.accounts.roles import Role
from notifyadmin.safety.models import RaisedHazard, SignOffHazard
from notifyadmin.safety.services import RaisedHazardInput
from templates_app import services
from templates_app.models import TemplateVersion, VersionStatus


def sign_off(actor, version, **overrides):
    arguments = {
        "content_hash": version.content_hash,
        "declaration_confirmed": True,
        "hazard_ids": ("HAZ-001",),
        "authenticated_at": timezone.now(),
    }
    arguments.update(overrides)
    return services.version_sign_off(actor=actor, version=version, **arguments)


@pytest.mark.hazard("HAZ-006")
def test_sign_off_records_the_hazards_considered_and_audits_them(version_in, as_cso):
    # Given a version awaiting sign-off, When a CSO signs it off considering HAZ-011 and HAZ-001
    version = sign_off(as_cso, version_in(VersionStatus.CONTENT_APPROVED), hazard_ids=("HAZ-011", "HAZ-001"))
    # Then each hazard is recorded against the sign-off review, with its title as it read then
    review = version.reviews.get(stage="clinical")
    assert list(SignOffHazard.objects.filter(review=review).values_list("hazard_id", "hazard_title")) == [
        ("HAZ-001", "A message is sent to the wrong patient"),
        ("HAZ-011", "A test message reaches a real patient"),
    ]
    # And audited
    event = AuditEvent.objects.get(action="safety.hazards.considered", target_id=str(review.id))
    assert event.details == {"hazard_ids": ["HAZ-001", "HAZ-011"]}
    assert not RaisedHazard.objects.exists()


def test_sign_off_raises_a_new_hazard_as_open_and_audits_it(version_in, as_cso):
    raised = RaisedHazardInput("Clinic moved", "The template names the old site", "The patient goes to the wrong site")
    version = sign_off(as_cso, version_in(VersionStatus.CONTENT_APPROVED), raised=raised)
    hazard = RaisedHazard.objects.get()
    assert (hazard.reference, hazard.title, hazard.review.version_id) == ("APP-001", "Clinic moved", version.id)
    event = AuditEvent.objects.get(action="safety.hazard.raised")
    assert (event.target_id, event.details["title"]) == ("APP-001", "Clinic moved")


def test_a_half_raised_hazard_refuses_the_sign_off_and_writes_nothing(version_in, as_cso):
    version = version_in(VersionStatus.CONTENT_APPROVED)
    with pytest.raises(services.ContentInvalid) as invalid:
        sign_off(as_cso, version, raised=RaisedHazardInput("Clinic moved", "", ""))
    assert invalid.value.errors == {
        "raised_cause": ["Enter the cause of the hazard you are raising"],
        "raised_effect": ["Enter the effect on the patient of the hazard you are raising"],
    }
    assert TemplateVersion.objects.get(pk=version.pk).status == VersionStatus.CONTENT_APPROVED
    assert not SignOffHazard.objects.exists() and not RaisedHazard.objects.exists()


def test_the_version_page_shows_the_hazards_considered_at_sign_off(version_in, as_cso, client_for):
    version = sign_off(as_cso, version_in(VersionStatus.CONTENT_APPROVED), hazard_ids=("HAZ-001", "HAZ-012"))
    client = client_for(Role.AUDITOR)
    page = client.get(reverse("templates_app:version-detail", args=[version.template_id, version.id])).content.decode()
    assert (
        "Hazards considered at sign-off: HAZ-001 A message is sent to the wrong patient, "
        "HAZ-012 An outage of NHS Notify goes unnoticed"
    ) in page


def test_the_sign_off_form_offers_the_log_as_checkboxes_and_shows_an_empty_choice_at_the_field(
    version_in, client_for, cso
):
    version = version_in(VersionStatus.CONTENT_APPROVED)
    client = client_for(Role.CLINICAL_SAFETY_OFFICER, user=cso)
    session = client.session
    session["auth_time"] = int(timezone.now().timestamp())
    session.save()
    url = reverse("templates_app:version-sign-off", args=[version.template_id, version.id])
    page = client.get(url).content.decode()
    assert page.count('name="hazards" type="checkbox"') == 15
    assert '<label class="nhsuk-label nhsuk-checkboxes__label" for="hazard-HAZ-007">HAZ-007 A campaign' in page
    refused = client.post(url, {"content_hash": version.content_hash, "decision": "sign_off", "declaration": "on"})
    assert refused.status_code == 400
    body = refused.content.decode()
    assert re.search(r'<a href="#id_hazards"\s*>\s*Choose the hazards you considered\s*</a>', body)
    assert 'id="id_hazards"' in body
