"""The patient page: details, contact points (masked; reveal is an audited POST), how we would
contact them for each category (the contact decision), and the preference grid to change."""

import importlib
from typing import Any, cast

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse

from notifyadmin.accounts.roles import Permission
from notifyadmin.core.channels import CHANNEL_SHORT_LABELS
from notifyadmin.core.forms import error_summary_items
from notifyadmin.core.jinja import uk_phone
from preferences.forms import PreferencesForm, cell_name
from preferences.models import AccessibleFormat, ContactPoint, Patient
from preferences.nhs_number import nhs_number_mask
from preferences.policies import category_policies
from preferences.selectors import contact_mask, contact_point_get, patient_overview
from preferences.selectors.contact import RefusalCode
from preferences.services import StaleChange, contact_reveal, preferences_change
from preferences.services.identity import identity_reveal
from preferences.views._page import PatientPage, patient_page, submit_change

CONTACT_REFUSALS = frozenset(
    {RefusalCode.NO_CONTACT_POINT, RefusalCode.BOUNCED, RefusalCode.INVALID, RefusalCode.UNVERIFIED}
)


def _detail_context(
    page: PatientPage, form: PreferencesForm | None = None, revealed: dict[str, str] | None = None
) -> dict[str, Any]:
    patient = page.patient
    overview = patient_overview(patient=patient)
    if form is None:
        initial: dict[str, Any] = {
            cell_name(row.policy.category, ch): allowed for row in overview.grid for ch, allowed, _ in row.cells
        }
        initial.update(
            no_non_essential=patient.no_non_essential,
            lock_version=patient.lock_version,
            first_channel=(patient.channel_order or ["nhsapp"])[0],
        )
        form = PreferencesForm(initial=initial, policies={row.policy.category: row.policy for row in overview.grid})
    contacts = [
        {
            "point": point,
            "masked": contact_mask(point.kind, point.value),
            "revealed": (revealed or {}).get(str(point.id)),
        }
        for point in overview.contact_points
    ]
    # Channels the patient cannot receive today whatever their preference says (no NHS App,
    # no mobile, a bounced email): flagged on the grid's column rather than ticked silently.
    # A contact refusal is the same for every category, so the first one found per channel is kept.
    cannot_receive: dict[str, str] = {}
    for decision in overview.decisions:
        for refusal in decision.refusals:
            if refusal.code in CONTACT_REFUSALS:
                cannot_receive.setdefault(refusal.channel, refusal.reason)
    formats = dict(AccessibleFormat.choices)
    labels = {row.policy.category: row.policy.label for row in overview.grid}
    return {
        "patient": patient,
        "nhs_number_masked": nhs_number_mask(patient.nhs_number),
        "contacts": contacts,
        "grid": overview.grid,
        "decisions": [(labels[decision.category], decision) for decision in overview.decisions],
        "channel_labels": CHANNEL_SHORT_LABELS,
        "form": form,
        "cell_name": cell_name,
        "cannot_receive": cannot_receive,
        "may_send": page.actor.can(Permission.MESSAGE_SEND),
        "may_reveal": page.actor.can(Permission.PATIENT_CONTACT_REVEAL),
        "caller_check": None,
        "formats": ", ".join(str(formats[f]) for f in patient.accessible_formats) or "None",
        "error_list": error_summary_items(form) if form.errors else [],
        "value_of": lambda name: form[name].value(),
    }


@patient_page(Permission.PATIENT_VIEW, audit_view=True)
def patient_detail(request: HttpRequest, page: PatientPage) -> HttpResponse:
    return render(request, "preferences/patient_detail.jinja", _detail_context(page))


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


@patient_page(Permission.PATIENT_CONTACT_REVEAL, methods=("POST",))
def contact_reveal_view(request: HttpRequest, page: PatientPage, contact_point_id: Any) -> HttpResponse:
    point = contact_point_get(patient=page.patient, contact_point_id=contact_point_id)
    if (stepup_response := _stepup_response(request, page.patient)) is not None:
        return stepup_response
    value = contact_reveal(actor=page.actor, contact_point=point, reason=page.reason)
    if point.kind == ContactPoint.Kind.MOBILE:
        value = uk_phone(value)
    # Rendered, not redirected: the revealed value must never travel in a URL.
    response = render(
        request, "preferences/patient_detail.jinja", _detail_context(page, revealed={str(point.id): value})
    )
    response["Cache-Control"] = "no-store"
    return response


@patient_page(Permission.PATIENT_CONTACT_REVEAL, methods=("POST",))
def identity_reveal_view(request: HttpRequest, page: PatientPage) -> HttpResponse:
    """Reveal the date of birth and postcode to check a caller (audited; rendered, never redirected)."""
    if (stepup_response := _stepup_response(request, page.patient)) is not None:
        return stepup_response
    check = identity_reveal(actor=page.actor, patient=page.patient, reason=page.reason)
    response = render(request, "preferences/patient_detail.jinja", {**_detail_context(page), "caller_check": check})
    response["Cache-Control"] = "no-store"
    return response


@patient_page(Permission.PREFERENCE_CHANGE, methods=("POST",))
def preferences_change_view(request: HttpRequest, page: PatientPage) -> HttpResponse:
    patient = page.patient
    form = PreferencesForm(request.POST, policies=category_policies(organisation=patient.organisation))

    def work(data: dict[str, Any]) -> None:
        try:
            preferences_change(
                actor=page.actor,
                patient=patient,
                expected_lock_version=data["lock_version"],
                cells=form.cells(),
                no_non_essential=data["no_non_essential"],
                channel_order=form.channel_order(patient.channel_order),
                source=data["source"],
                reason=data["reason"],
            )
        except StaleChange:
            # Keep everything they entered; take the current version so that saving again applies it.
            patient.refresh_from_db()
            data_copy = cast(QueryDict, form.data).copy()  # form.data is request.POST, a QueryDict
            data_copy["lock_version"] = str(patient.lock_version)
            form.data = data_copy
            raise

    if submit_change(request, form, work, success="Preferences saved."):
        return redirect("preferences:patient-detail", patient.id)
    return render(request, "preferences/patient_detail.jinja", _detail_context(page, form), status=400)
