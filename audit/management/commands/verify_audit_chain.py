"""python manage.py verify_audit_chain: check the whole hash chain; exit 1 naming the first
event that fails."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from audit.services import audit_chain_verify


class Command(BaseCommand):
    help = "Verify the audit trail's hash chain and name the first event that fails."

    def handle(self, *args: Any, **options: Any) -> None:
        result = audit_chain_verify()
        event = result.first_failure
        if event is not None:
            raise CommandError(
                f"Audit chain broken at event {event.sequence} (id {event.id}, {event.action}, "
                f"{event.occurred_at.isoformat()}): {result.problem}. {result.checked} events read."
            )
        self.stdout.write(self.style.SUCCESS(f"Audit chain intact: {result.checked} events verified."))
