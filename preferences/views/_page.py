"""What every patient page shares, written once: the access declaration, the allowed methods,
the patient of the actor's organisation (NotFound answers 404), the reason given at search
(without one: go and find the patient first), the audited view for pages that show the
patient's data, and submitting a change form to a service."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import wraps
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_http_methods

from notifyadmin.accounts.access import requires
from notifyadmin.accounts.actors import actor_of
from notifyadmin.accounts.roles import Permission
from notifyadmin.core.actor import Actor
from preferences.identifiers import InvalidContactDetail
from preferences.models import Patient
from preferences.nhs_number import InvalidNhsNumber
from preferences.selectors import patient_get
from preferences.services import PreferenceError, patient_view_record

SESSION_REASONS = "patient_access_reasons"


@dataclass(frozen=True)
class PatientPage:
    """The request's actor, the patient and the reason the page may be opened for."""

    actor: Actor
    patient: Patient
    reason: str


def remember_reason(request: HttpRequest, patient: Patient, reason: str) -> None:
    reasons = dict(request.session.get(SESSION_REASONS, {}))
    reasons[str(patient.id)] = reason
    request.session[SESSION_REASONS] = reasons


def reason_for(request: HttpRequest, patient: Patient) -> str | None:
    return request.session.get(SESSION_REASONS, {}).get(str(patient.id))


def find_first(request: HttpRequest) -> HttpResponse:
    messages.info(request, "Find the patient and say why you need their record before you open it.")
    return redirect("preferences:patient-find")


PageView = Callable[..., HttpResponse]


def patient_page(
    permission: Permission, *, methods: Iterable[str] = ("GET",), audit_view: bool = False
) -> Callable[[PageView], Callable[..., HttpResponse]]:
    """Declare a view of one patient: `view(request, page: PatientPage, **url_kwargs)`.
    `audit_view` records the view (with the search reason) before the page is built."""

    def decorate(view: PageView) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapper(request: HttpRequest, patient_id: Any, **kwargs: Any) -> HttpResponse:
            actor = actor_of(request)
            patient = patient_get(actor=actor, patient_id=patient_id)
            reason = reason_for(request, patient)
            if not reason:
                return find_first(request)
            if audit_view:
                patient_view_record(actor=actor, patient=patient, reason=reason)
            return view(request, PatientPage(actor=actor, patient=patient, reason=reason), **kwargs)

        return requires(permission)(require_http_methods(list(methods))(wrapper))  # type: ignore[return-value]

    return decorate


def submit_change(
    request: HttpRequest,
    form: forms.Form,
    work: Callable[[dict[str, Any]], object],
    *,
    success: str,
    value_field: str | None = None,
) -> bool:
    """Run `work(cleaned_data)` for a valid form; a refusal becomes the form's error (a bad contact
    detail on `value_field`). True when the change was made (the caller redirects)."""
    if request.method != "POST" or not form.is_valid():
        return False
    try:
        work(form.cleaned_data)
    except (InvalidContactDetail, InvalidNhsNumber) as error:
        form.add_error(value_field, str(error))
        return False
    except PreferenceError as error:
        form.add_error(error.field if error.field in form.fields else None, str(error))
        return False
    messages.success(request, success)
    return True
