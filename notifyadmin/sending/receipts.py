"""Delivery receipts from NHS Notify callbacks: applied in bulk, idempotently, never backwards.

Rules:
- each callback item is applied once: its `meta.idempotencyKey` is recorded in the same
  transaction, and a repeat changes nothing;
- a status never moves backwards and a final status is never left (the status table decides:
  a late "delivered" after "read" is recorded as nothing);
- NHS App counts as read when its supplier status is `read`;
- a permanent failure or hard bounce of an email or SMS marks that contact point bounced, in
  the patient's preference history with source "delivery receipt";
- a receipt for a reference we do not know is counted and logged (without the reference) and
  answered like the others: NHS Notify must not retry it forever.
"""

from __future__ import annotations

import logging
import uuid
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, transaction

from notifyadmin.core import metrics
from notifyadmin.core.lookups import pg_array_literal
from notifyadmin.sending.dispatch.store import transition_bulk
from notifyadmin.sending.models import CallbackReceipt, Message, MessageEvent
from notifyadmin.sending.status import WITH_PROVIDER

logger = logging.getLogger("notifyadmin.sending.receipts")

# Supplier statuses that mean the address itself is bad, not a passing problem.
BOUNCE_SUPPLIER_STATUSES = frozenset({"permanent_failure"})
BOUNCE_CHANNELS = frozenset({"email", "sms"})


@dataclass
class ReceiptOutcome:
    applied: int = 0
    repeated: int = 0
    unknown: int = 0
    moved: int = 0
    bounced: list[tuple[str, str]] = field(default_factory=list)  # (message id, channel)


def _new_keys(keys: Sequence[str]) -> set[str]:
    """Record the idempotency keys; return those never seen before (safe under concurrency)."""
    if not keys:
        return set()
    if connection.vendor == "postgresql":
        table = CallbackReceipt._meta.db_table
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {table} (idempotency_key, received_at) "  # noqa: S608 (table name from the model)
                "SELECT k, now() FROM unnest(%s::text[]) AS k ON CONFLICT DO NOTHING RETURNING idempotency_key",
                [pg_array_literal(keys)],
            )
            return {row[0] for row in cursor.fetchall()}
    seen = set(CallbackReceipt.objects.filter(idempotency_key__in=keys).values_list("idempotency_key", flat=True))
    fresh = [key for key in dict.fromkeys(keys) if key not in seen]
    CallbackReceipt.objects.bulk_create([CallbackReceipt(idempotency_key=key) for key in fresh])
    return set(fresh)


def _known_messages(references: Iterable[str]) -> dict[str, tuple[str, str, str]]:
    """reference -> (status, organisation id, NHS Notify id) for references that are ours."""
    ids = []
    for reference in references:
        try:
            ids.append(uuid.UUID(reference))
        except (ValueError, TypeError, AttributeError):
            continue
    rows = Message.objects.filter(id__in=ids).values_list("id", "status", "organisation_id", "notify_message_id")
    return {str(row[0]): (row[1], str(row[2]), row[3]) for row in rows}


def receipts_apply(*, items: Sequence[Mapping[str, Any]], kind: str) -> ReceiptOutcome:
    """Apply validated callback items of one kind ("MessageStatus" or "ChannelStatus")."""
    outcome = ReceiptOutcome()
    with transaction.atomic():
        keys = [item["meta"]["idempotencyKey"] for item in items]
        fresh = _new_keys(keys)
        new_items = []
        for item in items:
            key = item["meta"]["idempotencyKey"]
            if key in fresh:
                fresh.discard(key)  # a key repeated inside one body is applied once
                new_items.append(item)
            else:
                outcome.repeated += 1
        known = _known_messages(item["attributes"]["messageReference"] for item in new_items)
        mine = [item for item in new_items if item["attributes"]["messageReference"] in known]
        outcome.unknown = len(new_items) - len(mine)
        outcome.applied = len(mine)
        if kind == "MessageStatus":
            _apply_message_statuses(mine, known, outcome)
        else:
            _apply_channel_statuses(mine, known, outcome)
    if outcome.unknown:
        logger.warning("receipts for unknown message references", extra={"count": outcome.unknown, "kind": kind})
    metrics.CALLBACK_ITEMS.labels(kind=kind, outcome="applied").inc(outcome.applied)
    metrics.CALLBACK_ITEMS.labels(kind=kind, outcome="repeated").inc(outcome.repeated)
    metrics.CALLBACK_ITEMS.labels(kind=kind, outcome="unknown").inc(outcome.unknown)
    return outcome


def _notify_ids(items: Iterable[Mapping[str, Any]], known: Mapping[str, tuple[str, str, str]]) -> dict[str, dict]:
    return {
        item["attributes"]["messageReference"]: {"notify_message_id": item["attributes"]["messageId"]}
        for item in items
        if not known[item["attributes"]["messageReference"]][2]
    }


def _apply_message_statuses(
    items: Sequence[Mapping[str, Any]], known: Mapping[str, tuple[str, str, str]], outcome: ReceiptOutcome
) -> None:
    by_transition: dict[tuple[str, str, str], list[Mapping[str, Any]]] = defaultdict(list)
    for item in items:
        attributes = item["attributes"]
        status = attributes["messageStatus"]
        if status == "delivered":
            by_transition[("deliver", "", "")].append(item)
        elif status == "failed":
            code = str(attributes.get("messageFailureReasonCode") or "")[:40]
            description = str(attributes.get("messageStatusDescription") or "")[:300]
            by_transition[("fail", code, description)].append(item)
        # created, pending_enrichment, enriched, sending: progress inside NHS Notify; the message
        # is already accepted, and its id recorded below.
    for (transition, reason, detail), group in by_transition.items():
        moved = transition_bulk(
            ids=[item["attributes"]["messageReference"] for item in group],
            transition=transition,
            reason=reason,
            detail=detail,
            per_message=_notify_ids(group, known),
        )
        outcome.moved += len(moved)
    _record_notify_ids(items, known)


def _record_notify_ids(items: Iterable[Mapping[str, Any]], known: Mapping[str, tuple[str, str, str]]) -> None:
    """Messages accepted inside an unknown-outcome batch learn their NHS Notify id from receipts."""
    missing = _notify_ids(items, known)
    for reference, values in missing.items():
        Message.objects.filter(id=reference, notify_message_id="").update(**values)


def _apply_channel_statuses(
    items: Sequence[Mapping[str, Any]], known: Mapping[str, tuple[str, str, str]], outcome: ReceiptOutcome
) -> None:
    for item in items:
        attributes = item["attributes"]
        reference = attributes["messageReference"]
        channel = attributes["channel"]
        channel_status = attributes["channelStatus"]
        supplier = str(attributes.get("supplierStatus") or "")
        reason = str(attributes.get("channelFailureReasonCode") or "")[:40]
        detail = str(attributes.get("channelStatusDescription") or "")[:300]
        transition = ""
        if channel == "nhsapp" and supplier == "read":
            transition = "read"
        elif channel_status == "delivered" and channel != "nhsapp":
            transition = "deliver"
        moved = []
        if transition:
            moved = transition_bulk(
                ids=[reference],
                transition=transition,
                channel=channel,
                channel_status=channel_status,
                supplier_status=supplier,
                reason=reason,
                detail=detail,
                per_message=_notify_ids([item], known),
            )
            outcome.moved += len(moved)
        if not moved:
            # A channel's progress, or a receipt the status table does not let move the
            # message: kept in the history all the same.
            status, organisation_id, _ = known[reference]
            current = Message.objects.filter(id=reference).values_list("status", flat=True).first() or status
            MessageEvent.objects.create(
                message_id=reference,
                organisation_id=organisation_id,
                occurred_at=_timestamp(attributes),
                from_status=current,
                status=current if current in WITH_PROVIDER else status,
                channel=channel,
                channel_status=channel_status,
                supplier_status=supplier,
                reason=reason,
                detail=detail,
            )
        if channel in BOUNCE_CHANNELS and supplier in BOUNCE_SUPPLIER_STATUSES:
            outcome.bounced.append((reference, channel))
    _record_notify_ids(items, known)


def _timestamp(attributes: Mapping[str, Any]) -> Any:
    from django.utils import timezone
    from django.utils.dateparse import parse_datetime

    parsed = parse_datetime(str(attributes.get("timestamp") or ""))
    return parsed if parsed is not None and parsed.tzinfo is not None else timezone.now()
