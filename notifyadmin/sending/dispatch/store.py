"""Bulk status changes of messages, each with its event rows written in the same statement.

`transition_bulk` moves every given message that the status table allows to move (the others
are left as they are and not returned), writing one `MessageEvent` per moved message. On
PostgreSQL it is one statement (lock, update and insert in one WITH query); on SQLite (local
runs only) the same in one transaction.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from notifyadmin.core.lookups import pg_array_literal
from notifyadmin.sending.models import Message, MessageEvent
from notifyadmin.sending.status import MESSAGE_WORKFLOW

MESSAGE_TABLE = Message._meta.db_table
EVENT_TABLE = MessageEvent._meta.db_table

# Message columns a transition may set, besides status and its reason.
SETTABLE = frozenset(
    {"send_after", "attempt", "lease_expires_at", "claimed_by", "batch_id", "notify_message_id", "planned_channels"}
)


@dataclass(frozen=True)
class _Move:
    """One bulk change: to which status, from which, and what it records."""

    target: str
    sources: list[str]
    reason: str
    detail: str
    fields: dict[str, Any]
    per_message: Mapping[str, Mapping[str, Any]]
    channel: str
    channel_status: str
    supplier_status: str
    now: dt.datetime


@dataclass(frozen=True)
class Moved:
    id: str
    from_status: str


def transition_bulk(
    *,
    ids: Iterable[Any],
    transition: str,
    reason: str = "",
    detail: str = "",
    set_fields: Mapping[str, Any] | None = None,
    per_message: Mapping[str, Mapping[str, Any]] | None = None,
    channel: str = "",
    channel_status: str = "",
    supplier_status: str = "",
    at: dt.datetime | None = None,
) -> list[Moved]:
    """Move messages by `transition` of MESSAGE_WORKFLOW. `set_fields` apply to all moved rows;
    `per_message` maps a message id to its own values (for example its NHS Notify id).
    Returns the messages that moved, with the status each left."""
    id_list = [str(value) for value in ids]
    if not id_list:
        return []
    target = MESSAGE_WORKFLOW[transition].target
    sources = sorted(MESSAGE_WORKFLOW.sources_into(transition))
    fields = dict(set_fields or {})
    unknown = (set(fields) | {k for values in (per_message or {}).values() for k in values}) - SETTABLE
    if unknown:
        raise ValueError(f"transition_bulk cannot set {sorted(unknown)}")
    now = at or timezone.now()
    move = _Move(
        target=target,
        sources=sources,
        reason=reason,
        detail=detail,
        fields=fields,
        per_message=per_message or {},
        channel=channel,
        channel_status=channel_status,
        supplier_status=supplier_status,
        now=now,
    )
    if connection.vendor == "postgresql":
        return _pg_transition(id_list, move)
    return _generic_transition(id_list, move)


def _pg_transition(ids: list[str], move: _Move) -> list[Moved]:
    target, sources, reason, detail = move.target, move.sources, move.reason, move.detail
    fields, per_message, now = move.fields, move.per_message, move.now
    channel, channel_status, supplier_status = move.channel, move.channel_status, move.supplier_status
    per_keys = sorted({key for values in per_message.values() for key in values})
    assignments = ["status = %s", "status_reason = %s", "status_detail = %s", "status_changed_at = %s"]
    params: list[Any] = []
    for name, value in fields.items():
        assignments.append(f"{name} = %s")
        params.append(value)
    for key in per_keys:
        assignments.append(f"{key} = COALESCE((v.vals ->> %s)::{_PG_TYPES[key]}, m.{key})")
        params.append(key)
    values = json.dumps({message_id: dict(vals) for message_id, vals in per_message.items()}, default=str)
    # Table and column names come from the model and SETTABLE, never from input.
    sql = f"""
        WITH locked AS (
            SELECT id, status FROM {MESSAGE_TABLE}
            WHERE id = ANY(%s::uuid[]) AND status = ANY(%s)
            FOR UPDATE
        ),
        v AS (SELECT key::uuid AS id, value AS vals FROM jsonb_each(%s::jsonb)),
        moved AS (
            UPDATE {MESSAGE_TABLE} m SET {", ".join(assignments)}
            FROM locked LEFT JOIN v ON v.id = locked.id
            WHERE m.id = locked.id
            RETURNING m.id, m.organisation_id, m.attempt, locked.status AS from_status
        ),
        events AS (
            INSERT INTO {EVENT_TABLE}
                (message_id, organisation_id, occurred_at, from_status, status, channel, channel_status,
                 supplier_status, reason, detail, attempt)
            SELECT id, organisation_id, %s, from_status, %s, %s, %s, %s, %s, %s, attempt FROM moved
        )
        SELECT id::text, from_status FROM moved
    """  # noqa: S608
    head: list[Any] = [pg_array_literal(ids), sources, values]
    status_params: list[Any] = [target, reason, detail[:300], now]
    event_params: list[Any] = [now, target, channel, channel_status, supplier_status, reason, detail[:300]]
    with connection.cursor() as cursor:
        cursor.execute(sql, head + status_params + params + event_params)
        return [Moved(id=row[0], from_status=row[1]) for row in cursor.fetchall()]


_PG_TYPES = {
    "send_after": "timestamptz",
    "attempt": "smallint",
    "lease_expires_at": "timestamptz",
    "claimed_by": "text",
    "batch_id": "uuid",
    "notify_message_id": "text",
    "planned_channels": "jsonb",
}


def _generic_transition(ids: list[str], move: _Move) -> list[Moved]:
    target, sources, reason, detail = move.target, move.sources, move.reason, move.detail
    fields, per_message, now = move.fields, move.per_message, move.now
    channel, channel_status, supplier_status = move.channel, move.channel_status, move.supplier_status
    with transaction.atomic():
        rows = list(
            Message.objects.select_for_update()
            .filter(id__in=ids, status__in=sources)
            .values_list("id", "status", "organisation_id", "attempt")
        )
        if not rows:
            return []
        moved_ids = [row[0] for row in rows]
        Message.objects.filter(id__in=moved_ids).update(
            status=target, status_reason=reason, status_detail=detail[:300], status_changed_at=now, **fields
        )
        for message_id, values in per_message.items():
            if values:
                Message.objects.filter(id=message_id, status=target).update(**values)
        attempts = dict(Message.objects.filter(id__in=moved_ids).values_list("id", "attempt"))
        MessageEvent.objects.bulk_create(
            MessageEvent(
                message_id=message_id,
                organisation_id=organisation_id,
                occurred_at=now,
                from_status=from_status,
                status=target,
                channel=channel,
                channel_status=channel_status,
                supplier_status=supplier_status,
                reason=reason,
                detail=detail[:300],
                attempt=attempts.get(message_id, attempt),
            )
            for message_id, from_status, organisation_id, attempt in rows
        )
    return [Moved(id=str(row[0]), from_status=row[1]) for row in rows]


def membership_record(rows: Sequence[tuple[str, str, Sequence[str]]]) -> None:
    """Record, before the provider call, each message's batch and the channels it is sent with:
    rows of (message id, batch id, planned channels), in one statement on PostgreSQL."""
    if not rows:
        return
    if connection.vendor == "postgresql":
        sql = f"""
            UPDATE {MESSAGE_TABLE} m SET batch_id = v.batch_id, planned_channels = v.channels::jsonb
            FROM unnest(%s::uuid[], %s::uuid[], %s::text[]) AS v(id, batch_id, channels)
            WHERE m.id = v.id
        """  # noqa: S608
        columns = [
            pg_array_literal(row[0] for row in rows),
            pg_array_literal(row[1] for row in rows),
            pg_array_literal(json.dumps(list(row[2])) for row in rows),
        ]
        with connection.cursor() as cursor:
            cursor.execute(sql, columns)
        return
    groups: dict[tuple[str, tuple[str, ...]], list[str]] = {}
    for message_id, batch_id, planned in rows:
        groups.setdefault((batch_id, tuple(planned)), []).append(message_id)
    for (batch_id, planned), ids in groups.items():
        Message.objects.filter(id__in=ids).update(batch_id=batch_id, planned_channels=list(planned))


def claim_due(*, limit: int, worker: str, lease: dt.timedelta, now: dt.datetime | None = None) -> list[str]:
    """Claim up to `limit` due queued messages for this worker: mark them sending with a lease
    and the next attempt number, with their events, and return their ids. Concurrent
    dispatchers never claim the same row (SKIP LOCKED on PostgreSQL)."""
    now = now or timezone.now()
    sources = sorted(MESSAGE_WORKFLOW.sources_into("claim"))
    target = MESSAGE_WORKFLOW["claim"].target
    if connection.vendor == "postgresql":
        sql = f"""
            WITH locked AS (
                SELECT id, status FROM {MESSAGE_TABLE}
                WHERE status = ANY(%s) AND send_after <= %s
                ORDER BY priority, send_after
                LIMIT %s
                FOR UPDATE SKIP LOCKED
            ),
            moved AS (
                UPDATE {MESSAGE_TABLE} m
                SET status = %s, status_reason = '', status_detail = '', status_changed_at = %s,
                    attempt = m.attempt + 1, lease_expires_at = %s, claimed_by = %s
                FROM locked WHERE m.id = locked.id
                RETURNING m.id, m.organisation_id, m.attempt, locked.status AS from_status
            ),
            events AS (
                INSERT INTO {EVENT_TABLE}
                    (message_id, organisation_id, occurred_at, from_status, status, channel, channel_status,
                     supplier_status, reason, detail, attempt)
                SELECT id, organisation_id, %s, from_status, %s, '', '', '', '', '', attempt FROM moved
            )
            SELECT id::text FROM moved
        """  # noqa: S608
        with connection.cursor() as cursor:
            cursor.execute(sql, [sources, now, limit, target, now, now + lease, worker, now, target])
            return [row[0] for row in cursor.fetchall()]
    # SQLite: IMMEDIATE transactions (settings) serialise writers, so a select then update is safe.
    with transaction.atomic():
        due = list(
            Message.objects.filter(status__in=sources, send_after__lte=now)
            .order_by("priority", "send_after")
            .values_list("id", flat=True)[:limit]
        )
        if not due:
            return []
        rows = list(Message.objects.filter(id__in=due).values_list("id", "status", "organisation_id", "attempt"))
        Message.objects.filter(id__in=due).update(
            status=target,
            status_reason="",
            status_detail="",
            status_changed_at=now,
            lease_expires_at=now + lease,
            claimed_by=worker,
        )
        from django.db.models import F

        Message.objects.filter(id__in=due).update(attempt=F("attempt") + 1)
        MessageEvent.objects.bulk_create(
            MessageEvent(
                message_id=message_id,
                organisation_id=organisation_id,
                occurred_at=now,
                from_status=from_status,
                status=target,
                attempt=attempt + 1,
            )
            for message_id, from_status, organisation_id, attempt in rows
        )
        return [str(message_id) for message_id in due]


def expired_leases(*, now: dt.datetime | None = None, limit: int = 5000) -> Sequence[str]:
    """Messages whose worker died holding them (lease passed without a result)."""
    now = now or timezone.now()
    return [
        str(message_id)
        for message_id in Message.objects.filter(status="sending", lease_expires_at__lt=now).values_list(
            "id", flat=True
        )[:limit]
    ]
