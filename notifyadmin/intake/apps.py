from django.apps import AppConfig


class IntakeConfig(AppConfig):
    name = "notifyadmin.intake"
    label = "intake"
    verbose_name = "Event intake"

    def ready(self) -> None:
        from audit.actions import register_actions
        from notifyadmin.accounts.roles import Permission
        from notifyadmin.core.registry import (
            HOME_CARDS,
            NAVIGATION,
            SCHEDULES,
            SEEDERS,
            HomeCard,
            NavItem,
            Schedule,
            Seeder,
        )
        from notifyadmin.intake import tasks
        from notifyadmin.intake.audit_actions import ACTIONS
        from notifyadmin.intake.demo import seed

        register_actions(ACTIONS)
        NAVIGATION.register(
            "event-mappings",
            NavItem("Event mappings", "intake:mapping-list", Permission.EVENT_MAPPING_MANAGE),
            order=40,
        )
        NAVIGATION.register("event-log", NavItem("Event log", "intake:event-log", Permission.EVENT_LOG_VIEW), order=41)
        HOME_CARDS.register(
            "event-mappings",
            HomeCard(
                "Event mappings",
                "Choose the template each kind of event from other systems sends, and when reminders go.",
                "intake:mapping-list",
                Permission.EVENT_MAPPING_MANAGE,
            ),
        )
        HOME_CARDS.register(
            "event-log",
            HomeCard(
                "Event log",
                "Events other systems sent, what notifyadmin decided and the messages each produced.",
                "intake:event-log",
                Permission.EVENT_LOG_VIEW,
            ),
        )
        SCHEDULES.register(
            "intake-purge", Schedule("Purge raw event bodies past retention", tasks.PURGE, minute="45", hour="3")
        )
        SEEDERS.register("intake", Seeder(seed), order=60)
