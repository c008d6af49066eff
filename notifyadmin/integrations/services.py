"""Managing client systems: create a client with its first key, rotate and revoke keys,
change what a client may do, deactivate it.

Rules enforced here (pages, Django admin and `manage.py create_api_client` all come through):
- the actor needs Permission.API_CLIENT_MANAGE and acts only on its own organisation's clients;
- a client may be granted only the permissions in CLIENT_PERMISSIONS, never a staff one;
- a key is shown once, when created; only its SHA-256 is kept;
- rotating issues a new key and keeps the old one valid for the stated grace period (zero:
  revoked at once); revoking and deactivating need a reason;
- every change is audited in the same transaction.
"""

import hashlib
import re
import secrets
from collections.abc import Iterable
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from audit.services import audit_record
from notifyadmin.accounts.roles import Permission
from notifyadmin.core.actor import Actor
from notifyadmin.core.errors import InvalidInput, TransitionRefused
from notifyadmin.integrations.models import ApiClient, ApiKey
from notifyadmin.integrations.permissions import CLIENT_PERMISSIONS

# Rotation grace periods an administrator may choose (zero: the old key stops at once).
MAX_GRACE = timedelta(days=30)
CLIENT_ID_PATTERN = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$")
NAME_MAX_LENGTH = 200
REASON_MAX_LENGTH = 1000


def api_key_hash(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def _new_key(client: ApiClient, *, expires_at: datetime | None = None) -> tuple[ApiKey, str]:
    secret = secrets.token_urlsafe(32)
    key = f"{client.client_id}.{secret}"
    record = ApiKey.objects.create(client=client, key_hash=api_key_hash(key), hint=secret[-4:], expires_at=expires_at)
    return record, key


def _clean_permissions(permissions: Iterable[str]) -> list[str]:
    chosen = sorted(set(permissions))
    unknown = [value for value in chosen if value not in {p.value for p in CLIENT_PERMISSIONS}]
    if unknown:
        raise InvalidInput({"permissions": ["Choose only from the permissions listed for client systems."]})
    if not chosen:
        raise InvalidInput({"permissions": ["Choose at least one thing this client system may do."]})
    return chosen


def _clean_reason(reason: str) -> str:
    reason = reason.strip()
    if not reason:
        raise InvalidInput({"reason": ["Enter the reason for this change."]})
    if len(reason) > REASON_MAX_LENGTH:
        raise InvalidInput({"reason": [f"Reason must be {REASON_MAX_LENGTH} characters or fewer."]})
    return reason


def api_client_create(
    *, actor: Actor, name: str, client_id: str, permissions: Iterable[str], reason: str = ""
) -> tuple[ApiClient, str]:
    """Create a client of the actor's organisation with its first key, returned once."""
    actor.require(Permission.API_CLIENT_MANAGE)
    organisation = actor.acting_organisation
    errors: dict[str, list[str]] = {}
    name = name.strip()
    if not name:
        errors["name"] = ["Enter what the client system is, for example GP SMS gateway."]
    elif len(name) > NAME_MAX_LENGTH:
        errors["name"] = [f"Name must be {NAME_MAX_LENGTH} characters or fewer."]
    if not CLIENT_ID_PATTERN.fullmatch(client_id):
        errors["client_id"] = ["Client id must be lower-case letters, digits and hyphens, up to 64 characters."]
    elif ApiClient.objects.filter(client_id=client_id).exists():
        errors["client_id"] = ["An API client with that client id already exists. Choose another."]
    try:
        chosen = _clean_permissions(permissions)
    except InvalidInput as error:
        errors.update(error.errors)
    if errors:
        raise InvalidInput(errors)
    with transaction.atomic():
        client = ApiClient.objects.create(organisation=organisation, name=name, client_id=client_id, permissions=chosen)
        key_record, key = _new_key(client)
        audit_record(
            actor=actor,
            action="api_client.created",
            target_type="api_client",
            target_id=str(client.id),
            reason=reason.strip()[:REASON_MAX_LENGTH],
            details={"client_id": client_id, "permissions": chosen, "key": str(key_record.id)},
        )
    return client, key


def api_client_permissions_change(
    *, actor: Actor, client: ApiClient, permissions: Iterable[str], reason: str
) -> ApiClient:
    """Replace what a client may do (takes effect on its next request)."""
    actor.require(Permission.API_CLIENT_MANAGE)
    actor.require_organisation(client)
    chosen = _clean_permissions(permissions)
    reason = _clean_reason(reason)
    with transaction.atomic():
        locked = ApiClient.objects.select_for_update().get(pk=client.pk)
        if sorted(locked.permissions) == chosen:
            raise InvalidInput({"permissions": ["You have not changed anything."]})
        before = sorted(locked.permissions)
        locked.permissions = chosen
        locked.save(update_fields=["permissions"])
        audit_record(
            actor=actor,
            action="api_client.permissions.changed",
            target_type="api_client",
            target_id=str(locked.id),
            reason=reason,
            details={"before": before, "after": chosen},
        )
    return locked


def api_key_rotate(*, actor: Actor, client: ApiClient, grace: timedelta, reason: str) -> tuple[ApiKey, str]:
    """Issue a new key. Every key valid now stays valid for `grace` (zero: revoked at once)."""
    actor.require(Permission.API_CLIENT_MANAGE)
    actor.require_organisation(client)
    reason = _clean_reason(reason)
    if grace < timedelta(0) or grace > MAX_GRACE:
        raise InvalidInput({"grace": ["Choose how long the old key keeps working, up to 30 days."]})
    now = timezone.now()
    with transaction.atomic():
        locked = ApiClient.objects.select_for_update().get(pk=client.pk)
        if not locked.is_active:
            raise TransitionRefused("This client system has been deactivated; its keys cannot be rotated.")
        old = [key for key in locked.keys.all() if key.is_valid_at(now)]
        for key in old:
            if grace:
                key.expires_at = min(key.expires_at or now + grace, now + grace)
                key.save(update_fields=["expires_at"])
            else:
                key.revoked_at = now
                key.save(update_fields=["revoked_at"])
        record, new_key = _new_key(locked)
        audit_record(
            actor=actor,
            action="api_key.rotated",
            target_type="api_client",
            target_id=str(locked.id),
            reason=reason,
            details={
                "new_key": str(record.id),
                "old_keys": [str(key.id) for key in old],
                "grace_seconds": int(grace.total_seconds()),
            },
        )
    return record, new_key


def api_key_revoke(*, actor: Actor, key: ApiKey, reason: str) -> ApiKey:
    """Stop one key at once."""
    actor.require(Permission.API_CLIENT_MANAGE)
    actor.require_organisation(key.client)
    reason = _clean_reason(reason)
    with transaction.atomic():
        locked = ApiKey.objects.select_for_update().get(pk=key.pk)
        if locked.revoked_at is not None:
            raise TransitionRefused("This key has already been revoked.")
        locked.revoked_at = timezone.now()
        locked.save(update_fields=["revoked_at"])
        audit_record(
            actor=actor,
            action="api_key.revoked",
            target_type="api_client",
            target_id=str(locked.client_id),
            reason=reason,
            details={"key": str(locked.id)},
        )
    return locked


def api_client_deactivate(*, actor: Actor, client: ApiClient, reason: str) -> ApiClient:
    """Stop a client system: every request with any of its keys is refused from now on."""
    actor.require(Permission.API_CLIENT_MANAGE)
    actor.require_organisation(client)
    reason = _clean_reason(reason)
    with transaction.atomic():
        locked = ApiClient.objects.select_for_update().get(pk=client.pk)
        if not locked.is_active:
            raise TransitionRefused("This client system is already deactivated.")
        locked.is_active = False
        locked.deactivated_at = timezone.now()
        locked.save(update_fields=["is_active", "deactivated_at"])
        audit_record(
            actor=actor,
            action="api_client.deactivated",
            target_type="api_client",
            target_id=str(locked.id),
            reason=reason,
        )
    return locked
