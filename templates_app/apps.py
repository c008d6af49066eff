from django.apps import AppConfig


class TemplatesAppConfig(AppConfig):
    name = "templates_app"
    verbose_name = "Message templates"

    def ready(self) -> None:
        from audit.actions import register_actions
        from notifyadmin.accounts.roles import Permission
        from notifyadmin.core.registry import HOME_PANELS, NAVIGATION, SEEDERS, NavItem, Seeder
        from templates_app.audit_actions import ACTIONS
        from templates_app.demo import seed
        from templates_app.home import PANELS

        register_actions(ACTIONS)
        NAVIGATION.register(
            "templates", NavItem("Templates", "templates_app:template-list", Permission.TEMPLATE_VIEW), order=10
        )
        NAVIGATION.register(
            "routing-plans",
            NavItem("Routing plans", "templates_app:routing-plans", Permission.API_CLIENT_MANAGE),
            order=85,
        )
        SEEDERS.register("templates", Seeder(seed), order=20)
        for order, (key, panel) in enumerate(PANELS.items(), start=10):
            HOME_PANELS.register(key, panel, order=order)
