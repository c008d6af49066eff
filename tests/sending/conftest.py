"""Fixtures for the send pipeline: outbox rows made directly (in bulk), so these tests exercise
the pipeline's own rules and stay independent of how patients and templates are authored."""

import datetime as dt
import uuid
from collections.abc import Callable

import pytest
from django.utils import timezone

from notifyadmin.accounts.models import Organisation
from notifyadmin.sending.models import Message, MessageEvent, MessageSource
from notifyadmin.sending.status import MessageStatus
from preferences.models import Patient
from templates_app.models import MessageTemplate, TemplateVersion, VersionStatus

FREE_TEXT_NHSAPP_PLAN = uuid.UUID("00000000-0000-0000-0000-000000000001")


@pytest.fixture
def published_version(organisation: Organisation, make_staff) -> TemplateVersion:
    owner = make_staff()
    template = MessageTemplate.objects.create(
        organisation=organisation,
        name="Appointment reminder",
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
    )
    TemplateVersion.objects.filter(pk=version.pk).update(status=VersionStatus.PUBLISHED)
    MessageTemplate.objects.filter(pk=template.pk).update(published_version=version)
    version.refresh_from_db()
    return version


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
