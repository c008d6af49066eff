from django.apps import AppConfig


class SendingConfig(AppConfig):
    name = "notifyadmin.sending"
    label = "sending"
    verbose_name = "Sending"

    def ready(self) -> None:
        from audit.actions import register_actions
        from notifyadmin.core.registry import QUEUES, Queue
        from notifyadmin.sending import queues
        from notifyadmin.sending.audit_actions import ACTIONS

        register_actions(ACTIONS)
        QUEUES.register(queues.DISPATCH, Queue(queues.DISPATCH, "Moving messages from the outbox to NHS Notify"))
