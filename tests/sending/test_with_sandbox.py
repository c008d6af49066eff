"""The pipeline over real HTTP against the local NHS Notify sandbox: the decisions and rendering
are the real ones, the receipts arrive as signed callbacks, and the sandbox's own record shows
each message accepted exactly once, whatever the faults."""

import datetime as dt
import time

import pytest
from django.test import override_settings
from django.utils import timezone

from notifyadmin.sandboxes.nhs_notify import SandboxConfig, Timings, start_sandbox
from notifyadmin.sending.dispatch.engine import dispatch_once
from notifyadmin.sending.dispatch.recovery import batches_retry_due, leases_reap
from notifyadmin.sending.models import Message, OutboundBatch
from notifyadmin.sending.providers.nhs_notify import NhsNotifyProvider, Timeouts
from notifyadmin.sending.status import TERMINAL_STATUSES, MessageStatus
from preferences.nhs_number import synthetic_nhs_number

from .conftest import create_manual, patients_with_contacts

KEY, APP = "e2e-callback-key", "e2e-application"
FREE_TEXT_NHSAPP = "00000000-0000-0000-0000-000000000001"


def _provider(sandbox, read_timeout=5.0):
    return NhsNotifyProvider(
        environment="local",
        base_url=sandbox.url,
        timeouts=Timeouts(connect=1.0, read=read_timeout, batch_read=read_timeout),
    )


# The sandbox's receipts reach the live server's threads while the test reads: PostgreSQL (CI).
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_message_reaches_read_through_the_sandbox_and_its_signed_receipts(
    live_server, published, make_staff, organisation
):
    # Given a patient who reads NHS App messages, and the sandbox calling this app back
    (patient,) = patients_with_contacts(organisation, ["9990548609"])
    sandbox = start_sandbox(
        SandboxConfig(timings=Timings(step=0), callback_url=live_server.url, callback_api_key=KEY, application_id=APP),
        environ={},
    )
    try:
        with override_settings(NOTIFY_CALLBACK_API_KEY=KEY, NOTIFY_APPLICATION_ID=APP, DISPATCH_NUDGE_ENABLED=False):
            (message,) = create_manual(published, [patient], make_staff, organisation)
            # When the dispatcher runs
            provider = _provider(sandbox)
            result = dispatch_once(provider=provider, worker="e2e")
            assert result.claimed == 1
            # (On a loaded machine the answer may time out: the batch is then sent again as it was.)
            deadline = time.monotonic() + 30
            while Message.objects.get(id=message.id).status != MessageStatus.READ and time.monotonic() < deadline:
                OutboundBatch.objects.filter(status=OutboundBatch.Status.UNKNOWN).update(next_attempt_at=timezone.now())
                batches_retry_due(provider=provider)
                time.sleep(0.1)
    finally:
        sandbox.stop()
    # Then the receipts moved it to read, and its history says how
    stored = Message.objects.get(id=message.id)
    assert stored.status == MessageStatus.READ
    assert stored.notify_message_id != ""
    # (With instant timings a receipt may overtake the provider's answer: then "accepted" is
    # never recorded, because the message had already moved on.)
    history = list(stored.events.values_list("status", flat=True))
    assert history[:3] == [MessageStatus.CREATED, MessageStatus.QUEUED, MessageStatus.SENDING]
    assert history[-1] == MessageStatus.READ
    report = sandbox.accepted()
    assert (report["total"], report["acceptedMoreThanOnce"]) == (1, [])


@pytest.mark.django_db(transaction=True)
def test_a_retry_storm_accepts_every_message_exactly_once(published, make_staff, organisation):
    # Given 60 messages and a sandbox answering 429, 5xx, timeouts and accepted-then-dropped
    patients = patients_with_contacts(organisation, [synthetic_nhs_number(seed * 7919) for seed in range(60)])
    messages = create_manual(published, patients, make_staff, organisation)
    sandbox = start_sandbox(SandboxConfig(timings=Timings(step=0)), environ={})
    sandbox.faults(
        rate_429=0.2,
        retry_after_429=0,
        rate_5xx=0.15,
        error_statuses=[500, 502, 504],
        rate_timeout=0.1,
        timeout_seconds=0.6,
        rate_drop=0.15,
        seed=7,
    )
    provider = _provider(sandbox, read_timeout=0.3)
    try:
        with override_settings(
            DISPATCH_BATCH_SIZE=7,
            DISPATCH_BACKOFF_BASE_SECONDS=0.0,
            CIRCUIT_COOL_OFF_SECONDS=0.0,
            DISPATCH_MAX_ATTEMPTS=100,
            DISPATCH_NUDGE_ENABLED=False,
            DISPATCH_RATE_PER_SECOND=1000,
            DISPATCH_RATE_BURST=1000,
        ):
            deadline = time.monotonic() + 120
            while time.monotonic() < deadline:
                dispatch_once(provider=provider, worker="storm")
                batches_retry_due(provider=provider)
                Message.objects.filter(status=MessageStatus.SENDING).update(lease_expires_at=timezone.now())
                leases_reap()
                Message.objects.filter(status=MessageStatus.QUEUED).update(
                    send_after=timezone.now() - dt.timedelta(seconds=1)
                )
                if not Message.objects.exclude(status=MessageStatus.ACCEPTED).exists():
                    break
            sandbox.faults(rate_429=0, rate_5xx=0, rate_timeout=0, rate_drop=0)
    finally:
        sandbox.stop()
    # Then every message is accepted, and the sandbox accepted each exactly once
    statuses = set(Message.objects.filter(id__in=[m.id for m in messages]).values_list("status", flat=True))
    assert statuses == {MessageStatus.ACCEPTED}
    report = sandbox.accepted()
    assert report["acceptedMoreThanOnce"] == []
    assert sorted(m["messageReference"] for m in report["messages"]) == sorted(str(m.id) for m in messages)
    # And the storm really happened: refusals, server errors, and retries answered "already accepted"
    log = sandbox.state.store.request_report()["counts"]
    # (425 appears only when a retry overtakes a slow first request: timing, so not required.)
    for status in ("429", "422", "201", "dropped"):
        assert log.get(f"POST /v1/message-batches {status}", 0) > 0, status
    assert sum(log.get(f"POST /v1/message-batches {status}", 0) for status in ("500", "502", "504")) > 0
    assert MessageStatus.ACCEPTED not in TERMINAL_STATUSES
