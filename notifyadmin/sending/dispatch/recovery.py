"""Recovering from failure without sending anything twice.

- `batches_retry_due`: batches whose outcome is unknown (a timeout, a connection dropped after
  the provider may have accepted it) are resent identically — the same messageBatchReference
  with the same messages and content — when their backoff has passed. A 422
  CM_DUPLICATE_REQUEST then marks them accepted.
- `leases_reap`: a worker killed while holding messages leaves them "sending" with a lease that
  runs out. Messages not yet in a batch were never sent: they go back to the queue. Messages in
  a recorded batch may have been sent: their batch is marked unknown and retried identically.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.db import connection, transaction
from django.utils import timezone

from notifyadmin.sending.dispatch import limits
from notifyadmin.sending.dispatch.engine import PROVIDER, DispatchResult, batch_send, messages_for_dispatch
from notifyadmin.sending.dispatch.prepare import outbound_for
from notifyadmin.sending.dispatch.store import transition_bulk
from notifyadmin.sending.models import Message, OutboundBatch
from notifyadmin.sending.providers.base import MessageProvider
from notifyadmin.sending.status import DeferReason, MessageStatus

logger = logging.getLogger("notifyadmin.sending.recovery")


def _claim_batches(limit: int) -> list[OutboundBatch]:
    now = timezone.now()
    due = OutboundBatch.objects.filter(
        status__in=[OutboundBatch.Status.UNKNOWN, OutboundBatch.Status.PENDING], next_attempt_at__lte=now
    ).order_by("next_attempt_at")
    if connection.vendor == "postgresql":
        due = due.select_for_update(skip_locked=True)
    with transaction.atomic():
        batches = list(due[:limit])
        # Push the next attempt out while this worker holds them, so another worker skips them.
        OutboundBatch.objects.filter(id__in=[b.id for b in batches]).update(
            next_attempt_at=now + dt.timedelta(minutes=5)
        )
    return batches


def batches_retry_due(*, provider: MessageProvider, limit: int = 20) -> DispatchResult:
    result = DispatchResult()
    if limits.circuit_is_open(PROVIDER):
        return result
    for batch in _claim_batches(limit):
        members = messages_for_dispatch(Message.objects.filter(batch=batch, status=MessageStatus.SENDING))
        if not members:
            OutboundBatch.objects.filter(id=batch.id).update(status=OutboundBatch.Status.ACCEPTED)
            continue
        outbound = [outbound_for(m, list(m.planned_channels)) for m in members]
        batch_send(provider=provider, batch=batch, outbound=outbound, result=result)
    return result


def leases_reap(*, limit: int = 5000) -> int:
    """Hand back messages whose worker died; returns how many were recovered."""
    now = timezone.now()
    expired = list(
        Message.objects.filter(status=MessageStatus.SENDING, lease_expires_at__lt=now).values_list("id", "batch_id")[
            :limit
        ]
    )
    never_sent = [str(message_id) for message_id, batch_id in expired if batch_id is None]
    batch_ids = {batch_id for _, batch_id in expired if batch_id is not None}
    with transaction.atomic():
        moved = transition_bulk(
            ids=never_sent,
            transition="requeue",
            reason=DeferReason.RETRY,
            detail="The worker sending it stopped before sending; queued again",
            set_fields={"lease_expires_at": None, "claimed_by": ""},
        )
        if batch_ids:
            OutboundBatch.objects.filter(id__in=batch_ids).exclude(status=OutboundBatch.Status.ACCEPTED).update(
                status=OutboundBatch.Status.UNKNOWN, next_attempt_at=now
            )
            Message.objects.filter(batch_id__in=batch_ids, status=MessageStatus.SENDING).update(
                lease_expires_at=now + dt.timedelta(minutes=10)
            )
    if expired:
        logger.warning("reaped expired leases", extra={"requeued": len(moved), "batches_to_retry": len(batch_ids)})
    return len(moved) + len(batch_ids)
