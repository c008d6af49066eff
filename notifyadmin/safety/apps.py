from django.apps import AppConfig


class SafetyConfig(AppConfig):
    name = "notifyadmin.safety"
    label = "safety"
    verbose_name = "Clinical safety case"

    def ready(self) -> None:
        from audit.actions import register_actions
        from notifyadmin.accounts.roles import Permission
        from notifyadmin.core.registry import HOME_CARDS, NAVIGATION, HomeCard, NavItem
        from notifyadmin.safety.audit_actions import ACTIONS

        register_actions(ACTIONS)
        NAVIGATION.register("hazards", NavItem("Hazards", "safety:hazards", Permission.SAFETY_CASE_VIEW), order=46)
        NAVIGATION.register("safety-case", NavItem("Safety case", "safety:case", Permission.SAFETY_CASE_VIEW), order=45)
        HOME_CARDS.register(
            "safety-case",
            HomeCard(
                "Clinical safety case",
                "The hazard log, each control with the tests that prove it, and their latest results.",
                "safety:case",
                Permission.SAFETY_CASE_VIEW,
            ),
        )
