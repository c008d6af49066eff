"""Verification pages: start a verification (it runs as a task on the `audit` queue), follow
its progress (the page refreshes itself, no JavaScript needed), and list past verifications so
that a chain that got shorter shows against the one before."""

import logging
from dataclasses import dataclass

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods
from kombu.exceptions import OperationalError

from audit.models import AuditVerification, VerificationStatus
from audit.selectors import audit_verifications_recent
from audit.services import audit_verification_request
from audit.tasks import verify_audit_chain
from notifyadmin.accounts.access import requires
from notifyadmin.accounts.actors import actor_of
from notifyadmin.accounts.roles import Permission
from notifyadmin.core.errors import NotFound

logger = logging.getLogger(__name__)

REFRESH_SECONDS = 2


@dataclass(frozen=True)
class VerificationRow:
    verification: AuditVerification
    change: str  # against the previous finished verification
    shorter: bool


def _rows(verifications: list[AuditVerification]) -> list[VerificationRow]:
    rows = []
    for index, verification in enumerate(verifications):
        older = next((v for v in verifications[index + 1 :] if v.finished and v.head_position), None)
        change, shorter = "", False
        if verification.finished and verification.head_position and older is not None:
            difference = verification.head_position - older.head_position
            shorter = difference < 0
            change = f"{abs(difference)} {'fewer' if shorter else 'more'} than before"
        rows.append(VerificationRow(verification, change, shorter))
    return rows


@requires(Permission.AUDIT_VERIFY)
@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        actor = actor_of(request)
        verification = audit_verification_request(actor=actor)  # committed before the task can look
        try:
            verify_audit_chain.apply_async(args=[str(verification.pk)], kwargs={"actor": actor.to_payload()})
        except OperationalError as error:
            # Shown on its page as "could not finish": the auditor can start it again.
            AuditVerification.objects.filter(pk=verification.pk).update(
                status=VerificationStatus.ERROR, finished_at=timezone.now(), error="the task queue could not be reached"
            )
            logger.error("audit verification not queued", extra={"error": type(error).__name__})
        return HttpResponseRedirect(reverse("audit:verification", kwargs={"verification_id": verification.pk}))
    return render(request, "audit/verify.jinja", {"rows": _rows(audit_verifications_recent())})


@requires(Permission.AUDIT_VERIFY)
@require_GET
def verification_detail(request: HttpRequest, verification_id: str) -> HttpResponse:
    verification = AuditVerification.objects.filter(pk=verification_id).first()
    if verification is None:
        raise NotFound("There is no such verification.")
    return render(
        request,
        "audit/verification.jinja",
        {"verification": verification, "refresh_seconds": None if verification.finished else REFRESH_SECONDS},
    )
