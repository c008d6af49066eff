from django.apps import AppConfig


class IntegrationsConfig(AppConfig):
    name = "notifyadmin.integrations"
    label = "integrations"
    verbose_name = "Client-system integrations"

    def ready(self) -> None:
        from audit.actions import register_actions
        from notifyadmin.accounts.roles import Permission
        from notifyadmin.core.registry import HOME_CARDS, HomeCard

        # Imported for its drf-spectacular extension (the bearer-key security scheme).
        from notifyadmin.integrations import authentication  # noqa: F401
        from notifyadmin.integrations.audit_actions import ACTIONS

        register_actions(ACTIONS)
        HOME_CARDS.register(
            "api-clients",
            HomeCard(
                "API clients",
                "Create client systems' API keys, rotate or revoke them, and choose what each system may do.",
                "integrations:client-list",
                Permission.API_CLIENT_MANAGE,
            ),
        )
        from notifyadmin.accounts.roles import Role
        from notifyadmin.core.registry import HOME_PANELS, HomePanel
        from notifyadmin.integrations.home import api_client_items

        HOME_PANELS.register(
            "integrations-api-clients",
            HomePanel(
                heading="API clients",
                permission=Permission.API_CLIENT_MANAGE,
                roles=frozenset({Role.ADMINISTRATOR}),
                items=api_client_items,
                empty="No other system can use notifyadmin's API yet. Add an API client for each system that "
                "should, and give it a key.",
                action_text="Add an API client",
                action_url_name="integrations:client-create",
            ),
            order=65,
        )
