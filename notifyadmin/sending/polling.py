"""Status polling: a message accepted by NHS Notify that has no final status after
STATUS_POLL_AFTER_MINUTES is asked about directly (GET /v1/messages/{id}), in case its
callbacks were lost. The answer is applied exactly as a callback would be, with an
idempotency key derived from what it says, so a poll and a callback never double-count."""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from typing import Any

from django.conf import settings
from django.utils import timezone

from notifyadmin.sending.models import Message
from notifyadmin.sending.providers import errors
from notifyadmin.sending.providers.base import MessageProvider, MessageStatus
from notifyadmin.sending.receipts import receipts_apply
from notifyadmin.sending.status import MessageStatus as Status

logger = logging.getLogger("notifyadmin.sending.polling")


def _key(*parts: object) -> str:
    return hashlib.sha256("|".join(str(part) for part in parts).encode()).hexdigest()


def _items(reference: str, status: MessageStatus) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    now = timezone.now().isoformat()
    message_items = [
        {
            "type": "MessageStatus",
            "attributes": {
                "messageId": status.message_id,
                "messageReference": reference,
                "messageStatus": status.message_status,
                "messageStatusDescription": status.status_description,
                "messageFailureReasonCode": status.failure_reason_code,
                "timestamp": now,
            },
            "meta": {"idempotencyKey": _key("poll", reference, status.message_status)},
        }
    ]
    channel_items = [
        {
            "type": "ChannelStatus",
            "attributes": {
                "messageId": status.message_id,
                "messageReference": reference,
                "channel": channel.type,
                "channelStatus": channel.channel_status,
                "supplierStatus": channel.supplier_status or "",
                "channelStatusDescription": channel.status_description,
                "channelFailureReasonCode": channel.failure_reason_code,
                "timestamp": now,
            },
            "meta": {
                "idempotencyKey": _key("poll", reference, channel.type, channel.channel_status, channel.supplier_status)
            },
        }
        for channel in status.channels
    ]
    return message_items, channel_items


def statuses_poll(*, provider: MessageProvider, limit: int = 200) -> int:
    """Poll the oldest overdue accepted messages; returns how many were asked about."""
    now = timezone.now()
    due = list(
        Message.objects.filter(
            status__in=[Status.ACCEPTED, Status.DELIVERED],
            status_changed_at__lt=now - dt.timedelta(minutes=settings.STATUS_POLL_AFTER_MINUTES),
        )
        .exclude(notify_message_id="")
        .order_by("status_changed_at")
        .values_list("id", "notify_message_id")[:limit]
    )
    asked = 0
    for message_id, notify_id in due:
        try:
            status = provider.message_status(message_id=notify_id)
        except errors.ProviderError as error:
            logger.warning("status poll failed", extra={"outcome": error.outcome})
            if error.retryable:
                break
            continue
        asked += 1
        message_items, channel_items = _items(str(message_id), status)
        receipts_apply(items=channel_items, kind="ChannelStatus")
        receipts_apply(items=message_items, kind="MessageStatus")
        # Touch it so the next poll asks about others first.
        Message.objects.filter(id=message_id, status_changed_at__lt=now).update(status_changed_at=now)
    return asked
