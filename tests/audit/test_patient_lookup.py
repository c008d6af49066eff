"""The auditor finds a patient's events by NHS number in a POST; the trail is filtered by the
patient's opaque reference, found through the lookup another app registers."""

import re
import uuid

import pytest
from django.db import transaction

from audit import registry
from audit.models import AuditEvent
from audit.services import audit_record
from notifyadmin.accounts.roles import Role
from notifyadmin.core.actor import Actor
from notifyadmin.core.errors import InvalidInput

pytestmark = pytest.mark.django_db

PATIENT_REF = str(uuid.UUID("3f2b6c1e-8d4a-4f1e-9b7a-2c5d8e9f0a1b"))


@pytest.fixture
def calls():
    return []


@pytest.fixture
def fake_lookup(calls):
    """A registered lookup that knows one patient, 943 476 5919, in organisation RX1."""

    def lookup(*, nhs_number, organisations):
        calls.append((nhs_number, tuple(org.ods_code for org in organisations)))
        if nhs_number == "9434765910":
            raise InvalidInput({"nhs_number": ["NHS number is not valid: check the digits"]})
        if nhs_number == "9434765919" and any(org.ods_code == "RX1" for org in organisations):
            return PATIENT_REF
        return None

    previous = registry.patient_lookup()
    registry.unregister_patient_lookup()
    registry.register_patient_lookup(lookup)
    yield lookup
    registry.unregister_patient_lookup()
    if previous is not None:
        registry.register_patient_lookup(previous)


def test_finding_a_patient_filters_by_reference_and_keeps_the_number_out_of_the_url(
    client_for, organisation, fake_lookup, calls
):
    # Given events about the patient and about someone else
    actor = Actor.system(name="tests", organisation=organisation)
    with transaction.atomic():
        audit_record(actor=actor, action="auth.signed_out", patient_ref=PATIENT_REF)
        audit_record(actor=actor, action="auth.signed_out", patient_ref=str(uuid.uuid4()))
    client = client_for(Role.AUDITOR)
    # When the auditor finds the patient by NHS number
    response = client.post("/audit/patient/", {"nhs_number": "943 476 5919"})
    # Then they are sent to the trail filtered by the opaque reference, never the number
    assert response.status_code == 302
    assert response["Location"] == f"/audit/?patient={PATIENT_REF}"
    assert calls == [("9434765919", ("RX1",))]
    page = client.get(response["Location"])
    # The patient's event and the lookup just recorded about them; not the other patient's
    assert re.search(r"(\d+) events? match", page.content.decode()).group(1) == "2"
    assert "9434765919" not in page.content.decode()
    # And the lookup itself is recorded
    looked_up = AuditEvent.objects.get(action="audit.patient_looked_up")
    assert (looked_up.actor, looked_up.patient_ref) == (client.user, PATIENT_REF)
    assert "9434765919" not in str(looked_up.details)


@pytest.mark.parametrize(
    "number, message",
    [
        ("", "Enter the patient&#39;s NHS number"),
        ("94347659", "NHS number must be 10 digits"),
        ("９４３４７６５９１９", "NHS number must be 10 digits"),
        ("9" * 21, "NHS number must be 10 digits"),
        ("9434765910", "NHS number is not valid: check the digits"),
        ("4857773456", "No patient with this NHS number has a record in your organisations"),
    ],
)
def test_a_number_that_finds_no_one_gets_a_clear_message_at_the_field(client_for, fake_lookup, number, message):
    response = client_for(Role.AUDITOR).post("/audit/patient/", {"nhs_number": number})
    assert response.status_code == 400
    body = response.content.decode()
    assert message in body
    assert 'href="#id_nhs_number"' in body
    assert AuditEvent.objects.count() == 0


def test_without_a_registered_lookup_the_auditor_is_told_what_to_use_instead(client_for):
    previous = registry.patient_lookup()
    registry.unregister_patient_lookup()
    try:
        response = client_for(Role.AUDITOR).post("/audit/patient/", {"nhs_number": "9434765919"})
    finally:
        if previous is not None:
            registry.register_patient_lookup(previous)
    assert response.status_code == 400
    assert "Finding a patient by NHS number is not available here yet" in response.content.decode()


def test_the_lookup_is_a_post_only(client_for):
    assert client_for(Role.AUDITOR).get("/audit/patient/", {"nhs_number": "9434765919"}).status_code == 405


def test_a_second_different_lookup_is_refused(fake_lookup):
    with pytest.raises(ValueError, match=r"A patient lookup is already registered for the audit trail\."):
        registry.register_patient_lookup(lambda **kwargs: None)
