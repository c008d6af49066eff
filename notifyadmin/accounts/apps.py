from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "notifyadmin.accounts"
    label = "accounts"
    verbose_name = "Organisations and staff"

    def ready(self) -> None:
        from audit.actions import register_actions
        from notifyadmin.accounts.audit_actions import ACTIONS
        from notifyadmin.accounts.cis2.demo import seed as seed_cis2_mappings
        from notifyadmin.accounts.roles import Permission, Role
        from notifyadmin.core.registry import HOME_CARDS, NAVIGATION, SEEDERS, HomeCard, NavItem, Seeder

        register_actions(ACTIONS)
        NAVIGATION.register(
            "staff", NavItem("Staff and roles", "accounts:staff-list", Permission.STAFF_MANAGE), order=50
        )
        HOME_CARDS.register(
            "staff",
            HomeCard(
                "Staff and roles",
                "See who holds which role in your organisation.",
                "accounts:staff-list",
                Permission.STAFF_MANAGE,
            ),
        )
        HOME_CARDS.register(
            "cis2-role-mappings",
            HomeCard(
                "CIS2 role mappings",
                "Choose which notifyadmin roles each CIS2 job role gives when staff sign in.",
                "accounts:role-mapping-list",
                Permission.ROLE_MAPPING_MANAGE,
            ),
        )
        from notifyadmin.accounts.home import organisation_items, role_mapping_items
        from notifyadmin.core.registry import HOME_PANELS, HomePanel

        admins = frozenset({Role.ADMINISTRATOR})
        HOME_PANELS.register(
            "accounts-role-mappings",
            HomePanel(
                heading="Who gets which role",
                permission=Permission.ROLE_MAPPING_MANAGE,
                roles=admins,
                items=role_mapping_items,
                empty="No CIS2 job role gives a notifyadmin role yet, so staff who sign in with their smartcard "
                "cannot use notifyadmin. Add a role mapping for each CIS2 job role that should have access.",
                action_text="Add a role mapping",
                action_url_name="accounts:role-mapping-create",
            ),
            order=60,
        )
        HOME_PANELS.register(
            "accounts-organisation",
            HomePanel(
                heading="Your organisation",
                permission=Permission.ORGANISATION_VIEW,
                roles=admins,
                items=organisation_items,
                empty="You are not working in an organisation. Sign out and sign in again to choose one.",
                action_text="See your organisation's settings",
                action_url_name="accounts:organisation",
            ),
            order=70,
        )
        SEEDERS.register("cis2-role-mappings", Seeder(seed_cis2_mappings), order=40)
