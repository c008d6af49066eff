"""The header navigation: items registered by each app (notifyadmin.core.registry.NAVIGATION),
each shown only to roles that may use it."""

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse

from notifyadmin.accounts.roles import role_can
from notifyadmin.core.registry import NAVIGATION


def nav_items_for(request: HttpRequest) -> list[dict[str, object]]:
    """Items for the NHS.UK header macro, for the role the person is working in."""
    role = getattr(request, "active_role", None)
    items: list[dict[str, object]] = []
    for item in NAVIGATION:
        if not role_can(role, item.permission):
            continue
        try:
            href = reverse(item.url_name)
        except NoReverseMatch:
            # The page belongs to a feature that is not installed in this build.
            continue
        current = request.path == href if item.url_name == "core:home" else request.path.startswith(href)
        items.append({"text": item.label, "href": href, "current": current})
    return items
