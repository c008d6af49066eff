"""Celery tasks of the send pipeline. Tasks take no message ids: they move due rows forward
in batches, are safe to run twice and concurrently (claims use SKIP LOCKED), and are nudged
after commit or ticked by beat."""

from __future__ import annotations

import os
import socket

from celery import shared_task
from django.conf import settings

from notifyadmin.sending import queues

DISPATCH = "sending.dispatch"
RECOVER = "sending.recover"
POLL = "sending.poll_statuses"
PURGE = "sending.purge_personalisation"


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def _provider():  # type: ignore[no-untyped-def]
    from notifyadmin.sending.providers.factory import provider_from_settings

    return provider_from_settings()


@shared_task(name=DISPATCH, queue=queues.DISPATCH, ignore_result=True)
def dispatch() -> int:
    """Dispatch due messages until none are left or the pass limit is reached."""
    from notifyadmin.sending.dispatch.engine import dispatch_once

    provider = _provider()
    total = 0
    for _ in range(settings.DISPATCH_PASSES_PER_TASK):
        result = dispatch_once(provider=provider, worker=worker_name())
        total += result.claimed
        if result.claimed < settings.DISPATCH_BATCH_SIZE:
            break
    return total


@shared_task(name=RECOVER, queue=queues.DISPATCH, ignore_result=True)
def recover() -> int:
    """Reap expired leases and retry batches whose outcome is unknown; then dispatch."""
    from notifyadmin.sending.dispatch.recovery import batches_retry_due, leases_reap

    recovered = leases_reap()
    batches_retry_due(provider=_provider())
    dispatch.delay()
    return recovered


def dispatch_nudge() -> None:
    """Called after commit when messages became due: one task, not one per message."""
    if settings.DISPATCH_NUDGE_ENABLED:
        dispatch.delay()


@shared_task(name=POLL, queue=queues.DISPATCH, ignore_result=True)
def poll_statuses() -> int:
    from notifyadmin.sending.polling import statuses_poll

    return statuses_poll(provider=_provider())


@shared_task(name=PURGE, queue=queues.DISPATCH, ignore_result=True)
def purge_personalisation() -> int:
    from notifyadmin.sending.retention import personalisation_purge

    return personalisation_purge()
