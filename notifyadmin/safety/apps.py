from django.apps import AppConfig


class SafetyConfig(AppConfig):
    name = "notifyadmin.safety"
    label = "safety"
    verbose_name = "Clinical safety case"

    def ready(self) -> None:
        from notifyadmin.accounts.roles import Permission
        from notifyadmin.core.registry import HOME_CARDS, NAVIGATION, HomeCard, NavItem

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
