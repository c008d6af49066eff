"""The hash chain's format: what a seal's hash covers. A contract: changing it breaks every
stored seal, so it changes only with a migration that re-seals (and an ADR).

A seal binds one event to a position in the chain: its hash covers the position, the previous
seal's hash and the event's full content, so altering an event, removing or reordering seals,
or inserting one into the middle breaks the chain where it happened.
"""

import hashlib
import json
from datetime import UTC
from typing import Any, Protocol

GENESIS_HASH = "0" * 64


class SealableEvent(Protocol):
    id: Any
    occurred_at: Any
    actor_id: Any
    actor_name: str
    actor_role: str
    organisation_id: Any
    sign_in_session_id: str
    cis2_uid: str
    cis2_role_id: str
    system_client: str
    action: str
    target_type: str
    target_id: str
    patient_ref: str
    reason: str
    details: Any
    correlation_id: str
    ip_address: Any
    user_agent: str


def canonical_content(event: SealableEvent) -> dict[str, Any]:
    """Every stored field of the event except its database sequence, in a fixed form."""
    return {
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
    }


def seal_hash(*, position: int, previous_hash: str, event: SealableEvent) -> str:
    """SHA-256 of the position, the previous seal's hash and the event's canonical content."""
    text = json.dumps(
        {"position": position, "previous_hash": previous_hash, "event": canonical_content(event)},
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
    )
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
