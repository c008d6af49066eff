"""Administrators' home panels (registered from AccountsConfig.ready): the CIS2 role mappings
that decide who gets which role, and their organisation's settings."""

from django.conf import settings
from django.urls import reverse

from notifyadmin.accounts.cis2.selectors import role_mappings_visible_to
from notifyadmin.accounts.roles import Role
from notifyadmin.accounts.selectors import staff_in_organisation
from notifyadmin.core.actor import Actor
from notifyadmin.core.environments import environment_label
from notifyadmin.core.registry import HomeItem

PANEL_ITEMS = 10


def role_mapping_items(actor: Actor) -> list[HomeItem]:
    """Each mapping in a sentence: 'CIS2 job role R8000 gives Content designer'."""
    if actor.organisation is None:
        return []
    labels = dict(Role.choices)
    items = []
    for mapping in role_mappings_visible_to(organisation=actor.organisation).order_by("role_code", "app_role")[
        :PANEL_ITEMS
    ]:
        narrowed = f" (activity {mapping.activity_code})" if mapping.activity_code else ""
        where = "" if mapping.organisation_id else "every organisation"
        items.append(
            HomeItem(
                text=f"CIS2 job role {mapping.role_code}{narrowed} gives {labels.get(mapping.app_role, '')}",
                href=reverse("accounts:role-mapping-edit", kwargs={"mapping_id": mapping.pk}),
                note=f"applies at {where}" if where else "",
            )
        )
    return items


def organisation_items(actor: Actor) -> list[HomeItem]:
    if actor.organisation is None:
        return []
    organisation = actor.organisation
    page = reverse("accounts:organisation")
    staff = staff_in_organisation(organisation=organisation).count()
    return [
        HomeItem(text=f"{organisation.name} ({organisation.ods_code})", href=page),
        HomeItem(text=f"{staff} member{'s' if staff != 1 else ''} of staff", href=reverse("accounts:staff-list")),
        HomeItem(text=f"Sending to {environment_label(settings.NOTIFY_ENVIRONMENT)}", href=page),
    ]
