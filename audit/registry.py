"""Lookups other apps provide to the audit trail. Audit sits below the domain apps (imports run
preferences → audit), so it cannot import them: they register here from AppConfig.ready.

`register_patient_lookup(fn)`: preferences registers how to find a patient by NHS number, so
the auditor's patient filter can take an NHS number (in a POST) and filter by the patient's
opaque reference. The function is called as
`fn(nhs_number="9434765919", organisations=(org, ...))` with the number's spaces removed, and
returns the patient's opaque reference (a UUID string) when a patient with that number belongs
to one of those organisations, else None. It may raise `InvalidInput({"nhs_number": [...]})`
for a number that is not valid (Modulus 11), with a message that does not repeat the number.
"""

from collections.abc import Callable, Sequence
from typing import Protocol

from notifyadmin.accounts.models import Organisation


class PatientLookup(Protocol):
    def __call__(self, *, nhs_number: str, organisations: Sequence[Organisation]) -> str | None: ...


_registered: dict[str, PatientLookup] = {}


def register_patient_lookup(lookup: PatientLookup | Callable[..., str | None]) -> None:
    """Register the one patient lookup (preferences does, in its AppConfig.ready)."""
    current = _registered.get("patient")
    if current is not None and current is not lookup:
        raise ValueError("A patient lookup is already registered for the audit trail.")
    _registered["patient"] = lookup  # type: ignore[assignment]


def unregister_patient_lookup() -> None:
    """For tests that register a fake."""
    _registered.pop("patient", None)


def patient_lookup() -> PatientLookup | None:
    return _registered.get("patient")
