from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "notifyadmin.accounts"
    label = "accounts"
    verbose_name = "Organisations and staff"

    def ready(self) -> None:
        from audit.actions import register_actions
        from notifyadmin.accounts.audit_actions import ACTIONS
        from notifyadmin.accounts.cis2.demo import seed as seed_cis2_mappings
        from notifyadmin.accounts.roles import Permission
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
        SEEDERS.register("cis2-role-mappings", Seeder(seed_cis2_mappings), order=40)
