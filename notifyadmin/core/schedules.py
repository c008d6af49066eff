"""Periodic work, kept in the database by django-celery-beat (not cron on a node)."""

from django_celery_beat.models import CrontabSchedule, PeriodicTask

from audit.tasks import SEAL_AUDIT_CHAIN, VERIFY_AUDIT_CHAIN

SCHEDULES = [
    # (name, task, crontab minute, hour)
    ("Verify the audit chain nightly", VERIFY_AUDIT_CHAIN, "15", "2"),
    ("Seal audit events into the chain every minute", SEAL_AUDIT_CHAIN, "*", "*"),
]


def schedules_ensure() -> None:
    """Create missing schedules; leave ones an operator has changed alone. Safe to run twice."""
    for name, task, minute, hour in SCHEDULES:
        crontab, _ = CrontabSchedule.objects.get_or_create(
            minute=minute, hour=hour, day_of_week="*", day_of_month="*", month_of_year="*", timezone="Europe/London"
        )
        PeriodicTask.objects.get_or_create(name=name, defaults={"task": task, "crontab": crontab})


def schedules_ensure_for_demo(context: object) -> None:
    schedules_ensure()
