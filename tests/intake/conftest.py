"""Fixtures for intake: a client system granted event.submit, patients registered with the real
reference resources' NHS numbers, published templates and mappings."""

import json
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from notifyadmin.accounts.models import Organisation
from notifyadmin.accounts.roles import Permission
from notifyadmin.intake.models import EventMapping, EventType
from preferences.identifiers import lookup_hash
from preferences.models import Patient
from templates_app.models import MessageTemplate
from tests.integrations.helpers import issue_key
from tests.sending.conftest import published_template

REFERENCE = Path(__file__).resolve().parents[2] / ".." / "shared" / "reference" / "fhir-appointments"
if not REFERENCE.exists():
    REFERENCE = Path("/work/shared/reference/fhir-appointments")
FHIR = "application/fhir+json"
PLAN = uuid.UUID("00000000-0000-0000-0000-000000000001")
# The NHS numbers the reference resources carry (Wayfinder, BaRS Bundle) and our own test one.
WAYFINDER_NHS_NUMBER = "9000000009"
BARS_NHS_NUMBER = "9476719931"
OWN_NHS_NUMBER = "9990548609"
DATE_FIELD = {
    "name": "appointment_date",
    "type": "date",
    "max_length": 10,
    "personal_data": "low",
    "sample_value": "2026-01-01",
}
TIME_FIELD = {
    "name": "appointment_time",
    "type": "time",
    "max_length": 5,
    "personal_data": "low",
    "sample_value": "09:30",
}


def reference(name: str) -> Any:
    return json.loads((REFERENCE / name).read_text(encoding="utf-8"))


@pytest.fixture(autouse=True)
def _no_dispatch(settings) -> None:
    settings.DISPATCH_NUDGE_ENABLED = False


def make_patient(organisation: Organisation, nhs_number: str) -> Patient:
    return Patient.objects.create(
        organisation=organisation,
        nhs_number=nhs_number,
        nhs_number_hash=lookup_hash(kind="nhs_number", normalised=nhs_number),
        given_name="Test",
        family_name="Patient",
    )


@pytest.fixture
def patients(organisation: Organisation) -> dict[str, Patient]:
    return {n: make_patient(organisation, n) for n in (WAYFINDER_NHS_NUMBER, BARS_NHS_NUMBER, OWN_NHS_NUMBER)}


@pytest.fixture
def api_key(organisation: Organisation) -> str:
    return issue_key(organisation, client_id="pas", name="Hospital PAS", permissions=(Permission.EVENT_SUBMIT.value,))


@pytest.fixture
def api(api_key: str) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {api_key}")


def make_template(organisation: Organisation, owner: Any, name: str, schema: list[dict[str, Any]]) -> MessageTemplate:
    return published_template(organisation, owner, name, schema)


@pytest.fixture
def mapped(organisation: Organisation, make_staff: Callable[..., Any]) -> dict[str, MessageTemplate]:
    """Every appointment type mapped; reminders 168 and 24 hours before."""
    owner = make_staff()
    templates = {
        EventType.APPOINTMENT_BOOKED: make_template(organisation, owner, "Booked", [DATE_FIELD, TIME_FIELD]),
        EventType.APPOINTMENT_RESCHEDULED: make_template(organisation, owner, "Moved", [DATE_FIELD, TIME_FIELD]),
        EventType.APPOINTMENT_CANCELLED: make_template(organisation, owner, "Cancelled", []),
        EventType.APPOINTMENT_DID_NOT_ATTEND: make_template(organisation, owner, "Missed", []),
        EventType.APPOINTMENT_REMINDER: make_template(organisation, owner, "Reminder", [DATE_FIELD]),
    }
    for event_type, template in templates.items():
        EventMapping.objects.create(
            organisation=organisation,
            event_type=event_type,
            template=template,
            reminder_offsets_hours=[168, 24] if event_type == EventType.APPOINTMENT_REMINDER else [],
        )
    return templates
