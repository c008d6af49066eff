"""The dispatcher against a scripted provider: every outcome ends where it must, and nothing
is accepted twice. The contact decision and rendering are the domain apps' (tested there);
here they are fixed so that the dispatcher's own rules are what is tested."""

import datetime as dt

import pytest
from django.test import override_settings
from django.utils import timezone

from notifyadmin.sending import seams
from notifyadmin.sending.dispatch.engine import dispatch_once
from notifyadmin.sending.dispatch.recovery import batches_retry_due, leases_reap
from notifyadmin.sending.models import KillSwitch, Message, OutboundBatch
from notifyadmin.sending.providers.errors import (
    OutcomeUnknown,
    Problem,
    ProviderRejected,
    RateLimited,
)
from notifyadmin.sending.status import MessageStatus, NotSentReason

from .conftest import statuses
from .fakes import ScriptedProvider

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fixed_decisions(monkeypatch):
    def decide(messages):
        return {m.id: seams.ChannelPlan(("nhsapp",)) for m in messages}

    monkeypatch.setattr(seams, "contact_decisions_for", decide)
    monkeypatch.setattr(seams, "payload_for", lambda message, channels: {"body": "Your appointment is tomorrow."})


@pytest.fixture(autouse=True)
def fast_settings():
    with override_settings(
        DISPATCH_RATE_PER_SECOND=10_000, DISPATCH_RATE_BURST=10_000, DISPATCH_BACKOFF_BASE_SECONDS=0.0
    ):
        yield


def test_a_clean_pass_accepts_every_message_once_with_its_notify_id(make_messages):
    messages = make_messages(5)
    provider = ScriptedProvider()
    result = dispatch_once(provider=provider, worker="w1")
    assert (result.claimed, result.accepted) == (5, 5)
    assert statuses(messages) == {MessageStatus.ACCEPTED: 5}
    assert all(count == 1 for count in provider.accepted.values())
    assert Message.objects.filter(notify_message_id="").count() == 0
    assert len(provider.requests) == 1


def test_a_kill_switch_set_between_claim_and_call_stops_the_send(make_messages, monkeypatch, organisation, make_staff):
    messages = make_messages(3)
    provider = ScriptedProvider()
    from notifyadmin.sending.dispatch import engine

    original = engine._record_batches

    def record_then_switch(*args, **kwargs):
        recorded = original(*args, **kwargs)
        KillSwitch.objects.create(organisation=organisation, reason="Stop", set_by=make_staff(), set_at=timezone.now())
        return recorded

    monkeypatch.setattr(engine, "_record_batches", record_then_switch)
    result = dispatch_once(provider=provider, worker="w1")
    assert result.not_sent == 3
    assert provider.requests == []
    assert statuses(messages) == {MessageStatus.NOT_SENT: 3}
    assert set(Message.objects.values_list("status_reason", flat=True)) == {NotSentReason.KILL_SWITCH}


def test_a_rejected_message_is_not_sent_and_its_batch_mates_go_again(make_messages):
    bad, good = make_messages(2)
    problem = Problem(
        code="CM_INVALID_NHS_NUMBER",
        title="Invalid",
        detail="",
        pointer="",
        header=None,
        message_reference=str(bad.id),
        field="recipient/nhsNumber",
    )
    provider = ScriptedProvider(script=[ProviderRejected("refused", http_status=400, problems=[problem])])
    dispatch_once(provider=provider, worker="w1")
    assert Message.objects.get(id=bad.id).status == MessageStatus.NOT_SENT
    assert Message.objects.get(id=bad.id).status_detail == "CM_INVALID_NHS_NUMBER"
    assert Message.objects.get(id=good.id).status == MessageStatus.QUEUED
    dispatch_once(provider=provider, worker="w1")
    assert Message.objects.get(id=good.id).status == MessageStatus.ACCEPTED
    assert provider.accepted[str(good.id)] == 1


def test_rate_limited_waits_for_retry_after_then_sends_the_same_batch(make_messages):
    messages = make_messages(2)
    provider = ScriptedProvider(script=[RateLimited("slow down", http_status=429, retry_after=5)])
    result = dispatch_once(provider=provider, worker="w1")
    assert result.retrying == 2
    batch = OutboundBatch.objects.get()
    assert batch.next_attempt_at >= timezone.now() + dt.timedelta(seconds=4)
    assert statuses(messages) == {MessageStatus.SENDING: 2}
    # Not yet due: nothing is sent again
    batches_retry_due(provider=provider)
    assert len(provider.requests) == 1
    OutboundBatch.objects.update(next_attempt_at=timezone.now())
    batches_retry_due(provider=provider)
    assert statuses(messages) == {MessageStatus.ACCEPTED: 2}
    assert [r.message_batch_reference for r in provider.requests] == [str(batch.id)] * 2


def test_after_the_last_attempt_a_message_fails_technically(make_messages):
    (message,) = make_messages(1)
    with override_settings(DISPATCH_MAX_ATTEMPTS=1):
        dispatch_once(provider=ScriptedProvider(script=[RateLimited("no", http_status=429)]), worker="w1")
    stored = Message.objects.get(id=message.id)
    assert (stored.status, stored.status_reason) == (MessageStatus.FAILED, "technical_failure")


def test_accepted_then_dropped_is_retried_identically_and_accepted_once(make_messages):
    messages = make_messages(4)
    provider = ScriptedProvider(script=["accept-then-drop"])
    result = dispatch_once(provider=provider, worker="w1")
    assert result.unknown == 4
    batch = OutboundBatch.objects.get()
    assert batch.status == OutboundBatch.Status.UNKNOWN
    OutboundBatch.objects.filter(id=batch.id).update(next_attempt_at=timezone.now())
    batches_retry_due(provider=provider)
    # The retry is the same reference with the same messages; 422 means the first was accepted.
    first, retry = provider.requests
    assert retry.message_batch_reference == first.message_batch_reference
    assert [m.message_reference for m in retry.messages] == [m.message_reference for m in first.messages]
    assert statuses(messages) == {MessageStatus.ACCEPTED: 4}
    assert set(provider.accepted.values()) == {1}


def test_outcome_unknown_then_accepted_on_retry(make_messages):
    messages = make_messages(2)
    provider = ScriptedProvider(script=[OutcomeUnknown("read timeout")])
    dispatch_once(provider=provider, worker="w1")
    OutboundBatch.objects.update(next_attempt_at=timezone.now())
    batches_retry_due(provider=provider)
    assert statuses(messages) == {MessageStatus.ACCEPTED: 2}
    assert set(provider.accepted.values()) == {1}


def test_a_worker_killed_after_claiming_leaves_rows_the_reaper_hands_back(make_messages):
    from notifyadmin.sending.dispatch.store import claim_due

    messages = make_messages(3)
    claim_due(limit=10, worker="dead", lease=dt.timedelta(seconds=-1))
    assert leases_reap() == 3
    assert statuses(messages) == {MessageStatus.QUEUED: 3}
    provider = ScriptedProvider()
    dispatch_once(provider=provider, worker="w2")
    assert statuses(messages) == {MessageStatus.ACCEPTED: 3}
    assert set(provider.accepted.values()) == {1}


def test_a_worker_killed_after_recording_its_batch_has_the_batch_retried_not_repacked(make_messages, monkeypatch):
    messages = make_messages(3)
    provider = ScriptedProvider()
    from notifyadmin.sending.dispatch import engine

    def die(**kwargs):
        provider.send_batch(
            batch=engine.BatchRequest(
                routing_plan_id=str(kwargs["batch"].routing_plan_id),
                message_batch_reference=str(kwargs["batch"].id),
                messages=tuple(kwargs["outbound"]),
            )
        )
        raise SystemExit("killed after the provider accepted")

    original = engine.batch_send
    monkeypatch.setattr(engine, "batch_send", die)
    with pytest.raises(SystemExit):
        dispatch_once(provider=provider, worker="dead")
    monkeypatch.setattr(engine, "batch_send", original)
    Message.objects.update(lease_expires_at=timezone.now() - dt.timedelta(seconds=1))
    leases_reap()
    batches_retry_due(provider=provider)
    assert statuses(messages) == {MessageStatus.ACCEPTED: 3}
    assert set(provider.accepted.values()) == {1}
    assert len({r.message_batch_reference for r in provider.requests}) == 1
