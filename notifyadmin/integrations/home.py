"""Administrators' home panel of API clients (registered from IntegrationsConfig.ready)."""

from django.urls import reverse

from notifyadmin.core.actor import Actor
from notifyadmin.core.registry import HomeItem
from notifyadmin.integrations.selectors import api_clients_of

PANEL_ITEMS = 10


def api_client_items(actor: Actor) -> list[HomeItem]:
    """Each client system with how many keys it holds that still work, active clients first."""
    items = []
    for client in api_clients_of(actor=actor).order_by("-is_active", "name")[:PANEL_ITEMS]:
        if client.is_active:
            working = sum(1 for key in client.keys.all() if key.is_valid)
            note = f"{working} working key{'s' if working != 1 else ''}"
        else:
            note = "deactivated"
        items.append(
            HomeItem(text=client.name, href=reverse("integrations:client-detail", args=[client.pk]), note=note)
        )
    return items
