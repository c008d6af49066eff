from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "audit"
    verbose_name = "Audit trail"

    def ready(self) -> None:
        from audit.actions import AUDIT_ACTIONS, register_actions
        from audit.metrics import register_chain_metrics
        from notifyadmin.accounts.roles import Permission
        from notifyadmin.core import queues
        from notifyadmin.core.registry import HOME_CARDS, NAVIGATION, QUEUES, HomeCard, NavItem, Queue

        register_actions(AUDIT_ACTIONS)
        register_chain_metrics()
        QUEUES.register(queues.AUDIT, Queue(queues.AUDIT, "Audit trail verification"))
        NAVIGATION.register("audit", NavItem("Audit trail", "audit:event-list", Permission.AUDIT_VIEW), order=40)
        HOME_CARDS.register(
            "audit-trail",
            HomeCard(
                "Audit trail",
                "Filter every recorded action and export it as CSV.",
                "audit:event-list",
                Permission.AUDIT_VIEW,
            ),
        )
        HOME_CARDS.register(
            "audit-verify",
            HomeCard(
                "Verify the audit trail",
                "Check that no recorded event has been altered or removed.",
                "audit:verify",
                Permission.AUDIT_VERIFY,
            ),
        )
