"""POST /api/v1/events: a client system (granted event.submit) tells notifyadmin what happened.

Bodies are our JSON (`application/json`, EventSerializer) or FHIR R4 (`application/fhir+json`:
an Appointment, or a Bundle holding one). An `Idempotency-Key` is required. The answer is 202
with the event's id and decision. Refusals are RFC 9457 problems for JSON bodies and FHIR
`OperationOutcome`s (naming the element in `expression`) for FHIR bodies; nothing is stored.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiResponse, PolymorphicProxySerializer, extend_schema
from rest_framework import exceptions
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from notifyadmin.accounts.access import Access
from notifyadmin.accounts.roles import Permission
from notifyadmin.core.api import BoundedJSONParser, Problem
from notifyadmin.core.correlation import get_correlation_id
from notifyadmin.core.schema import problems
from notifyadmin.intake import serializers as s
from notifyadmin.intake.reading import Unreadable, fhir_read
from notifyadmin.intake.services import event_receive
from notifyadmin.integrations.authentication import ClientSystemAPI, api_actor
from notifyadmin.integrations.idempotency import IDEMPOTENCY_PARAMETER, idempotent_response

FHIR_JSON = "application/fhir+json"
ISSUE_CODES = {400: "structure", 409: "conflict", 413: "too-costly", 415: "not-supported", 422: "processing"}


class FhirJSONParser(BoundedJSONParser):
    media_type = FHIR_JSON


class FhirJSONRenderer(JSONRenderer):
    media_type = FHIR_JSON
    format = "fhir"


def operation_outcome(*, status_code: int, element: str, message: str) -> Response:
    issue: dict[str, Any] = {
        "severity": "error",
        "code": ISSUE_CODES.get(status_code, "processing"),
        "diagnostics": message,
    }
    if element:
        issue["expression"] = [element]
    body = {
        "resourceType": "OperationOutcome",
        "id": get_correlation_id() or None,
        "issue": [issue],
    }
    return Response(
        {key: value for key, value in body.items() if value is not None},
        status=status_code,
        content_type=FHIR_JSON,
    )


def _is_fhir(request: Request) -> bool:
    return (request.content_type or "").split(";")[0].strip().lower() == FHIR_JSON


EVENT_REQUEST = PolymorphicProxySerializer(
    component_name="EventBody",
    serializers=[s.EventSerializer],
    resource_type_field_name=None,
)


class EventsView(ClientSystemAPI):
    """Send one event. `application/json`: the body below. `application/fhir+json`: a FHIR R4
    Appointment, or a Bundle with one Appointment and the Patient it references (`urn:uuid:`
    references resolve within the Bundle). The patient is found by NHS number
    (`https://fhir.nhs.uk/Id/nhs-number` on the patient participant's actor or Patient)."""

    access = Access(permission=Permission.EVENT_SUBMIT)
    parser_classes = [BoundedJSONParser, FhirJSONParser]
    renderer_classes = [JSONRenderer, FhirJSONRenderer]

    @extend_schema(
        request={"application/json": s.EventSerializer, FHIR_JSON: {"type": "object"}},
        parameters=[IDEMPOTENCY_PARAMETER],
        responses={
            202: s.EventAcceptedSerializer,
            **problems(400, 409, 413, 422),
            **{
                (code, FHIR_JSON): OpenApiResponse(
                    s.OperationOutcomeSerializer, description="FHIR OperationOutcome naming the element"
                )
                for code in (400, 409, 413, 422)
            },
        },
        summary="Tell notifyadmin that something happened (an appointment booked, cancelled...)",
        tags=["events"],
    )
    def post(self, request: Request) -> Response:
        actor = api_actor(request)
        fhir = _is_fhir(request)
        try:
            body = request.data
        except (Problem, exceptions.ParseError) as error:
            if not fhir:
                raise
            status_code = getattr(error, "status_code", 400)
            return operation_outcome(status_code=status_code, element="", message=str(getattr(error, "detail", error)))
        try:
            if fhir:
                incoming = fhir_read(body)
            else:
                serializer = s.EventSerializer(data=body)
                serializer.is_valid(raise_exception=True)
                incoming = s.incoming_from_json(dict(serializer.validated_data))

            def work() -> tuple[int, dict[str, Any]]:
                event = event_receive(actor=actor, incoming=incoming, raw_body=body)
                return 202, {
                    "event_id": str(event.id),
                    "decision": event.decision,
                    "detail": event.decision_detail,
                    "message_ids": event.message_ids,
                    "withdrawn": event.withdrawn_count,
                }

            return idempotent_response(request=request, actor=actor, endpoint="events", work=work)
        except Unreadable as refusal:
            if fhir:
                return operation_outcome(
                    status_code=refusal.status_code, element=refusal.element, message=refusal.message
                )
            raise Problem(
                status_code=refusal.status_code,
                slug={409: "conflict", 422: "refused"}.get(refusal.status_code, "validation-error"),
                detail=refusal.message,
                errors={refusal.element or "": [refusal.message]},
            ) from refusal
