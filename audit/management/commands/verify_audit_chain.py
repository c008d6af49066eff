"""python manage.py verify_audit_chain: seal what is pending, check the whole hash chain, record
the verification; exit 1 listing what was found."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from audit.services import audit_verification_request, audit_verification_run
from notifyadmin.core.actor import Actor


class Command(BaseCommand):
    help = "Verify the audit trail's hash chain, record the verification and list any problem found."

    def handle(self, *args: Any, **options: Any) -> None:
        actor = Actor.system(name="verify_audit_chain command")
        verification = audit_verification_run(verification=audit_verification_request(actor=actor), actor=actor)
        if verification.findings:
            lines = "\n".join(f"- {finding['message']}" for finding in verification.findings)
            raise CommandError(f"Audit chain verification found problems ({verification.checked} seals read):\n{lines}")
        self.stdout.write(
            self.style.SUCCESS(
                f"Audit chain intact: {verification.checked} events verified, "
                f"head {verification.head_position} {verification.head_hash}."
            )
        )
