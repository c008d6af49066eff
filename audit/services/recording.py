"""Writing audit events.

`audit_record` is the only way an event is written. Call it inside the same transaction as the
change it records, so that either both are stored or neither is. It only inserts: it takes no
lock and reads nothing of the chain, so audited actions never queue behind one another. The
event joins the hash chain when the sealer next runs (`audit.services.sealing`); committing
nudges the sealer, at most once every few seconds per process.
"""

import json
import logging
import re
import threading
import time
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from kombu.exceptions import OperationalError

from audit.actions import is_registered
from audit.models import AuditEvent
from notifyadmin.core import metrics
from notifyadmin.core.actor import Actor
from notifyadmin.core.correlation import get_correlation_id

logger = logging.getLogger(__name__)

# Patient identifiers must never be written into details: they belong in patient_ref (opaque).
_IDENTIFIER_PATTERNS = (
    # Bounded by non-word characters, so digit runs inside ids (UUIDs, hashes) are not mistaken.
    re.compile(r"(?<![\w-])\d{3}[ -]?\d{3}[ -]?\d{4}(?![\w-])"),  # NHS number, or a UK phone number
    re.compile(r"(?<![\w-])(?:\+44|0)7\d{9}(?![\w-])"),  # UK mobile
    re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+"),  # email address
)

_nudge_lock = threading.Lock()
_last_nudge = [-float("inf")]  # monotonic time of this process's last nudge


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
    """Insert one event. Refuses unregistered actions and identifiers in details."""
    if not is_registered(action):
        raise UnknownAuditAction(
            f"Audit action {action!r} is not registered: register it in its app's audit_actions (AppConfig.ready)."
        )
    details = details or {}
    _check_details(details)
    user = actor.user
    event = AuditEvent.objects.create(
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
    )
    transaction.on_commit(_nudge_sealer)
    metrics.AUDIT_EVENTS.labels(action=action).inc()
    return event


def _nudge_sealer() -> None:
    """Ask for a sealing run soon: one task per process every AUDIT_SEAL_NUDGE_SECONDS at most,
    never one per event. A broker that cannot be reached is logged, not raised: the event is
    committed, and the beat tick seals it within a minute."""
    interval = getattr(settings, "AUDIT_SEAL_NUDGE_SECONDS", 2.0)
    with _nudge_lock:
        now = time.monotonic()
        if now - _last_nudge[0] < interval:
            return
        _last_nudge[0] = now
    from audit.tasks import seal_audit_chain

    try:
        seal_audit_chain.apply_async()
    except OperationalError as error:
        logger.warning(
            "audit sealer nudge not sent; the scheduled run will seal", extra={"error": type(error).__name__}
        )


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
