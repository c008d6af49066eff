"""Demo data: the CIS2 stand-in's suggested role mappings for the demo organisation."""

from notifyadmin.accounts.models import Cis2RoleMapping
from notifyadmin.accounts.roles import Role
from notifyadmin.core.demo import DEMO_ADMINISTRATOR, DemoContext


def seed(context: DemoContext) -> None:
    from notifyadmin.accounts.cis2.services import role_mapping_create
    from notifyadmin.sandboxes.cis2.identities import SUGGESTED_COMBINED_ROLE_MAPPING, SUGGESTED_ROLE_MAPPING

    pairs = [(code, role) for code, role in SUGGESTED_ROLE_MAPPING.items()]
    pairs += [(code, role) for code, roles in SUGGESTED_COMBINED_ROLE_MAPPING.items() for role in roles]
    # Made by the demo administrator, so the audit trail shows who set the mappings up.
    seed_actor = context.actor_for(DEMO_ADMINISTRATOR, Role.ADMINISTRATOR)
    for role_code, app_role in pairs:
        exists = Cis2RoleMapping.objects.filter(
            organisation=context.organisation, role_code=role_code, activity_code="", app_role=app_role
        ).exists()
        if not exists:
            role_mapping_create(
                actor=seed_actor,
                organisation=context.organisation,
                role_code=role_code,
                activity_code="",
                app_role=Role(app_role),
            )
