from django.apps import AppConfig


class PreferencesConfig(AppConfig):
    name = "preferences"
    verbose_name = "Patients and preferences"

    def ready(self) -> None:
        from simple_history.signals import pre_create_historical_record

        from audit.actions import register_actions
        from audit.registry import register_patient_lookup
        from notifyadmin.accounts.roles import Permission
        from notifyadmin.core.registry import HOME_CARDS, NAVIGATION, SEEDERS, HomeCard, NavItem, Seeder
        from preferences.audit_actions import ACTIONS
        from preferences.demo import seed
        from preferences.history import copy_change_meta
        from preferences.selectors.patients import patient_ref_by_nhs_number

        pre_create_historical_record.connect(copy_change_meta, dispatch_uid="preferences.copy_change_meta")
        register_actions(ACTIONS)
        register_patient_lookup(patient_ref_by_nhs_number)
        NAVIGATION.register(
            "patients", NavItem("Find a patient", "preferences:patient-find", Permission.PATIENT_FIND), order=20
        )
        HOME_CARDS.register(
            "patient-find",
            HomeCard(
                "Find a patient",
                "Search by NHS number, mobile or email to see and change contact preferences.",
                "preferences:patient-find",
                Permission.PATIENT_FIND,
            ),
        )
        SEEDERS.register("preferences", Seeder(seed), order=30)
