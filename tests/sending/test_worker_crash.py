"""A real Celery worker, on the real broker (Redis) and database (PostgreSQL), killed with
SIGKILL while its batch is at NHS Notify (the sandbox has accepted the request but not yet
answered), then restarted: nothing is lost and nothing is accepted twice."""

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.db import connection
from django.utils import timezone

from notifyadmin.sandboxes.nhs_notify import SandboxConfig, Timings, start_sandbox
from notifyadmin.sending.models import Message, OutboundBatch
from notifyadmin.sending.status import MessageStatus
from preferences.nhs_number import synthetic_nhs_number
from tests.services import missing_service

from .conftest import create_manual, patients_with_contacts

ROOT = Path(__file__).resolve().parents[2]
pytestmark = [pytest.mark.redis, pytest.mark.postgres]


def _worker(env: dict[str, str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "notifyadmin",
            "worker",
            "--queues=dispatch",
            "--concurrency=1",
            "--pool=solo",
            "--without-gossip",
            "--without-mingle",
            "--loglevel=WARNING",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _wait(condition, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_batch_and_restarted_sends_everything_exactly_once(
    require_postgresql,
    published,
    make_staff,
    organisation,
):
    broker = os.environ.get("CELERY_BROKER_URL", "")
    if not broker.startswith("redis://"):
        missing_service("Redis (set CELERY_BROKER_URL=redis://...)")
    from notifyadmin.celery import app
    from notifyadmin.sending.tasks import dispatch, recover

    # The worker and this test talk over keys of their own: another test's in-process worker
    # on the same Redis database must not take this test's tasks (it would run them against
    # its own test database and find nothing to send).
    prefix = f"crash-test-{uuid.uuid4().hex}:"
    options = {"global_keyprefix": prefix}

    def send(task) -> None:  # type: ignore[no-untyped-def]
        with app.connection_for_write(url=broker, transport_options=options) as connection_:
            task.apply_async(connection=connection_)

    # Given 20 queued messages, and a sandbox that accepts the batch, then holds its answer back
    patients = patients_with_contacts(organisation, [synthetic_nhs_number(9000 + seed * 7919) for seed in range(20)])
    messages = create_manual(published, patients, make_staff, organisation)
    sandbox = start_sandbox(SandboxConfig(timings=Timings(step=3600)), environ={})
    sandbox.faults(rate_timeout=1.0, timeout_seconds=4.0, seed=1)
    db = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "notifyadmin.settings.test",
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}",
        "CELERY_BROKER_URL": broker,
        "CELERY_BROKER_KEY_PREFIX": prefix,
        "NOTIFY_ENVIRONMENT": "local",
        "NOTIFY_API_BASE_URL": sandbox.url,
        "NOTIFY_BATCH_READ_TIMEOUT_SECONDS": "30",
        "DISPATCH_NUDGE_ENABLED": "false",
        "DISPATCH_LEASE_SECONDS": "2",
        "DISPATCH_BACKOFF_BASE_SECONDS": "0",
    }
    worker = _worker(env)
    try:
        # When the worker has sent the batch and is waiting for the answer...
        send(dispatch)
        _wait(lambda: sandbox.state.store.in_flight, 30, "the batch to reach the sandbox")
        assert OutboundBatch.objects.count() == 1
        # ...it is killed
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=10)
        # Then the rows are left sending, leased to a dead worker; the sandbox accepts late
        assert set(Message.objects.values_list("status", flat=True)) == {MessageStatus.SENDING}
        _wait(lambda: not sandbox.state.store.in_flight, 15, "the sandbox to finish the request")
        sandbox.faults(rate_timeout=0.0)
        # When a worker is started again and recovery runs after the lease has expired
        worker = _worker(env)
        Message.objects.update(lease_expires_at=timezone.now())
        send(recover)
        _wait(
            lambda: not Message.objects.exclude(status=MessageStatus.ACCEPTED).exists(),
            45,
            "every message to be accepted",
        )
    finally:
        worker.kill()
        worker.wait(timeout=10)
        sandbox.stop()
    # Then every message was accepted by the sandbox exactly once, in the one recorded batch
    report = sandbox.accepted()
    assert report["acceptedMoreThanOnce"] == []
    assert sorted(m["messageReference"] for m in report["messages"]) == sorted(str(m.id) for m in messages)
    assert OutboundBatch.objects.count() == 1
    counts = sandbox.state.store.request_report()["counts"]
    # The retry was answered "already accepted": the first, accepted while the worker was dead, counts
    assert counts.get("POST /v1/message-batches 422", 0) >= 1
