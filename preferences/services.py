"""Changes to patients, their contact points and preferences. One function per change; each
validates, writes, records history (who, role, source, reason) and its audit event in one
transaction. Reads live in selectors.py."""

import contextlib
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from django.db import transaction
from django.db.models import F
from django.http import HttpRequest
from django.utils import timezone

from audit.services import audit_record
from notifyadmin.core.actor import Actor
from preferences.history import ChangeMeta, set_change_meta
from preferences.identifiers import (
    InvalidContactDetail,
    email_normalise,
    lookup_hash,
    mobile_normalise,
)
from preferences.models import AccessibleFormat, ChangeSource, Channel, ContactPoint, Patient, Preference
from preferences.nhs_number import nhs_number_normalise
from preferences.policies import DEFAULT_CHANNEL_ORDER, category_policies


class PreferenceError(ValueError):
    """A change refused for a reason a person can act on. The message never holds identifiers."""

    field = ""


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


def change_meta_from_request(request: HttpRequest, *, source: str, reason: str) -> ChangeMeta:
    return ChangeMeta(source=source, reason=reason.strip(), user=request.user, role=request.active_role or "")  # type: ignore[attr-defined]


def _check_meta(meta: ChangeMeta) -> None:
    if meta.source not in ChangeSource.values:
        raise ReasonRequired("Select how this change reached us")
    if not meta.reason.strip():
        raise ReasonRequired("Enter the reason for this change")


def _bump_lock(patient: Patient, expected_lock_version: int | None) -> None:
    """Compare-and-set on lock_version: refuse when someone else changed the patient meanwhile."""
    rows = Patient.objects.filter(pk=patient.pk)
    if expected_lock_version is not None:
        rows = rows.filter(lock_version=expected_lock_version)
    if rows.update(lock_version=F("lock_version") + 1) != 1:
        raise StaleChange(STALE_MESSAGE)
    patient.refresh_from_db(fields=["lock_version"])


def _save(instance: Any, meta: ChangeMeta) -> None:
    set_change_meta(instance, meta)
    instance.save()


# --- Patients -------------------------------------------------------------------------------


def patient_create(
    *,
    organisation: Any,
    nhs_number: str,
    given_name: str,
    family_name: str,
    meta: ChangeMeta,
    preferred_name: str = "",
    language: str = "en",
    accessible_formats: Iterable[str] = (),
) -> Patient:
    """Create a patient with the full preference grid at the organisation's defaults."""
    _check_meta(meta)
    digits = nhs_number_normalise(nhs_number)
    formats = sorted(set(accessible_formats))
    if not set(formats) <= set(AccessibleFormat.values):
        raise PreferenceError("Select accessible formats from the list")
    with transaction.atomic():
        patient = Patient(
            organisation=organisation,
            nhs_number=digits,
            nhs_number_hash=lookup_hash(kind="nhs_number", normalised=digits),
            given_name=given_name,
            family_name=family_name,
            preferred_name=preferred_name,
            language=language,
            accessible_formats=formats,
            channel_order=list(DEFAULT_CHANNEL_ORDER),
        )
        _save(patient, meta)
        for policy in category_policies(organisation=organisation).values():
            for channel in Channel:
                _save(
                    Preference(
                        patient=patient,
                        category=policy.category,
                        channel=channel.value,
                        allowed=policy.default_for(channel.value),
                    ),
                    meta,
                )
    return patient


def patient_details_change(
    *,
    patient: Patient,
    expected_lock_version: int | None,
    meta: ChangeMeta,
    actor: Actor,
    preferred_name: str | None = None,
    language: str | None = None,
    accessible_formats: Iterable[str] | None = None,
) -> Patient:
    _check_meta(meta)
    changed: list[str] = []
    with transaction.atomic():
        _bump_lock(patient, expected_lock_version)
        if preferred_name is not None and preferred_name != patient.preferred_name:
            patient.preferred_name, changed = preferred_name, [*changed, "preferred_name"]
        if language is not None and language != patient.language:
            patient.language, changed = language, [*changed, "language"]
        if accessible_formats is not None:
            formats = sorted(set(accessible_formats))
            if not set(formats) <= set(AccessibleFormat.values):
                raise PreferenceError("Select accessible formats from the list")
            if formats != patient.accessible_formats:
                patient.accessible_formats, changed = formats, [*changed, "accessible_formats"]
        if not changed:
            raise NothingChanged("You have not changed anything")
        _save(patient, meta)
        audit_record(
            actor=actor,
            action="patient.details.changed",
            target_type="patient",
            target_id=str(patient.id),
            patient_ref=str(patient.id),
            reason=meta.reason,
            details={"fields": changed, "source": meta.source},
        )
    return patient


# --- Finding and viewing --------------------------------------------------------------------

SEARCH_KINDS = ("nhs_number", "mobile", "email")


def patient_find(*, organisation: Any, search_by: str, value: str, reason: str, actor: Actor) -> Patient | None:
    """Find one patient of the organisation by exact NHS number, mobile or email, and audit the
    search with its reason (found or not). Raises InvalidNhsNumber/InvalidContactDetail for
    malformed input, before anything is searched. Never looks outside the organisation."""
    if not reason.strip():
        raise ReasonRequired("Select or enter the reason you need to find this patient")
    if search_by == "nhs_number":
        digits = nhs_number_normalise(value)
        found = Patient.objects.filter(
            organisation=organisation, nhs_number_hash=lookup_hash(kind="nhs_number", normalised=digits)
        ).first()
    elif search_by in ("mobile", "email"):
        normalised = mobile_normalise(value) if search_by == "mobile" else email_normalise(value)
        found = (
            Patient.objects.filter(
                organisation=organisation,
                contact_points__kind=search_by,
                contact_points__lookup_hash=lookup_hash(kind=search_by, normalised=normalised),
            )
            .distinct()
            .first()
        )
    else:
        raise InvalidContactDetail("Select what to search by")
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="patient.searched",
            target_type="patient",
            target_id=str(found.id) if found else "",
            patient_ref=str(found.id) if found else "",
            reason=reason.strip(),
            details={"search_by": search_by, "found": found is not None},
        )
    return found


def patient_view_record(*, patient: Patient, reason: str, actor: Actor) -> None:
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="patient.viewed",
            target_type="patient",
            target_id=str(patient.id),
            patient_ref=str(patient.id),
            reason=reason,
        )


def contact_reveal(*, contact_point: ContactPoint, reason: str, actor: Actor) -> str:
    """Return the unmasked value, recording who saw it and why."""
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="patient.contact.revealed",
            target_type="contact_point",
            target_id=str(contact_point.id),
            patient_ref=str(contact_point.patient_id),
            reason=reason,
            details={"kind": contact_point.kind},
        )
    return contact_point.value


# --- Preferences ----------------------------------------------------------------------------


def _check_critical(patient: Patient, grid: Mapping[tuple[str, str], bool]) -> None:
    for policy in category_policies(organisation=patient.organisation).values():
        if policy.is_critical and not any(grid.get((policy.category, channel.value)) for channel in Channel):
            raise CriticalCategoryClosed(
                f"{policy.label} is a critical category: at least one channel must stay open so that the "
                f"patient still receives {policy.label.lower()} messages. Keep at least one channel selected."
            )


def _check_channel_order(order: list[str]) -> list[str]:
    if sorted(order) != sorted(Channel.values):
        raise PreferenceError("The channel order must list each channel once")
    return list(order)


def preferences_change(
    *,
    patient: Patient,
    expected_lock_version: int | None,
    cells: Mapping[tuple[str, str], bool],
    meta: ChangeMeta,
    actor: Actor,
    no_non_essential: bool | None = None,
    channel_order: list[str] | None = None,
    audit_action: str = "preference.changed",
) -> Patient:
    """Set some cells of the grid (and optionally the no-non-essential switch and channel order).
    Refuses: no reason or source; a stale lock_version; closing the last channel of a critical
    category; nothing changed. All or nothing."""
    _check_meta(meta)
    for category, channel in cells:
        if channel not in Channel.values or category not in category_policies(organisation=patient.organisation):
            raise PreferenceError("Choose categories and channels from the list")
    with transaction.atomic():
        _bump_lock(patient, expected_lock_version)
        stored = {(p.category, p.channel): p for p in Preference.objects.select_for_update().filter(patient=patient)}
        grid = {key: pref.allowed for key, pref in stored.items()}
        changed_cells = {key: value for key, value in cells.items() if grid.get(key) != value}
        grid.update(changed_cells)
        _check_critical(patient, grid)
        patient_fields = []
        if no_non_essential is not None and no_non_essential != patient.no_non_essential:
            patient.no_non_essential = no_non_essential
            patient_fields.append("no_non_essential")
        if channel_order is not None and _check_channel_order(channel_order) != patient.channel_order:
            patient.channel_order = channel_order
            patient_fields.append("channel_order")
        if not changed_cells and not patient_fields:
            raise NothingChanged("You have not changed anything")
        for (category, channel), allowed in changed_cells.items():
            pref = stored.get((category, channel)) or Preference(patient=patient, category=category, channel=channel)
            pref.allowed = allowed
            _save(pref, meta)
        if patient_fields:
            _save(patient, meta)
        audit_record(
            actor=actor,
            action=audit_action,
            target_type="patient",
            target_id=str(patient.id),
            patient_ref=str(patient.id),
            reason=meta.reason,
            details={
                "source": meta.source,
                "cells": [{"category": c, "channel": ch, "allowed": a} for (c, ch), a in sorted(changed_cells.items())],
                "patient_fields": patient_fields,
            },
        )
    return patient


def opt_out_record(*, patient: Patient, channel: str, meta: ChangeMeta, actor: Actor) -> list[str]:
    """A "STOP" for one channel: close it for every category, except a critical category where it
    is the last open channel (the critical-category rule wins; those categories are returned so
    the caller can follow up)."""
    if channel not in Channel.values:
        raise PreferenceError("Choose a channel from the list")
    kept_open = []
    cells = {}
    with transaction.atomic():
        grid = {(p.category, p.channel): p.allowed for p in Preference.objects.filter(patient=patient)}
        for policy in category_policies(organisation=patient.organisation).values():
            others_open = any(grid.get((policy.category, other)) for other in Channel.values if other != channel)
            if policy.is_critical and grid.get((policy.category, channel)) and not others_open:
                kept_open.append(policy.category)
            else:
                cells[(policy.category, channel)] = False
        # Already opted out: recording it again changes nothing.
        with contextlib.suppress(NothingChanged):
            preferences_change(
                patient=patient,
                expected_lock_version=None,
                cells=cells,
                meta=meta,
                actor=actor,
                audit_action="preference.opt_out.recorded",
            )  # Already opted out: recording it again changes nothing.
    return kept_open


# --- Contact points -------------------------------------------------------------------------


def _normalise_contact(kind: str, value: str) -> tuple[str, str]:
    if kind == ContactPoint.Kind.MOBILE:
        normalised = mobile_normalise(value)
        return normalised, lookup_hash(kind=kind, normalised=normalised)
    if kind == ContactPoint.Kind.EMAIL:
        normalised = email_normalise(value)
        return normalised, lookup_hash(kind=kind, normalised=normalised)
    if kind == ContactPoint.Kind.POSTAL_ADDRESS:
        lines = [line.strip() for line in (value or "").splitlines() if line.strip()]
        if len(lines) < 2:
            raise InvalidContactDetail("Enter the postal address on at least two lines, ending with the postcode")
        return "\n".join(lines), ""
    if kind == ContactPoint.Kind.NHSAPP:
        return "enabled", ""
    raise InvalidContactDetail("Select the kind of contact detail")


def contact_point_add(
    *,
    patient: Patient,
    kind: str,
    value: str,
    source: str,
    meta: ChangeMeta,
    actor: Actor,
    expected_lock_version: int | None = None,
    status: str = ContactPoint.Status.UNVERIFIED,
    verified_how: str = "",
) -> ContactPoint:
    _check_meta(meta)
    normalised, hashed = _normalise_contact(kind, value)
    if source not in ContactPoint.Source.values:
        raise PreferenceError("Select where this contact detail came from")
    with transaction.atomic():
        _bump_lock(patient, expected_lock_version)
        point = ContactPoint(
            patient=patient, kind=kind, value=normalised, lookup_hash=hashed, source=source, status=status
        )
        if status == ContactPoint.Status.VERIFIED:
            point.verified_at, point.verified_how = meta.at or timezone.now(), verified_how or "Confirmed by patient"
        _save(point, meta)
        audit_record(
            actor=actor,
            action="contact_point.changed",
            target_type="contact_point",
            target_id=str(point.id),
            patient_ref=str(patient.id),
            reason=meta.reason,
            details={"kind": kind, "change": "added", "status": status, "source": meta.source},
        )
    return point


def contact_point_status_change(
    *,
    contact_point: ContactPoint,
    status: str,
    meta: ChangeMeta,
    actor: Actor,
    expected_lock_version: int | None = None,
    verified_how: str = "",
) -> ContactPoint:
    _check_meta(meta)
    if status not in ContactPoint.Status.values:
        raise PreferenceError("Select a status from the list")
    if status == contact_point.status:
        raise NothingChanged("The contact detail already has this status")
    with transaction.atomic():
        _bump_lock(contact_point.patient, expected_lock_version)
        contact_point.status = status
        if status == ContactPoint.Status.VERIFIED:
            contact_point.verified_at = meta.at or timezone.now()
            contact_point.verified_how = verified_how or meta.reason
        _save(contact_point, meta)
        audit_record(
            actor=actor,
            action="contact_point.changed",
            target_type="contact_point",
            target_id=str(contact_point.id),
            patient_ref=str(contact_point.patient_id),
            reason=meta.reason,
            details={"kind": contact_point.kind, "change": "status", "status": status, "source": meta.source},
        )
    return contact_point


# --- Revert ---------------------------------------------------------------------------------


def patient_revert(
    *,
    patient: Patient,
    to: datetime,
    expected_lock_version: int | None,
    meta: ChangeMeta,
    actor: Actor,
) -> Patient:
    """Make the patient's preferences and settings what they were at `to`, as a NEW change with
    its own reason: history is never rewritten. Contact details are not reverted (an old phone
    number may since have passed to someone else); change those one by one."""
    from preferences.selectors import patient_state_at

    _check_meta(meta)
    state = patient_state_at(patient=patient, at=to)
    if state is None:
        raise PreferenceError("The patient's record did not exist at that point")
    with transaction.atomic():
        _bump_lock(patient, expected_lock_version)
        stored = {(p.category, p.channel): p for p in Preference.objects.select_for_update().filter(patient=patient)}
        changed = [
            key for key, pref in stored.items() if key in state.preferences and pref.allowed != state.preferences[key]
        ]
        fields = [name for name in state.patient_fields if getattr(patient, name) != state.patient_fields[name]]
        if not changed and not fields:
            raise NothingChanged("The patient's preferences are already as they were at that point")
        for key in changed:
            stored[key].allowed = state.preferences[key]
            _save(stored[key], meta)
        for name in fields:
            setattr(patient, name, state.patient_fields[name])
        if fields:
            _save(patient, meta)
        _check_critical(patient, {key: pref.allowed for key, pref in stored.items()})
        audit_record(
            actor=actor,
            action="patient.reverted",
            target_type="patient",
            target_id=str(patient.id),
            patient_ref=str(patient.id),
            reason=meta.reason,
            details={
                "to": to.isoformat(),
                "cells_changed": len(changed),
                "patient_fields": fields,
                "source": meta.source,
            },
        )
    return patient
