"""The append-only audit trail.

Each event stores a SHA-256 hash of its own content and of the previous event's hash, so any
alteration, insertion or removal in the stored chain is detected by `verify_audit_chain`.
The ORM refuses updates and deletes; on PostgreSQL a trigger refuses them too (migration 0002).
"""

import uuid
from typing import Any, NoReturn

from django.conf import settings
from django.db import models


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
    # Sequence gives the chain its order; ids stay opaque in URLs.
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

    previous_hash = models.CharField(max_length=64)
    event_hash = models.CharField(max_length=64, unique=True)

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
