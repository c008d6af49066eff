from django.apps import AppConfig


class SafetyConfig(AppConfig):
    name = "notifyadmin.safety"
    label = "safety"
    verbose_name = "Clinical safety case"
