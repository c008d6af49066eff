"""The OpenAPI schema: its view (with its access declaration), the problem-details component,
and a hook that documents the problem responses every operation can give, so each view
declares only its success and its own refusals, and future endpoints inherit the rest."""

from typing import Any

from drf_spectacular.utils import OpenApiResponse
from drf_spectacular.views import SpectacularAPIView
from rest_framework import serializers

from notifyadmin.accounts.access import Access
from notifyadmin.core.api import MAX_JSON_DEPTH, PROBLEM_CONTENT_TYPE, TITLES


class SchemaView(SpectacularAPIView):
    access = Access(public_reason="the API contract; it describes endpoints and holds no data")


class ProblemSerializer(serializers.Serializer):
    """RFC 9457 problem details, as every API error is answered."""

    type = serializers.CharField(help_text="urn:notifyadmin:problem:<slug>; the slugs are listed in docs/api.md.")
    title = serializers.CharField()
    status = serializers.IntegerField()
    detail = serializers.CharField(help_text="What went wrong and what to do; never echoes submitted values.")
    instance = serializers.CharField(help_text="The request path.")
    correlation_id = serializers.CharField(help_text="Quote this when asking for help.")
    errors = serializers.DictField(  # type: ignore[assignment]  # a field, not Serializer.errors
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text='Validation problems only: messages by field ("" for the whole body).',
    )


def problems(*codes: int) -> dict[Any, OpenApiResponse]:
    """`responses` entries for the problems an operation gives besides the common ones."""
    return {
        (code, PROBLEM_CONTENT_TYPE): OpenApiResponse(ProblemSerializer, description=TITLES[code]) for code in codes
    }


# Every API operation can answer these; POST/PUT/PATCH also 413 and 415.
COMMON_PROBLEMS = (400, 401, 403, 404, 405, 406)
BODY_PROBLEMS = (413, 415)


def problem_responses_hook(result: dict[str, Any], generator: Any, request: Any, public: bool) -> dict[str, Any]:
    """drf-spectacular POSTPROCESSING_HOOK: add the Problem component and the common problem
    responses to every operation that does not document them itself."""
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas.setdefault("Problem", _problem_schema())
    reference = {PROBLEM_CONTENT_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}}
    for path_item in result.get("paths", {}).values():
        for method, operation in path_item.items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            codes = COMMON_PROBLEMS + (BODY_PROBLEMS if method in ("post", "put", "patch") else ())
            for code in codes:
                operation["responses"].setdefault(str(code), {"description": TITLES[code], "content": reference})
            if method in ("post", "put", "patch"):
                operation["description"] = (
                    operation.get("description", "")
                    + f"\n\nBodies are JSON only (other content types: 415), nested at most {MAX_JSON_DEPTH} deep."
                ).strip()
    return result


def _problem_schema() -> dict[str, Any]:
    return {
        "type": "object",
        "description": "RFC 9457 problem details.",
        "properties": {
            "type": {"type": "string"},
            "title": {"type": "string"},
            "status": {"type": "integer"},
            "detail": {"type": "string"},
            "instance": {"type": "string"},
            "correlation_id": {"type": "string"},
            "errors": {"type": "object", "additionalProperties": {"type": "array", "items": {"type": "string"}}},
        },
        "required": ["type", "title", "status", "detail", "instance", "correlation_id"],
    }
