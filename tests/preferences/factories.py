"""Factories for patients and their contact points, built through the services so that the
preference grid and history exist as they would in real use."""

import itertools

from notifyadmin.accounts.roles import Permission
from notifyadmin.core.actor import Actor
from preferences.models import ChangeSource, ContactPoint, Patient
from preferences.nhs_number import synthetic_nhs_number
from preferences.services import contact_point_add, patient_create

_seeds = itertools.count(100)
SETUP = {"source": ChangeSource.OTHER_SYSTEM_API, "reason": "Test set-up"}


def system_actor(organisation: object, *permissions: Permission) -> Actor:
    """The test set-up acting as a system of `organisation`, allowed to change preferences."""
    return Actor.system(
        name="tests",
        organisation=organisation,  # type: ignore[arg-type]
        permissions=frozenset(permissions or {Permission.PREFERENCE_CHANGE}),
    )


def make_patient(*, organisation: object, nhs_number: str | None = None, **fields: object) -> Patient:
    return patient_create(
        actor=system_actor(organisation),
        nhs_number=nhs_number or synthetic_nhs_number(next(_seeds) * 7919),
        given_name=str(fields.pop("given_name", "Alex")),
        family_name=str(fields.pop("family_name", "Example")),
        **SETUP,
        **fields,  # type: ignore[arg-type]
    )


def add_contact(patient: Patient, kind: str, value: str, **fields: object) -> ContactPoint:
    return contact_point_add(
        actor=system_actor(patient.organisation),
        patient=patient,
        kind=kind,
        value=value,
        contact_source=str(fields.pop("source", ContactPoint.Source.PATIENT)),
        **SETUP,
        **fields,  # type: ignore[arg-type]
    )
