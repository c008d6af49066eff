"""Periodic work, kept in the database by django-celery-beat (not cron on a node). Apps register
their schedules (notifyadmin.core.registry.SCHEDULES) from AppConfig.ready; `schedules_ensure`
(run by `manage.py ensure_schedules`, `make setup` and the demo seeder) creates the missing ones."""

from django_celery_beat.models import CrontabSchedule, IntervalSchedule, PeriodicTask

from notifyadmin.core.registry import SCHEDULES


def schedules_ensure() -> list[str]:
    """Create missing schedules; leave ones an operator has changed alone. Safe to run twice.
    Returns the names created."""
    created: list[str] = []
    for schedule in SCHEDULES:
        if schedule.every_seconds is not None:
            interval, _ = IntervalSchedule.objects.get_or_create(
                every=schedule.every_seconds, period=IntervalSchedule.SECONDS
            )
            when: dict[str, object] = {"interval": interval}
        else:
            crontab, _ = CrontabSchedule.objects.get_or_create(
                minute=schedule.minute,
                hour=schedule.hour,
                day_of_week="*",
                day_of_month="*",
                month_of_year="*",
                timezone="Europe/London",
            )
            when = {"crontab": crontab}
        _, was_created = PeriodicTask.objects.get_or_create(
            name=schedule.name, defaults={"task": schedule.task, **when}
        )
        if was_created:
            created.append(schedule.name)
    return created


def schedules_ensure_for_demo(context: object) -> None:
    schedules_ensure()
