from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "notifyadmin.core"
    label = "core"
    verbose_name = "Core"
