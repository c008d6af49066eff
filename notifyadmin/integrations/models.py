"""Client systems: API clients, their keys, the permissions granted to them, and the
Idempotency-Key records that make their writes safe to repeat.

A client acts for one organisation and holds only the permissions granted to it (named
`Permission` values such as `preference.api`); it is never given a staff role. Only a SHA-256
hash of each key is stored. A client may hold several keys at once so that a key can be
rotated without downtime: the old key stays valid until its `expires_at`, or is revoked at once.
"""

import uuid

from django.db import models
from django.utils import timezone

from notifyadmin.accounts.roles import Permission


class ApiClient(models.Model):
    """Another system that calls the API for one organisation (implements the kernel's
    `ClientSystem` protocol: `granted_permissions`)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    name = models.CharField(max_length=200)
    client_id = models.SlugField(max_length=64, unique=True)
    # Permission values granted to this client (see integrations.permissions.CLIENT_PERMISSIONS).
    permissions = models.JSONField(default=list, blank=True)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)
    deactivated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = "API client"

    def __str__(self) -> str:
        return self.client_id

    # DRF treats request.user as the caller; an authenticated API client is always "authenticated".
    is_authenticated = True
    is_anonymous = False

    @property
    def granted_permissions(self) -> frozenset[Permission]:
        return frozenset(Permission(value) for value in self.permissions if value in Permission.__members__.values())


class ApiKey(models.Model):
    """One key of a client, `<client_id>.<secret>`; only its SHA-256 is kept. Valid while not
    revoked and not past `expires_at` (set when the key is rotated with a grace period)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    client = models.ForeignKey(ApiClient, on_delete=models.PROTECT, related_name="keys")
    key_hash = models.CharField(max_length=64, unique=True)
    # The last four characters of the secret, so staff can tell keys apart.
    hint = models.CharField(max_length=8, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "API key"

    def __str__(self) -> str:
        return f"{self.client_id} key ending {self.hint}"

    def is_valid_at(self, moment: object) -> bool:
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > moment)  # type: ignore[operator]

    @property
    def is_valid(self) -> bool:
        return self.is_valid_at(timezone.now())


class IdempotencyRecord(models.Model):
    """The first response to an (API client, Idempotency-Key) pair. Claimed IN_PROGRESS under
    the unique constraint before the work starts, completed in the work's own transaction."""

    class State(models.TextChoices):
        IN_PROGRESS = "in_progress", "In progress"
        COMPLETE = "complete", "Complete"

    id = models.BigAutoField(primary_key=True)
    client = models.ForeignKey(ApiClient, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=255)
    endpoint = models.CharField(max_length=200)
    request_hash = models.CharField(max_length=64)
    state = models.CharField(max_length=20, choices=State.choices, default=State.IN_PROGRESS)
    response_status = models.PositiveSmallIntegerField(null=True, blank=True)
    response_body = models.JSONField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["client", "key"], name="unique_client_idempotency_key"),
        ]

    def __str__(self) -> str:
        return f"Idempotency record {self.id}"
