from django.apps import AppConfig


class PreferencesConfig(AppConfig):
    name = "preferences"
    verbose_name = "Patients and preferences"

    def ready(self) -> None:
        from simple_history.signals import pre_create_historical_record

        from preferences.history import copy_change_meta

        pre_create_historical_record.connect(copy_change_meta, dispatch_uid="preferences.copy_change_meta")
