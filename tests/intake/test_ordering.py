"""Ordering: booked -> rescheduled -> cancelled delivered in any order (and any repeats) leaves
exactly the messages of the newest state; the same event twice at once is processed once."""

import datetime as dt
import threading
import uuid

import pytest
import time_machine
from django.db import connection, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from notifyadmin.intake.models import Decision, IntakeEvent
from notifyadmin.intake.services import events_purge_raw_bodies
from notifyadmin.sending.models import Message
from notifyadmin.sending.status import MessageStatus
from tests.intake.conftest import OWN_NHS_NUMBER

URL = "/api/v1/events"
STARTS = {1: "2099-03-10T09:30:00+00:00", 2: "2099-03-20T14:00:00+00:00"}


def event(version: int) -> dict:
    body = {"subject_id": "appt-1", "sequence": version, "nhs_number": OWN_NHS_NUMBER}
    if version == 3:
        return {**body, "type": "appointment_cancelled"}
    return {**body, "type": "appointment_booked", "appointment": {"start": STARTS[version]}}


def send(api, version: int) -> dict:
    response = api.post(URL, event(version), content_type="application/json", HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4()))
    assert response.status_code == 202
    return response.json()


def active() -> list[Message]:
    return list(Message.objects.exclude(status=MessageStatus.NOT_SENT).select_related("template"))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(arrivals=st.lists(st.sampled_from([1, 2, 3]), min_size=1, max_size=6))
def test_whatever_the_arrival_order_the_messages_left_match_the_newest_state(api, patients, mapped, arrivals):
    with transaction.atomic():
        for version in arrivals:
            send(api, version)
        newest = max(arrivals)
        left = active()
        # Nothing twice: one message per template and due time.
        assert len({(m.template_id, m.send_after) for m in left}) == len(left)
        if newest == 3:
            assert [m.template.name for m in left] == ["Cancelled"]
        else:
            date = STARTS[newest][:10]
            names = sorted(m.template.name for m in left)
            # Rescheduled only when the older booking was processed first (else it came late).
            rescheduled = newest == 2 and 1 in arrivals and arrivals.index(1) < arrivals.index(2)
            assert names == ["Moved" if rescheduled else "Booked", "Reminder", "Reminder"]
            assert {m.personalisation["appointment_date"] for m in left} == {date}
        # Every withdrawn or superseded message says why.
        assert {m.status_reason for m in Message.objects.filter(status=MessageStatus.NOT_SENT)} <= {
            "superseded",
            "appointment_cancelled",
        }
        transaction.set_rollback(True)


@pytest.mark.django_db(transaction=True)
def test_the_same_event_twice_at_once_is_processed_once(require_postgresql, api, patients, mapped):
    barrier = threading.Barrier(2)
    answers: list[dict] = []

    def deliver() -> None:
        try:
            barrier.wait()
            answers.append(send(api, 1))
        finally:
            connection.close()

    threads = [threading.Thread(target=deliver) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(a["decision"] for a in answers) == [Decision.MESSAGES_CREATED, Decision.NO_CHANGE]
    assert sorted(m.template.name for m in active()) == ["Booked", "Reminder", "Reminder"]
    assert IntakeEvent.objects.count() == 2


def test_a_late_booking_after_cancellation_shows_superseded_in_the_history(api, patients, mapped):
    send(api, 3)
    answer = send(api, 1)
    assert answer["decision"] == Decision.SUPERSEDED
    message = Message.objects.get(id=answer["message_ids"][0])
    assert (message.status, message.status_reason) == (MessageStatus.NOT_SENT, "superseded")
    assert message.events.order_by("occurred_at", "id").last().detail == (
        "A newer event for this subject was already processed."
    )


NOW = dt.datetime(2099, 3, 1, 9, 0, tzinfo=dt.UTC)


def test_reminders_are_scheduled_moved_and_withdrawn(api, patients, mapped):
    with time_machine.travel(NOW, tick=False):
        # Given a booking 9 days ahead: both reminders (7 days and 1 day before) are due later
        send(api, 1)
        reminders = Message.objects.filter(template__name="Reminder", status=MessageStatus.QUEUED)
        assert sorted(m.send_after for m in reminders) == [
            dt.datetime(2099, 3, 3, 9, 30, tzinfo=dt.UTC),
            dt.datetime(2099, 3, 9, 9, 30, tzinfo=dt.UTC),
        ]
    with time_machine.travel(NOW + dt.timedelta(days=3), tick=False):
        # When it is rescheduled: the old reminders are withdrawn, new ones follow the new start
        send(api, 2)
        assert sorted(
            m.send_after for m in Message.objects.filter(template__name="Reminder", status=MessageStatus.QUEUED)
        ) == [dt.datetime(2099, 3, 13, 14, 0, tzinfo=dt.UTC), dt.datetime(2099, 3, 19, 14, 0, tzinfo=dt.UTC)]
        # And cancelling withdraws every reminder not yet sent
        send(api, 3)
        assert not Message.objects.filter(template__name="Reminder").exclude(status=MessageStatus.NOT_SENT).exists()


def test_a_reminder_already_past_is_not_scheduled(api, patients, mapped):
    with time_machine.travel(dt.datetime(2099, 3, 6, 9, 0, tzinfo=dt.UTC), tick=False):
        send(api, 1)
    assert [m.send_after for m in Message.objects.filter(template__name="Reminder")] == [
        dt.datetime(2099, 3, 9, 9, 30, tzinfo=dt.UTC)
    ]


def test_raw_bodies_are_purged_after_the_personalisation_retention(api, patients, mapped, settings):
    settings.PERSONALISATION_RETENTION_DAYS = 30
    with time_machine.travel(NOW, tick=False):
        send(api, 1)
    assert events_purge_raw_bodies(now=NOW + dt.timedelta(days=29)) == 0
    assert events_purge_raw_bodies(now=NOW + dt.timedelta(days=31)) == 1
    assert IntakeEvent.objects.get().raw_body is None
