"""Reads of patients: one patient for an actor (NotFound otherwise), a contact point of theirs,
the masked form of contact details and the preference grid as shown on the patient page."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from notifyadmin.core.actor import Actor
from notifyadmin.core.channels import Channel
from notifyadmin.core.errors import NotFound
from preferences.identifiers import address_mask, email_mask, mobile_mask
from preferences.models import ContactPoint, Patient, Preference
from preferences.policies import Policy, category_policies

PATIENT_NOT_FOUND = "No patient found in your organisation."


def patients_of(*, organisation: Any) -> QuerySet[Patient]:
    return Patient.objects.filter(organisation=organisation)


def _uuid(value: Any) -> uuid.UUID | None:
    try:
        return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))
    except (ValueError, TypeError, AttributeError):
        return None


def patient_get(*, actor: Actor, patient_id: Any) -> Patient:
    """The patient of the actor's organisation with this opaque id; NotFound for a malformed id,
    an unknown one and another organisation's patient alike."""
    pk = _uuid(patient_id)
    patient = (
        Patient.objects.select_related("organisation").filter(pk=pk, organisation=actor.organisation).first()
        if pk is not None and actor.organisation is not None
        else None
    )
    if patient is None:
        raise NotFound(PATIENT_NOT_FOUND)
    return patient


def contact_point_get(*, patient: Patient, contact_point_id: Any) -> ContactPoint:
    """One of the patient's contact points; NotFound otherwise."""
    pk = _uuid(contact_point_id)
    point = ContactPoint.objects.filter(pk=pk, patient=patient).first() if pk is not None else None
    if point is None:
        raise NotFound("No such contact detail for this patient.")
    point.patient = patient
    return point


def contact_mask(kind: str, value: str) -> str:
    if kind == ContactPoint.Kind.MOBILE:
        return mobile_mask(value)
    if kind == ContactPoint.Kind.EMAIL:
        return email_mask(value)
    if kind == ContactPoint.Kind.POSTAL_ADDRESS:
        return address_mask(value)
    return "Can receive NHS App messages"


@dataclass
class GridRow:
    policy: Policy
    cells: list[tuple[str, bool, bool]]  # channel, allowed, effective (after no-non-essential)


def grid_rows(*, patient: Patient, policies: dict[str, Policy], stored: dict[tuple[str, str], bool]) -> list[GridRow]:
    """The grid from already-read policies and stored cells (a missing cell reads as its default)."""
    rows = []
    for policy in policies.values():
        cells = []
        for channel in Channel.values:
            allowed = stored.get((policy.category, channel), policy.default_for(channel))
            cells.append((channel, allowed, allowed and (policy.is_critical or not patient.no_non_essential)))
        rows.append(GridRow(policy, cells))
    return rows


def preference_grid(*, patient: Patient) -> list[GridRow]:
    stored = {(p.category, p.channel): p.allowed for p in Preference.objects.filter(patient=patient)}
    return grid_rows(patient=patient, policies=category_policies(organisation=patient.organisation), stored=stored)


@dataclass
class PatientOverview:
    """What the patient page shows, each read once: the grid, the contact points and, for every
    category, the contact decision."""

    grid: list[GridRow]
    contact_points: list[ContactPoint]
    decisions: list[Any]  # ContactDecision, one per category in display order


def patient_overview(*, patient: Patient) -> PatientOverview:
    """Three queries: category policies, preference cells, contact points."""
    from preferences.selectors.contact import decisions_for_loaded

    policies = category_policies(organisation=patient.organisation)
    stored = {(p.category, p.channel): p.allowed for p in Preference.objects.filter(patient=patient)}
    points = list(patient.contact_points.all())
    return PatientOverview(
        grid=grid_rows(patient=patient, policies=policies, stored=stored),
        contact_points=points,
        decisions=decisions_for_loaded(patient=patient, policies=policies, stored=stored, contact_points=points),
    )


def patient_ref_by_nhs_number(*, nhs_number: str, organisations: Sequence[Any]) -> str | None:
    """For the auditor's patient filter (registered with audit.registry): the opaque reference of
    the patient with this NHS number in one of `organisations`, or None. A number that fails the
    Modulus 11 check is refused naming the field, never repeating the number."""
    from notifyadmin.core.errors import InvalidInput
    from preferences.identifiers import lookup_hash
    from preferences.nhs_number import InvalidNhsNumber, nhs_number_normalise

    try:
        digits = nhs_number_normalise(nhs_number)
    except InvalidNhsNumber as error:
        raise InvalidInput({"nhs_number": [str(error)]}) from error
    found = (
        Patient.objects.filter(
            organisation__in=list(organisations), nhs_number_hash=lookup_hash(kind="nhs_number", normalised=digits)
        )
        .values_list("id", flat=True)
        .first()
    )
    return str(found) if found else None
