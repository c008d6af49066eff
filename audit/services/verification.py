"""Verifying the hash chain, and recording each verification.

`audit_chain_verify` recomputes every seal in position order and reports, without stopping at
the first:
- an event altered since it was sealed (its content no longer gives its seal's hash);
- an event removed (a seal whose event is gone; a gap in positions);
- a seal altered or inserted (its link to the seal before does not match);
- an event inserted with a backdated time (sealed after events that occurred more than the
  late-commit horizon after it: no transaction stays open that long);
- events left unsealed longer than `AUDIT_UNSEALED_ALERT_SECONDS` (default ten minutes);
- a chain shorter than the sealer's head, or than the previous verification found it, or
  whose seal at that verification's head no longer has the hash recorded then (the end of the
  chain was removed or rewritten).

`audit_verification_run` runs one recorded `AuditVerification`: seals what is pending first,
then verifies with progress written to the row, records the result and an audit event.
"""

import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from itertools import islice
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from audit.chain import GENESIS_HASH, seal_hash
from audit.models import AuditChainHead, AuditEvent, AuditSeal, AuditVerification, VerificationStatus
from audit.services.recording import audit_record
from audit.services.sealing import audit_seal_pending, late_commit_horizon
from notifyadmin.core.actor import Actor
from notifyadmin.core.jinja import london_time

logger = logging.getLogger(__name__)

CHUNK = 2000
# A verification lists at most this many findings; the count says how many there were.
MAX_FINDINGS = 100


@dataclass(frozen=True)
class Finding:
    kind: str  # altered, removed, gap, link, backdated, unsealed, tail
    message: str
    position: int | None = None

    def as_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "message": self.message, "position": self.position}


@dataclass
class ChainVerification:
    checked: int = 0
    head_position: int = 0
    head_hash: str = GENESIS_HASH
    findings: list[Finding] = field(default_factory=list)
    finding_count: int = 0

    @property
    def ok(self) -> bool:
        return self.finding_count == 0

    def add(self, finding: Finding) -> None:
        self.finding_count += 1
        if len(self.findings) < MAX_FINDINGS:
            self.findings.append(finding)


def unsealed_alert_age() -> timedelta:
    return timedelta(seconds=getattr(settings, "AUDIT_UNSEALED_ALERT_SECONDS", 600))


def audit_chain_verify(
    *,
    previous: AuditVerification | None = None,
    progress: Callable[[int], None] | None = None,
) -> ChainVerification:
    """Recompute every seal in position order; see the module docstring for what is reported.
    `previous` is the last finished verification, to compare the chain's end against."""
    # Read before the seals: the sealer may extend the chain while it is being read, never shorten it.
    sealed_up_to = AuditChainHead.objects.filter(pk=1).values_list("position", flat=True).first() or 0
    result = ChainVerification()
    expected_position, expected_previous = 1, GENESIS_HASH
    latest_occurred: datetime | None = None
    horizon = late_commit_horizon()
    hash_at_previous_head: str | None = None
    for seals in _seal_chunks():
        events = AuditEvent.objects.in_bulk([seal[1] for seal in seals])
        for position, event_id, previous_hash, stored_hash in seals:
            result.checked += 1
            if position != expected_position:
                result.add(
                    Finding(
                        "gap",
                        f"Positions {expected_position} to {position - 1} are missing: "
                        "sealed events and their seals were removed.",
                        expected_position,
                    )
                )
            elif previous_hash != expected_previous:
                result.add(
                    Finding(
                        "link",
                        f"The seal at position {position} does not link to the seal before it: "
                        "a seal was altered, or a forged one inserted.",
                        position,
                    )
                )
            event = events.get(event_id)
            if event is None:
                result.add(Finding("removed", f"The event sealed at position {position} has been removed.", position))
            else:
                if seal_hash(position=position, previous_hash=previous_hash, event=event) != stored_hash:
                    result.add(
                        Finding(
                            "altered",
                            f"The event at position {position} ({event.id}, {event.action}) does not match "
                            "its seal: it was altered after it was recorded.",
                            position,
                        )
                    )
                if latest_occurred is not None and event.occurred_at < latest_occurred - horizon:
                    result.add(
                        Finding(
                            "backdated",
                            f"The event at position {position} ({event.id}, {event.action}) says it occurred "
                            f"at {london_time(event.occurred_at)}, but was sealed after events more than "
                            f"{_minutes(horizon)} later: it was inserted with a backdated time.",
                            position,
                        )
                    )
                latest_occurred = max(latest_occurred or event.occurred_at, event.occurred_at)
            if previous is not None and position == previous.head_position:
                hash_at_previous_head = stored_hash
            expected_position, expected_previous = position + 1, stored_hash
            result.head_position, result.head_hash = position, stored_hash
        if progress is not None:
            progress(result.checked)
    _check_unsealed(result)
    _check_tail(result, sealed_up_to=sealed_up_to, previous=previous, hash_at_previous_head=hash_at_previous_head)
    return result


def _seal_chunks() -> Iterator[tuple[tuple[int, int, str, str], ...]]:
    seals = AuditSeal.objects.order_by("position").values_list("position", "event_id", "previous_hash", "hash")
    rows = seals.iterator(chunk_size=CHUNK)
    while chunk := tuple(islice(rows, CHUNK)):
        yield chunk


def _check_unsealed(result: ChainVerification) -> None:
    cutoff = timezone.now() - unsealed_alert_age()
    stale = AuditEvent.objects.filter(seal__isnull=True, occurred_at__lt=cutoff)
    count = stale.count()
    if count:
        oldest = stale.order_by("occurred_at").values_list("occurred_at", flat=True).first()
        result.add(
            Finding(
                "unsealed",
                f"{count} event{'s' if count != 1 else ''} not in the chain after more than "
                f"{_minutes(unsealed_alert_age())} (the oldest from {london_time(oldest)}): the sealer is not "
                "running, or events were inserted behind its back.",
            )
        )


def _check_tail(
    result: ChainVerification,
    *,
    sealed_up_to: int,
    previous: AuditVerification | None,
    hash_at_previous_head: str | None,
) -> None:
    if sealed_up_to > result.head_position:
        result.add(
            Finding(
                "tail",
                f"The chain ends at position {result.head_position}, but the sealer sealed up to {sealed_up_to}: "
                "events were removed from the end.",
                result.head_position + 1,
            )
        )
    if previous is None or not previous.head_position:
        return
    when = london_time(previous.finished_at or previous.requested_at)
    if result.head_position < previous.head_position:
        result.add(
            Finding(
                "tail",
                f"The chain ends at position {result.head_position}, but the verification of {when} found it "
                f"ending at {previous.head_position}: events were removed from the end.",
                result.head_position + 1,
            )
        )
    elif hash_at_previous_head != previous.head_hash:
        result.add(
            Finding(
                "tail",
                f"The seal at position {previous.head_position} no longer has the hash the verification of {when} "
                "recorded: the chain was rewritten from there.",
                previous.head_position,
            )
        )


def _minutes(span: timedelta) -> str:
    minutes = int(span.total_seconds() // 60)
    return f"{minutes} minute{'s' if minutes != 1 else ''}"


def audit_verification_request(*, actor: Actor) -> AuditVerification:
    """Record that a verification was asked for; the task runs it (after commit)."""
    user = actor.user
    return AuditVerification.objects.create(
        requested_at=timezone.now(),
        requested_by=user,
        requested_by_name=user.display_name if user is not None else f"The system ({actor.system_name})",
    )


def audit_verification_run(*, verification: AuditVerification, actor: Actor) -> AuditVerification:
    """Seal what is pending, verify with progress, record the result and an audit event.
    Safe to run twice: a finished verification is left as it is."""
    if verification.finished:
        return verification
    previous = (
        AuditVerification.objects.filter(
            status__in=(VerificationStatus.PASSED, VerificationStatus.FAILED), finished_at__isnull=False
        )
        .exclude(pk=verification.pk)
        .order_by("-finished_at")
        .first()
    )
    try:
        audit_seal_pending(full_scan=True)
        _update(
            verification, status=VerificationStatus.RUNNING, started_at=timezone.now(), total=AuditSeal.objects.count()
        )
        result = audit_chain_verify(previous=previous, progress=lambda checked: _update(verification, checked=checked))
    except Exception as error:
        # Shown on the page as "Could not finish"; raised again so the worker logs and retries it.
        _update(verification, status=VerificationStatus.ERROR, finished_at=timezone.now(), error=type(error).__name__)
        raise
    status = VerificationStatus.PASSED if result.ok else VerificationStatus.FAILED
    with transaction.atomic():
        _update(
            verification,
            status=status,
            finished_at=timezone.now(),
            checked=result.checked,
            head_position=result.head_position,
            head_hash=result.head_hash,
            findings=[finding.as_dict() for finding in result.findings],
        )
        audit_record(
            actor=actor,
            action="audit.chain.verified" if result.ok else "audit.chain.verification_failed",
            target_type="audit_verification",
            target_id=str(verification.pk),
            details={
                "events_checked": result.checked,
                "head_position": result.head_position,
                "head_hash": result.head_hash,
                "findings": result.finding_count,
            },
        )
    # The head hash goes to the log too: a copy outside the database that a rewrite cannot reach.
    log = logger.info if result.ok else logger.error
    log(
        "audit chain verified" if result.ok else "audit chain verification found problems",
        extra={
            "verification_id": str(verification.pk),
            "events_checked": result.checked,
            "head_position": result.head_position,
            "head_hash": result.head_hash,
            "findings": result.finding_count,
        },
    )
    return verification


def _update(verification: AuditVerification, **fields: Any) -> None:
    for name, value in fields.items():
        setattr(verification, name, value)
    AuditVerification.objects.filter(pk=verification.pk).update(**fields)
