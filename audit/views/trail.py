"""The audit trail page (a GET filter of opaque values) and the patient lookup (a POST that
takes an NHS number and answers with a redirect carrying only the patient's opaque reference)."""

from typing import Any
from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from audit.actions import label_of
from audit.forms import KNOWN_FILTER_PARAMETERS, AuditFilterForm, PatientLookupForm
from audit.registry import patient_lookup as registered_patient_lookup
from audit.selectors import AuditFilter, audit_events_filtered, audit_staff_choices
from audit.services import audit_record
from notifyadmin.accounts.access import requires
from notifyadmin.accounts.actors import actor_of
from notifyadmin.accounts.models import Organisation
from notifyadmin.accounts.roles import Permission, Role
from notifyadmin.core.errors import InvalidInput
from notifyadmin.core.forms import error_summary_items, field_error

PAGE_SIZE = 50


def auditor_organisations(request: HttpRequest) -> list[Organisation]:
    return [
        assignment.organisation
        for assignment in request.role_assignments  # type: ignore[attr-defined]
        if assignment.role == Role.AUDITOR
    ]


def filter_form(request: HttpRequest, data: Any) -> AuditFilterForm:
    organisations = auditor_organisations(request)
    return AuditFilterForm(data, organisations=organisations, staff=audit_staff_choices(organisations=organisations))


def filters_of(form: AuditFilterForm) -> AuditFilter:
    data = form.cleaned_data
    return AuditFilter(
        organisations=form.selected_organisations(),
        actor_id=data.get("actor") or None,
        action=data.get("action") or None,
        patient_ref=data.get("patient") or None,
        date_from=data.get("date_from"),
        date_to=data.get("date_to"),
    )


def filter_query(request: HttpRequest) -> str:
    """The known filters of a valid form, for links that keep them. Anything else is dropped."""
    return urlencode([(key, value) for key, value in request.GET.items() if key in KNOWN_FILTER_PARAMETERS and value])


def role_label(code: str) -> str:
    return str(Role(code).label) if code in Role.values else code


# Target types whose words are not their code with spaces.
TARGET_LABELS = {"cis2_role_mapping": "CIS2 role mapping"}


def target_label(code: str) -> str:
    """What an event acted on, in words: "template_version" -> "Template version"."""
    return TARGET_LABELS.get(code) or code.replace("_", " ").capitalize()


def render_trail(
    request: HttpRequest,
    *,
    form: AuditFilterForm,
    lookup_form: PatientLookupForm | None = None,
    extra_errors: list[dict[str, str]] | None = None,
    status: int | None = None,
) -> HttpResponse:
    page = None
    if form.is_bound and form.is_valid() and not extra_errors:
        page = Paginator(audit_events_filtered(filters=filters_of(form)), PAGE_SIZE).get_page(request.GET.get("page"))
    lookup_form = lookup_form or PatientLookupForm()
    error_list = (
        (extra_errors or [])
        + (error_summary_items(form) if form.is_bound and form.errors else [])
        + (error_summary_items(lookup_form) if lookup_form.is_bound and lookup_form.errors else [])
    )
    for item in error_list:
        # The patient filter has no box of its own: its errors point at the lookup.
        if item["href"] == "#id_patient":
            item["href"] = "#id_nhs_number"
    context = {
        "form": form,
        "lookup_form": lookup_form,
        "page": page,
        "query": filter_query(request) if page is not None else "",
        "error_list": error_list,
        "field_error": lambda name: field_error(form, name),
        "label_of": label_of,
        "role_label": role_label,
        "target_label": target_label,
        "patient_ref": form.cleaned_data.get("patient") if page is not None else "",
    }
    return render(request, "audit/event_list.jinja", context, status=status or (400 if error_list else 200))


@requires(Permission.AUDIT_VIEW)
@require_GET
def event_list(request: HttpRequest) -> HttpResponse:
    return render_trail(request, form=filter_form(request, request.GET))


@requires(Permission.AUDIT_VIEW)
@require_POST
def patient_lookup(request: HttpRequest) -> HttpResponse:
    """Find the patient by NHS number among the auditor's organisations; the trail is then
    filtered by the patient's opaque reference, so the number never reaches a URL. Recorded."""
    lookup_form = PatientLookupForm(request.POST)
    empty_filter = filter_form(request, {})
    if not lookup_form.is_valid():
        return render_trail(request, form=empty_filter, lookup_form=lookup_form)
    lookup = registered_patient_lookup()
    if lookup is None:
        lookup_form.add_error(
            "nhs_number",
            "Finding a patient by NHS number is not available here yet: use the patient reference shown on "
            "their record",
        )
        return render_trail(request, form=empty_filter, lookup_form=lookup_form)
    try:
        patient_ref = lookup(
            nhs_number=lookup_form.cleaned_data["nhs_number"], organisations=tuple(auditor_organisations(request))
        )
    except InvalidInput as refused:
        for message in refused.errors.get("nhs_number", []) or ["Enter a valid NHS number"]:
            lookup_form.add_error("nhs_number", message)
        return render_trail(request, form=empty_filter, lookup_form=lookup_form)
    if patient_ref is None:
        lookup_form.add_error("nhs_number", "No patient with this NHS number has a record in your organisations")
        return render_trail(request, form=empty_filter, lookup_form=lookup_form)
    with transaction.atomic():
        audit_record(
            actor=actor_of(request),
            action="audit.patient_looked_up",
            target_type="patient",
            target_id=str(patient_ref),
            patient_ref=str(patient_ref),
        )
    return HttpResponseRedirect(f"{reverse('audit:event-list')}?{urlencode({'patient': str(patient_ref)})}")
