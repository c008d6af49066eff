"""A draft to test, the organisation's single-channel routing plans, and people who send tests."""

import uuid

from django.conf import settings

from notifyadmin.accounts.roles import Role
from notifyadmin.core.actor import Actor
from notifyadmin.sending.self_tests import staff_test_contact_save
from templates_app.models import MessageTemplate, RoutingPlan, TemplateVersion, VersionContent, VersionStatus
from tests.sending.patient_factories import SCHEMA

# The local sandbox's free-text plans (notifyadmin/sandboxes/nhs_notify/plans.py), one channel each.
SINGLE_CHANNEL_PLANS = {
    "nhsapp": "00000000-0000-0000-0000-000000000001",
    "email": "00000000-0000-0000-0000-000000000002",
    "sms": "00000000-0000-0000-0000-000000000003",
}
VALUES = {"clinic": "Eye clinic", "appointment_date": "2026-12-21"}


def single_channel_plans(organisation, channels=("nhsapp", "sms", "email")) -> None:
    for channel in channels:
        RoutingPlan.objects.create(
            organisation=organisation,
            name=f"{channel} only",
            plan_id=uuid.UUID(SINGLE_CHANNEL_PLANS[channel]),
            channels=[channel],
            environment=settings.NOTIFY_ENVIRONMENT,
        )


def draft_reminder(*, organisation, owner, channels=("nhsapp", "sms", "email"), welsh=False) -> TemplateVersion:
    """A template "Clinic reminder" never published, whose draft has content for `channels`."""
    template = MessageTemplate.objects.create(
        organisation=organisation,
        name="Clinic reminder",
        purpose="appointments",
        owner=owner,
        # The template's own plan cascades through several channels; a test uses one alone.
        routing_plan_id=uuid.UUID("b838b13c-f98c-4def-93f0-515d4e4f4ee1"),
        channels=list(channels),
    )
    version = TemplateVersion.objects.create(
        organisation=organisation,
        template=template,
        author=owner,
        status=VersionStatus.DRAFT,
        channels=list(channels),
        personalisation_schema=SCHEMA,
    )
    bodies = {
        "nhsapp": "Your {{ clinic }} visit is on {{ appointment_date }}.",
        "sms": "{{ clinic }} on {{ appointment_date }}.",
        "email": "Your {{ clinic }} appointment is on {{ appointment_date }}.",
        "letter": "Dear patient, your {{ clinic }} appointment is on {{ appointment_date }}.",
    }
    for channel in channels:
        VersionContent.objects.create(
            version=version,
            channel=channel,
            subject="Your appointment" if channel == "email" else "",
            body=bodies[channel],
        )
        if welsh:
            VersionContent.objects.create(
                version=version,
                channel=channel,
                language="cy",
                body="Eich apwyntiad {{ clinic }}: {{ appointment_date }}.",
            )
    return version


def staff_who_tests(make_staff, organisation, role=Role.CONTENT_DESIGNER, *, contact=True, **fields) -> Actor:
    user = make_staff(role, organisation=organisation, **fields)
    actor = Actor.staff(user=user, role=role, organisation=organisation, sign_in_session_id="session-1")
    if contact:
        staff_test_contact_save(
            actor=actor, nhs_number="999 054 8609", mobile="07400 000001", email="delivered@example.com"
        )
    return actor
