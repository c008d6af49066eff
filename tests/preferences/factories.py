"""Factories for patients and their contact points, built through the services so that the
preference grid and history exist as they would in real use."""

import itertools

from notifyadmin.core.actor import Actor
from preferences.history import ChangeMeta
from preferences.models import ChangeSource, ContactPoint, Patient
from preferences.nhs_number import synthetic_nhs_number
from preferences.services import contact_point_add, patient_create

_seeds = itertools.count(100)


def system_meta(reason: str = "Test set-up") -> ChangeMeta:
    return ChangeMeta(source=ChangeSource.OTHER_SYSTEM_API, reason=reason, system_client="tests")


def make_patient(*, organisation: object, nhs_number: str | None = None, **fields: object) -> Patient:
    return patient_create(
        organisation=organisation,
        nhs_number=nhs_number or synthetic_nhs_number(next(_seeds) * 7919),
        given_name=str(fields.pop("given_name", "Alex")),
        family_name=str(fields.pop("family_name", "Example")),
        meta=system_meta(),
        **fields,  # type: ignore[arg-type]
    )


def add_contact(patient: Patient, kind: str, value: str, **fields: object) -> ContactPoint:
    return contact_point_add(
        patient=patient,
        kind=kind,
        value=value,
        source=str(fields.pop("source", ContactPoint.Source.PATIENT)),
        meta=system_meta(),
        actor=Actor.system(name="tests", organisation=patient.organisation),
        **fields,  # type: ignore[arg-type]
    )
