"""How client systems authenticate: `Authorization: Bearer <client_id>.<secret>`.

The presented key is hashed (SHA-256) and looked up by its hash; a key is accepted while it is
neither revoked nor past its expiry and its client is active. The request's actor is
`Actor.client_system(...)`, holding exactly the permissions granted to the client. Views
declare `access = Access(permission=...)`; `ClientPermission` admits a client holding it.
A staff session is never accepted on these endpoints.
"""

from datetime import timedelta
from typing import Any

from django.utils import timezone
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework.authentication import BaseAuthentication
from rest_framework.exceptions import AuthenticationFailed, NotAuthenticated
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.views import APIView

from notifyadmin.accounts.access import Access
from notifyadmin.core.actor import Actor, ActorKind
from notifyadmin.integrations.models import ApiClient, ApiKey
from notifyadmin.integrations.services import api_key_hash

# last_used_at is written at most this often per key, so reads do not each cost a write.
LAST_USED_RESOLUTION = timedelta(minutes=1)
MAX_KEY_LENGTH = 200


class ApiKeyAuthentication(BaseAuthentication):
    def authenticate(self, request: Request) -> tuple[ApiClient, Actor] | None:
        header = request.headers.get("Authorization", "")
        if not header.startswith("Bearer "):
            return None
        key = header.removeprefix("Bearer ").strip()
        if not key or len(key) > MAX_KEY_LENGTH or not key.isascii() or not key.isprintable():
            raise AuthenticationFailed("The API key is not valid.")
        now = timezone.now()
        record = ApiKey.objects.select_related("client__organisation").filter(key_hash=api_key_hash(key)).first()
        if record is None or not record.is_valid_at(now) or not record.client.is_active:
            raise AuthenticationFailed("The API key is not valid.")
        if record.last_used_at is None or record.last_used_at < now - LAST_USED_RESOLUTION:
            ApiKey.objects.filter(pk=record.pk).update(last_used_at=now)
        client = record.client
        actor = Actor.client_system(
            client=client,
            organisation=client.organisation,
            correlation_id=getattr(request._request, "correlation_id", ""),
            ip_address=request.META.get("REMOTE_ADDR") or None,
        )
        request._request.actor = actor  # type: ignore[attr-defined]
        return client, actor

    def authenticate_header(self, request: Request) -> str:
        return 'Bearer realm="notifyadmin"'


def api_actor(request: Request) -> Actor:
    """The client system acting on this API request (set by ApiKeyAuthentication)."""
    actor = request.auth
    if not isinstance(actor, Actor) or actor.kind != ActorKind.CLIENT_SYSTEM:
        raise NotAuthenticated("Send a client system's API key.")
    return actor


class ClientPermission(BasePermission):
    """Admit a client system granted the view's declared permission (`access`)."""

    message = "This client system has not been given permission to use this endpoint."

    def has_permission(self, request: Request, view: Any) -> bool:
        declared = getattr(view, "access", None)
        if not isinstance(declared, Access) or declared.permission is None:
            return False
        actor = request.auth
        if not isinstance(actor, Actor) or actor.kind != ActorKind.CLIENT_SYSTEM:
            raise NotAuthenticated("Send a client system's API key.")
        return actor.can(declared.permission)


class ApiKeyAuthenticationScheme(OpenApiAuthenticationExtension):
    target_class = "notifyadmin.integrations.authentication.ApiKeyAuthentication"
    name = "apiClientKey"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "`<client_id>.<secret>`, issued to a client system by an administrator",
        }


class ClientSystemAPI(APIView):
    """Base of every client-system API view (first in the bases of a generic view): API-key
    authentication only (never a staff session), and the declared permission checked against
    the client's grants."""

    authentication_classes = [ApiKeyAuthentication]
    permission_classes = [ClientPermission]
