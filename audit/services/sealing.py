"""Sealing: appending committed events to the hash chain, in batches, one sealer at a time.

Rules:
- Only the sealer writes seals. It locks the single `AuditChainHead` row for each batch, so two
  sealers never interleave; writers never wait for it (they only insert events).
- A seal's position is given by the sealer, in the order it seals, not by the event's insert
  sequence. An event whose transaction commits late with a lower sequence is not yet visible
  when the sealer passes it; it is sealed in a later batch, never skipped.
- The routine scan starts above `scan_from_sequence`: events more than the late-commit horizon
  old (`AUDIT_LATE_COMMIT_SECONDS`, default an hour) that were all sealed are not re-read. A
  full scan (`full_scan=True`, used before verification and export) reads from the start, so
  an event whose transaction outlived the horizon is sealed then, and verification names it.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from audit.chain import seal_hash
from audit.models import AuditChainHead, AuditEvent, AuditSeal

DEFAULT_BATCH_SIZE = 500


@dataclass(frozen=True)
class SealRun:
    sealed: int
    head_position: int
    head_hash: str


def late_commit_horizon() -> timedelta:
    return timedelta(seconds=getattr(settings, "AUDIT_LATE_COMMIT_SECONDS", 3600))


def audit_seal_pending(*, batch_size: int = DEFAULT_BATCH_SIZE, full_scan: bool = False) -> SealRun:
    """Seal every committed, unsealed event, batch after batch, until none is left. Safe to run
    any number of times and concurrently: each batch holds the head row's lock."""
    sealed = 0
    while True:
        count, head = _seal_batch(batch_size=batch_size, full_scan=full_scan)
        sealed += count
        if count < batch_size:
            break
    _advance_scan_floor()
    return SealRun(sealed=sealed, head_position=head.position, head_hash=head.hash)


def _seal_batch(*, batch_size: int, full_scan: bool) -> tuple[int, AuditChainHead]:
    with transaction.atomic():
        head = _locked_head()
        pending = AuditEvent.objects.filter(seal__isnull=True)
        if not full_scan:
            pending = pending.filter(sequence__gt=head.scan_from_sequence)
        events = list(pending.order_by("sequence")[:batch_size])
        if not events:
            return 0, head
        now = timezone.now()
        seals = []
        position, previous = head.position, head.hash
        for event in events:
            position += 1
            digest = seal_hash(position=position, previous_hash=previous, event=event)
            seals.append(AuditSeal(position=position, event=event, previous_hash=previous, hash=digest, sealed_at=now))
            previous = digest
        AuditSeal.objects.bulk_create(seals)
        head.position, head.hash = position, previous
        head.save(update_fields=["position", "hash", "updated_at"])
        return len(seals), head


def _locked_head() -> AuditChainHead:
    head = AuditChainHead.objects.select_for_update().filter(pk=1).first()
    if head is None:
        # The migration creates the row; this covers a database emptied by a test runner.
        AuditChainHead.objects.get_or_create(pk=1)
        head = AuditChainHead.objects.select_for_update().get(pk=1)
    return head


def _advance_scan_floor() -> None:
    """Move the routine scan's start past events older than the late-commit horizon, once every
    visible event up to there is sealed."""
    horizon = timezone.now() - late_commit_horizon()
    with transaction.atomic():
        head = _locked_head()
        older = AuditEvent.objects.filter(sequence__gt=head.scan_from_sequence, occurred_at__lt=horizon)
        if older.filter(seal__isnull=True).exists():
            return
        floor = older.aggregate(top=Max("sequence"))["top"]
        if floor is not None:
            head.scan_from_sequence = floor
            head.save(update_fields=["scan_from_sequence", "updated_at"])
