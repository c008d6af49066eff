"""The hazard pages: the log with the app's statuses, a hazard with its history, raising one.

Clinical safety officers and auditors read them (SAFETY_CASE_VIEW); only clinical safety
officers change a status or raise a hazard (HAZARD_MANAGE), and a status change needs a
reason. The YAML log is not written: the app's status is an overlay (notifyadmin.safety.models).
"""

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from notifyadmin.accounts.access import requires
from notifyadmin.accounts.actors import actor_of
from notifyadmin.accounts.roles import Permission, role_can
from notifyadmin.core.errors import InvalidInput
from notifyadmin.core.forms import render_form_page
from notifyadmin.safety import selectors, services
from notifyadmin.safety.forms import HazardRaiseForm, HazardStatusForm

STATUS_TAGS = {"open": "red", "mitigated": "green", "accepted": "blue", "closed": "grey"}


def _errors_onto(form: Any, error: InvalidInput) -> None:
    for name, problems in error.errors.items():
        for problem in problems:
            form.add_error(name if name in form.fields else None, problem)


def _can_manage(request: HttpRequest) -> bool:
    return role_can(getattr(request, "active_role", None), Permission.HAZARD_MANAGE)


@requires(Permission.SAFETY_CASE_VIEW)
@require_GET
def hazard_list(request: HttpRequest) -> HttpResponse:
    rows = selectors.hazard_rows(actor=actor_of(request))
    context = {"rows": rows, "can_manage": _can_manage(request), "tags": STATUS_TAGS}
    return render(request, "safety/hazard_list.jinja", context)


def _detail(request: HttpRequest, hazard_id: str, form: HazardStatusForm) -> HttpResponse:
    row = selectors.hazard_row(actor=actor_of(request), hazard_id=hazard_id)
    if row is None:
        raise Http404("No such hazard.")
    context = {"row": row, "form": form, "can_manage": _can_manage(request), "tags": STATUS_TAGS}
    return render_form_page(request, "safety/hazard_detail.jinja", context)


@requires(Permission.SAFETY_CASE_VIEW)
@require_GET
def hazard_detail(request: HttpRequest, hazard_id: str) -> HttpResponse:
    return _detail(request, hazard_id, HazardStatusForm())


@requires(Permission.HAZARD_MANAGE)
@require_POST
def hazard_status(request: HttpRequest, hazard_id: str) -> HttpResponse:
    form = HazardStatusForm(request.POST)
    if form.is_valid():
        try:
            change = services.hazard_status_change(
                actor=actor_of(request),
                hazard_id=hazard_id,
                status=form.cleaned_data["status"],
                reason=form.cleaned_data["reason"],
            )
        except InvalidInput as error:
            _errors_onto(form, error)
        else:
            messages.success(request, f"{hazard_id} is now {change.status}. The reason is recorded.")
            return redirect("safety:hazard", hazard_id=hazard_id)
    return _detail(request, hazard_id, form)


@requires(Permission.HAZARD_MANAGE)
@require_http_methods(["GET", "POST"])
def hazard_raise(request: HttpRequest) -> HttpResponse:
    form = HazardRaiseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            hazard = services.hazard_raise(
                actor=actor_of(request),
                raised=services.RaisedHazardInput(**form.cleaned_data),
            )
        except InvalidInput as error:
            _errors_onto(form, error)
        else:
            messages.success(
                request, f"{hazard.reference} raised. It is open until a clinical safety officer triages it."
            )
            return redirect("safety:hazard", hazard_id=hazard.reference)
    return render_form_page(request, "safety/hazard_raise.jinja", {"form": form})
