"""Revealing what a caller is asked to confirm (date of birth, postcode): shown masked on the
patient page and revealed deliberately, each reveal audited with the search reason."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from notifyadmin.accounts.roles import Permission
from notifyadmin.core.actor import Actor
from preferences.models import Patient
from preferences.services._common import audit_patient, require_patient


@dataclass(frozen=True)
class CallerCheck:
    date_of_birth: str  # "14 March 1968", or "Not recorded"
    postcode: str


def identity_reveal(*, actor: Actor, patient: Patient, reason: str) -> CallerCheck:
    """The patient's date of birth (UK style) and postcode, recording who saw them and why.
    Needs the contact-reveal permission: the same people who may see a phone number."""
    require_patient(actor, patient, Permission.PATIENT_CONTACT_REVEAL)
    with transaction.atomic():
        audit_patient(actor=actor, action="patient.identity.revealed", patient_id=patient.id, reason=reason)
    born = patient.date_of_birth
    return CallerCheck(
        date_of_birth=f"{born.day} {born:%B %Y}" if born else "Not recorded",
        postcode=patient.postcode or "Not recorded",
    )
