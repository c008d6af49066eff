"""The auditor's pages: filter the trail, export it as CSV, verify the hash chain."""

import csv
import json
from collections.abc import Iterator

from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from audit.forms import AuditFilterForm
from audit.models import AuditEvent
from audit.selectors import AuditFilter, audit_events_filtered, audit_events_for_export
from audit.services import audit_chain_verify, audit_record
from notifyadmin.accounts.access import requires
from notifyadmin.accounts.actors import actor_of
from notifyadmin.accounts.roles import Permission, Role
from notifyadmin.accounts.selectors import staff_in_organisation
from notifyadmin.core.forms import error_summary_items, field_error

PAGE_SIZE = 50
CSV_COLUMNS = [
    "sequence",
    "id",
    "occurred_at_utc",
    "action",
    "actor_name",
    "actor_id",
    "actor_role",
    "organisation",
    "sign_in_session_id",
    "cis2_uid",
    "cis2_role_id",
    "system_client",
    "target_type",
    "target_id",
    "patient_ref",
    "reason",
    "details",
    "correlation_id",
    "ip_address",
    "user_agent",
    "previous_hash",
    "event_hash",
]


def _filter_form(request: HttpRequest) -> AuditFilterForm:
    organisations = [
        assignment.organisation
        for assignment in request.role_assignments  # type: ignore[attr-defined]
        if assignment.role == Role.AUDITOR
    ]
    staff = list(staff_in_organisation(organisation=request.organisation))  # type: ignore[attr-defined]
    return AuditFilterForm(request.GET, organisations=organisations, staff=staff)


def _filters(form: AuditFilterForm) -> AuditFilter:
    data = form.cleaned_data
    return AuditFilter(
        organisations=form.selected_organisations(),
        actor_id=data.get("actor") or None,
        action=data.get("action") or None,
        patient_ref=data.get("patient") or None,
        date_from=data.get("date_from"),
        date_to=data.get("date_to"),
    )


@requires(Permission.AUDIT_VIEW)
@require_GET
def event_list(request: HttpRequest) -> HttpResponse:
    form = _filter_form(request)
    page = None
    status = 400
    if form.is_valid():
        status = 200
        events = audit_events_filtered(filters=_filters(form))
        page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "query": query.urlencode(),
        "error_list": error_summary_items(form) if form.errors else [],
        "field_error": lambda name: field_error(form, name),
    }
    return render(request, "audit/event_list.jinja", context, status=status)


@requires(Permission.AUDIT_EXPORT)
@require_GET
def event_export(request: HttpRequest) -> HttpResponse | StreamingHttpResponse:
    form = _filter_form(request)
    if not form.is_valid():
        messages.error(request, "The export was not made: correct the filters first.")
        return redirect(f"{reverse('audit:event-list')}?{request.GET.urlencode()}")
    filters = _filters(form)
    with transaction.atomic():
        audit_record(
            actor=actor_of(request),
            action="audit.exported",
            details={"filters": {key: value for key, value in request.GET.items() if value}},
        )
    filename = f"audit-events-{timezone.now():%Y%m%dT%H%M%SZ}.csv"
    response = StreamingHttpResponse(_csv_rows(audit_events_for_export(filters=filters)), content_type="text/csv")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


class _Echo:
    def write(self, value: str) -> str:
        return value


def _csv_rows(events: Iterator[AuditEvent]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield writer.writerow(CSV_COLUMNS)
    for event in events:
        yield writer.writerow(
            [
                event.sequence,
                event.id,
                event.occurred_at.isoformat(),
                event.action,
                _safe(event.actor_name),
                event.actor_id or "",
                event.actor_role,
                event.organisation.ods_code if event.organisation else "",
                event.sign_in_session_id,
                event.cis2_uid,
                event.cis2_role_id,
                event.system_client,
                event.target_type,
                event.target_id,
                event.patient_ref,
                _safe(event.reason),
                _safe_json(event.details),
                event.correlation_id,
                event.ip_address or "",
                _safe(event.user_agent),
                event.previous_hash,
                event.event_hash,
            ]
        )


def _safe(value: str) -> str:
    """Neutralise spreadsheet formulas (CSV injection) in free text."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def _safe_json(value: object) -> str:
    return _safe(json.dumps(value, sort_keys=True))


@requires(Permission.AUDIT_VERIFY)
@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest) -> HttpResponse:
    result = None
    if request.method == "POST":
        result = audit_chain_verify()
        with transaction.atomic():
            audit_record(
                actor=actor_of(request),
                action="audit.chain.verified" if result.ok else "audit.chain.verification_failed",
                details={
                    "events_checked": result.checked,
                    "first_failure_sequence": result.first_failure.sequence if result.first_failure else None,
                },
            )
    return render(request, "audit/verify.jinja", {"result": result})
