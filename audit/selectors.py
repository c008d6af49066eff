"""Reads of the audit trail, scoped to the organisations the reader belongs to."""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db.models import QuerySet

from audit.models import AuditEvent
from notifyadmin.accounts.models import Organisation

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
    return events.select_related("organisation").order_by("-sequence")


def audit_events_for_export(*, filters: AuditFilter) -> Iterator[AuditEvent]:
    """Streamed in chain order, in chunks, so an export of millions of events stays small in memory."""
    return audit_events_filtered(filters=filters).order_by("sequence").iterator(chunk_size=2000)
