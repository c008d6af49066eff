"""Intake's periodic work (scheduled in IntakeConfig.ready)."""

from celery import shared_task

from notifyadmin.sending import queues

PURGE = "intake.purge_raw_bodies"


@shared_task(name=PURGE, queue=queues.DISPATCH, ignore_result=True)
def purge_raw_bodies() -> int:
    """Raw event bodies are kept only for the personalisation retention."""
    from notifyadmin.intake.services import events_purge_raw_bodies

    return events_purge_raw_bodies()
