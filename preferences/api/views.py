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
from preferences.history import ChangeMeta
from preferences.identifiers import InvalidContactDetail, lookup_hash, mobile_normalise
from preferences.models import ChangeSource, Channel, ContactPoint, Patient
from preferences.nhs_number import InvalidNhsNumber, nhs_number_normalise
from preferences.services import (
    NothingChanged,
    PreferenceError,
    contact_point_add,
    contact_point_status_change,
    opt_out_record,
    preferences_change,
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
    """The change's calls into the preferences services. Restating a preference as it already
    is does not block a new contact point: only a request that changes nothing is refused."""
    meta = ChangeMeta(
        source=data.get("source", ChangeSource.OTHER_SYSTEM_API), reason=data["reason"], system_client=actor.system_name
    )
    cells = {(c["category"], c["channel"]): c["allowed"] for c in data.get("preferences", [])}
    changed = False
    if cells or "no_non_essential" in data or "channel_order" in data:
        try:
            preferences_change(
                patient=patient,
                expected_lock_version=None,
                cells=cells,
                meta=meta,
                actor=actor,
                no_non_essential=data.get("no_non_essential"),
                channel_order=data.get("channel_order"),
                audit_action="preference.api.changed",
            )
            changed = True
        except NothingChanged:
            if "contact_point" not in data:
                raise
    if contact := data.get("contact_point"):
        _apply_contact_change(patient, contact, meta, actor)
        changed = True
    if not changed:
        raise _invalid("", "Send at least one change: preferences, no_non_essential, channel_order or contact_point.")


def _apply_contact_change(patient: Patient, contact: dict[str, Any], meta: ChangeMeta, actor: Actor) -> None:
    if contact.get("id"):
        point = patient.contact_points.filter(id=contact["id"]).first()
        if point is None:
            raise _invalid("contact_point.id", "Send the id of one of this patient's contact points.")
        if not contact.get("status"):
            raise _invalid("contact_point.status", "Send the contact point's new status.")
        contact_point_status_change(contact_point=point, status=contact["status"], meta=meta, actor=actor)
        return
    if not contact.get("kind"):
        raise _invalid("contact_point.kind", "Send the kind of the new contact point.")
    if "value" not in contact and contact["kind"] != ContactPoint.Kind.NHSAPP:
        raise _invalid("contact_point.value", "Send the value of the new contact point.")
    source = (
        ContactPoint.Source.DELIVERY_RECEIPT
        if meta.source == ChangeSource.DELIVERY_BOUNCE
        else ContactPoint.Source.OTHER_SYSTEM
    )
    try:
        contact_point_add(
            patient=patient,
            kind=contact["kind"],
            value=contact.get("value", ""),
            source=source,
            meta=meta,
            actor=actor,
            status=contact.get("status") or ContactPoint.Status.UNVERIFIED,
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


def _apply_opt_out(actor: Actor, patient: Patient, *, channel: str, reason: str) -> list[str]:
    """The opt-out's call into the preferences services."""
    source = ChangeSource.PATIENT_SMS_REPLY if channel == Channel.SMS else ChangeSource.OTHER_SYSTEM_API
    return opt_out_record(
        patient=patient,
        channel=channel,
        meta=ChangeMeta(source=source, reason=reason, system_client=actor.system_name),
        actor=actor,
    )


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
                kept_open = _apply_opt_out(
                    actor, patient, channel=data.get("channel", Channel.SMS), reason=data.get("reason", OPT_OUT_REASON)
                )
            except PreferenceError as error:
                raise _refused(error) from error
            patient.refresh_from_db()
            return 200, dict(s.OptOutResultSerializer(patient, context={"kept_open": kept_open}).data)

        return idempotent_response(request=request, actor=actor, endpoint="opt-out", work=work)
