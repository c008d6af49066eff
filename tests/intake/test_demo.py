"""The demo's event intake: appointment events mapped to published templates that ask only for
what an Appointment carries, and a demo client system whose key is written once to a file."""

import datetime as dt
import stat

import pytest
import time_machine
from django.test import Client

from audit.models import AuditEvent
from notifyadmin.core.demo import seed_demo
from notifyadmin.intake.demo import DEMO_CLIENT_ID
from notifyadmin.intake.models import EventMapping, EventType
from notifyadmin.integrations.models import ApiClient
from notifyadmin.sending.models import Message
from notifyadmin.sending.status import MessageStatus
from preferences.models import Patient

pytestmark = pytest.mark.django_db
FHIR = "application/fhir+json"


@pytest.fixture
def key_file(settings, tmp_path):
    settings.DEMO_CLIENT_KEY_FILE = str(tmp_path / "demo-event-client-key")
    settings.DISPATCH_NUDGE_ENABLED = False
    return tmp_path / "demo-event-client-key"


def test_the_demo_maps_appointment_events_by_the_operations_member(key_file):
    seed_demo(password="demo-test-password")
    seed_demo(password="demo-test-password")
    mappings = {m.event_type: m for m in EventMapping.objects.select_related("template", "updated_by")}
    assert {t: m.template.name for t, m in mappings.items()} == {
        EventType.APPOINTMENT_BOOKED: "Appointment booked",
        EventType.APPOINTMENT_RESCHEDULED: "Appointment changed",
        EventType.APPOINTMENT_CANCELLED: "Appointment cancelled",
        EventType.APPOINTMENT_REMINDER: "Appointment reminder",
    }
    assert mappings[EventType.APPOINTMENT_REMINDER].reminder_offsets_hours == [168, 24]
    assert {m.updated_by.username for m in mappings.values()} == {"operations"}
    assert all(m.template.published_version_id for m in mappings.values())


def test_the_demo_client_key_is_written_once_and_replaced_when_its_file_is_gone(key_file):
    context = seed_demo(password="demo-test-password")
    first = key_file.read_text().strip()
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert f"  its API key is in {key_file}" in context.notes
    assert first not in "\n".join(context.notes)
    # Seeding again leaves the key as it is
    seed_demo(password="demo-test-password")
    assert key_file.read_text().strip() == first
    # Without its file, the demo administrator rotates the key, and the old one stops
    key_file.unlink()
    seed_demo(password="demo-test-password")
    second = key_file.read_text().strip()
    assert second != first
    client = ApiClient.objects.get(client_id=DEMO_CLIENT_ID)
    assert client.permissions == ["event.submit"]
    rotated = AuditEvent.objects.get(action="api_key.rotated")
    assert rotated.actor.username == "admin"
    assert Client(HTTP_AUTHORIZATION=f"Bearer {first}").post("/api/v1/events", {}).status_code == 401


@time_machine.travel(dt.datetime(2026, 12, 1, 10, 0, tzinfo=dt.UTC), tick=False)
def test_a_fhir_booking_with_the_demo_key_creates_a_message_that_can_be_sent(key_file):
    # Given the demo at 10:00 (inside its templates' send window), and a FHIR Appointment for a
    # demo patient with a service type
    seed_demo(password="demo-test-password")
    patient = Patient.objects.order_by("family_name").first()
    appointment = {
        "resourceType": "Appointment",
        "id": "demo-appointment-1",
        "meta": {"versionId": "1"},
        "status": "booked",
        "serviceType": [{"coding": [{"display": "Eye clinic"}]}],
        "start": "2027-03-10T09:30:00+00:00",
        "participant": [
            {
                "actor": {"identifier": {"system": "https://fhir.nhs.uk/Id/nhs-number", "value": patient.nhs_number}},
                "status": "accepted",
            }
        ],
    }
    api = Client(HTTP_AUTHORIZATION=f"Bearer {key_file.read_text().strip()}")
    # When the demo client system posts it
    response = api.post("/api/v1/events", appointment, content_type=FHIR, HTTP_IDEMPOTENCY_KEY="demo-1")
    # Then the booking and its two reminders are created with what the templates ask for
    assert response.status_code == 202, response.content
    assert response.json()["decision"] == "messages_created"
    booked = Message.objects.get(patient=patient, template__name="Appointment booked", source="event")
    assert booked.status == MessageStatus.QUEUED
    assert booked.personalisation == {
        "appointment_date": "2027-03-10",
        "appointment_time": "09:30",
        "service_type": "Eye clinic",
    }
    reminders = Message.objects.filter(patient=patient, template__name="Appointment reminder")
    assert sorted(m.personalisation["appointment_date"] for m in reminders) == ["2027-03-10", "2027-03-10"]
