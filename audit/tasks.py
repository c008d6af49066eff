"""Audit trail tasks (queue `audit`): sealing events into the chain, and verifying it.

Sealing runs on a beat tick every minute and when nudged after a commit; verification nightly
(django-celery-beat, notifyadmin/core/schedules.py) and when an auditor asks for it.
"""

from celery import shared_task

from audit.models import AuditVerification
from audit.services import audit_seal_pending, audit_verification_request, audit_verification_run
from notifyadmin.core.actor import Actor, actor_from_payload
from notifyadmin.core.queues import AUDIT

SEAL_AUDIT_CHAIN = "audit.seal_chain"
VERIFY_AUDIT_CHAIN = "audit.verify_chain"


@shared_task(name=SEAL_AUDIT_CHAIN, queue=AUDIT, ignore_result=True)
def seal_audit_chain() -> int:
    """Seal every committed, unsealed event. Safe to run twice, or in two workers at once."""
    return audit_seal_pending().sealed


@shared_task(name=VERIFY_AUDIT_CHAIN, queue=AUDIT, ignore_result=True)
def verify_audit_chain(verification_id: str | None = None, actor: dict | None = None) -> bool:
    """Run a requested verification, or (from the nightly schedule) record and run a new one.
    Safe to run twice: a finished verification is not run again."""
    who = actor_from_payload(actor) if actor else Actor.system(name="scheduler")
    if verification_id is None:
        verification = audit_verification_request(actor=who)
    else:
        found = AuditVerification.objects.filter(pk=verification_id).first()
        if found is None:  # terminal: nothing to verify for, retrying cannot help
            return False
        verification = found
    audit_verification_run(verification=verification, actor=who)
    return verification.status == "passed"
