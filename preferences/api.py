"""The preferences API for other systems: read a patient's preferences, record a change of
preference or contact detail with its source, record an opt-out ("STOP"). Each client system is
scoped to its organisation. Writes are idempotent with an `Idempotency-Key` header. NHS numbers
travel only in request bodies, never in URLs, and are never echoed back unmasked."""

import hashlib
import json
from collections.abc import Callable
from typing import Any

from django.db import IntegrityError, transaction
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from audit.services import audit_record
from notifyadmin.accounts.access import Access
from notifyadmin.accounts.roles import Permission
from notifyadmin.core.actor import Actor
from preferences.api_auth import ApiClientAuthentication, ApiClientPermission
from preferences.identifiers import InvalidContactDetail, lookup_hash, mobile_normalise
from preferences.models import ApiClient, Category, ChangeSource, Channel, ContactPoint, IdempotencyRecord, Patient
from preferences.nhs_number import InvalidNhsNumber, nhs_number_mask, nhs_number_normalise
from preferences.selectors import contact_mask, preference_grid
from preferences.services import ContactChange, PreferenceError, opt_out_by_mobile, opt_out_record, patient_change

NOT_FOUND = "No patient found."


def _choice(choices: list[tuple[str, str]], what: str, **kwargs: Any) -> serializers.ChoiceField:
    # Our own message: DRF's default would echo the submitted value.
    return serializers.ChoiceField(
        choices=choices, error_messages={"invalid_choice": f"Choose a valid {what}."}, **kwargs
    )


class PatientLookupSerializer(serializers.Serializer):
    nhs_number = serializers.CharField(required=False)
    patient_id = serializers.UUIDField(required=False, error_messages={"invalid": "Send a valid patient_id."})

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if bool(attrs.get("nhs_number")) == bool(attrs.get("patient_id")):
            raise serializers.ValidationError("Send either nhs_number or patient_id.")
        return attrs


class CellSerializer(serializers.Serializer):
    category = _choice(Category.choices, "category")
    channel = _choice(Channel.choices, "channel")
    allowed = serializers.BooleanField()


class ContactPointSerializer(serializers.Serializer):
    id = serializers.UUIDField(required=False, help_text="An existing contact point, to change its status.")
    kind = _choice(ContactPoint.Kind.choices, "kind of contact point", required=False)
    value = serializers.CharField(required=False, write_only=True)
    status = _choice(ContactPoint.Status.choices, "status", required=False)


class ChangeSerializer(serializers.Serializer):
    # DRF pops declared fields off the class, so this does not shadow Field.source at run time.
    source = _choice(ChangeSource.choices, "source", default=ChangeSource.OTHER_SYSTEM_API)  # type: ignore[assignment]
    reason = serializers.CharField(max_length=1000)
    preferences = CellSerializer(many=True, required=False)
    no_non_essential = serializers.BooleanField(required=False)
    channel_order = serializers.ListField(child=_choice(Channel.choices, "channel"), required=False)
    contact_point = ContactPointSerializer(required=False)


class OptOutSerializer(serializers.Serializer):
    patient_id = serializers.UUIDField(required=False, error_messages={"invalid": "Send a valid patient_id."})
    nhs_number = serializers.CharField(required=False)
    mobile = serializers.CharField(required=False, help_text="The number the STOP reply came from.")
    channel = _choice(Channel.choices, "channel", default=Channel.SMS)
    reason = serializers.CharField(max_length=1000, default="Patient replied STOP")


class ApiError(Exception):
    def __init__(self, message: str, status_code: int = status.HTTP_400_BAD_REQUEST) -> None:
        super().__init__(message)
        self.message, self.status_code = message, status_code


def _client(request: Request) -> ApiClient:
    return request.auth  # type: ignore[return-value]


def _actor(client: ApiClient) -> Actor:
    # Until client systems carry their own permissions (integrations), an API client may change
    # the preferences of its own organisation's patients, and nothing else.
    return Actor.system(
        name=client.client_id, organisation=client.organisation, permissions=frozenset({Permission.PREFERENCE_CHANGE})
    )


def _find(client: ApiClient, *, patient_id: Any = None, nhs_number: str = "", mobile: str = "") -> Patient:
    patients = Patient.objects.filter(organisation=client.organisation)
    try:
        if patient_id:
            found = patients.filter(id=patient_id).first()
        elif nhs_number:
            digits = nhs_number_normalise(nhs_number)
            found = patients.filter(nhs_number_hash=lookup_hash(kind="nhs_number", normalised=digits)).first()
        else:
            normalised = mobile_normalise(mobile)
            found = (
                patients.filter(
                    contact_points__kind="mobile",
                    contact_points__lookup_hash=lookup_hash(kind="mobile", normalised=normalised),
                )
                .distinct()
                .first()
            )
    except (InvalidNhsNumber, InvalidContactDetail) as error:
        raise ApiError(str(error)) from error
    if found is None:
        raise ApiError(NOT_FOUND, status.HTTP_404_NOT_FOUND)
    return found


def preferences_body(patient: Patient) -> dict[str, Any]:
    return {
        "patient_id": str(patient.id),
        "nhs_number_masked": nhs_number_mask(patient.nhs_number),
        "preferred_name": patient.preferred_name,
        "language": patient.language,
        "accessible_formats": patient.accessible_formats,
        "no_non_essential": patient.no_non_essential,
        "channel_order": patient.channel_order,
        "preferences": {
            row.policy.category: {
                "is_critical": row.policy.is_critical,
                "lawful_basis": row.policy.lawful_basis,
                "channels": {
                    channel: {"allowed": allowed, "effective": effective} for channel, allowed, effective in row.cells
                },
            }
            for row in preference_grid(patient=patient)
        },
        "contact_points": [
            {
                "id": str(point.id),
                "kind": point.kind,
                "masked": contact_mask(point.kind, point.value),
                "status": point.status,
                "source": point.source,
            }
            for point in patient.contact_points.all()
        ],
    }


def _error(message: str, code: int) -> Response:
    return Response({"detail": message}, status=code)


def _validated(serializer_class: type[serializers.Serializer], data: Any) -> dict[str, Any]:
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


def _idempotent(request: Request, endpoint: str, work: Callable[[], tuple[int, dict[str, Any]]]) -> Response:
    """Run `work` once per (client, Idempotency-Key). A repeat with the same body gets the stored
    response; a repeat with a different body is refused (422). Only successful responses are
    stored, so a refused request may be corrected and retried under the same key."""
    key = (request.headers.get("Idempotency-Key") or "").strip()
    if not key or len(key) > 200:
        return _error("Send an Idempotency-Key header (up to 200 characters) with every change.", 400)
    client = _client(request)
    body = json.dumps({"endpoint": endpoint, "body": request.data}, sort_keys=True, default=str)
    request_hash = hashlib.sha256(body.encode("utf-8")).hexdigest()

    def replay(record: IdempotencyRecord) -> Response:
        if record.request_hash != request_hash:
            return _error(
                "This Idempotency-Key was already used with a different request. Use a new key for a new change.", 422
            )
        return Response(record.response_body, status=record.response_status, headers={"Idempotent-Replayed": "true"})

    existing = IdempotencyRecord.objects.filter(api_client=client, key=key).first()
    if existing is not None:
        return replay(existing)
    try:
        with transaction.atomic():
            code, payload = work()
            IdempotencyRecord.objects.create(
                api_client=client,
                key=key,
                endpoint=endpoint,
                request_hash=request_hash,
                response_status=code,
                response_body=payload,
            )
    except ApiError as error:
        return _error(error.message, error.status_code)
    except PreferenceError as error:
        return _error(str(error), 422 if error.field == "" else 400)
    except (InvalidContactDetail, InvalidNhsNumber) as error:
        return _error(str(error), 400)
    except IntegrityError:
        # The same key arrived twice at once; the other request won.
        return replay(IdempotencyRecord.objects.get(api_client=client, key=key))
    return Response(payload, status=code)


class _ApiView(APIView):
    authentication_classes = [ApiClientAuthentication]
    permission_classes = [ApiClientPermission]
    access = Access(permission=Permission.PREFERENCE_API)


def _audit_read(client: ApiClient, patient: Patient) -> None:
    with transaction.atomic():
        audit_record(
            actor=Actor.system(name=client.client_id, organisation=client.organisation),
            action="preference.api.read",
            target_type="patient",
            target_id=str(patient.id),
            patient_ref=str(patient.id),
            reason="API read",
        )


class PatientLookupView(_ApiView):
    @extend_schema(
        request=PatientLookupSerializer,
        responses={200: dict, 404: dict},
        summary="Read a patient's preferences, looked up by NHS number or patient id in the body",
    )
    def post(self, request: Request) -> Response:
        data = _validated(PatientLookupSerializer, request.data)
        try:
            patient = _find(_client(request), patient_id=data.get("patient_id"), nhs_number=data.get("nhs_number", ""))
        except ApiError as error:
            return _error(error.message, error.status_code)
        _audit_read(_client(request), patient)
        return Response(preferences_body(patient))


class PatientPreferencesView(_ApiView):
    @extend_schema(responses={200: dict, 404: dict}, summary="Read a patient's preferences by opaque id")
    def get(self, request: Request, patient_id: Any) -> Response:
        try:
            patient = _find(_client(request), patient_id=patient_id)
        except ApiError as error:
            return _error(error.message, error.status_code)
        _audit_read(_client(request), patient)
        return Response(preferences_body(patient))


IDEMPOTENCY_HEADER = OpenApiParameter(
    "Idempotency-Key",
    str,
    OpenApiParameter.HEADER,
    required=True,
    description="A new key for each distinct change; repeats get the first response.",
)


class PatientChangeView(_ApiView):
    @extend_schema(
        request=ChangeSerializer,
        parameters=[IDEMPOTENCY_HEADER],
        responses={200: dict},
        summary="Record a change of preference or contact detail, with its source",
    )
    def post(self, request: Request, patient_id: Any) -> Response:
        client = _client(request)
        data = _validated(ChangeSerializer, request.data)

        def work() -> tuple[int, dict[str, Any]]:
            patient = _find(client, patient_id=patient_id)
            cells = {(c["category"], c["channel"]): c["allowed"] for c in data.get("preferences", [])}
            contact = _contact_change(data["source"], data.get("contact_point"))
            if not (cells or contact or "no_non_essential" in data or "channel_order" in data):
                raise ApiError(
                    "Send at least one change: preferences, no_non_essential, channel_order or contact_point."
                )
            patient_change(
                actor=_actor(client),
                patient=patient,
                expected_lock_version=None,
                source=data["source"],
                reason=data["reason"],
                cells=cells,
                no_non_essential=data.get("no_non_essential"),
                channel_order=data.get("channel_order"),
                contact=contact,
                audit_action="preference.api.changed",
            )
            patient.refresh_from_db()
            return 200, preferences_body(patient)

        return _idempotent(request, f"change:{patient_id}", work)


def _contact_change(source: str, contact: dict[str, Any] | None) -> ContactChange | None:
    if not contact:
        return None
    contact_source = (
        ContactPoint.Source.DELIVERY_RECEIPT
        if source == ChangeSource.DELIVERY_BOUNCE
        else ContactPoint.Source.OTHER_SYSTEM
    )
    if contact.get("id"):
        if not contact.get("status"):
            raise ApiError("Send the id of one of this patient's contact points and its new status.")
        return ContactChange(contact_point_id=str(contact["id"]), status=contact["status"])
    if not contact.get("kind") or ("value" not in contact and contact.get("kind") != "nhsapp"):
        raise ApiError("Send the kind and value of the new contact point.")
    return ContactChange(
        contact_source=contact_source,
        kind=contact["kind"],
        value=contact.get("value", ""),
        status=contact.get("status") or ContactPoint.Status.UNVERIFIED,
    )


class OptOutView(_ApiView):
    @extend_schema(
        request=OptOutSerializer,
        parameters=[IDEMPOTENCY_HEADER],
        responses={200: dict},
        summary="Record an opt-out (for example a STOP reply) for one channel",
    )
    def post(self, request: Request) -> Response:
        client = _client(request)
        data = _validated(OptOutSerializer, request.data)
        if sum(bool(data.get(name)) for name in ("patient_id", "nhs_number", "mobile")) != 1:
            return _error("Send exactly one of patient_id, nhs_number or mobile.", 400)

        def work() -> tuple[int, dict[str, Any]]:
            source = ChangeSource.PATIENT_SMS_REPLY if data["channel"] == Channel.SMS else ChangeSource.OTHER_SYSTEM_API
            if data.get("mobile"):
                # A STOP from a shared phone opts out every patient of the organisation with it.
                try:
                    results = opt_out_by_mobile(
                        actor=_actor(client),
                        mobile=data["mobile"],
                        channel=data["channel"],
                        source=source,
                        reason=data["reason"],
                    )
                except InvalidContactDetail as error:
                    raise ApiError(str(error)) from error
                if not results:
                    raise ApiError(NOT_FOUND, status.HTTP_404_NOT_FOUND)
                patient = next(iter(results))
                kept_open = sorted({category for kept in results.values() for category in kept})
                patient.refresh_from_db()
                return 200, {
                    **preferences_body(patient),
                    "critical_categories_kept_open": kept_open,
                    "patients_opted_out": len(results),
                }
            patient = _find(client, patient_id=data.get("patient_id"), nhs_number=data.get("nhs_number", ""))
            kept_open = opt_out_record(
                actor=_actor(client), patient=patient, channel=data["channel"], source=source, reason=data["reason"]
            )
            patient.refresh_from_db()
            return 200, {**preferences_body(patient), "critical_categories_kept_open": kept_open}

        return _idempotent(request, "opt-out", work)
