from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "audit"
    verbose_name = "Audit trail"

    def ready(self) -> None:
        from audit.actions import AUDIT_ACTIONS, register_actions
        from audit.home import latest_verifications, recent_activity
        from audit.metrics import register_chain_metrics
        from audit.tasks import SEAL_AUDIT_CHAIN, VERIFY_AUDIT_CHAIN
        from notifyadmin.accounts.roles import Permission
        from notifyadmin.core import queues
        from notifyadmin.core.registry import (
            HOME_CARDS,
            HOME_PANELS,
            NAVIGATION,
            QUEUES,
            SCHEDULES,
            HomeCard,
            HomePanel,
            NavItem,
            Queue,
            Schedule,
        )

        register_actions(AUDIT_ACTIONS)
        register_chain_metrics()
        SCHEDULES.register(
            "audit-verify-nightly",
            Schedule("Verify the audit chain nightly", VERIFY_AUDIT_CHAIN, minute="15", hour="2"),
        )
        SCHEDULES.register(
            "audit-seal", Schedule("Seal audit events into the chain every minute", SEAL_AUDIT_CHAIN, every_seconds=60)
        )
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
        HOME_PANELS.register(
            "audit-recent-activity",
            HomePanel(
                heading="Recent activity in your organisation",
                permission=Permission.AUDIT_VIEW,
                items=recent_activity,
                empty="Nothing has been recorded yet. Each action staff take on templates, preferences and "
                "patients' records will appear here as it happens.",
                action_text="See the whole audit trail",
                action_url_name="audit:event-list",
            ),
        )
        HOME_PANELS.register(
            "audit-verifications",
            HomePanel(
                heading="Latest verifications of the audit trail",
                permission=Permission.AUDIT_VERIFY,
                items=latest_verifications,
                empty="No verification has been run yet. One runs every night; you can start one now.",
                action_text="Verify the audit trail",
                action_url_name="audit:verify",
            ),
        )
