from django.apps import AppConfig


class SendingConfig(AppConfig):
    name = "notifyadmin.sending"
    label = "sending"
    verbose_name = "Sending"

    def ready(self) -> None:
        from audit.actions import register_actions
        from notifyadmin.accounts.roles import Permission
        from notifyadmin.core.registry import (
            HOME_CARDS,
            NAVIGATION,
            QUEUES,
            SCHEDULES,
            SEEDERS,
            HomeCard,
            NavItem,
            Queue,
            Schedule,
            Seeder,
        )
        from notifyadmin.sending import queues, tasks
        from notifyadmin.sending.audit_actions import ACTIONS
        from notifyadmin.sending.demo import seed

        register_actions(ACTIONS)
        QUEUES.register(queues.DISPATCH, Queue(queues.DISPATCH, "Moving messages from the outbox to NHS Notify"))
        NAVIGATION.register(
            "kill-switches",
            NavItem("Kill switches", "sending:kill-switch-list", Permission.KILL_SWITCH_MANAGE),
            order=30,
        )
        HOME_CARDS.register(
            "kill-switches",
            HomeCard(
                "Kill switches",
                "Stop every message from your organisation, or one template's, until you clear it.",
                "sending:kill-switch-list",
                Permission.KILL_SWITCH_MANAGE,
            ),
        )
        HOME_CARDS.register(
            "self-tests",
            HomeCard(
                "Your test messages",
                "Send any version of a template, drafts included, to your own test contact details, and see "
                "what happened to each test.",
                "sending:self-tests",
                Permission.MESSAGE_SEND_TEST,
            ),
        )
        from notifyadmin.core.registry import HOME_PANELS, HomePanel
        from notifyadmin.sending.operations import operations_home_items

        NAVIGATION.register(
            "operations", NavItem("Sending", "sending:operations", Permission.SEND_PIPELINE_VIEW), order=29
        )
        HOME_PANELS.register(
            "sending-operations",
            HomePanel(
                heading="Sending today",
                permission=Permission.SEND_PIPELINE_VIEW,
                items=operations_home_items,
                empty="Everything is running as usual: no kill switch is on, NHS Notify is accepting messages and "
                "no message is waiting in the queue. Anything stopped or stuck will appear here.",
                action_text="See the state of sending",
                action_url_name="sending:operations",
            ),
        )
        SCHEDULES.register("sending-dispatch", Schedule("Dispatch due messages", tasks.DISPATCH, every_seconds=10))
        SCHEDULES.register(
            "sending-recover", Schedule("Recover expired leases and unknown batches", tasks.RECOVER, every_seconds=30)
        )
        SCHEDULES.register("sending-poll", Schedule("Poll overdue message statuses", tasks.POLL, every_seconds=300))
        SCHEDULES.register(
            "sending-purge", Schedule("Purge personalisation past retention", tasks.PURGE, minute="30", hour="3")
        )
        SEEDERS.register("sending", Seeder(seed), order=50)
