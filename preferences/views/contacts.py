"""Changing a patient's contact details and personal settings: add a contact point, change its
status, change the preferred name, language or accessible formats."""

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from notifyadmin.accounts.roles import Permission
from notifyadmin.core.forms import render_form_page
from preferences.forms import ContactPointAddForm, ContactPointStatusForm, PatientDetailsForm
from preferences.models import AccessibleFormat
from preferences.selectors import contact_mask, contact_point_get
from preferences.services import contact_point_add, contact_point_status_change, patient_details_change
from preferences.views._page import PatientPage, patient_page, submit_change


@patient_page(Permission.PREFERENCE_CHANGE, methods=("GET", "POST"))
def contact_point_add_view(request: HttpRequest, page: PatientPage) -> HttpResponse:
    form = ContactPointAddForm(request.POST or None, initial={"lock_version": page.patient.lock_version})

    def work(data: dict[str, Any]) -> None:
        contact_point_add(
            actor=page.actor,
            patient=page.patient,
            kind=data["kind"],
            value=data["value"],
            contact_source=data["contact_source"],
            expected_lock_version=data["lock_version"],
            source=data["source"],
            reason=data["reason"],
        )

    if submit_change(request, form, work, success="Contact detail added.", value_field="value"):
        return redirect("preferences:patient-detail", page.patient.id)
    return render_form_page(request, "preferences/contact_add.jinja", {"patient": page.patient, "form": form})


@patient_page(Permission.PREFERENCE_CHANGE, methods=("GET", "POST"))
def contact_point_status_view(request: HttpRequest, page: PatientPage, contact_point_id: Any) -> HttpResponse:
    point = contact_point_get(patient=page.patient, contact_point_id=contact_point_id)
    form = ContactPointStatusForm(request.POST or None, initial={"lock_version": page.patient.lock_version})

    def work(data: dict[str, Any]) -> None:
        contact_point_status_change(
            actor=page.actor,
            contact_point=point,
            status=data["status"],
            verified_how=data["verified_how"],
            expected_lock_version=data["lock_version"],
            source=data["source"],
            reason=data["reason"],
        )

    if submit_change(request, form, work, success="Contact detail status changed."):
        return redirect("preferences:patient-detail", page.patient.id)
    context = {"patient": page.patient, "point": point, "masked": contact_mask(point.kind, point.value), "form": form}
    return render_form_page(request, "preferences/contact_status.jinja", context)


@patient_page(Permission.PREFERENCE_CHANGE, methods=("GET", "POST"))
def patient_details_view(request: HttpRequest, page: PatientPage) -> HttpResponse:
    patient = page.patient
    initial = {
        "preferred_name": patient.preferred_name,
        "language": patient.language,
        "accessible_formats": patient.accessible_formats,
        "lock_version": patient.lock_version,
    }
    form = PatientDetailsForm(request.POST or None, initial=initial, current_language=patient.language)

    def work(data: dict[str, Any]) -> None:
        patient_details_change(
            actor=page.actor,
            patient=patient,
            expected_lock_version=data["lock_version"],
            preferred_name=data["preferred_name"],
            language=data["language"],
            accessible_formats=data["accessible_formats"],
            source=data["source"],
            reason=data["reason"],
        )

    if submit_change(request, form, work, success="Patient details saved."):
        return redirect("preferences:patient-detail", patient.id)
    context = {"patient": patient, "form": form, "formats": AccessibleFormat.choices}
    return render_form_page(request, "preferences/patient_details.jinja", context)
