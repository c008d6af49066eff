"""Reads for CIS2 sign-in and the role-mapping pages."""

from collections.abc import Iterable

from django.db.models import Q, QuerySet

from notifyadmin.accounts.models import Cis2RoleMapping, Organisation
from notifyadmin.accounts.roles import Role


def app_roles_for(*, organisation: Organisation, role_code: str, activity_codes: Iterable[str]) -> list[Role]:
    """The app roles a CIS2 job role gives at `organisation`: every mapping for this organisation
    or for any organisation whose role code matches and whose activity code (if it names one) the
    person holds in that role. In Role's order, without repeats."""
    held = set(activity_codes)
    mappings = Cis2RoleMapping.objects.filter(
        Q(organisation=organisation) | Q(organisation__isnull=True), role_code=role_code
    )
    granted = {m.app_role for m in mappings if not m.activity_code or m.activity_code in held}
    return [role for role in Role if role.value in granted]


def role_mappings_visible_to(*, organisation: Organisation) -> QuerySet[Cis2RoleMapping]:
    """The mappings that apply at `organisation`: its own and those for any organisation."""
    return Cis2RoleMapping.objects.filter(Q(organisation=organisation) | Q(organisation__isnull=True)).select_related(
        "organisation"
    )
