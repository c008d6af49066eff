"""POST /api/v1/events with our JSON: decisions, idempotency, bad input, nothing half-stored."""

import uuid

import pytest
from django.conf import settings

from notifyadmin.intake.models import Decision, EventMapping, EventSubject, EventType, IntakeEvent
from notifyadmin.sending.models import Message
from notifyadmin.sending.status import MessageStatus
from templates_app.models import RoutingPlan
from tests.intake.conftest import OWN_NHS_NUMBER, WAYFINDER_NHS_NUMBER, make_patient

URL = "/api/v1/events"
PROBLEM = "application/problem+json"


def booked(sequence: int = 1, start: str = "2027-03-10T09:30:00+00:00", **extra):
    body = {
        "type": "appointment_booked",
        "subject_id": "appt-1",
        "sequence": sequence,
        "nhs_number": OWN_NHS_NUMBER,
        "appointment": {"start": start},
    }
    body.update(extra)
    return body


def post(api, body, key="k-1", content_type="application/json"):
    return api.post(URL, body, content_type=content_type, HTTP_IDEMPOTENCY_KEY=key)


def test_a_booking_creates_the_booked_message_and_its_reminders(api, patients, mapped):
    # Given every appointment type mapped with reminders 168 and 24 hours before
    # When an appointment is booked
    response = post(api, booked())
    # Then 202 with the event id and the messages: the confirmation and two reminders
    assert response.status_code == 202
    body = response.json()
    assert body["decision"] == Decision.MESSAGES_CREATED
    assert body["detail"] == "3 message(s) created."
    assert body["withdrawn"] == 0
    event = IntakeEvent.objects.get()
    assert body["event_id"] == str(event.id)
    messages = {m.template.name: m for m in Message.objects.select_related("template")}
    assert sorted(m.template.name for m in Message.objects.all()) == ["Booked", "Reminder", "Reminder"]
    assert messages["Booked"].personalisation == {"appointment_date": "2027-03-10", "appointment_time": "09:30"}
    reminder_dues = sorted(m.send_after.isoformat() for m in Message.objects.filter(template__name="Reminder"))
    assert reminder_dues == ["2027-03-03T09:30:00+00:00", "2027-03-09T09:30:00+00:00"]
    assert messages["Reminder"].personalisation == {"appointment_date": "2027-03-10"}


def test_a_mappings_routing_plan_replaces_the_templates_for_its_messages(api, patients, mapped, organisation):
    # Given the booking mapped with a text-message-only plan (the template has NHS App and SMS)
    plan = RoutingPlan.objects.create(
        organisation=organisation,
        name="Text message only",
        plan_id=uuid.UUID(int=3),
        channels=["sms"],
        environment=settings.NOTIFY_ENVIRONMENT,
    )
    EventMapping.objects.filter(event_type=EventType.APPOINTMENT_BOOKED).update(routing_plan=plan)
    # When an appointment is booked
    assert post(api, booked()).status_code == 202
    # Then the booking goes by that plan, and the reminders (mapped without one) by their template's
    booking = Message.objects.get(template__name="Booked")
    assert (booking.routing_plan_id, booking.channels) == (plan.plan_id, ["sms"])
    reminders = Message.objects.filter(template__name="Reminder")
    assert {(m.routing_plan_id, tuple(m.channels)) for m in reminders} == {
        (mapped[EventType.APPOINTMENT_REMINDER].routing_plan_id, ("nhsapp", "sms"))
    }


def test_the_same_body_under_the_same_key_replays_and_a_different_body_is_422(api, patients, mapped):
    first = post(api, booked())
    again = post(api, booked())
    other = post(api, booked(sequence=2))
    assert again.status_code == 202
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert other.status_code == 422
    assert other.json()["type"] == "urn:notifyadmin:problem:idempotency-key-reused"
    assert IntakeEvent.objects.count() == 1
    assert Message.objects.count() == 3


def test_the_idempotency_key_is_required(api, patients, mapped):
    response = api.post(URL, booked(), content_type="application/json")
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["Idempotency-Key"]
    assert IntakeEvent.objects.count() == 0


def test_an_event_type_without_a_mapping_is_stored_and_answered_no_template_mapped(api, patients):
    response = post(api, booked())
    assert response.status_code == 202
    assert response.json()["decision"] == Decision.NO_MAPPING
    assert response.json()["detail"] == "No template is mapped to this event type."
    assert IntakeEvent.objects.get().decision == Decision.NO_MAPPING
    assert Message.objects.count() == 0


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"type": "appointment_teleported"}, "type", "Choose a known event type."),
        ({"nhs_number": "12345"}, "nhs_number", "Enter an NHS number of 10 digits (0 to 9)."),
        ({"sequence": None}, "sequence", "This field may not be null."),
        ({"appointment": {}}, "appointment.start", "Send the appointment's start."),
    ],
)
def test_bad_fields_are_400_naming_the_field_and_store_nothing(api, patients, mapped, change, field, message):
    response = post(api, booked(**change))
    assert response.status_code == 400
    assert response["Content-Type"] == PROBLEM
    assert response.json()["errors"][field] == [message]
    assert IntakeEvent.objects.count() == EventSubject.objects.count() == Message.objects.count() == 0


def test_an_invalid_nhs_number_check_digit_is_refused_without_echoing_it(api, patients, mapped):
    response = post(api, booked(nhs_number="9990548608"))
    assert response.status_code == 422
    assert "9990548608" not in response.content.decode()
    assert list(response.json()["errors"]) == ["nhs_number"]
    assert IntakeEvent.objects.count() == EventSubject.objects.count() == 0


def test_a_patient_unknown_to_the_organisation_or_of_another_organisation_is_refused(
    api, patients, mapped, other_organisation
):
    make_patient(other_organisation, "9434765919")
    for number in ("9434765919", "9434765870"):
        response = post(api, booked(nhs_number=number), key=f"k-{number}")
        assert response.status_code == 422
        assert response.json()["detail"] == "No patient with this NHS number is registered with your organisation."
    assert IntakeEvent.objects.count() == EventSubject.objects.count() == Message.objects.count() == 0


def test_malformed_json_wrong_content_type_and_too_large_bodies(api, patients, mapped):
    assert api.post(URL, "{nope", content_type="application/json", HTTP_IDEMPOTENCY_KEY="a").status_code == 400
    assert (
        api.post(URL, "a=b", content_type="application/x-www-form-urlencoded", HTTP_IDEMPOTENCY_KEY="b").status_code
        == 415
    )
    huge = '{"comment": "' + "x" * 1_000_001 + '"}'
    too_large = api.post(URL, huge, content_type="application/json", HTTP_IDEMPOTENCY_KEY="c")
    assert too_large.status_code == 413
    fhir_large = api.post(URL, huge, content_type="application/fhir+json", HTTP_IDEMPOTENCY_KEY="d")
    assert fhir_large.status_code == 413
    assert fhir_large.json()["resourceType"] == "OperationOutcome"
    assert IntakeEvent.objects.count() == 0


def test_a_client_without_event_submit_is_403(organisation, patients, mapped):
    from django.test import Client

    from tests.integrations.helpers import issue_key

    other = Client(HTTP_AUTHORIZATION=f"Bearer {issue_key(organisation, client_id='other')}")
    assert post(other, booked()).status_code == 403


def test_an_older_booking_after_a_cancellation_sends_nothing_and_says_superseded(api, patients, mapped):
    post(api, {**booked(sequence=2), "type": "appointment_cancelled", "appointment": {}}, key="c")
    late = post(api, booked(sequence=1), key="b")
    assert late.json()["decision"] == Decision.SUPERSEDED
    booked_message = Message.objects.get(template__name="Booked")
    assert booked_message.status == MessageStatus.NOT_SENT
    assert booked_message.status_reason == "superseded"
    assert Message.objects.get(template__name="Cancelled").status == MessageStatus.QUEUED
    assert Message.objects.filter(template__name="Reminder").count() == 0


def test_a_cancellation_withdraws_the_unsent_booking_and_reminders(api, patients, mapped):
    post(api, booked(sequence=1), key="b")
    response = post(api, {**booked(sequence=2), "type": "appointment_cancelled", "appointment": {}}, key="c")
    assert response.json()["withdrawn"] == 3
    withdrawn = Message.objects.exclude(template__name="Cancelled")
    assert {(m.status, m.status_reason) for m in withdrawn} == {(MessageStatus.NOT_SENT, "appointment_cancelled")}
    assert Message.objects.get(template__name="Cancelled").status == MessageStatus.QUEUED


def test_the_same_version_with_other_content_is_409_and_stores_nothing_more(api, patients, mapped):
    post(api, booked(sequence=1), key="b")
    response = post(api, booked(sequence=1, start="2027-04-01T09:00:00+00:00"), key="b2")
    assert response.status_code == 409
    assert response.json()["type"] == "urn:notifyadmin:problem:conflict"
    assert IntakeEvent.objects.count() == 1
    assert WAYFINDER_NHS_NUMBER not in response.content.decode()


def reminder(sequence: int = 1):
    return {"type": "appointment_reminder", "subject_id": "appt-1", "sequence": sequence, "nhs_number": OWN_NHS_NUMBER}


def test_a_clients_own_reminder_is_sent_while_booked_and_not_after_cancellation(api, patients, mapped):
    post(api, booked(sequence=1), key="b")
    sent = post(api, reminder(1), key="r1").json()
    assert sent["decision"] == Decision.MESSAGES_CREATED
    message = Message.objects.get(id=sent["message_ids"][0])
    assert (message.template.name, message.status) == ("Reminder", MessageStatus.QUEUED)
    assert message.personalisation == {"appointment_date": "2027-03-10"}
    post(api, {**booked(sequence=2), "type": "appointment_cancelled", "appointment": {}}, key="c")
    late = post(api, reminder(3), key="r2").json()
    assert (late["decision"], late["detail"]) == (Decision.NO_MESSAGE, "The appointment is no longer booked.")
    assert EventSubject.objects.get().state == "cancelled"
