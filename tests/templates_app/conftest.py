"""Fixtures for template governance: people in each role, audit contexts, versions in each state."""

import datetime as dt
import uuid
from collections.abc import Callable

import pytest
from django.utils import timezone

from notifyadmin.accounts.models import Organisation, StaffUser
from notifyadmin.accounts.roles import Role
from notifyadmin.core.actor import Actor
from templates_app import services
from templates_app.models import MessageTemplate, TemplateVersion, VersionStatus

SCHEMA = [
    {
        "name": "appointment_date",
        "type": "date",
        "max_length": 10,
        "personal_data": "low",
        "sample_value": "2026-03-27",
    },
]
BODY = "Your appointment is on {{ appointment_date }}. Call the clinic if you cannot come."
SMS_BODY = "Your appointment is on {{ appointment_date }}."


def ctx(user: StaffUser, role: Role, organisation: Organisation) -> Actor:
    return Actor.staff(user=user, role=role, organisation=organisation)


def contents(body: str = BODY, sms: str = SMS_BODY) -> list[dict[str, str]]:
    return [
        {"channel": "nhsapp", "language": "en", "subject": "", "body": body},
        {"channel": "sms", "language": "en", "subject": "", "body": sms},
    ]


@pytest.fixture
def designer(make_staff) -> StaffUser:
    return make_staff(Role.CONTENT_DESIGNER, username="designer", first_name="Priya", last_name="Shah")


@pytest.fixture
def designer2(make_staff) -> StaffUser:
    return make_staff(Role.CONTENT_DESIGNER, username="designer2", first_name="Tom", last_name="Okafor")


@pytest.fixture
def cso(make_staff) -> StaffUser:
    return make_staff(Role.CLINICAL_SAFETY_OFFICER, username="cso", first_name="Helen", last_name="Marsh")


@pytest.fixture
def as_designer(designer, organisation) -> Actor:
    return ctx(designer, Role.CONTENT_DESIGNER, organisation)


@pytest.fixture
def as_designer2(designer2, organisation) -> Actor:
    return ctx(designer2, Role.CONTENT_DESIGNER, organisation)


@pytest.fixture
def as_cso(cso, organisation) -> Actor:
    return ctx(cso, Role.CLINICAL_SAFETY_OFFICER, organisation)


def new_template(actor: Actor, name: str = "Appointment booked") -> MessageTemplate:
    return services.template_create(
        actor=actor,
        name=name,
        purpose="appointments",
        sensitivity="routine",
        is_critical=False,
        send_any_time=False,
        send_window_start=dt.time(8),
        send_window_end=dt.time(20),
        routing_plan_id=uuid.uuid4(),
        channels=["nhsapp", "sms"],
    )


def version_brought_to(
    status: VersionStatus,
    *,
    as_designer: Actor,
    as_designer2: Actor,
    as_cso: Actor,
    name: str = "Appointment booked",
) -> TemplateVersion:
    """A version of a new template written by `as_designer`, reviewed by `as_designer2` and
    signed off by `as_cso` as far as `status` needs."""
    template = new_template(as_designer, name)
    version = template.versions.get()
    services.version_draft_save(
        actor=as_designer,
        version=version,
        lock_version=version.lock_version,
        channels=["nhsapp", "sms"],
        schema=SCHEMA,
        contents=contents(),
    )
    if status == VersionStatus.DRAFT:
        return TemplateVersion.objects.get(pk=version.pk)
    version = services.version_submit(actor=as_designer, version=version)
    if status == VersionStatus.WITHDRAWN:
        return services.version_withdraw(actor=as_designer, version=version)
    if status == VersionStatus.CHANGES_REQUESTED:
        services.version_changes_request(
            actor=as_designer2, version=version, content_hash=version.content_hash, comments="Shorter"
        )
        return TemplateVersion.objects.get(pk=version.pk)
    if status == VersionStatus.SUBMITTED:
        return version
    version = services.version_content_approve(actor=as_designer2, version=version, content_hash=version.content_hash)
    if status == VersionStatus.CONTENT_APPROVED:
        return version
    version = services.version_sign_off(
        actor=as_cso,
        version=version,
        content_hash=version.content_hash,
        declaration_confirmed=True,
        hazard_ids=("HAZ-001",),
        authenticated_at=timezone.now(),
    )
    if status == VersionStatus.SIGNED_OFF:
        return version
    version = services.version_publish(actor=as_designer, version=version)
    if status == VersionStatus.PUBLISHED:
        return version
    if status == VersionStatus.RETIRED:
        return services.version_retire(actor=as_designer, version=version)
    if status == VersionStatus.SUPERSEDED:
        draft = services.version_draft_create(actor=as_designer, template=version.template)
        draft = services.version_submit(actor=as_designer, version=draft)
        draft = services.version_content_approve(actor=as_designer2, version=draft, content_hash=draft.content_hash)
        draft = services.version_sign_off(
            actor=as_cso,
            version=draft,
            content_hash=draft.content_hash,
            declaration_confirmed=True,
            hazard_ids=("HAZ-001",),
            authenticated_at=timezone.now(),
        )
        services.version_publish(actor=as_designer, version=draft)
        return TemplateVersion.objects.get(pk=version.pk)
    raise AssertionError(status)


@pytest.fixture
def version_in(as_designer, as_designer2, as_cso) -> Callable[..., TemplateVersion]:
    """version_in(VersionStatus.X): a version of a new template brought to that state."""

    def make(status: VersionStatus, name: str = "Appointment booked") -> TemplateVersion:
        return version_brought_to(status, as_designer=as_designer, as_designer2=as_designer2, as_cso=as_cso, name=name)

    return make


@pytest.fixture
def routing_plan(organisation):
    """A routing plan of the organisation in the running environment (NHS App, then SMS)."""
    from django.conf import settings

    from templates_app.models import RoutingPlan

    return RoutingPlan.objects.create(
        organisation=organisation,
        name="NHS App, then text message",
        plan_id=uuid.UUID("00000000-0000-0000-0000-000000000006"),
        channels=["nhsapp", "sms"],
        environment=settings.NOTIFY_ENVIRONMENT,
    )
