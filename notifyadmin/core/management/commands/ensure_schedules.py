from typing import Any

from django.core.management.base import BaseCommand

from notifyadmin.core.schedules import schedules_ensure


class Command(BaseCommand):
    help = "Create the periodic tasks apps register (django-celery-beat); leaves changed ones alone."

    def handle(self, *args: Any, **options: Any) -> None:
        created = schedules_ensure()
        self.stdout.write(f"Schedules created: {', '.join(created) if created else 'none (all present)'}")
