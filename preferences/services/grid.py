"""The preference grid (category × channel), the "no non-essential messages" switch, the channel
order, and opt-outs ("STOP").

Rules enforced here, whoever calls (page, API client, task):
- the actor holds PREFERENCE_CHANGE and the patient is of its organisation;
- a change has a source and a reason, and is refused when stale (lock_version);
- the last open channel of a critical category cannot be closed;
- a request that restates values as they are together with real changes applies the real
  changes; only a request that changes nothing at all is refused;
- the grid is read after the patient's row is locked, so two changes never decide on the same
  stale grid;
- all or nothing: one transaction, one change id, one audit event per patient.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from django.db import transaction

from notifyadmin.accounts.roles import Permission
from notifyadmin.core.actor import Actor
from notifyadmin.core.channels import Channel
from preferences.history import Change
from preferences.identifiers import lookup_hash, mobile_normalise
from preferences.models import ContactPoint, Patient, Preference
from preferences.policies import category_policies
from preferences.services._common import (
    CriticalCategoryClosed,
    NothingChanged,
    PreferenceError,
    audit_patient,
    bump_lock,
    change_for,
    require_patient,
    save_with_change,
)
from preferences.services.contacts import add_contact_point, change_contact_status, contact_normalise


@dataclass(frozen=True)
class ContactChange:
    """A contact-point part of a combined change: a new point (`kind`, `value`) or a new status
    for an existing one (`contact_point_id`, `status`)."""

    contact_source: str = ContactPoint.Source.OTHER_SYSTEM
    kind: str = ""
    value: str = ""
    contact_point_id: str = ""
    status: str = ""
    verified_how: str = ""


def check_critical(patient: Patient, grid: Mapping[tuple[str, str], bool]) -> None:
    for policy in category_policies(organisation=patient.organisation).values():
        if policy.is_critical and not any(grid.get((policy.category, channel)) for channel in Channel.values):
            raise CriticalCategoryClosed(
                f"{policy.label} is a critical category: at least one channel must stay open so that the "
                f"patient still receives {policy.label.lower()} messages. Keep at least one channel selected."
            )


def _check_cells(patient: Patient, cells: Mapping[tuple[str, str], bool]) -> None:
    categories = category_policies(organisation=patient.organisation)
    for category, channel in cells:
        if channel not in Channel.values or category not in categories:
            raise PreferenceError("Choose categories and channels from the list")


def _check_channel_order(order: list[str]) -> list[str]:
    if sorted(order) != sorted(Channel.values):
        raise PreferenceError("The channel order must list each channel once", field="channel_order")
    return list(order)


def _apply_grid(
    *,
    change: Change,
    patient: Patient,
    cells: Mapping[tuple[str, str], bool],
    no_non_essential: bool | None,
    channel_order: list[str] | None,
) -> tuple[dict[tuple[str, str], bool], list[str]]:
    """Write the cells and patient fields that differ from what is stored (the caller holds the
    patient's lock). Returns the changed cells and patient fields; writes nothing if none."""
    stored = {(p.category, p.channel): p for p in Preference.objects.select_for_update().filter(patient=patient)}
    grid = {key: pref.allowed for key, pref in stored.items()}
    changed_cells = {key: value for key, value in cells.items() if grid.get(key) != value}
    grid.update(changed_cells)
    check_critical(patient, grid)
    patient_fields = []
    if no_non_essential is not None and no_non_essential != patient.no_non_essential:
        patient.no_non_essential = no_non_essential
        patient_fields.append("no_non_essential")
    if channel_order is not None and channel_order != patient.channel_order:
        patient.channel_order = channel_order
        patient_fields.append("channel_order")
    for (category, channel), allowed in changed_cells.items():
        pref = stored.get((category, channel)) or Preference(patient=patient, category=category, channel=channel)
        pref.allowed = allowed
        save_with_change(pref, change)
    if patient_fields:
        save_with_change(patient, change)
    return changed_cells, patient_fields


def _audit_grid(
    change: Change,
    patient: Patient,
    action: str,
    changed_cells: Mapping[tuple[str, str], bool],
    patient_fields: list[str],
) -> None:
    audit_patient(
        actor=change.actor,
        action=action,
        patient_id=patient.id,
        reason=change.reason,
        details={
            "source": change.source,
            "cells": [{"category": c, "channel": ch, "allowed": a} for (c, ch), a in sorted(changed_cells.items())],
            "patient_fields": patient_fields,
        },
    )


def patient_change(
    *,
    actor: Actor,
    patient: Patient,
    expected_lock_version: int | None,
    source: str,
    reason: str,
    cells: Mapping[tuple[str, str], bool] | None = None,
    no_non_essential: bool | None = None,
    channel_order: list[str] | None = None,
    contact: ContactChange | None = None,
    audit_action: str = "preference.changed",
) -> Patient:
    """Apply any of: cells of the grid, the no-non-essential switch, the channel order, and one
    contact-point change, as ONE change (one lock bump, one change id). What restates the stored
    value is ignored; refused with NothingChanged only when nothing at all changes."""
    require_patient(actor, patient, Permission.PREFERENCE_CHANGE)
    change = change_for(actor=actor, source=source, reason=reason)
    cells = dict(cells or {})
    _check_cells(patient, cells)
    if channel_order is not None:
        channel_order = _check_channel_order(channel_order)
    if contact is not None and not contact.contact_point_id:
        contact_normalise(contact.kind, contact.value)  # refuse bad input before taking the lock
    with transaction.atomic():
        bump_lock(patient, expected_lock_version)
        changed_cells, patient_fields = _apply_grid(
            change=change, patient=patient, cells=cells, no_non_essential=no_non_essential, channel_order=channel_order
        )
        if changed_cells or patient_fields:
            _audit_grid(change, patient, audit_action, changed_cells, patient_fields)
        contact_changed = contact is not None and _apply_contact(change, patient, contact)
        if not changed_cells and not patient_fields and not contact_changed:
            raise NothingChanged("You have not changed anything")
    return patient


def _apply_contact(change: Change, patient: Patient, contact: ContactChange) -> bool:
    if contact.contact_point_id:
        point = ContactPoint.objects.filter(patient=patient, id=contact.contact_point_id).first()
        if point is None:
            raise PreferenceError("Choose one of this patient's contact details", field="contact_point")
        return change_contact_status(
            change=change, contact_point=point, status=contact.status, verified_how=contact.verified_how
        )
    add_contact_point(
        change=change,
        patient=patient,
        kind=contact.kind,
        value=contact.value,
        source=contact.contact_source,
        status=contact.status or ContactPoint.Status.UNVERIFIED,
        verified_how=contact.verified_how,
    )
    return True


def preferences_change(
    *,
    actor: Actor,
    patient: Patient,
    expected_lock_version: int | None,
    cells: Mapping[tuple[str, str], bool],
    source: str,
    reason: str,
    no_non_essential: bool | None = None,
    channel_order: list[str] | None = None,
    audit_action: str = "preference.changed",
) -> Patient:
    """Set some cells of the grid (and optionally the no-non-essential switch and channel order).
    Refuses: no reason or source; a stale lock_version; closing the last channel of a critical
    category; nothing changed. All or nothing."""
    return patient_change(
        actor=actor,
        patient=patient,
        expected_lock_version=expected_lock_version,
        source=source,
        reason=reason,
        cells=cells,
        no_non_essential=no_non_essential,
        channel_order=channel_order,
        audit_action=audit_action,
    )


class _AlreadyOptedOut(Exception):
    def __init__(self, kept_open: list[str]) -> None:
        super().__init__("already opted out")
        self.kept_open = kept_open


def _opt_out(change: Change, patient: Patient, channel: str) -> list[str]:
    """Lock the patient, then close `channel` for every category, keeping a critical category
    open where it is the last open channel. Returns those kept open. An opt-out already in place
    writes nothing, not even the lock version (its savepoint is rolled back)."""
    try:
        with transaction.atomic():
            bump_lock(patient, None)
            kept_open = _close_channel(change, patient, channel)
    except _AlreadyOptedOut as already:
        return already.kept_open
    return kept_open


def _close_channel(change: Change, patient: Patient, channel: str) -> list[str]:
    grid = {(p.category, p.channel): p.allowed for p in Preference.objects.select_for_update().filter(patient=patient)}
    kept_open, cells = [], {}
    for policy in category_policies(organisation=patient.organisation).values():
        others_open = any(grid.get((policy.category, other)) for other in Channel.values if other != channel)
        if policy.is_critical and grid.get((policy.category, channel)) and not others_open:
            kept_open.append(policy.category)
        else:
            cells[(policy.category, channel)] = False
    changed_cells, _ = _apply_grid(
        change=change, patient=patient, cells=cells, no_non_essential=None, channel_order=None
    )
    if not changed_cells:
        raise _AlreadyOptedOut(kept_open)
    _audit_grid(change, patient, "preference.opt_out.recorded", changed_cells, [])
    return kept_open


def opt_out_record(*, actor: Actor, patient: Patient, channel: str, source: str, reason: str) -> list[str]:
    """A "STOP" for one channel: close it for every category, except a critical category where it
    is the last open channel (the critical-category rule wins; those categories are returned so
    the caller can follow up). Recording an opt-out already in place writes nothing."""
    require_patient(actor, patient, Permission.PREFERENCE_CHANGE)
    if channel not in Channel.values:
        raise PreferenceError("Choose a channel from the list", field="channel")
    change = change_for(actor=actor, source=source, reason=reason)
    return _opt_out(change, patient, channel)


def opt_out_by_mobile(
    *, actor: Actor, mobile: str, source: str, reason: str, channel: str = Channel.SMS
) -> dict[Patient, list[str]]:
    """A STOP from a mobile number: opt out EVERY patient of the actor's organisation with that
    number (a family may share one phone), each under its own lock, all in one transaction.
    Returns each patient with the critical categories kept open. None found: an empty dict."""
    actor.require(Permission.PREFERENCE_CHANGE)
    if channel not in Channel.values:
        raise PreferenceError("Choose a channel from the list", field="channel")
    normalised = mobile_normalise(mobile)
    change = change_for(actor=actor, source=source, reason=reason)
    patients = list(
        Patient.objects.filter(
            organisation=actor.acting_organisation,
            contact_points__kind=ContactPoint.Kind.MOBILE,
            contact_points__lookup_hash=lookup_hash(kind=ContactPoint.Kind.MOBILE, normalised=normalised),
        )
        .distinct()
        .order_by("id")  # one lock order for every caller: no deadlock between two STOPs
        .select_related("organisation")
    )
    results = {}
    with transaction.atomic():
        for patient in patients:
            results[patient] = _opt_out(change, patient, channel)
    return results
