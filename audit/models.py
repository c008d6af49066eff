"""The append-only audit trail (docs/adr/0006-audit-chain-sealing.md).

Writers only insert `AuditEvent` rows: no lock, no read of the chain. A sealer, one at a time
(it locks the single `AuditChainHead` row), appends unsealed events to the hash chain in the
order it seals them, writing one `AuditSeal` per event. `audit_chain_verify` recomputes every
seal in position order. The ORM refuses updates and deletes of events and seals; on PostgreSQL
triggers refuse them too (migrations 0002 and 0004). Each verification is recorded
(`AuditVerification`), so a chain cut short at its end shows against the previous one.
"""

import uuid
from typing import Any, NoReturn

from django.conf import settings
from django.db import models

from audit.chain import GENESIS_HASH


class AuditEventImmutable(Exception):
    """Raised on any attempt to change or remove an audit event."""


class AuditEventQuerySet(models.QuerySet["AuditEvent"]):
    def update(self, **kwargs: Any) -> NoReturn:
        raise AuditEventImmutable("Audit events cannot be updated.")

    def delete(self) -> NoReturn:  # type: ignore[override]
        raise AuditEventImmutable("Audit events cannot be deleted.")

    def bulk_update(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AuditEventImmutable("Audit events cannot be updated.")


class AuditEvent(models.Model):
    # The insert order; the chain's order is the seal's position. Ids stay opaque in URLs.
    sequence = models.BigAutoField(primary_key=True)
    id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    occurred_at = models.DateTimeField(db_index=True)

    # Who acted. Snapshots are kept so the record reads the same if the user changes later.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_name = models.CharField(max_length=200, blank=True)
    actor_role = models.CharField(max_length=40, blank=True)
    organisation = models.ForeignKey(
        "accounts.Organisation", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    sign_in_session_id = models.CharField(max_length=128, blank=True)
    cis2_uid = models.CharField(max_length=64, blank=True)
    cis2_role_id = models.CharField(max_length=64, blank=True)
    system_client = models.CharField(max_length=100, blank=True, help_text="Set when a system, not a person, acted.")

    # What happened, to what, and why.
    action = models.CharField(max_length=100, db_index=True)
    target_type = models.CharField(max_length=100, blank=True)
    target_id = models.CharField(max_length=100, blank=True)
    patient_ref = models.CharField(max_length=100, blank=True, db_index=True, help_text="Opaque patient id.")
    reason = models.TextField(blank=True)
    details = models.JSONField(default=dict, blank=True)

    # Where from.
    correlation_id = models.CharField(max_length=64, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=500, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-sequence"]
        indexes = [
            models.Index(fields=["organisation", "-occurred_at"]),
            models.Index(fields=["actor", "-occurred_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.action} at {self.occurred_at:%Y-%m-%d %H:%M:%S}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AuditEventImmutable("Audit events cannot be updated.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AuditEventImmutable("Audit events cannot be deleted.")


class AuditSealQuerySet(models.QuerySet["AuditSeal"]):
    def update(self, **kwargs: Any) -> NoReturn:
        raise AuditEventImmutable("Audit seals cannot be updated.")

    def delete(self) -> NoReturn:  # type: ignore[override]
        raise AuditEventImmutable("Audit seals cannot be deleted.")

    def bulk_update(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AuditEventImmutable("Audit seals cannot be updated.")


class AuditSeal(models.Model):
    """One event's place in the hash chain, written once by the sealer."""

    position = models.BigIntegerField(primary_key=True)
    # DO_NOTHING at the ORM: events are never deleted; the database's foreign key refuses it.
    event = models.OneToOneField(AuditEvent, on_delete=models.DO_NOTHING, related_name="seal")
    previous_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)
    sealed_at = models.DateTimeField()

    objects = AuditSealQuerySet.as_manager()

    class Meta:
        ordering = ["position"]

    def __str__(self) -> str:
        return f"seal {self.position}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AuditEventImmutable("Audit seals cannot be updated.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AuditEventImmutable("Audit seals cannot be deleted.")


class AuditChainHead(models.Model):
    """The sealer's single row: where the chain ends, and where its scan for unsealed events
    starts. Locked by the sealer (select_for_update), so sealers run one at a time. Verification
    does not trust it: it recomputes the chain, and reports a chain shorter than this head."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    position = models.BigIntegerField(default=0)
    hash = models.CharField(max_length=64, default=GENESIS_HASH)
    scan_from_sequence = models.BigIntegerField(
        default=0, help_text="Events at or below this sequence were all sealed (see the late-commit horizon)."
    )
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"chain head at {self.position}"


class VerificationStatus(models.TextChoices):
    QUEUED = "queued", "Waiting to start"
    RUNNING = "running", "Checking"
    PASSED = "passed", "Intact"
    FAILED = "failed", "Problems found"
    ERROR = "error", "Could not finish"


class AuditVerification(models.Model):
    """One run of the chain verification: who asked, when, how far it got, and what it found.
    The count and head hash let the next run see a chain cut short at its end."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    requested_at = models.DateTimeField()
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    requested_by_name = models.CharField(max_length=200)
    status = models.CharField(max_length=10, choices=VerificationStatus.choices, default=VerificationStatus.QUEUED)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    total = models.BigIntegerField(default=0, help_text="Seals to check, counted when the run started.")
    checked = models.BigIntegerField(default=0)
    head_position = models.BigIntegerField(default=0)
    head_hash = models.CharField(max_length=64, blank=True)
    findings = models.JSONField(default=list, blank=True)
    error = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-requested_at"]

    def __str__(self) -> str:
        return f"verification {self.id} ({self.status})"

    @property
    def finished(self) -> bool:
        return self.status in (VerificationStatus.PASSED, VerificationStatus.FAILED, VerificationStatus.ERROR)

    @property
    def percent(self) -> int:
        if self.finished:
            return 100
        return min(99, (100 * self.checked) // self.total) if self.total else 0
