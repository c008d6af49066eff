"""Scheduled verification of the audit chain (django-celery-beat, nightly by default)."""

import logging

from celery import shared_task
from django.db import transaction

from audit.services import audit_chain_verify, audit_record
from notifyadmin.core.actor import Actor
from notifyadmin.core.queues import AUDIT

logger = logging.getLogger(__name__)

VERIFY_AUDIT_CHAIN = "audit.verify_chain"


@shared_task(name=VERIFY_AUDIT_CHAIN, queue=AUDIT, ignore_result=True)
def verify_audit_chain() -> bool:
    """Safe to run any number of times: it only reads the chain and appends its finding."""
    result = audit_chain_verify()
    with transaction.atomic():
        audit_record(
            actor=Actor.system(name="scheduler"),
            action="audit.chain.verified" if result.ok else "audit.chain.verification_failed",
            details={
                "events_checked": result.checked,
                "first_failure_sequence": result.first_failure.sequence if result.first_failure else None,
            },
        )
    if not result.ok:
        logger.error("audit chain verification failed", extra={"events_checked": result.checked})
    return result.ok
