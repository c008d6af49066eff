"""How other systems authenticate to the preferences API.

Each client system holds one key, `<client_id>.<secret>`, sent as `Authorization: Bearer <key>`.
Only the key's SHA-256 is stored; the presented key is hashed and compared in constant time.
An authenticated client holds Permission.PREFERENCE_API, for its own organisation only; no staff
role holds that permission, and no API client can use staff endpoints.
"""

import hashlib
import hmac
import secrets
from typing import Any

from django.db import transaction
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework.authentication import BaseAuthentication
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.permissions import BasePermission
from rest_framework.request import Request

from audit.services import audit_record
from notifyadmin.accounts.access import Access
from notifyadmin.accounts.roles import Permission
from notifyadmin.core.actor import Actor
from preferences.models import ApiClient

_NO_CLIENT_HASH = hashlib.sha256(b"no such client").hexdigest()


def api_key_hash(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def api_client_create(*, organisation: Any, name: str, client_id: str, actor: Actor) -> tuple[ApiClient, str]:
    """Create a client and return it with its key. The key is not stored and cannot be shown again."""
    key = f"{client_id}.{secrets.token_urlsafe(32)}"
    with transaction.atomic():
        client = ApiClient.objects.create(
            organisation=organisation, name=name, client_id=client_id, key_hash=api_key_hash(key)
        )
        audit_record(
            actor=actor,
            action="api_client.created",
            target_type="api_client",
            target_id=str(client.id),
            details={"client_id": client_id},
        )
    return client, key


class ApiClientAuthentication(BaseAuthentication):
    def authenticate(self, request: Request) -> tuple[ApiClient, ApiClient] | None:
        header = request.headers.get("Authorization", "")
        if not header.startswith("Bearer "):
            return None
        key = header.removeprefix("Bearer ").strip()
        client_id, separator, _ = key.partition(".")
        client = None
        if separator and client_id:
            client = ApiClient.objects.filter(client_id=client_id).select_related("organisation").first()
        expected = client.key_hash if client else _NO_CLIENT_HASH
        if not hmac.compare_digest(api_key_hash(key), expected) or client is None or not client.is_active:
            raise AuthenticationFailed("The API key is not valid.")
        return client, client

    def authenticate_header(self, request: Request) -> str:
        return 'Bearer realm="notifyadmin"'


class ApiClientPermission(BasePermission):
    """Enforces `access = Access(permission=Permission.PREFERENCE_API)` for API client systems."""

    message = "This endpoint is for authenticated client systems."

    def has_permission(self, request: Request, view: Any) -> bool:
        declared = getattr(view, "access", None)
        if not isinstance(declared, Access) or declared.permission != Permission.PREFERENCE_API:
            return False
        return isinstance(request.auth, ApiClient) and request.auth.is_active


class ApiClientAuthenticationScheme(OpenApiAuthenticationExtension):
    target_class = "preferences.api_auth.ApiClientAuthentication"
    name = "apiClientKey"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {"type": "http", "scheme": "bearer", "description": "`<client_id>.<secret>` issued by create_api_client"}
