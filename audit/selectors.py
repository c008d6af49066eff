"""Reads of the audit trail, scoped to the organisations the reader belongs to."""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db.models import QuerySet

from audit.models import AuditEvent, AuditVerification
from notifyadmin.accounts.models import Organisation, RoleAssignment

LONDON = ZoneInfo("Europe/London")


@dataclass(frozen=True)
class AuditFilter:
    """Filters an auditor can apply. Dates are whole days in Europe/London, both inclusive."""

    organisations: tuple[Organisation, ...]
    actor_id: str | None = None
    action: str | None = None
    patient_ref: str | None = None
    date_from: date | None = None
    date_to: date | None = None


@dataclass(frozen=True)
class StaffChoice:
    user_id: str
    label: str


def _london_midnight(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=LONDON)


def audit_events_filtered(*, filters: AuditFilter) -> QuerySet[AuditEvent]:
    events = AuditEvent.objects.filter(organisation__in=filters.organisations)
    if filters.actor_id:
        events = events.filter(actor_id=filters.actor_id)  # type: ignore[misc]
    if filters.action:
        events = events.filter(action=filters.action)
    if filters.patient_ref:
        events = events.filter(patient_ref=filters.patient_ref)
    if filters.date_from:
        events = events.filter(occurred_at__gte=_london_midnight(filters.date_from))
    if filters.date_to:
        events = events.filter(occurred_at__lt=_london_midnight(filters.date_to + timedelta(days=1)))
    return events.select_related("organisation", "seal").order_by("-sequence")


def audit_events_for_export(*, filters: AuditFilter) -> Iterator[AuditEvent]:
    """Streamed in insert order, in chunks, so an export of millions of events stays small in memory."""
    return audit_events_filtered(filters=filters).order_by("sequence").iterator(chunk_size=2000)


def audit_staff_choices(*, organisations: list[Organisation]) -> list[StaffChoice]:
    """Staff of the auditor's organisations for the filter, each with their roles and
    organisation, so two people with one name are told apart: "Alex Smith, Auditor, Northfield
    Teaching Hospitals NHS Foundation Trust (RX1)"."""
    assignments = (
        RoleAssignment.objects.filter(organisation__in=organisations)
        .select_related("user", "organisation")
        .order_by("user__last_name", "user__first_name", "user__id", "organisation__name", "role")
    )
    grouped: dict[str, tuple[str, dict[str, list[str]]]] = {}
    for assignment in assignments:
        user = assignment.user
        name, by_organisation = grouped.setdefault(str(user.pk), (user.display_name, {}))
        where = f"{assignment.organisation.name} ({assignment.organisation.ods_code})"
        by_organisation.setdefault(where, []).append(assignment.get_role_display())
    choices = []
    for user_id, (name, by_organisation) in grouped.items():
        places = "; ".join(f"{' and '.join(roles)}, {where}" for where, roles in by_organisation.items())
        choices.append(StaffChoice(user_id=user_id, label=f"{name}, {places}"))
    return choices


def audit_verifications_recent(*, limit: int = 20) -> list[AuditVerification]:
    return list(AuditVerification.objects.order_by("-requested_at")[:limit])
