"""A published template to send to patients in the service desk's page tests."""

import uuid

from templates_app.models import MessageTemplate, TemplateVersion, VersionContent, VersionStatus

PLAN = uuid.UUID("00000000-0000-0000-0000-000000000001")
SCHEMA = [
    {"name": "clinic", "type": "text", "max_length": 20, "personal_data": "low", "sample_value": "Eye clinic"},
    {
        "name": "appointment_date",
        "type": "date",
        "max_length": 10,
        "personal_data": "low",
        "sample_value": "2026-12-01",
    },
]


def published_reminder(*, organisation, owner) -> TemplateVersion:
    """A published template "Appointment reminder" 1.2 (NHS App and SMS) with a clinic and a date."""
    template = MessageTemplate.objects.create(
        organisation=organisation,
        name="Appointment reminder",
        purpose="appointments",
        owner=owner,
        routing_plan_id=PLAN,
        channels=["nhsapp", "sms"],
        send_any_time=True,
    )
    version = TemplateVersion.objects.create(
        organisation=organisation,
        template=template,
        author=owner,
        major=1,
        minor=2,
        status=VersionStatus.DRAFT,
        channels=["nhsapp", "sms"],
        personalisation_schema=SCHEMA,
    )
    VersionContent.objects.create(
        version=version, channel="nhsapp", body="Your {{ clinic }} visit is on {{ appointment_date }}."
    )
    VersionContent.objects.create(version=version, channel="sms", body="{{ clinic }} on {{ appointment_date }}.")
    TemplateVersion.objects.filter(pk=version.pk).update(status=VersionStatus.PUBLISHED, content_hash="h" * 64)
    MessageTemplate.objects.filter(pk=template.pk).update(published_version=version)
    version.refresh_from_db()
    return version
