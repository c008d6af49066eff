"""Reads of client systems, always within the actor's organisation."""

from typing import Any

from django.db.models import QuerySet

from notifyadmin.accounts.roles import Permission
from notifyadmin.core.actor import Actor
from notifyadmin.core.errors import NotFound
from notifyadmin.integrations.models import ApiClient, ApiKey


def api_clients_of(*, actor: Actor) -> QuerySet[ApiClient]:
    actor.require(Permission.API_CLIENT_MANAGE)
    return ApiClient.objects.filter(organisation=actor.acting_organisation).prefetch_related("keys")


def api_client_get(*, actor: Actor, client_id: Any) -> ApiClient:
    """One client of the actor's organisation; NotFound for any other."""
    client = api_clients_of(actor=actor).filter(pk=client_id).first()
    if client is None:
        raise NotFound("No API client with that id in your organisation.")
    return client


def api_key_get(*, client: ApiClient, key_id: Any) -> ApiKey:
    key = ApiKey.objects.filter(client=client, pk=key_id).select_related("client").first()
    if key is None:
        raise NotFound("No key with that id for this API client.")
    return key
