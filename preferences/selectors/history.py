"""The history of a patient: the timeline of changes, the state at a point in time and the
comparison of two points. All of it comes from django-simple-history, read ONCE per page:
`patient_history(patient=...)` loads the three history tables (three queries) and answers every
question about them from memory."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from typing import Any

from notifyadmin.core.channels import CHANNEL_SHORT_LABELS
from preferences.models import AccessibleFormat, Category, ChangeSource, ContactPoint, Patient, Preference
from preferences.selectors.patients import contact_mask

REVERTIBLE_PATIENT_FIELDS = ("preferred_name", "language", "accessible_formats", "no_non_essential", "channel_order")
PATIENT_FIELD_LABELS = {
    "given_name": "Given name",
    "family_name": "Family name",
    "preferred_name": "Preferred name",
    "language": "Language",
    "accessible_formats": "Accessible formats",
    "no_non_essential": "No non-essential messages",
    "channel_order": "Channel order",
}
CHANNEL_LABELS = CHANNEL_SHORT_LABELS
CATEGORY_LABELS = dict(Category.choices)
SOURCE_LABELS = dict(ChangeSource.choices)


def _display(name: str, value: Any) -> str:
    if name == "accessible_formats":
        labels = dict(AccessibleFormat.choices)
        return ", ".join(str(labels.get(v, v)) for v in value) or "None"
    if name == "channel_order":
        return ", ".join(str(CHANNEL_LABELS.get(v, v)) for v in value)
    if isinstance(value, bool):
        return "Yes" if value else "No"
    return str(value) if value not in (None, "") else "Not set"


def _describe(kind: str, row: Any, previous: Any) -> list[str]:
    if kind == "preference":
        label = f"{CATEGORY_LABELS.get(row.category, row.category)} by {CHANNEL_LABELS.get(row.channel, row.channel)}"
        state = "allowed" if row.allowed else "not allowed"
        if previous is None:
            return [f"{label}: {state} (default)"]
        if previous.allowed != row.allowed:
            return [f"{label}: {'allowed' if previous.allowed else 'not allowed'} → {state}"]
        return []
    if kind == "contact":
        label = ContactPoint.Kind(row.kind).label
        masked = contact_mask(row.kind, row.value)
        if previous is None:
            return [f"{label} added: {masked} ({row.status}, from {row.source.replace('_', ' ')})"]
        items = []
        if previous.value != row.value:
            items.append(f"{label} changed to {masked}")
        if previous.status != row.status:
            items.append(f"{label} {masked}: {previous.status} → {row.status}")
        return items
    if previous is None:
        return ["Patient record created"]
    return [
        f"{PATIENT_FIELD_LABELS[name]}: {_display(name, getattr(previous, name))} → "
        f"{_display(name, getattr(row, name))}"
        for name in PATIENT_FIELD_LABELS
        if getattr(previous, name) != getattr(row, name)
    ]


@dataclass
class TimelineEntry:
    change_id: str
    at: datetime
    who: str
    role: str
    system: str
    source: str
    reason: str
    items: list[str] = field(default_factory=list)


@dataclass
class PatientState:
    at: datetime
    patient_fields: dict[str, Any]
    preferences: dict[tuple[str, str], bool]
    contacts: dict[str, tuple[str, str]]  # contact point id -> (masked value, status)


@dataclass
class Difference:
    what: str
    earlier: str
    later: str


def patient_compare(*, earlier: PatientState, later: PatientState) -> list[Difference]:
    differences = []
    for name in REVERTIBLE_PATIENT_FIELDS:
        before, after = earlier.patient_fields.get(name), later.patient_fields.get(name)
        if before != after:
            differences.append(Difference(PATIENT_FIELD_LABELS[name], _display(name, before), _display(name, after)))
    for key in sorted(set(earlier.preferences) | set(later.preferences)):
        before_pref, after_pref = earlier.preferences.get(key), later.preferences.get(key)
        if before_pref != after_pref:
            differences.append(
                Difference(
                    f"{CATEGORY_LABELS.get(key[0], key[0])} by {CHANNEL_LABELS.get(key[1], key[1])}",
                    _allowed(before_pref),
                    _allowed(after_pref),
                )
            )
    for point_id in sorted(set(earlier.contacts) | set(later.contacts)):
        before_c, after_c = earlier.contacts.get(point_id), later.contacts.get(point_id)
        if before_c != after_c:
            label = (after_c or before_c or ("Contact detail", ""))[0]
            differences.append(
                Difference(
                    label, before_c[1] if before_c else "Not recorded", after_c[1] if after_c else "Not recorded"
                )
            )
    return differences


def _allowed(value: bool | None) -> str:
    return "Not recorded" if value is None else ("Allowed" if value else "Not allowed")


def parse_change_id(value: str) -> str | None:
    try:
        return str(uuid.UUID(value))
    except (ValueError, TypeError, AttributeError):
        return None


class PatientHistory:
    """Every historical row of a patient, its contact points and preferences, read once (three
    queries), oldest first; the timeline, points and states are computed from them."""

    def __init__(self, patient: Patient) -> None:
        self.patient = patient

    @cached_property
    def rows(self) -> list[tuple[str, Any]]:
        patient = self.patient
        rows: list[tuple[str, Any]] = [
            ("patient", r) for r in Patient.history.filter(id=patient.id).select_related("history_user")
        ]
        rows += [
            ("contact", r) for r in ContactPoint.history.filter(patient_id=patient.id).select_related("history_user")
        ]
        rows += [
            ("preference", r) for r in Preference.history.filter(patient_id=patient.id).select_related("history_user")
        ]
        rows.sort(key=lambda pair: (pair[1].history_date, pair[1].history_id))
        return rows

    @cached_property
    def timeline(self) -> list[TimelineEntry]:
        """Every change, one entry per change (rows written by one service call share a change
        id), newest first."""
        last: dict[tuple[str, Any], Any] = {}
        entries: dict[str, TimelineEntry] = {}
        for kind, row in self.rows:
            key = (kind, row.id)
            items = _describe(kind, row, last.get(key))
            last[key] = row
            change_id = str(row.change_id or f"row-{kind}-{row.history_id}")
            entry = entries.get(change_id)
            if entry is None:
                user = row.history_user
                entry = entries[change_id] = TimelineEntry(
                    change_id=change_id,
                    at=row.history_date,
                    who=user.display_name if user else "",
                    role=row.changed_by_role.replace("_", " ").capitalize(),
                    system=row.changed_by_system,
                    source=str(SOURCE_LABELS.get(row.change_source, row.change_source or "Not recorded")),
                    reason=row.history_change_reason or "",
                )
            entry.at = max(entry.at, row.history_date)
            entry.items.extend(items)
        for entry in entries.values():
            if len(entry.items) > 8 and all("(default)" in item for item in entry.items[1:]):
                entry.items = [entry.items[0], "Preferences set to the organisation's defaults"]
        return sorted(entries.values(), key=lambda e: e.at, reverse=True)

    def point(self, change_id: str | None) -> datetime | None:
        """The moment just after a change: the latest row it wrote. None for an unknown id."""
        for entry in self.timeline:
            if change_id and entry.change_id == change_id:
                return entry.at
        return None

    @property
    def latest(self) -> datetime | None:
        return self.timeline[0].at if self.timeline else None

    def state_at(self, at: datetime) -> PatientState | None:
        """The patient's settings, preferences and contact points as they were at `at`; None
        before the record existed."""
        latest: dict[tuple[str, Any], Any] = {}
        for kind, row in self.rows:
            if row.history_date <= at:
                latest[(kind, row.id)] = row
        patient_row = latest.get(("patient", self.patient.id))
        if patient_row is None or patient_row.history_type == "-":
            return None
        return PatientState(
            at=at,
            patient_fields={name: getattr(patient_row, name) for name in REVERTIBLE_PATIENT_FIELDS},
            preferences={
                (r.category, r.channel): r.allowed
                for (k, _), r in latest.items()
                if k == "preference" and r.history_type != "-"
            },
            contacts={
                str(r.id): (f"{ContactPoint.Kind(r.kind).label}: {contact_mask(r.kind, r.value)}", r.status)
                for (k, _), r in latest.items()
                if k == "contact" and r.history_type != "-"
            },
        )


def patient_history(*, patient: Patient) -> PatientHistory:
    return PatientHistory(patient)


def patient_timeline(*, patient: Patient) -> list[TimelineEntry]:
    """Every change, newest first (reads the history; on a page, use one patient_history)."""
    return patient_history(patient=patient).timeline


def timeline_point(*, patient: Patient, change_id: str) -> datetime | None:
    return patient_history(patient=patient).point(change_id)


def patient_state_at(*, patient: Patient, at: datetime) -> PatientState | None:
    return patient_history(patient=patient).state_at(at)
