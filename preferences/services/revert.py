"""Revert: make a patient's preferences and settings what they were at a point in the timeline,
as a NEW change with its own reason. History is never rewritten. Contact details are not
reverted (an old phone number may since have passed to someone else); change those one by one."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction

from notifyadmin.accounts.roles import Permission
from notifyadmin.core.actor import Actor
from preferences.models import Patient, Preference
from preferences.selectors.history import PatientHistory, patient_history
from preferences.services._common import (
    NothingChanged,
    PreferenceError,
    audit_patient,
    bump_lock,
    change_for,
    require_patient,
    save_with_change,
)
from preferences.services.grid import check_critical


def patient_revert(
    *,
    actor: Actor,
    patient: Patient,
    to: datetime,
    expected_lock_version: int | None,
    source: str,
    reason: str,
    history: PatientHistory | None = None,
) -> Patient:
    """Refuses: a point before the patient existed; a stale lock_version; a revert that changes
    nothing; a result that would close every channel of a critical category. `history` is the
    patient's history if the caller has read it already (the revert page has; the past does not
    change, so it need not be read again under the lock)."""
    require_patient(actor, patient, Permission.PREFERENCE_CHANGE)
    change = change_for(actor=actor, source=source, reason=reason)
    state = (history or patient_history(patient=patient)).state_at(to)
    if state is None:
        raise PreferenceError("The patient's record did not exist at that point")
    with transaction.atomic():
        bump_lock(patient, expected_lock_version)
        stored = {(p.category, p.channel): p for p in Preference.objects.select_for_update().filter(patient=patient)}
        changed = [
            key for key, pref in stored.items() if key in state.preferences and pref.allowed != state.preferences[key]
        ]
        fields = [name for name in state.patient_fields if getattr(patient, name) != state.patient_fields[name]]
        if not changed and not fields:
            raise NothingChanged("The patient's preferences are already as they were at that point")
        for key in changed:
            stored[key].allowed = state.preferences[key]
        check_critical(patient, {key: pref.allowed for key, pref in stored.items()})
        for key in changed:
            save_with_change(stored[key], change)
        for name in fields:
            setattr(patient, name, state.patient_fields[name])
        if fields:
            save_with_change(patient, change)
        audit_patient(
            actor=actor,
            action="patient.reverted",
            patient_id=patient.id,
            reason=change.reason,
            details={
                "to": to.isoformat(),
                "cells_changed": len(changed),
                "patient_fields": fields,
                "source": change.source,
            },
        )
    return patient
