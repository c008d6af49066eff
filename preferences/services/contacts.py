"""Contact points: add one, change its status. Values are normalised by preferences.identifiers
(the one input policy for pages and API); every change bumps the patient's lock version, is
recorded in the history with its source and reason, and is audited."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from notifyadmin.accounts.roles import Permission
from notifyadmin.core.actor import Actor
from preferences.history import Change
from preferences.identifiers import (
    InvalidContactDetail,
    email_normalise,
    lookup_hash,
    mobile_normalise,
    postal_address_normalise,
)
from preferences.limits import VERIFIED_HOW_MAX_LENGTH
from preferences.models import ContactPoint, Patient
from preferences.services._common import (
    NothingChanged,
    PreferenceError,
    audit_patient,
    bump_lock,
    change_for,
    require_patient,
    save_with_change,
    text_limit,
)


def contact_normalise(kind: str, value: str) -> tuple[str, str]:
    """The stored value and look-up hash of a contact detail, or InvalidContactDetail."""
    if kind == ContactPoint.Kind.MOBILE:
        normalised = mobile_normalise(value)
        return normalised, lookup_hash(kind=kind, normalised=normalised)
    if kind == ContactPoint.Kind.EMAIL:
        normalised = email_normalise(value)
        return normalised, lookup_hash(kind=kind, normalised=normalised)
    if kind == ContactPoint.Kind.POSTAL_ADDRESS:
        return postal_address_normalise(value), ""
    if kind == ContactPoint.Kind.NHSAPP:
        return "enabled", ""
    raise InvalidContactDetail("Select the kind of contact detail")


def _check_status(status: str) -> None:
    if status not in ContactPoint.Status.values:
        raise PreferenceError("Select a status from the list", field="status")


def add_contact_point(
    *, change: Change, patient: Patient, kind: str, value: str, source: str, status: str, verified_how: str
) -> ContactPoint:
    """Write and audit a new contact point (the caller checked the actor and holds the lock)."""
    normalised, hashed = contact_normalise(kind, value)
    if source not in ContactPoint.Source.values:
        raise PreferenceError("Select where this contact detail came from", field="contact_source")
    _check_status(status)
    verified_how = text_limit(
        verified_how.strip(), limit=VERIFIED_HOW_MAX_LENGTH, field="verified_how", what="How it was verified"
    )
    point = ContactPoint(patient=patient, kind=kind, value=normalised, lookup_hash=hashed, source=source, status=status)
    if status == ContactPoint.Status.VERIFIED:
        point.verified_at, point.verified_how = change.at or timezone.now(), verified_how or "Confirmed by patient"
    save_with_change(point, change)
    audit_patient(
        actor=change.actor,
        action="contact_point.changed",
        patient_id=patient.id,
        contact_point_id=point.id,
        reason=change.reason,
        details={"kind": kind, "change": "added", "status": status, "source": change.source},
    )
    return point


def change_contact_status(*, change: Change, contact_point: ContactPoint, status: str, verified_how: str) -> bool:
    """Write and audit a new status; False (and nothing written) when it already has it."""
    _check_status(status)
    verified_how = text_limit(
        verified_how.strip(), limit=VERIFIED_HOW_MAX_LENGTH, field="verified_how", what="How it was verified"
    )
    if status == contact_point.status:
        return False
    contact_point.status = status
    if status == ContactPoint.Status.VERIFIED:
        contact_point.verified_at = change.at or timezone.now()
        contact_point.verified_how = verified_how or change.reason[:VERIFIED_HOW_MAX_LENGTH]
    save_with_change(contact_point, change)
    audit_patient(
        actor=change.actor,
        action="contact_point.changed",
        patient_id=contact_point.patient_id,
        contact_point_id=contact_point.id,
        reason=change.reason,
        details={"kind": contact_point.kind, "change": "status", "status": status, "source": change.source},
    )
    return True


def contact_point_add(
    *,
    actor: Actor,
    patient: Patient,
    kind: str,
    value: str,
    contact_source: str,
    source: str,
    reason: str,
    expected_lock_version: int | None = None,
    status: str = ContactPoint.Status.UNVERIFIED,
    verified_how: str = "",
) -> ContactPoint:
    """Add a contact point. `contact_source` is where the detail came from (the patient, another
    system...); `source` and `reason` are how and why this change reached us."""
    require_patient(actor, patient, Permission.PREFERENCE_CHANGE)
    change = change_for(actor=actor, source=source, reason=reason)
    contact_normalise(kind, value)  # refuse bad input before taking the lock
    with transaction.atomic():
        bump_lock(patient, expected_lock_version)
        return add_contact_point(
            change=change,
            patient=patient,
            kind=kind,
            value=value,
            source=contact_source,
            status=status,
            verified_how=verified_how,
        )


def contact_point_status_change(
    *,
    actor: Actor,
    contact_point: ContactPoint,
    status: str,
    source: str,
    reason: str,
    expected_lock_version: int | None = None,
    verified_how: str = "",
) -> ContactPoint:
    """Mark a contact point verified, unverified, bounced or invalid. Refuses the status it has."""
    require_patient(actor, contact_point.patient, Permission.PREFERENCE_CHANGE)
    change = change_for(actor=actor, source=source, reason=reason)
    _check_status(status)
    with transaction.atomic():
        bump_lock(contact_point.patient, expected_lock_version)
        if not change_contact_status(
            change=change, contact_point=contact_point, status=status, verified_how=verified_how
        ):
            raise NothingChanged("The contact detail already has this status")
    return contact_point
