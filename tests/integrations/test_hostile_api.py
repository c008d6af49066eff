"""Hostile input against every API operation, found through the URL configuration (via the
OpenAPI generator, which walks it), so an endpoint added later is tried the same way: bodies
nested 50,000 deep, NUL in headers and strings, a million-character string, non-ASCII digits,
wrong content types, identifier-shaped query parameters. Never a 5xx; every refusal a problem
document; nothing written."""

import uuid
from typing import Any

import pytest
from django.test import Client
from drf_spectacular.generators import SchemaGenerator

from audit.models import AuditEvent
from notifyadmin.integrations.models import IdempotencyRecord
from notifyadmin.integrations.permissions import CLIENT_PERMISSIONS
from preferences.models import ContactPoint, Preference
from tests.integrations.helpers import PROBLEM, issue_key
from tests.preferences.factories import make_patient

pytestmark = pytest.mark.django_db

SCHEMA = SchemaGenerator().get_schema(request=None, public=True)
OPERATIONS = [
    (path, method.upper(), operation)
    for path, item in SCHEMA["paths"].items()
    if path.startswith("/api/v1/")
    for method, operation in item.items()
    if method in ("get", "post", "put", "patch", "delete")
]
WRITES = [op for op in OPERATIONS if op[1] in ("POST", "PUT", "PATCH")]
HOSTILE_STRINGS = {
    "nul": "before\x00after",
    "million": "x" * 1_000_000,  # the body is over its limit: 413
    "hundred-thousand": "x" * 100_000,  # within the body limit: each field's own limit refuses it
    "arabic-indic-digits": "٩٩٩٠٠٠٠٠١٨",
    "fullwidth-digits": "９９９００００１８",
    "nhs-number-shaped": "999 000 0018",
}
IDENTIFIER_QUERY = {
    "nhs_number": "9990000018",
    "mobile": "07400123456",
    "email": "sam.patient@example.com",
    "patient_id": "9990000018",
    "page": "٢",
    "page_size": "99999999999999999999",
}


def test_the_suite_finds_every_api_operation():
    assert {(path, method) for path, method, _ in OPERATIONS} >= {
        ("/api/v1/preferences/patients/lookup/", "POST"),
        ("/api/v1/preferences/patients/{patient_id}/changes/", "POST"),
        ("/api/v1/preferences/opt-outs/", "POST"),
        ("/api/v1/preferences/patients/{patient_id}/", "GET"),
        ("/api/v1/templates/", "GET"),
        ("/api/v1/templates/{template_id}/", "GET"),
    }


def test_every_api_route_of_the_url_configuration_is_in_the_schema():
    """So nothing escapes this suite (or schemathesis) by being left out of the schema."""
    from django.urls import get_resolver

    from tests.test_route_access import walk

    routes = [
        route
        for route, _, callback in walk(get_resolver().url_patterns)
        if route.startswith("api/v1/") and getattr(callback, "cls", None) is not None
    ]
    assert len(routes) == len({path for path, _, _ in OPERATIONS}) >= 6


def _resolve(schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = SCHEMA["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return schema


def _string_fields(operation: dict[str, Any]) -> set[str]:
    """Every top-level property of the request body, across oneOf/allOf alternatives."""
    content = operation.get("requestBody", {}).get("content", {}).get("application/json")
    if not content:
        return set()
    pending, names = [_resolve(content["schema"])], set()
    while pending:
        schema = pending.pop()
        for key in ("oneOf", "anyOf", "allOf"):
            pending.extend(_resolve(option) for option in schema.get(key, []))
        names.update(schema.get("properties", {}))
    return names


@pytest.fixture
def world(organisation):
    patient = make_patient(organisation=organisation)
    key = issue_key(organisation, client_id="everything", permissions=tuple(p.value for p in CLIENT_PERMISSIONS))
    return patient, Client(HTTP_AUTHORIZATION=f"Bearer {key}")


def _url(path: str, patient: Any) -> str:
    return path.replace("{patient_id}", str(patient.id)).replace("{template_id}", str(uuid.uuid4()))


def _written() -> tuple[int, ...]:
    return (
        AuditEvent.objects.exclude(action__in=["api_client.created"]).count(),
        IdempotencyRecord.objects.count(),
        Preference.history.count(),
        ContactPoint.objects.count(),
    )


def _send(client: Client, method: str, url: str, data: Any = None, content_type: str = "application/json", **headers):
    return client.generic(
        method, url, data or b"", content_type=content_type, HTTP_IDEMPOTENCY_KEY="hostile-1", **headers
    )


def _refused_cleanly(response, before: tuple[int, ...]) -> None:
    assert 400 <= response.status_code < 500, response.content[:300]
    assert response["Content-Type"] == PROBLEM
    assert response.json()["status"] == response.status_code
    assert _written() == before
    assert b"9990000018" not in response.content


@pytest.mark.parametrize(("path", "method", "operation"), WRITES, ids=[f"{m} {p}" for p, m, _ in WRITES])
def test_bodies_nested_fifty_thousand_deep(world, path, method, operation):
    patient, client = world
    before = _written()
    _refused_cleanly(_send(client, method, _url(path, patient), '{"a":' * 50_000 + "1" + "}" * 50_000), before)
    _refused_cleanly(_send(client, method, _url(path, patient), "[" * 50_000 + "]" * 50_000), before)


@pytest.mark.parametrize(("path", "method", "operation"), WRITES, ids=[f"{m} {p}" for p, m, _ in WRITES])
@pytest.mark.parametrize(
    "content_type", ["application/x-www-form-urlencoded", "multipart/form-data; boundary=B", "text/xml"]
)
def test_wrong_content_types(world, path, method, operation, content_type):
    patient, client = world
    before = _written()
    response = _send(client, method, _url(path, patient), "reason=x&no_non_essential=", content_type=content_type)
    _refused_cleanly(response, before)
    assert response.status_code == 415


@pytest.mark.parametrize(("path", "method", "operation"), WRITES, ids=[f"{m} {p}" for p, m, _ in WRITES])
@pytest.mark.parametrize("hostile", list(HOSTILE_STRINGS), ids=list(HOSTILE_STRINGS))
def test_hostile_strings_in_every_body_field(world, path, method, operation, hostile):
    patient, client = world
    fields = _string_fields(operation)
    assert fields, "a write operation documents its body"
    for field in sorted(fields):
        before = _written()
        response = _send(client, method, _url(path, patient), {field: HOSTILE_STRINGS[hostile], "reason": "r"})
        _refused_cleanly(response, before)


@pytest.mark.parametrize(("path", "method", "operation"), OPERATIONS, ids=[f"{m} {p}" for p, m, _ in OPERATIONS])
@pytest.mark.parametrize(
    "header",
    [
        {"HTTP_IDEMPOTENCY_KEY": "a\x00b"},
        {"HTTP_AUTHORIZATION": "Bearer everything.\x00"},
        {"HTTP_X_CORRELATION_ID": "\x00" * 10},
        {"HTTP_IDEMPOTENCY_KEY": "k" * 300},
    ],
    ids=["nul-idempotency-key", "nul-authorization", "nul-correlation-id", "long-idempotency-key"],
)
def test_nul_and_overlong_headers(world, path, method, operation, header):
    patient, client = world
    before = _written()
    response = client.generic(method, _url(path, patient), b"{}", content_type="application/json", **header)
    assert response.status_code < 500
    if response.status_code >= 400:
        _refused_cleanly(response, before)
    assert "\x00" not in response.get("X-Correlation-ID", "")


@pytest.mark.parametrize(("path", "method", "operation"), OPERATIONS, ids=[f"{m} {p}" for p, m, _ in OPERATIONS])
def test_identifier_shaped_query_parameters(world, path, method, operation):
    patient, client = world
    before = _written()
    query = "&".join(f"{name}={value}" for name, value in IDENTIFIER_QUERY.items())
    response = client.generic(method, f"{_url(path, patient)}?{query}", b"{}", content_type="application/json")
    assert response.status_code < 500
    if response.status_code >= 400:
        _refused_cleanly(response, before)
