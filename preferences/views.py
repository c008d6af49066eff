"""The service desk's pages: find a patient, see and change their preferences, the timeline,
compare two points, revert. Every patient page view and every reveal is audited with the reason
given at search time, kept in the session by opaque patient id."""

import importlib
from typing import Any, cast

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from notifyadmin.accounts.access import requires
from notifyadmin.accounts.actors import actor_of
from notifyadmin.accounts.roles import Permission
from notifyadmin.accounts.selectors import get_in_organisation_or_404
from notifyadmin.core.forms import error_summary_items, render_form_page
from preferences.forms import (
    ContactPointAddForm,
    ContactPointStatusForm,
    PatientDetailsForm,
    PatientFindForm,
    PreferencesForm,
    RevertForm,
    cell_name,
)
from preferences.identifiers import InvalidContactDetail
from preferences.models import AccessibleFormat, Patient
from preferences.nhs_number import InvalidNhsNumber, nhs_number_mask
from preferences.policies import category_policies
from preferences.selectors import (
    contact_mask,
    parse_change_id,
    patient_compare,
    patient_state_at,
    patient_timeline,
    patients_of,
    preference_grid,
    timeline_point,
)
from preferences.services import (
    PreferenceError,
    StaleChange,
    change_meta_from_request,
    contact_point_add,
    contact_point_status_change,
    contact_reveal,
    patient_details_change,
    patient_find,
    patient_revert,
    patient_view_record,
    preferences_change,
)

SESSION_REASONS = "patient_access_reasons"


def _remember_reason(request: HttpRequest, patient: Patient, reason: str) -> None:
    reasons = dict(request.session.get(SESSION_REASONS, {}))
    reasons[str(patient.id)] = reason
    request.session[SESSION_REASONS] = reasons


def _reason_for(request: HttpRequest, patient: Patient) -> str | None:
    return request.session.get(SESSION_REASONS, {}).get(str(patient.id))


def _patient_or_404(request: HttpRequest, patient_id: Any) -> Patient:
    return get_in_organisation_or_404(
        patients_of(organisation=request.organisation),  # type: ignore[attr-defined]
        organisation=request.organisation,  # type: ignore[attr-defined]
        id=patient_id,
    )


def _viewed(request: HttpRequest, patient: Patient) -> str | None:
    """Audit the view with the search reason; None when no reason was given (go and find first)."""
    reason = _reason_for(request, patient)
    if reason:
        patient_view_record(patient=patient, reason=reason, actor=actor_of(request))
    return reason


def _find_first(request: HttpRequest) -> HttpResponse:
    messages.info(request, "Find the patient and say why you need their record before you open it.")
    return redirect("preferences:patient-find")


@requires(Permission.PATIENT_FIND)
@require_http_methods(["GET", "POST"])
def patient_find_view(request: HttpRequest) -> HttpResponse:
    form = PatientFindForm(request.POST or None)
    not_found = False
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            patient = patient_find(
                organisation=request.organisation,  # type: ignore[attr-defined]
                search_by=data["search_by"],
                value=data["search_value"],
                reason=data["full_reason"],
                actor=actor_of(request),
            )
        except (InvalidNhsNumber, InvalidContactDetail) as error:
            form.add_error("search_value", str(error))
        else:
            if patient is not None:
                _remember_reason(request, patient, data["full_reason"])
                return redirect("preferences:patient-detail", patient.id)
            not_found = True
    # What was typed in the search box is never sent back: it may be an identifier.
    values = {name: form[name].value() for name in ("search_by", "reason", "reason_detail")}
    context = {
        "form": form,
        "values": values,
        "not_found": not_found,
    }
    return render_form_page(request, "preferences/patient_find.jinja", context)


def _detail_context(
    request: HttpRequest, patient: Patient, form: PreferencesForm | None = None, revealed: dict[str, str] | None = None
) -> dict[str, Any]:
    policies = category_policies(organisation=patient.organisation)
    if form is None:
        initial: dict[str, Any] = {
            cell_name(row.policy.category, ch): allowed
            for row in preference_grid(patient=patient)
            for ch, allowed, _ in row.cells
        }
        initial.update(
            no_non_essential=patient.no_non_essential,
            lock_version=patient.lock_version,
            first_channel=(patient.channel_order or ["nhsapp"])[0],
        )
        form = PreferencesForm(initial=initial, policies=policies)
    contacts = [
        {
            "point": point,
            "masked": contact_mask(point.kind, point.value),
            "revealed": (revealed or {}).get(str(point.id)),
        }
        for point in patient.contact_points.all()
    ]
    formats = dict(AccessibleFormat.choices)
    return {
        "patient": patient,
        "nhs_number_masked": nhs_number_mask(patient.nhs_number),
        "contacts": contacts,
        "grid": preference_grid(patient=patient),
        "form": form,
        "cell_name": cell_name,
        "formats": ", ".join(str(formats[f]) for f in patient.accessible_formats) or "None",
        "error_list": error_summary_items(form) if form.errors else [],
        "value_of": lambda name: form[name].value(),
    }


@requires(Permission.PATIENT_VIEW)
@require_GET
def patient_detail(request: HttpRequest, patient_id: Any) -> HttpResponse:
    patient = _patient_or_404(request, patient_id)
    if not _viewed(request, patient):
        return _find_first(request)
    return render(request, "preferences/patient_detail.jinja", _detail_context(request, patient))


def _stepup_response(request: HttpRequest, patient: Patient) -> HttpResponse | None:
    """None when the reveal may go ahead; otherwise where to send the person first. With
    CONTACT_REVEAL_REQUIRES_STEPUP off (the default) no step-up is asked for."""
    if not settings.CONTACT_REVEAL_REQUIRES_STEPUP:
        return None
    detail_url = reverse("preferences:patient-detail", args=[patient.id])
    try:
        stepup = importlib.import_module("notifyadmin.accounts.stepup")
    except ImportError:
        # Configured to need step-up but none is available: refuse (fail closed).
        messages.error(request, "Confirm your identity again (step-up) before revealing contact details.")
        return redirect(detail_url)
    max_age = getattr(settings, "STEPUP_MAX_AGE_SECONDS", 5 * 60)
    if stepup.stepup_is_fresh(request, max_age_seconds=max_age):
        return None
    messages.info(request, "Confirm it is you, then choose Reveal again.")
    return stepup.stepup_redirect(request, next_url=detail_url)


@requires(Permission.PATIENT_CONTACT_REVEAL)
@require_POST
def contact_reveal_view(request: HttpRequest, patient_id: Any, contact_point_id: Any) -> HttpResponse:
    patient = _patient_or_404(request, patient_id)
    reason = _reason_for(request, patient)
    if not reason:
        return _find_first(request)
    point = (
        patient.contact_points.filter(id=contact_point_id).first() if parse_change_id(str(contact_point_id)) else None
    )
    if point is None:
        raise Http404
    if (stepup_response := _stepup_response(request, patient)) is not None:
        return stepup_response
    value = contact_reveal(contact_point=point, reason=reason, actor=actor_of(request))
    # Rendered, not redirected: the revealed value must never travel in a URL.
    response = render(
        request, "preferences/patient_detail.jinja", _detail_context(request, patient, revealed={str(point.id): value})
    )
    response["Cache-Control"] = "no-store"
    return response


@requires(Permission.PREFERENCE_CHANGE)
@require_POST
def preferences_change_view(request: HttpRequest, patient_id: Any) -> HttpResponse:
    patient = _patient_or_404(request, patient_id)
    if not _reason_for(request, patient):
        return _find_first(request)
    form = PreferencesForm(request.POST, policies=category_policies(organisation=patient.organisation))
    if form.is_valid():
        data = form.cleaned_data
        try:
            preferences_change(
                patient=patient,
                expected_lock_version=data["lock_version"],
                cells=form.cells(),
                no_non_essential=data["no_non_essential"],
                channel_order=form.channel_order(patient.channel_order),
                meta=change_meta_from_request(request, source=data["source"], reason=data["reason"]),
                actor=actor_of(request),
            )
        except StaleChange as error:
            # Keep everything they entered; take the current version so that saving again applies it.
            patient.refresh_from_db()
            # form.data is request.POST, a QueryDict.
            data_copy = cast(QueryDict, form.data).copy()
            data_copy["lock_version"] = str(patient.lock_version)
            form.data = data_copy
            form.add_error(None, str(error))
        except PreferenceError as error:
            form.add_error(error.field or None, str(error))
        else:
            messages.success(request, "Preferences saved.")
            return redirect("preferences:patient-detail", patient.id)
    return render(request, "preferences/patient_detail.jinja", _detail_context(request, patient, form), status=400)


@requires(Permission.PATIENT_VIEW)
@require_GET
def patient_timeline_view(request: HttpRequest, patient_id: Any) -> HttpResponse:
    patient = _patient_or_404(request, patient_id)
    if not _viewed(request, patient):
        return _find_first(request)
    return render(
        request, "preferences/timeline.jinja", {"patient": patient, "entries": patient_timeline(patient=patient)}
    )


@requires(Permission.PATIENT_VIEW)
@require_GET
def patient_compare_view(request: HttpRequest, patient_id: Any) -> HttpResponse:
    patient = _patient_or_404(request, patient_id)
    if not _viewed(request, patient):
        return _find_first(request)
    earlier_id = parse_change_id(request.GET.get("earlier", ""))
    later_id = parse_change_id(request.GET.get("later", ""))
    earlier_at = timeline_point(patient=patient, change_id=earlier_id) if earlier_id else None
    later_at = timeline_point(patient=patient, change_id=later_id) if later_id else None
    if earlier_at is None or later_at is None:
        messages.error(request, "Choose two points in the timeline to compare.")
        return redirect("preferences:patient-timeline", patient.id)
    if earlier_at > later_at:
        earlier_at, later_at = later_at, earlier_at
    earlier, later = patient_state_at(patient=patient, at=earlier_at), patient_state_at(patient=patient, at=later_at)
    differences = patient_compare(earlier=earlier, later=later) if earlier and later else []
    return render(
        request,
        "preferences/compare.jinja",
        {"patient": patient, "earlier_at": earlier_at, "later_at": later_at, "differences": differences},
    )


@requires(Permission.PREFERENCE_CHANGE)
@require_http_methods(["GET", "POST"])
def patient_revert_view(request: HttpRequest, patient_id: Any) -> HttpResponse:
    patient = _patient_or_404(request, patient_id)
    if not _reason_for(request, patient):
        return _find_first(request)
    change_id = parse_change_id(request.GET.get("to", ""))
    to = timeline_point(patient=patient, change_id=change_id) if change_id else None
    if to is None:
        messages.error(request, "Choose a point in the timeline to go back to.")
        return redirect("preferences:patient-timeline", patient.id)
    current = patient_state_at(patient=patient, at=patient_timeline(patient=patient)[0].at)
    target = patient_state_at(patient=patient, at=to)
    differences = patient_compare(earlier=current, later=target) if current and target else []
    form = RevertForm(request.POST or None, initial={"lock_version": patient.lock_version})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            patient_revert(
                patient=patient,
                to=to,
                expected_lock_version=data["lock_version"],
                meta=change_meta_from_request(request, source=data["source"], reason=data["reason"]),
                actor=actor_of(request),
            )
        except PreferenceError as error:
            form.add_error(error.field or None, str(error))
        else:
            messages.success(request, "Preferences reverted. The revert is the newest entry in the timeline.")
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


@requires(Permission.PREFERENCE_CHANGE)
@require_http_methods(["GET", "POST"])
def contact_point_add_view(request: HttpRequest, patient_id: Any) -> HttpResponse:
    patient = _patient_or_404(request, patient_id)
    if not _reason_for(request, patient):
        return _find_first(request)
    form = ContactPointAddForm(request.POST or None, initial={"lock_version": patient.lock_version})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            contact_point_add(
                patient=patient,
                kind=data["kind"],
                value=data["value"],
                source=data["contact_source"],
                expected_lock_version=data["lock_version"],
                meta=change_meta_from_request(request, source=data["source"], reason=data["reason"]),
                actor=actor_of(request),
            )
        except (InvalidContactDetail, InvalidNhsNumber) as error:
            form.add_error("value", str(error))
        except PreferenceError as error:
            form.add_error(error.field or None, str(error))
        else:
            messages.success(request, "Contact detail added.")
            return redirect("preferences:patient-detail", patient.id)
    context = {"patient": patient, "form": form}
    return render_form_page(request, "preferences/contact_add.jinja", context)


@requires(Permission.PREFERENCE_CHANGE)
@require_http_methods(["GET", "POST"])
def contact_point_status_view(request: HttpRequest, patient_id: Any, contact_point_id: Any) -> HttpResponse:
    patient = _patient_or_404(request, patient_id)
    if not _reason_for(request, patient):
        return _find_first(request)
    point = patient.contact_points.filter(id=contact_point_id).first()
    if point is None:
        raise Http404
    form = ContactPointStatusForm(request.POST or None, initial={"lock_version": patient.lock_version})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            contact_point_status_change(
                contact_point=point,
                status=data["status"],
                verified_how=data["verified_how"],
                expected_lock_version=data["lock_version"],
                meta=change_meta_from_request(request, source=data["source"], reason=data["reason"]),
                actor=actor_of(request),
            )
        except PreferenceError as error:
            form.add_error(error.field or None, str(error))
        else:
            messages.success(request, "Contact detail status changed.")
            return redirect("preferences:patient-detail", patient.id)
    context = {
        "patient": patient,
        "point": point,
        "masked": contact_mask(point.kind, point.value),
        "form": form,
    }
    return render_form_page(request, "preferences/contact_status.jinja", context)


@requires(Permission.PREFERENCE_CHANGE)
@require_http_methods(["GET", "POST"])
def patient_details_view(request: HttpRequest, patient_id: Any) -> HttpResponse:
    patient = _patient_or_404(request, patient_id)
    if not _reason_for(request, patient):
        return _find_first(request)
    initial = {
        "preferred_name": patient.preferred_name,
        "language": patient.language,
        "accessible_formats": patient.accessible_formats,
        "lock_version": patient.lock_version,
    }
    form = PatientDetailsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            patient_details_change(
                patient=patient,
                expected_lock_version=data["lock_version"],
                preferred_name=data["preferred_name"].strip(),
                language=data["language"].strip(),
                accessible_formats=data["accessible_formats"],
                meta=change_meta_from_request(request, source=data["source"], reason=data["reason"]),
                actor=actor_of(request),
            )
        except PreferenceError as error:
            form.add_error(error.field or None, str(error))
        else:
            messages.success(request, "Patient details saved.")
            return redirect("preferences:patient-detail", patient.id)
    context = {
        "patient": patient,
        "form": form,
        "formats": AccessibleFormat.choices,
    }
    return render_form_page(request, "preferences/patient_details.jinja", context)
