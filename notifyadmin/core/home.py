"""What each role sees first: a short summary, their own work (panels) and the pages they
work in (cards).

Apps register cards and panels from their AppConfig.ready (notifyadmin.core.registry); a card
shows only if its page exists and the person's current role may open it; a panel only to
roles it is for.
"""

from dataclasses import dataclass

from django.conf import settings
from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse

from notifyadmin.accounts.roles import Permission, Role, role_can
from notifyadmin.core.actor import Actor
from notifyadmin.core.registry import HOME_CARDS, HOME_PANELS


@dataclass(frozen=True)
class RoleHome:
    title: str
    summary: str


ROLE_HOMES: dict[Role, RoleHome] = {
    Role.CONTENT_DESIGNER: RoleHome(
        "Content design", "Draft message templates, preview them and send them for review."
    ),
    Role.CLINICAL_SAFETY_OFFICER: RoleHome(
        "Clinical safety", "Review template versions against their hazards and sign them off."
    ),
    Role.SERVICE_DESK: RoleHome(
        "Service desk", "Find a patient, see their messages and manage their contact preferences."
    ),
    Role.OPERATIONS: RoleHome(
        "Operations", "See whether messages are being sent, and stop sending with a kill switch when you must."
    ),
    Role.AUDITOR: RoleHome("Audit", "Read, verify and export the audit trail."),
    Role.ADMINISTRATOR: RoleHome(
        "Administration", "Decide who gets which role, manage the systems that use the API, and see your organisation."
    ),
}


def home_cards_for(request: HttpRequest) -> list[dict[str, str]]:
    role = getattr(request, "active_role", None)
    cards = []
    for item in HOME_CARDS:
        if not role_can(role, item.permission) or (item.roles is not None and role not in item.roles):
            continue
        try:
            href = reverse(item.url_name)
        except NoReverseMatch:
            continue
        cards.append({"heading": item.heading, "description": item.description, "href": href})
    return cards


def home_panels_for(actor: Actor) -> list[dict[str, object]]:
    """The actor's own work, panel by panel, for the role they are working in."""
    panels: list[dict[str, object]] = []
    for panel in HOME_PANELS:
        if not actor.can(panel.permission) or (panel.roles is not None and actor.role not in panel.roles):
            continue
        action_href = ""
        if panel.action_url_name:
            try:
                action_href = reverse(panel.action_url_name)
            except NoReverseMatch:
                action_href = ""
        panels.append(
            {
                "heading": panel.heading,
                "items": panel.items(actor),
                "empty": panel.empty,
                "action_text": panel.action_text if action_href else "",
                "action_href": action_href,
            }
        )
    return panels


# The find-a-patient form's value for "Another reason" (preferences.forms.OTHER_REASON; the core
# does not import the preferences app, and tests/core/test_home.py posts this form to prove it).
OTHER_REASON = "other"


def patient_search_for(actor: Actor) -> dict[str, object] | None:
    """The find-a-patient form on the service desk's home page: it posts to the find-a-patient
    page (which validates and audits it), with the same fields and reasons."""
    if not actor.can(Permission.PATIENT_FIND):
        return None
    try:
        reverse("preferences:patient-find")
    except NoReverseMatch:
        return None
    return {
        "reasons": [{"value": "", "text": "Select a reason"}]
        + [{"value": reason, "text": reason} for reason in settings.PATIENT_SEARCH_REASONS]
        + [{"value": OTHER_REASON, "text": "Another reason"}],
        "hint": settings.PATIENT_SEARCH_HINT,
    }
