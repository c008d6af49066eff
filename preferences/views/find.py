"""Find a patient: a POST with what to search by, the value and the reason, audited found or not."""

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_http_methods

from notifyadmin.accounts.access import requires
from notifyadmin.accounts.actors import actor_of
from notifyadmin.accounts.roles import Permission
from notifyadmin.core.forms import render_form_page
from preferences.forms import PatientFindForm
from preferences.identifiers import InvalidContactDetail
from preferences.nhs_number import InvalidNhsNumber
from preferences.services import patient_find
from preferences.views._page import remember_reason


@requires(Permission.PATIENT_FIND)
@require_http_methods(["GET", "POST"])
def patient_find_view(request: HttpRequest) -> HttpResponse:
    form = PatientFindForm(request.POST or None)
    not_found = False
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            patient = patient_find(
                actor=actor_of(request),
                search_by=data["search_by"],
                value=data["search_value"],
                reason=data["full_reason"],
            )
        except (InvalidNhsNumber, InvalidContactDetail) as error:
            form.add_error("search_value", str(error))
        else:
            if patient is not None:
                remember_reason(request, patient, data["full_reason"])
                return redirect("preferences:patient-detail", patient.id)
            not_found = True
    # What was typed in the search box is never sent back: it may be an identifier.
    values = {name: form[name].value() for name in ("search_by", "reason", "reason_detail")}
    return render_form_page(
        request,
        "preferences/patient_find.jinja",
        # The hint is configured: locally it names a demo patient (seed_demo prints them all).
        {"form": form, "values": values, "not_found": not_found, "search_hint": settings.PATIENT_SEARCH_HINT},
    )
