"""Patients: create one (with its whole preference grid, in bulk), change their details, find one
and record who looked at them or revealed a contact detail.

Rules: every service checks the actor's permission and organisation itself (a task or a client
system meets the same rules as a page); a change needs a source and a reason; a patient of
another organisation does not exist (NotFound); finding, viewing and revealing are audited with
the reason given."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction

from notifyadmin.accounts.roles import Permission
from notifyadmin.core.actor import Actor
from notifyadmin.core.channels import DEFAULT_CHANNEL_ORDER, Channel, Language
from preferences.history import bulk_create_with_change
from preferences.identifiers import InvalidContactDetail, email_normalise, lookup_hash, mobile_normalise
from preferences.limits import NAME_MAX_LENGTH, REASON_MAX_LENGTH
from preferences.models import AccessibleFormat, ContactPoint, Patient, Preference
from preferences.nhs_number import nhs_number_normalise
from preferences.policies import category_policies
from preferences.services._common import (
    NothingChanged,
    PreferenceError,
    ReasonRequired,
    audit_patient,
    bump_lock,
    change_for,
    require_patient,
    save_with_change,
    text_limit,
)

SEARCH_KINDS = ("nhs_number", "mobile", "email")


def _formats(accessible_formats: Iterable[str]) -> list[str]:
    formats = sorted(set(accessible_formats))
    if not set(formats) <= set(AccessibleFormat.values):
        raise PreferenceError("Select accessible formats from the list", field="accessible_formats")
    return formats


def _language(language: str, *, current: str | None = None) -> str:
    """A language from the kernel's list; a value stored before the list existed stays valid."""
    if language not in Language.values and language != current:
        raise PreferenceError("Select the patient's language from the list", field="language")
    return language


def _name(value: str, field: str, what: str, *, required: bool) -> str:
    value = (value or "").strip()
    if required and not value:
        raise PreferenceError(f"Enter the patient's {what.lower()}", field=field)
    return text_limit(value, limit=NAME_MAX_LENGTH, field=field, what=what)


def patient_create(
    *,
    actor: Actor,
    nhs_number: str,
    given_name: str,
    family_name: str,
    source: str,
    reason: str,
    preferred_name: str = "",
    language: str = Language.ENGLISH,
    accessible_formats: Iterable[str] = (),
) -> Patient:
    """Create a patient of the actor's organisation with the full preference grid at the
    organisation's defaults. The grid and its history are written in bulk (two statements), each
    historical row with the change's who, source and reason; the creation is audited."""
    actor.require(Permission.PREFERENCE_CHANGE)
    organisation = actor.acting_organisation
    change = change_for(actor=actor, source=source, reason=reason)
    digits = nhs_number_normalise(nhs_number)
    patient = Patient(
        organisation=organisation,
        nhs_number=digits,
        nhs_number_hash=lookup_hash(kind="nhs_number", normalised=digits),
        given_name=_name(given_name, "given_name", "Given name", required=True),
        family_name=_name(family_name, "family_name", "Family name", required=True),
        preferred_name=_name(preferred_name, "preferred_name", "Preferred name", required=False),
        language=_language(language),
        accessible_formats=_formats(accessible_formats),
        channel_order=list(DEFAULT_CHANNEL_ORDER),
    )
    with transaction.atomic():
        save_with_change(patient, change)
        grid = [
            Preference(patient=patient, category=policy.category, channel=channel, allowed=policy.default_for(channel))
            for policy in category_policies(organisation=organisation).values()
            for channel in Channel.values
        ]
        bulk_create_with_change(grid, Preference, change)
        audit_patient(
            actor=actor,
            action="patient.created",
            patient_id=patient.id,
            reason=change.reason,
            details={"source": change.source, "preferences": len(grid)},
        )
    return patient


def patient_details_change(
    *,
    actor: Actor,
    patient: Patient,
    expected_lock_version: int | None,
    source: str,
    reason: str,
    preferred_name: str | None = None,
    language: str | None = None,
    accessible_formats: Iterable[str] | None = None,
) -> Patient:
    """Change the preferred name, language or accessible formats. Refuses a request that
    changes nothing, and a stale one."""
    require_patient(actor, patient, Permission.PREFERENCE_CHANGE)
    change = change_for(actor=actor, source=source, reason=reason)
    changed: list[str] = []
    with transaction.atomic():
        bump_lock(patient, expected_lock_version)
        if preferred_name is not None:
            preferred_name = _name(preferred_name, "preferred_name", "Preferred name", required=False)
            if preferred_name != patient.preferred_name:
                patient.preferred_name, changed = preferred_name, [*changed, "preferred_name"]
        if language is not None and language != patient.language:
            patient.language, changed = _language(language, current=patient.language), [*changed, "language"]
        if accessible_formats is not None:
            formats = _formats(accessible_formats)
            if formats != patient.accessible_formats:
                patient.accessible_formats, changed = formats, [*changed, "accessible_formats"]
        if not changed:
            raise NothingChanged("You have not changed anything")
        save_with_change(patient, change)
        audit_patient(
            actor=actor,
            action="patient.details.changed",
            patient_id=patient.id,
            reason=change.reason,
            details={"fields": changed, "source": change.source},
        )
    return patient


def patient_find(*, actor: Actor, search_by: str, value: str, reason: str) -> Patient | None:
    """Find one patient of the actor's organisation by exact NHS number, mobile or email, and
    audit the search with its reason (found or not). Raises InvalidNhsNumber/InvalidContactDetail
    for malformed input, before anything is searched. Never looks outside the organisation."""
    actor.require(Permission.PATIENT_FIND)
    organisation = actor.acting_organisation
    reason = (reason or "").strip()
    if not reason:
        raise ReasonRequired("Select or enter the reason you need to find this patient")
    text_limit(reason, limit=REASON_MAX_LENGTH, field="reason", what="The reason")
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
        audit_patient(
            actor=actor,
            action="patient.searched",
            patient_id=found.id if found else None,
            reason=reason,
            details={"search_by": search_by, "found": found is not None},
        )
    return found


def patient_view_record(*, actor: Actor, patient: Patient, reason: str) -> None:
    """Record that the actor viewed the patient's page, with the reason given at search."""
    require_patient(actor, patient, Permission.PATIENT_VIEW)
    with transaction.atomic():
        audit_patient(
            actor=actor,
            action="patient.viewed",
            patient_id=patient.id,
            reason=reason,
        )


def contact_reveal(*, actor: Actor, contact_point: ContactPoint, reason: str) -> str:
    """Return the unmasked value, recording who saw it and why."""
    require_patient(actor, contact_point.patient, Permission.PATIENT_CONTACT_REVEAL)
    with transaction.atomic():
        audit_patient(
            actor=actor,
            action="patient.contact.revealed",
            patient_id=contact_point.patient_id,
            contact_point_id=contact_point.id,
            reason=reason,
            details={"kind": contact_point.kind},
        )
    return contact_point.value
