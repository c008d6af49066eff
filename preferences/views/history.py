"""The timeline of a patient's changes, the comparison of two points and revert. Each page reads
the patient's history once (`patient_history`)."""

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from notifyadmin.accounts.roles import Permission
from notifyadmin.core.forms import render_form_page
from preferences.forms import RevertForm
from preferences.selectors import parse_change_id, patient_compare, patient_history
from preferences.services import patient_revert
from preferences.views._page import PatientPage, patient_page, submit_change


@patient_page(Permission.PATIENT_VIEW, audit_view=True)
def patient_timeline_view(request: HttpRequest, page: PatientPage) -> HttpResponse:
    history = patient_history(patient=page.patient)
    return render(request, "preferences/timeline.jinja", {"patient": page.patient, "entries": history.timeline})


@patient_page(Permission.PATIENT_VIEW, audit_view=True)
def patient_compare_view(request: HttpRequest, page: PatientPage) -> HttpResponse:
    patient = page.patient
    history = patient_history(patient=patient)
    earlier_at = history.point(parse_change_id(request.GET.get("earlier", "")))
    later_at = history.point(parse_change_id(request.GET.get("later", "")))
    if earlier_at is None or later_at is None:
        messages.error(request, "Choose two points in the timeline to compare.")
        return redirect("preferences:patient-timeline", patient.id)
    if earlier_at > later_at:
        earlier_at, later_at = later_at, earlier_at
    earlier, later = history.state_at(earlier_at), history.state_at(later_at)
    differences = patient_compare(earlier=earlier, later=later) if earlier and later else []
    return render(
        request,
        "preferences/compare.jinja",
        {"patient": patient, "earlier_at": earlier_at, "later_at": later_at, "differences": differences},
    )


@patient_page(Permission.PREFERENCE_CHANGE, methods=("GET", "POST"))
def patient_revert_view(request: HttpRequest, page: PatientPage) -> HttpResponse:
    patient = page.patient
    history = patient_history(patient=patient)
    change_id = parse_change_id(request.GET.get("to", ""))
    to = history.point(change_id)
    if to is None or history.latest is None:
        messages.error(request, "Choose a point in the timeline to go back to.")
        return redirect("preferences:patient-timeline", patient.id)
    current, target = history.state_at(history.latest), history.state_at(to)
    differences = patient_compare(earlier=current, later=target) if current and target else []
    form = RevertForm(request.POST or None, initial={"lock_version": patient.lock_version})

    def work(data: dict[str, Any]) -> None:
        patient_revert(
            actor=page.actor,
            patient=patient,
            to=to,
            expected_lock_version=data["lock_version"],
            source=data["source"],
            reason=data["reason"],
            history=history,
        )

    if submit_change(
        request, form, work, success="Preferences reverted. The revert is the newest entry in the timeline."
    ):
        return redirect("preferences:patient-timeline", patient.id)
    context = {
        "patient": patient,
        "to": to,
        "change_id": change_id,
        "differences": differences,
        "form": form,
        "action": f"{reverse('preferences:patient-revert', args=[patient.id])}?to={change_id}",
    }
    return render_form_page(request, "preferences/revert.jinja", context)
