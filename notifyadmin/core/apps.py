from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "notifyadmin.core"
    label = "core"
    verbose_name = "Core"

    def ready(self) -> None:
        from notifyadmin.accounts.roles import Permission
        from notifyadmin.core import (
            lookups,  # noqa: F401 (registers field__any_of)
            queues,
        )
        from notifyadmin.core.registry import NAVIGATION, QUEUES, SEEDERS, NavItem, Queue, Seeder
        from notifyadmin.core.schedules import schedules_ensure_for_demo

        NAVIGATION.register("home", NavItem("Home", "core:home", Permission.HOME_VIEW), order=0)
        QUEUES.register(queues.DEFAULT, Queue(queues.DEFAULT, "Everything without a queue of its own"))
        SEEDERS.register("schedules", Seeder(schedules_ensure_for_demo), order=10)
        from notifyadmin.core.demo import note_demo_patients

        SEEDERS.register("demo-patients-note", Seeder(note_demo_patients), order=1000)
