from django.apps import AppConfig


class TemplatesAppConfig(AppConfig):
    name = "templates_app"
    verbose_name = "Message templates"

    def ready(self) -> None:
        from audit.actions import register_actions
        from notifyadmin.accounts.roles import Permission
        from notifyadmin.core.registry import NAVIGATION, SEEDERS, NavItem, Seeder
        from templates_app.audit_actions import ACTIONS
        from templates_app.demo import seed

        register_actions(ACTIONS)
        NAVIGATION.register(
            "templates", NavItem("Templates", "templates_app:template-list", Permission.TEMPLATE_VIEW), order=10
        )
        SEEDERS.register("templates", Seeder(seed), order=20)
