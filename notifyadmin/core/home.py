"""What each role sees first: a short summary and the pages they work in.

Feature apps add their cards to HOME_CARDS; a card shows only if its page exists and the
person's current role may open it.
"""

from dataclasses import dataclass

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse

from notifyadmin.accounts.roles import Permission, Role, role_can


@dataclass(frozen=True)
class RoleHome:
    title: str
    summary: str


@dataclass(frozen=True)
class HomeCard:
    heading: str
    description: str
    url_name: str
    permission: Permission
    roles: frozenset[Role] | None = None  # None: every role the permission admits


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
    Role.OPERATIONS: RoleHome("Operations", "Watch delivery and control campaigns."),
    Role.AUDITOR: RoleHome("Audit", "Read, verify and export the audit trail."),
    Role.ADMINISTRATOR: RoleHome("Administration", "Manage organisations, staff roles and integrations."),
}

HOME_CARDS: list[HomeCard] = [
    HomeCard(
        "Audit trail", "Filter every recorded action and export it as CSV.", "audit:event-list", Permission.AUDIT_VIEW
    ),
    HomeCard(
        "Verify the audit trail",
        "Check that no recorded event has been altered or removed.",
        "audit:verify",
        Permission.AUDIT_VERIFY,
    ),
    HomeCard(
        "Staff and roles",
        "See who holds which role in your organisation.",
        "accounts:staff-list",
        Permission.STAFF_MANAGE,
    ),
    HomeCard(
        "CIS2 role mappings",
        "Choose which notifyadmin roles each CIS2 job role gives when staff sign in.",
        "accounts:role-mapping-list",
        Permission.ROLE_MAPPING_MANAGE,
    ),
    # Patients and preferences (preferences app)
    HomeCard(
        "Find a patient",
        "Search by NHS number, mobile or email to see and change contact preferences.",
        "preferences:patient-find",
        Permission.PATIENT_FIND,
    ),
]


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
