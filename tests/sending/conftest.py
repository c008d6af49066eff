"""Fixtures for the send pipeline: outbox rows made directly (in bulk), so these tests exercise
the pipeline's own rules and stay independent of how patients and templates are authored."""

import datetime as dt
import uuid
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone

from notifyadmin.accounts.models import Organisation
from notifyadmin.accounts.roles import Role
from notifyadmin.core.actor import Actor
from notifyadmin.sending.models import Message, MessageEvent, MessageSource
from notifyadmin.sending.services import MessageRequest, messages_create
from notifyadmin.sending.status import MessageStatus
from preferences.models import ContactPoint, Patient
from templates_app import services as template_services
from templates_app.models import MessageTemplate, TemplateVersion, VersionStatus
from tests.preferences.factories import add_contact, make_patient
from tests.templates_app.conftest import contents

FREE_TEXT_NHSAPP_PLAN = uuid.UUID("00000000-0000-0000-0000-000000000001")
FREE_TEXT_NHSAPP = str(FREE_TEXT_NHSAPP_PLAN)


def published_template(
    organisation: Organisation, owner: Any, name: str, schema: list[dict[str, Any]] | None = None
) -> MessageTemplate:
    """A template with a published version 1.0 (no content), made directly: for tests of the
    pipeline's own rules, on NHS Notify's free-text NHS App plan, sendable at any time."""
    template = MessageTemplate.objects.create(
        organisation=organisation,
        name=name,
        purpose="appointments",
        owner=owner,
        routing_plan_id=FREE_TEXT_NHSAPP_PLAN,
        channels=["nhsapp", "sms"],
        send_any_time=True,
        sensitivity="urgent",
    )
    version = TemplateVersion.objects.create(
        organisation=organisation,
        template=template,
        author=owner,
        major=1,
        minor=0,
        status=VersionStatus.DRAFT,
        channels=["nhsapp", "sms"],
        personalisation_schema=schema or [],
    )
    TemplateVersion.objects.filter(pk=version.pk).update(status=VersionStatus.PUBLISHED)
    MessageTemplate.objects.filter(pk=template.pk).update(published_version=version)
    template.refresh_from_db()
    return template


@pytest.fixture
def published_version(organisation: Organisation, make_staff) -> TemplateVersion:
    template = published_template(organisation, make_staff(), "Appointment reminder")
    return TemplateVersion.objects.get(pk=template.published_version_id)


@pytest.fixture
def patient(organisation: Organisation) -> Patient:
    return Patient.objects.create(
        organisation=organisation,
        nhs_number="9990548609",
        nhs_number_hash="hash-9990548609",
        given_name="Test",
        family_name="Patient",
    )


@pytest.fixture
def make_messages(published_version, patient) -> Callable[..., list[Message]]:
    """make_messages(n, status=MessageStatus.QUEUED, send_after=...): rows in the outbox."""

    def make(count: int, *, status: str = MessageStatus.QUEUED, send_after: dt.datetime | None = None) -> list[Message]:
        now = timezone.now()
        messages = [
            Message(
                organisation_id=patient.organisation_id,
                patient=patient,
                template_id=published_version.template_id,
                template_version=published_version,
                category="appointments",
                routing_plan_id=FREE_TEXT_NHSAPP_PLAN,
                channels=["nhsapp", "sms"],
                send_after=send_after or now - dt.timedelta(seconds=1),
                source=MessageSource.EVENT,
                status=status,
                status_changed_at=now,
                created_at=now,
            )
            for _ in range(count)
        ]
        Message.objects.bulk_create(messages)
        return messages

    return make


def statuses(messages) -> dict[str, int]:
    counts: dict[str, int] = {}
    for status in Message.objects.filter(id__in=[m.id for m in messages]).values_list("status", flat=True):
        counts[status] = counts.get(status, 0) + 1
    return counts


def events_of(message) -> list[tuple[str, str]]:
    return list(MessageEvent.objects.filter(message_id=message.id).order_by("id").values_list("from_status", "status"))


# --- Real templates and patients, for the tests over HTTP against the sandbox ---


@pytest.fixture
def published(make_staff, organisation):
    """A template published through the real workflow, sent on the free-text NHS App plan."""
    people = {
        role: Actor.staff(user=make_staff(role), role=role, organisation=organisation)
        for role in (Role.CONTENT_DESIGNER, Role.CLINICAL_SAFETY_OFFICER)
    }
    designer, cso = people[Role.CONTENT_DESIGNER], people[Role.CLINICAL_SAFETY_OFFICER]
    reviewer = Actor.staff(
        user=make_staff(Role.CONTENT_DESIGNER), role=Role.CONTENT_DESIGNER, organisation=organisation
    )
    template = template_services.template_create(
        actor=designer,
        name="Appointment reminder",
        purpose="appointments",
        sensitivity="urgent",
        is_critical=True,
        send_any_time=True,
        send_window_start=None,
        send_window_end=None,
        routing_plan_id=FREE_TEXT_NHSAPP,
        channels=["nhsapp", "sms"],
    )
    version = template.versions.get()
    schema = [
        {
            "name": "appointment_date",
            "type": "date",
            "max_length": 10,
            "personal_data": "low",
            "sample_value": "2026-12-01",
        }
    ]
    template_services.version_draft_save(
        actor=designer,
        version=version,
        lock_version=version.lock_version,
        channels=["nhsapp", "sms"],
        schema=schema,
        contents=contents(),
    )
    version = template_services.version_submit(actor=designer, version=version)
    version = template_services.version_content_approve(
        actor=reviewer, version=version, content_hash=version.content_hash
    )
    version = template_services.version_sign_off(
        actor=cso,
        version=version,
        content_hash=version.content_hash,
        declaration_confirmed=True,
        hazard_ids=("HAZ-001",),
        authenticated_at=timezone.now(),
    )
    template_services.version_publish(actor=designer, version=version)
    return TemplateVersion.objects.select_related("template").get(pk=version.pk)


def patients_with_contacts(organisation, numbers):
    patients = []
    for number in numbers:
        patient = make_patient(organisation=organisation, nhs_number=number)
        add_contact(patient, ContactPoint.Kind.NHSAPP, "enabled")
        add_contact(patient, ContactPoint.Kind.MOBILE, "07400 000001")
        patients.append(patient)
    return patients


def create_manual(published, patients, make_staff, organisation):
    desk = Actor.staff(user=make_staff(Role.SERVICE_DESK), role=Role.SERVICE_DESK, organisation=organisation)
    requests = [
        MessageRequest(patient=p, version=published, personalisation={"appointment_date": "2026-12-01"})
        for p in patients
    ]
    return messages_create(actor=desk, requests=requests, source=MessageSource.MANUAL, reason="Corrected letter")
