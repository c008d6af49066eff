"""What every preferences service shares: its errors, the reason-and-source check, the actor's
permission and organisation check, and the optimistic lock on the patient."""

from __future__ import annotations

from typing import Any

from django.db.models import F

from audit.services import audit_record
from notifyadmin.accounts.roles import Permission
from notifyadmin.core.actor import Actor
from notifyadmin.core.errors import DomainError
from preferences.history import Change, set_change_meta
from preferences.limits import REASON_MAX_LENGTH
from preferences.models import ChangeSource, Patient


class PreferenceError(DomainError, ValueError):
    """A change refused for a reason a person can act on. The message never holds identifiers."""


class ReasonRequired(PreferenceError):
    field = "reason"


class StaleChange(PreferenceError):
    pass


class CriticalCategoryClosed(PreferenceError):
    pass


class NothingChanged(PreferenceError):
    pass


STALE_MESSAGE = (
    "Someone else changed this patient's details since you opened this page. Your changes have not "
    "been saved and are kept below: check the timeline for the other change, then save again."
)


def text_limit(value: str, *, limit: int, field: str, what: str) -> str:
    """Refuse (never cut) a text longer than its limit in preferences.limits."""
    if len(value) > limit:
        raise PreferenceError(f"{what} must be {limit} characters or fewer", field=field)
    return value


def change_for(*, actor: Actor, source: str, reason: str) -> Change:
    """The change's who/how/why, refused without a known source or a reason."""
    if source not in ChangeSource.values:
        raise ReasonRequired("Select how this change reached us", field="source")
    reason = (reason or "").strip()
    if not reason:
        raise ReasonRequired("Enter the reason for this change")
    text_limit(reason, limit=REASON_MAX_LENGTH, field="reason", what="The reason")
    return Change(actor=actor, source=source, reason=reason)


def require_patient(actor: Actor, patient: Patient, permission: Permission) -> None:
    """The actor may do `permission`, to a patient of its own organisation (else NotFound)."""
    actor.require(permission)
    actor.require_organisation(patient)


def bump_lock(patient: Patient, expected_lock_version: int | None) -> None:
    """Compare-and-set on lock_version: refuse when someone else changed the patient meanwhile.
    The UPDATE also holds the patient's row lock until the transaction ends, so a change that
    reads the grid after this call reads it under the lock."""
    rows = Patient.objects.filter(pk=patient.pk)
    if expected_lock_version is not None:
        rows = rows.filter(lock_version=expected_lock_version)
    if rows.update(lock_version=F("lock_version") + 1) != 1:
        raise StaleChange(STALE_MESSAGE)
    # Read the row again under the lock: a caller without an expected version (an API change,
    # a STOP) must decide on what is stored now, not on what it loaded earlier.
    patient.refresh_from_db()


def save_with_change(instance: Any, change: Change) -> None:
    set_change_meta(instance, change)
    instance.save()


def audit_patient(
    *,
    actor: Actor,
    action: str,
    patient_id: Any,
    reason: str,
    details: dict[str, Any] | None = None,
    contact_point_id: Any = None,
) -> None:
    """The audit event of an action on a patient (or on one of its contact points)."""
    audit_record(
        actor=actor,
        action=action,
        target_type="contact_point" if contact_point_id else "patient",
        target_id=str(contact_point_id or patient_id or ""),
        patient_ref=str(patient_id or ""),
        reason=reason,
        details=details,
    )
