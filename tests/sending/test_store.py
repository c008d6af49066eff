"""Bulk status changes: the status table decides, every move writes its event, nothing moves
backwards or out of a final status, and two dispatchers never claim the same row."""

import datetime as dt
import threading

import pytest
from django.db import connection, connections
from django.utils import timezone

from notifyadmin.sending.dispatch.store import claim_due, transition_bulk
from notifyadmin.sending.models import Message, MessageEvent
from notifyadmin.sending.status import MESSAGE_WORKFLOW, TERMINAL_STATUSES, MessageStatus

from .conftest import events_of, statuses

pytestmark = pytest.mark.django_db


def test_the_terminal_statuses_are_exactly_read_failed_and_not_sent():
    assert {MessageStatus.READ, MessageStatus.FAILED, MessageStatus.NOT_SENT} == TERMINAL_STATUSES


def test_claim_marks_due_rows_sending_with_a_lease_attempt_and_event(make_messages):
    # Given three due messages and one not yet due
    due = make_messages(3)
    later = make_messages(1, send_after=timezone.now() + dt.timedelta(hours=1))
    # When a dispatcher claims
    claimed = claim_due(limit=10, worker="w1", lease=dt.timedelta(seconds=60))
    # Then exactly the due ones are sending, attempt 1, leased to w1, each with its event
    assert sorted(claimed) == sorted(str(m.id) for m in due)
    rows = Message.objects.filter(id__in=[m.id for m in due])
    assert {(r.status, r.attempt, r.claimed_by) for r in rows} == {(MessageStatus.SENDING, 1, "w1")}
    assert all(r.lease_expires_at > timezone.now() for r in rows)
    assert events_of(due[0]) == [(MessageStatus.QUEUED, MessageStatus.SENDING)]
    assert statuses(later) == {MessageStatus.QUEUED: 1}


def test_claim_respects_the_limit(make_messages):
    make_messages(5)
    assert len(claim_due(limit=2, worker="w", lease=dt.timedelta(seconds=60))) == 2
    assert Message.objects.filter(status=MessageStatus.SENDING).count() == 2


def test_a_move_the_table_refuses_changes_nothing_and_writes_no_event(make_messages):
    # Given a message already read (final)
    (message,) = make_messages(1, status=MessageStatus.READ)
    # When a late "delivered" receipt tries to move it
    moved = transition_bulk(ids=[message.id], transition="deliver")
    # Then nothing moved and no event was written
    assert moved == []
    assert statuses([message]) == {MessageStatus.READ: 1}
    assert MessageEvent.objects.filter(message_id=message.id).count() == 0


def test_per_message_values_are_written_with_the_move(make_messages):
    first, second = make_messages(2, status=MessageStatus.SENDING)
    moved = transition_bulk(
        ids=[first.id, second.id],
        transition="accept",
        per_message={str(first.id): {"notify_message_id": "2WL3qFTEFM0qMY8xjRbt1LIKCzM"}},
    )
    assert sorted(m.from_status for m in moved) == [MessageStatus.SENDING, MessageStatus.SENDING]
    assert dict(Message.objects.filter(id__in=[first.id, second.id]).values_list("id", "notify_message_id")) == {
        first.id: "2WL3qFTEFM0qMY8xjRbt1LIKCzM",
        second.id: "",
    }
    assert events_of(first) == [(MessageStatus.SENDING, MessageStatus.ACCEPTED)]


def test_every_transition_in_the_table_moves_from_each_source_and_from_nothing_else(make_messages):
    for name, transition in MESSAGE_WORKFLOW.transitions.items():
        for status in MessageStatus.values:
            (message,) = make_messages(1, status=status)
            moved = transition_bulk(ids=[message.id], transition=name)
            expected = status in transition.sources
            assert bool(moved) == expected, (name, status)
            assert statuses([message]) == {transition.target if expected else status: 1}


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_dispatchers_racing_never_claim_the_same_row(require_postgresql, make_messages):
    # Given 400 due messages
    make_messages(400)
    claimed: dict[str, list[str]] = {}
    barrier = threading.Barrier(2)

    def dispatcher(name: str) -> None:
        try:
            ids: list[str] = []
            # Both claim at the same moment, round after round (8 rounds of 25 each is all 400)
            for _ in range(8):
                barrier.wait(timeout=30)
                ids += claim_due(limit=25, worker=name, lease=dt.timedelta(seconds=60))
            barrier.wait(timeout=30)
            ids += claim_due(limit=25, worker=name, lease=dt.timedelta(seconds=60))  # nothing is left
            claimed[name] = ids
        finally:
            connections.close_all()

    # When two dispatchers claim at once until nothing is left
    threads = [threading.Thread(target=dispatcher, args=(n,)) for n in ("a", "b")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # Then every row was claimed exactly once, with one event each
    everything = claimed["a"] + claimed["b"]
    assert len(everything) == 400
    assert len(set(everything)) == 400
    assert claimed["a"] and claimed["b"]
    assert MessageEvent.objects.filter(status=MessageStatus.SENDING).count() == 400
    assert connection.vendor == "postgresql"
