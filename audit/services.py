"""Writing and verifying the audit trail.

`audit_record` is the only way an event is written. Call it inside the same transaction as the
change it records, so that either both are stored or neither is.
"""

import hashlib
import json
import re
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from audit.actions import is_registered
from audit.models import AuditEvent
from notifyadmin.core import metrics
from notifyadmin.core.actor import Actor
from notifyadmin.core.correlation import get_correlation_id

GENESIS_HASH = "0" * 64
# Any key for pg_advisory_xact_lock, fixed so that every writer serialises on the chain head.
_CHAIN_LOCK_KEY = 7_401_186_223
# SQLite (local runs only) has no advisory locks: its IMMEDIATE transactions (settings) serialise
# processes, and this lock serialises threads of one process.
_sqlite_chain_lock = threading.Lock()

# Patient identifiers must never be written into details: they belong in patient_ref (opaque).
_IDENTIFIER_PATTERNS = (
    # Bounded by non-word characters, so digit runs inside ids (UUIDs, hashes) are not mistaken.
    re.compile(r"(?<![\w-])\d{3}[ -]?\d{3}[ -]?\d{4}(?![\w-])"),  # NHS number, or a UK phone number
    re.compile(r"(?<![\w-])(?:\+44|0)7\d{9}(?![\w-])"),  # UK mobile
    re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+"),  # email address
)


class AuditDetailsError(ValueError):
    """Raised when details would carry a patient identifier, or are not JSON."""


class UnknownAuditAction(ValueError):
    pass


def audit_record(
    *,
    actor: Actor,
    action: str,
    target_type: str = "",
    target_id: str = "",
    patient_ref: str = "",
    reason: str = "",
    details: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event to the chain. Refuses unregistered actions and identifiers in details."""
    if not is_registered(action):
        raise UnknownAuditAction(
            f"Audit action {action!r} is not registered: register it in its app's audit_actions (AppConfig.ready)."
        )
    details = details or {}
    _check_details(details)
    user = actor.user
    with transaction.atomic():
        previous_hash = _lock_chain_and_read_head()
        event = AuditEvent(
            occurred_at=timezone.now(),
            actor=user,
            actor_name=user.display_name if user is not None else "",
            actor_role=actor.role,
            organisation=actor.organisation,
            sign_in_session_id=actor.sign_in_session_id,
            cis2_uid=actor.cis2_uid,
            cis2_role_id=actor.cis2_role_id,
            system_client=actor.system_name,
            action=action,
            target_type=target_type,
            target_id=str(target_id),
            patient_ref=str(patient_ref),
            reason=reason,
            details=details,
            correlation_id=actor.correlation_id or get_correlation_id(),
            ip_address=actor.ip_address,
            user_agent=actor.user_agent,
            previous_hash=previous_hash,
        )
        event.event_hash = event_hash(event)
        event.save()
    metrics.AUDIT_EVENTS.labels(action=action).inc()
    return event


def _lock_chain_and_read_head() -> str:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_CHAIN_LOCK_KEY])
        return _head_hash()
    with _sqlite_chain_lock:
        return _head_hash()


def _head_hash() -> str:
    head = AuditEvent.objects.order_by("-sequence").values_list("event_hash", flat=True).first()
    return head or GENESIS_HASH


def _check_details(details: dict[str, Any]) -> None:
    try:
        text = json.dumps(details, sort_keys=True)
    except (TypeError, ValueError) as error:
        raise AuditDetailsError("Audit details must be plain JSON values.") from error
    for pattern in _IDENTIFIER_PATTERNS:
        if pattern.search(text):
            raise AuditDetailsError(
                "Audit details must not contain patient identifiers; put the patient's opaque id in patient_ref."
            )


def canonical_content(event: AuditEvent) -> str:
    """The exact text the hash covers: every stored field but the hash itself, in a fixed form."""
    content = {
        "id": str(event.id),
        "occurred_at": event.occurred_at.astimezone(UTC).isoformat(timespec="microseconds"),
        "actor_id": str(event.actor_id) if event.actor_id else "",
        "actor_name": event.actor_name,
        "actor_role": event.actor_role,
        "organisation_id": str(event.organisation_id) if event.organisation_id else "",
        "sign_in_session_id": event.sign_in_session_id,
        "cis2_uid": event.cis2_uid,
        "cis2_role_id": event.cis2_role_id,
        "system_client": event.system_client,
        "action": event.action,
        "target_type": event.target_type,
        "target_id": event.target_id,
        "patient_ref": event.patient_ref,
        "reason": event.reason,
        "details": event.details,
        "correlation_id": event.correlation_id,
        "ip_address": event.ip_address or "",
        "user_agent": event.user_agent,
        "previous_hash": event.previous_hash,
    }
    return json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def event_hash(event: AuditEvent) -> str:
    return hashlib.sha256(canonical_content(event).encode("utf-8")).hexdigest()


@dataclass
class ChainVerification:
    ok: bool
    checked: int
    first_failure: AuditEvent | None = None
    problem: str = ""
    problems: list[str] = field(default_factory=list)


def audit_chain_verify(*, events: Iterable[AuditEvent] | None = None) -> ChainVerification:
    """Recompute every hash in order. The first event whose content or link does not match is
    named: content changed, an event inserted, or an event removed before it."""
    if events is None:
        events = AuditEvent.objects.order_by("sequence").iterator(chunk_size=2000)
    expected_previous = GENESIS_HASH
    checked = 0
    for event in events:
        checked += 1
        if event.previous_hash != expected_previous:
            return ChainVerification(
                ok=False,
                checked=checked,
                first_failure=event,
                problem="its link to the previous event does not match: an event before it was altered or removed",
            )
        if event_hash(event) != event.event_hash:
            return ChainVerification(
                ok=False,
                checked=checked,
                first_failure=event,
                problem="its content does not match its stored hash: the event was altered",
            )
        expected_previous = event.event_hash
    return ChainVerification(ok=True, checked=checked)
