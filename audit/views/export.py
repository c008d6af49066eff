"""The CSV export of the filtered trail. It takes only the filter's own parameters: anything
else is refused (400), never copied into the export's audit event, and a refused export is
answered with the page and its errors, never a redirect carrying the query string."""

import csv
import json
from collections.abc import Iterator

from django.db import transaction
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.utils import timezone
from django.views.decorators.http import require_GET

from audit.forms import unknown_parameters
from audit.models import AuditEvent
from audit.selectors import audit_events_for_export
from audit.services import audit_record, audit_seal_pending
from audit.views.trail import filter_form, filters_of, render_trail
from notifyadmin.accounts.access import requires
from notifyadmin.accounts.actors import actor_of
from notifyadmin.accounts.roles import Permission

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
    "seal_position",
    "seal_previous_hash",
    "seal_hash",
]
NOT_MADE = "The export was not made: "


@requires(Permission.AUDIT_EXPORT)
@require_GET
def event_export(request: HttpRequest) -> HttpResponse | StreamingHttpResponse:
    if unknown_parameters(list(request.GET.keys())):
        # The names are not repeated: they are whatever the link carried, identifiers included.
        message = (
            NOT_MADE + "the link carries parameters that are not filters. Choose the filters on this page "
            "and download again."
        )
        return render_trail(
            request,
            form=filter_form(request, {}),
            extra_errors=[{"text": message, "href": "#organisation"}],
            status=400,
        )
    form = filter_form(request, request.GET)
    if not form.is_valid():
        refusal = {"text": NOT_MADE + "correct the filters first.", "href": "#main-content"}
        return render_trail(request, form=form, extra_errors=[refusal])
    # Seal what is pending, so the export carries every event's place in the chain.
    audit_seal_pending()
    with transaction.atomic():
        audit_record(actor=actor_of(request), action="audit.exported", details={"filters": form.applied()})
    filename = f"audit-events-{timezone.now():%Y%m%dT%H%M%SZ}.csv"
    response = StreamingHttpResponse(
        csv_rows(audit_events_for_export(filters=filters_of(form))), content_type="text/csv"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_rows(events: Iterator[AuditEvent]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield writer.writerow(CSV_COLUMNS)
    for event in events:
        seal = getattr(event, "seal", None)
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
                seal.position if seal else "",
                seal.previous_hash if seal else "",
                seal.hash if seal else "",
            ]
        )


def _safe(value: str) -> str:
    """Neutralise spreadsheet formulas (CSV injection) in free text."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def _safe_json(value: object) -> str:
    return _safe(json.dumps(value, sort_keys=True))
