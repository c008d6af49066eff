"""The preferences API for client systems: read a patient's preferences, record a change of
preference or contact detail with its source, record an opt-out ("STOP"). A client acts for its
own organisation and needs `preference.api`. Writes are idempotent (`Idempotency-Key`, see
notifyadmin.integrations.idempotency). NHS numbers travel only in request bodies, never in URLs,
and are never echoed back unmasked. Errors are problem documents (notifyadmin.core.api).

Calls into the preferences services are gathered in `_apply_change` and `_apply_opt_out`.
"""

from typing import Any

from django.db import transaction
from drf_spectacular.utils import PolymorphicProxySerializer, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from audit.services import audit_record
from notifyadmin.accounts.access import Access
from notifyadmin.accounts.roles import Permission
from notifyadmin.core.actor import Actor
from notifyadmin.core.api import Problem
from notifyadmin.core.schema import problems
from notifyadmin.integrations.authentication import ClientSystemAPI, api_actor
from notifyadmin.integrations.idempotency import IDEMPOTENCY_PARAMETER, idempotent_response
from preferences.api import serializers as s
from preferences.identifiers import InvalidContactDetail, lookup_hash, mobile_normalise
from preferences.models import ChangeSource, Channel, ContactPoint, Patient
from preferences.nhs_number import InvalidNhsNumber, nhs_number_normalise
from preferences.services import (
    ContactChange,
    PreferenceError,
    opt_out_by_mobile,
    opt_out_record,
    patient_change,
)

NOT_FOUND = "No patient found."
OPT_OUT_REASON = "Patient replied STOP"


def _invalid(field: str, message: str) -> Problem:
    return Problem(
        status_code=400,
        slug="validation-error",
        title="Your request has invalid fields",
        detail=message,
        errors={field: [message]},
    )


def _refused(error: PreferenceError) -> Problem:
    if error.field:
        return _invalid(error.field, str(error))
    return Problem(status_code=422, slug="refused", detail=str(error))


def _find(actor: Actor, *, patient_id: Any = None, nhs_number: str = "", mobile: str = "") -> Patient:
    patients = Patient.objects.filter(organisation=actor.acting_organisation)
    if patient_id:
        found = patients.filter(id=patient_id).first()
    elif nhs_number:
        try:
            digits = nhs_number_normalise(nhs_number)
        except InvalidNhsNumber as error:
            raise _invalid("nhs_number", str(error)) from error
        found = patients.filter(nhs_number_hash=lookup_hash(kind="nhs_number", normalised=digits)).first()
    else:
        try:
            normalised = mobile_normalise(mobile)
        except InvalidContactDetail as error:
            raise _invalid("mobile", str(error)) from error
        found = (
            patients.filter(
                contact_points__kind="mobile",
                contact_points__lookup_hash=lookup_hash(kind="mobile", normalised=normalised),
            )
            .distinct()
            .first()
        )
    if found is None:
        raise Problem(status_code=404, slug="not-found", detail=NOT_FOUND)
    return found


def _audit_read(actor: Actor, patient: Patient) -> None:
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="preference.api.read",
            target_type="patient",
            target_id=str(patient.id),
            patient_ref=str(patient.id),
            reason="API read",
        )


def _validated(serializer_class: type[Any], data: Any) -> dict[str, Any]:
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


def _preferences(patient: Patient) -> dict[str, Any]:
    patient.refresh_from_db()
    return dict(s.PatientPreferencesSerializer(patient).data)


class _PreferencesAPI(ClientSystemAPI):
    access = Access(permission=Permission.PREFERENCE_API)


LOOKUP_REQUEST = PolymorphicProxySerializer(
    component_name="PatientLookup",
    serializers=[s.LookupByNhsNumberSerializer, s.LookupByPatientIdSerializer],
    resource_type_field_name=None,
)
OPT_OUT_REQUEST = PolymorphicProxySerializer(
    component_name="OptOut",
    serializers=[s.OptOutByPatientIdSerializer, s.OptOutByNhsNumberSerializer, s.OptOutByMobileSerializer],
    resource_type_field_name=None,
)


class PatientLookupView(_PreferencesAPI):
    """Send exactly one of `nhs_number` or `patient_id`. The read is audited."""

    @extend_schema(
        request=LOOKUP_REQUEST,
        responses={200: s.PatientPreferencesSerializer, **problems(404)},
        summary="Read a patient's preferences, looked up by NHS number or patient id in the body",
        tags=["preferences"],
    )
    def post(self, request: Request) -> Response:
        actor = api_actor(request)
        data = _validated(s.PatientLookupSerializer, request.data)
        patient = _find(actor, patient_id=data.get("patient_id"), nhs_number=data.get("nhs_number", ""))
        _audit_read(actor, patient)
        return Response(s.PatientPreferencesSerializer(patient).data)


class PatientPreferencesView(_PreferencesAPI):
    """The patient's opaque id is in the path; no identifier ever is. The read is audited."""

    @extend_schema(
        responses={200: s.PatientPreferencesSerializer, **problems(404)},
        summary="Read a patient's preferences by opaque id",
        tags=["preferences"],
    )
    def get(self, request: Request, patient_id: Any) -> Response:
        actor = api_actor(request)
        patient = _find(actor, patient_id=patient_id)
        _audit_read(actor, patient)
        return Response(s.PatientPreferencesSerializer(patient).data)


def _apply_change(actor: Actor, patient: Patient, data: dict[str, Any]) -> None:
    """The change's one call into the preferences services (patient_change applies what changes
    and refuses only a request that changes nothing)."""
    if not any(key in data for key in ("preferences", "no_non_essential", "channel_order", "contact_point")):
        raise _invalid("", "Send at least one change: preferences, no_non_essential, channel_order or contact_point.")
    source = data.get("source", ChangeSource.OTHER_SYSTEM_API)
    cells = {(c["category"], c["channel"]): c["allowed"] for c in data.get("preferences", [])}
    contact = None
    if point := data.get("contact_point"):
        if point.get("id"):
            if not point.get("status"):
                raise _invalid("contact_point.status", "Send the contact point's new status.")
        elif not point.get("kind"):
            raise _invalid("contact_point.kind", "Send the kind of the new contact point.")
        elif "value" not in point and point["kind"] != ContactPoint.Kind.NHSAPP:
            raise _invalid("contact_point.value", "Send the value of the new contact point.")
        contact = ContactChange(
            contact_source=(
                ContactPoint.Source.DELIVERY_RECEIPT
                if source == ChangeSource.DELIVERY_BOUNCE
                else ContactPoint.Source.OTHER_SYSTEM
            ),
            kind=point.get("kind", ""),
            value=point.get("value", ""),
            contact_point_id=str(point.get("id") or ""),
            status=point.get("status") or "",
        )
    try:
        patient_change(
            actor=actor,
            patient=patient,
            expected_lock_version=None,
            source=source,
            reason=data["reason"],
            cells=cells or None,
            no_non_essential=data.get("no_non_essential"),
            channel_order=data.get("channel_order"),
            contact=contact,
            audit_action="preference.api.changed",
        )
    except InvalidContactDetail as error:
        raise _invalid("contact_point.value", str(error)) from error


class PatientChangeView(_PreferencesAPI):
    """Send the changes and a non-blank reason. Fields left out are left as they are. A request
    that changes nothing is refused (422); restating a preference alongside a real change is not."""

    @extend_schema(
        request=s.ChangeSerializer,
        parameters=[IDEMPOTENCY_PARAMETER],
        responses={200: s.PatientPreferencesSerializer, **problems(404, 409, 422)},
        summary="Record a change of preference or contact detail, with its source",
        tags=["preferences"],
    )
    def post(self, request: Request, patient_id: Any) -> Response:
        actor = api_actor(request)
        data = _validated(s.ChangeSerializer, request.data)

        def work() -> tuple[int, dict[str, Any]]:
            patient = _find(actor, patient_id=patient_id)
            try:
                _apply_change(actor, patient, data)
            except PreferenceError as error:
                raise _refused(error) from error
            return 200, _preferences(patient)

        return idempotent_response(request=request, actor=actor, endpoint=f"change:{patient_id}", work=work)


def _apply_opt_out(
    actor: Actor, patient: Patient, *, channel: str, reason: str, mobile: str = ""
) -> tuple[list[str], int]:
    """The opt-out's call into the preferences services. A STOP from a mobile opts out every
    patient of the organisation with that number (a family may share one phone)."""
    source = ChangeSource.PATIENT_SMS_REPLY if channel == Channel.SMS else ChangeSource.OTHER_SYSTEM_API
    if mobile:
        results = opt_out_by_mobile(actor=actor, mobile=mobile, source=source, reason=reason, channel=channel)
        return results.get(patient, []), len(results)
    return opt_out_record(actor=actor, patient=patient, channel=channel, source=source, reason=reason), 1


class OptOutView(_PreferencesAPI):
    """Send exactly one of `patient_id`, `nhs_number` or `mobile` (the number a STOP came from).
    The channel is closed for every category except a critical one whose last open channel it is."""

    @extend_schema(
        request=OPT_OUT_REQUEST,
        parameters=[IDEMPOTENCY_PARAMETER],
        responses={200: s.OptOutResultSerializer, **problems(404, 409, 422)},
        summary="Record an opt-out (for example a STOP reply) for one channel",
        tags=["preferences"],
    )
    def post(self, request: Request) -> Response:
        actor = api_actor(request)
        data = _validated(s.OptOutSerializer, request.data)

        def work() -> tuple[int, dict[str, Any]]:
            patient = _find(
                actor,
                patient_id=data.get("patient_id"),
                nhs_number=data.get("nhs_number", ""),
                mobile=data.get("mobile", ""),
            )
            try:
                kept_open, opted_out = _apply_opt_out(
                    actor,
                    patient,
                    channel=data.get("channel", Channel.SMS),
                    reason=data.get("reason", OPT_OUT_REASON),
                    mobile=data.get("mobile", ""),
                )
            except PreferenceError as error:
                raise _refused(error) from error
            patient.refresh_from_db()
            context = {"kept_open": kept_open, "opted_out": opted_out}
            return 200, dict(s.OptOutResultSerializer(patient, context=context).data)

        return idempotent_response(request=request, actor=actor, endpoint="opt-out", work=work)
