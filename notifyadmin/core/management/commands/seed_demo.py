"""python manage.py seed_demo: demo organisation, staff for every role and feature data.
Safe to run twice. Refuses to run in production."""

import os
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from notifyadmin.core.demo import DEMO_PEOPLE, seed_demo

DEFAULT_DEMO_PASSWORD = "notify-demo-2026"  # noqa: S105 - local demo personas only; never in production


class Command(BaseCommand):
    help = "Seed the demo organisation, one member of staff per role, and feature demo data."

    def handle(self, *args: Any, **options: Any) -> None:
        password = os.environ.get("DEMO_PASSWORD", DEFAULT_DEMO_PASSWORD)
        try:
            with transaction.atomic():
                context = seed_demo(password=password)
        except RuntimeError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(self.style.SUCCESS(f"Demo organisation: {context.organisation}"))
        for person in DEMO_PEOPLE:
            roles = ", ".join(role.label for role in person.roles)
            self.stdout.write(f"  {person.username:<12} {person.first_name} {person.last_name}: {roles}")
        for note in context.notes:
            self.stdout.write(note)
        self.stdout.write(
            "Sign in at http://127.0.0.1:8000/accounts/sign-in/ with the password in DEMO_PASSWORD "
            f"(default: {DEFAULT_DEMO_PASSWORD})."
        )
