"""The header navigation: one list, each item shown only to roles that may use it."""

from dataclasses import dataclass

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse

from notifyadmin.accounts.roles import Permission, role_can


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    permission: Permission


NAV_ITEMS: list[NavItem] = [
    NavItem("Home", "core:home", Permission.HOME_VIEW),
    NavItem("Templates", "templates_app:template-list", Permission.TEMPLATE_VIEW),
    NavItem("Find a patient", "preferences:patient-find", Permission.PATIENT_FIND),
    NavItem("Audit trail", "audit:event-list", Permission.AUDIT_VIEW),
    NavItem("Safety case", "safety:case", Permission.SAFETY_CASE_VIEW),
    NavItem("Staff and roles", "accounts:staff-list", Permission.STAFF_MANAGE),
]


def nav_items_for(request: HttpRequest) -> list[dict[str, object]]:
    """Items for the NHS.UK header macro, for the role the person is working in."""
    role = getattr(request, "active_role", None)
    items: list[dict[str, object]] = []
    for item in NAV_ITEMS:
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
