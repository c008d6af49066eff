"""Every NHS Notify status and error code is classified into the error that tells the caller
what to do; Retry-After is read; JSON:API pointers are mapped back to messageReferences."""

import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import responses
import time_machine

from notifyadmin.sending.providers.base import BatchRequest
from notifyadmin.sending.providers.errors import (
    AuthenticationFailed,
    DuplicateRequest,
    MessageNotFound,
    ProviderError,
    ProviderRejected,
    RateLimited,
    RetryTooEarly,
    RoutingPlanUnusable,
    ServerError,
    ServiceUnavailable,
    error_for_response,
    pointer_locate,
    retry_after_parse,
)
from tests.sending.providers import spec
from tests.sending.providers.support import (
    MESSAGE_ID,
    NHS_NUMBER,
    ROUTING_PLAN,
    SANDBOX_URL,
    error_body,
    outbound,
    sandbox_provider,
)

# What each official error response means for the caller, by (schema file, code).
EXPECTED: dict[tuple[str, str], type[ProviderError]] = {
    ("AccessDenied", "CM_DENIED"): AuthenticationFailed,
    ("Forbidden", "CM_FORBIDDEN"): AuthenticationFailed,
    ("Forbidden", "CM_SERVICE_BAN"): AuthenticationFailed,
    ("BadGateway", "CM_BAD_GATEWAY"): ServerError,
    ("InternalServerError", "CM_INTERNAL_SERVER_ERROR"): ServerError,
    ("CreateMessageInternalServerError", "CM_INTERNAL_SERVER_ERROR"): ServerError,
    ("CreateMessageInternalServerError", "CM_MISSING_ROUTING_PLAN_TEMPLATE"): RoutingPlanUnusable,
    ("CreateMessageInternalServerError", "CM_ROUTING_PLAN_DUPLICATE_TEMPLATES"): RoutingPlanUnusable,
    ("RoutingPlanNotFoundError", "CM_NO_SUCH_ROUTING_PLAN"): RoutingPlanUnusable,
    ("MethodNotAllowed", "CM_NOT_ALLOWED"): ProviderRejected,
    ("NotAcceptable", "CM_NOT_ACCEPTABLE"): ProviderRejected,
    ("NotFound", "CM_NOT_FOUND"): MessageNotFound,
    ("RequestEntityTooLarge", "CM_TOO_LARGE"): ProviderRejected,
    ("RequestEntityTooLarge", "CM_TOO_MANY_ITEMS"): ProviderRejected,
    ("UnsupportedMedia", "CM_UNSUPPORTED_MEDIA"): ProviderRejected,
    ("RequestTimeout", "CM_TIMEOUT"): ServerError,
    ("ServiceTimeout", "CM_TIMEOUT"): ServerError,
    ("ServiceUnavailable", "CM_SERVICE_UNAVAILABLE"): ServiceUnavailable,
    ("RetryTooEarly", "CM_RETRY_TOO_EARLY"): RetryTooEarly,
    ("TooManyRequests", "CM_QUOTA"): RateLimited,
    ("messages/DuplicateMessageRequest", "CM_DUPLICATE_REQUEST"): DuplicateRequest,
    ("message_batches/DuplicateBatchRequest", "CM_DUPLICATE_REQUEST"): DuplicateRequest,
    **{
        (f"{folder}/{name}", code): ProviderRejected
        for folder, name in (("messages", "UnableToProcessMessage"), ("message_batches", "UnableToProcessBatch"))
        for code in (
            "CM_MISSING_VALUE",
            "CM_NULL_VALUE",
            "CM_INVALID_VALUE",
            "CM_INVALID_NHS_NUMBER",
            "CM_DUPLICATE_VALUE",
            "CM_TOO_FEW_ITEMS",
            "CM_ODS_CODE_REQUIRED",
            "CM_CANNOT_SET_ODS_CODE",
        )
    },
}
# The Retry-After values NHS England documents with these responses.
RETRY_AFTER = {425: "300", 429: "5", 503: "5"}
ERRORS_DIR = "schemas/responses/errors"


def _example_cases() -> list[tuple[str, str, dict[str, Any]]]:
    """(schema name, code, example error item) for every code each official error schema
    allows, the item built from the schema's own examples. The getnhsappaccounts schemas are
    left out: we never call that endpoint (and their relative $refs are broken upstream)."""
    cases = []
    for path in sorted((spec.SPEC_DIR / ERRORS_DIR).rglob("*.yaml")):
        name = str(path.relative_to(spec.SPEC_DIR / ERRORS_DIR).with_suffix(""))
        if name.startswith("getnhsappaccounts"):
            continue
        item_schema = spec.load(f"{ERRORS_DIR}/{name}.yaml")["properties"]["errors"]["items"]["properties"]
        code_schema = item_schema["code"]
        if "$ref" in code_schema:
            code_schema = spec.load(os.path.normpath(Path(ERRORS_DIR) / Path(name).parent / code_schema["$ref"]))
        item: dict[str, Any] = {
            key: item_schema[key]["example"] for key in ("status", "title", "detail") if "example" in item_schema[key]
        }
        source = item_schema.get("source", {}).get("properties", {})
        if source:
            item["source"] = {key: value["example"] for key, value in source.items()}
        for code in code_schema["enum"]:
            cases.append((name, code, {"id": "rrt-1931948104716186917-c-geu2", "code": code, **item}))
    return cases


CASES = _example_cases()


def test_every_official_error_example_has_an_expected_classification():
    assert sorted((name, code) for name, code, _ in CASES) == sorted(EXPECTED)


@pytest.mark.parametrize(("name", "code", "item"), CASES, ids=[f"{n}-{c}" for n, c, _ in CASES])
def test_official_error_examples_are_classified_for_the_caller(name: str, code: str, item: dict[str, Any]):
    # given NHS Notify answers with the official example of this error
    status = int(item["status"])
    body = {"errors": [item]}
    assert spec.errors(f"{ERRORS_DIR}/{name}.yaml", body) == []
    headers = {"Retry-After": RETRY_AFTER[status]} if status in RETRY_AFTER else {}
    provider = sandbox_provider()
    batch = BatchRequest(routing_plan_id=ROUTING_PLAN, message_batch_reference="b-1", messages=(outbound("m-0"),))
    with responses.RequestsMock() as mock:
        if name.startswith("message_batches/"):
            mock.post(f"{SANDBOX_URL}/v1/message-batches", json=body, status=status, headers=headers)
            call = lambda: provider.send_batch(batch=batch)  # noqa: E731
        elif name == "NotFound":
            mock.get(f"{SANDBOX_URL}/v1/messages/{MESSAGE_ID}", json=body, status=status, headers=headers)
            call = lambda: provider.message_status(message_id=MESSAGE_ID)  # noqa: E731
        else:
            mock.post(f"{SANDBOX_URL}/v1/messages", json=body, status=status, headers=headers)
            call = lambda: provider.send_message(routing_plan_id=ROUTING_PLAN, message=outbound("m-0"))  # noqa: E731
        # when the adapter calls
        with pytest.raises(ProviderError) as raised:
            call()
    # then the error class, retryability, codes and wait are exactly what the caller needs
    error = raised.value
    expected = EXPECTED[(name, code)]
    assert type(error) is expected
    assert error.http_status == status
    assert error.codes == (code,)
    assert error.retryable is (expected in (RetryTooEarly, RateLimited, ServerError, ServiceUnavailable))
    assert error.retry_after == (float(RETRY_AFTER[status]) if status in RETRY_AFTER else None)
    assert "Some detail" not in str(error)


@pytest.mark.parametrize(
    ("status", "code", "expected", "retryable", "may_have_been_accepted"),
    [
        (400, "CM_CANNOT_SET_CONTACT_DETAILS", ProviderRejected, False, False),
        (400, "CM_INVALID_NHS_NUMBER", ProviderRejected, False, False),
        (401, "CM_DENIED", AuthenticationFailed, False, False),
        (403, "CM_SERVICE_BAN", AuthenticationFailed, False, False),
        (404, "CM_NO_SUCH_ROUTING_PLAN", RoutingPlanUnusable, False, False),
        (404, "CM_NOT_FOUND", ProviderRejected, False, False),
        (408, "CM_TIMEOUT", ServerError, True, True),
        (409, "CM_SOMETHING_NEW", ProviderRejected, False, False),
        (413, "CM_TOO_MANY_ITEMS", ProviderRejected, False, False),
        (422, "CM_DUPLICATE_REQUEST", DuplicateRequest, False, True),
        (425, "CM_RETRY_TOO_EARLY", RetryTooEarly, True, True),
        (429, "CM_QUOTA", RateLimited, True, False),
        (500, "CM_INTERNAL_SERVER_ERROR", ServerError, True, True),
        (500, "CM_MISSING_ROUTING_PLAN_TEMPLATE", RoutingPlanUnusable, False, False),
        (500, "CM_ROUTING_PLAN_DUPLICATE_TEMPLATES", RoutingPlanUnusable, False, False),
        (502, "CM_BAD_GATEWAY", ServerError, True, True),
        (503, "CM_SERVICE_UNAVAILABLE", ServiceUnavailable, True, False),
        (504, "CM_TIMEOUT", ServerError, True, True),
        (599, "CM_SOMETHING_NEW", ServerError, True, True),
    ],
)
def test_each_status_and_code_on_a_send(status, code, expected, retryable, may_have_been_accepted):
    error = error_for_response(
        status=status,
        body=error_body(status, code),
        retry_after_header=None,
        references=("m-0",),
        endpoint="create_message",
    )
    assert type(error) is expected
    assert (error.retryable, error.may_have_been_accepted) == (retryable, may_have_been_accepted)
    assert error.codes == (code,)


def test_a_body_that_is_not_json_api_still_classifies_by_status():
    error = error_for_response(status=502, body=None, retry_after_header="7", endpoint="create_message")
    assert type(error) is ServerError
    assert (error.codes, error.problems, error.retry_after) == ((), (), 7.0)
    assert str(error) == "NHS Notify failed to process the request; HTTP 502; retry after 7 s"


def test_a_rejected_batch_maps_each_problem_to_its_message_and_keeps_patient_data_out_of_the_message():
    # given a 400 naming the 2nd and 4th messages of a batch, with a detail echoing a value
    body = {
        "errors": [
            {
                "code": "CM_INVALID_NHS_NUMBER",
                "status": "400",
                "title": "Invalid nhs number",
                "detail": f"The value {NHS_NUMBER} is not a valid NHS number.",
                "source": {"pointer": "/data/attributes/messages/1/recipient/nhsNumber"},
            },
            {
                "code": "CM_MISSING_VALUE",
                "status": "400",
                "title": "Missing property",
                "detail": "The property at the specified location is required.",
                "source": {"pointer": "/data/attributes/messages/3/messageReference"},
            },
            {
                "code": "CM_INVALID_VALUE",
                "status": "400",
                "title": "Invalid value",
                "detail": "Bad plan.",
                "source": {"pointer": "/data/attributes/routingPlanId"},
            },
        ]
    }
    # when it is classified
    error = error_for_response(
        status=400, body=body, retry_after_header=None, references=("a", "b", "c", "d"), batch=True
    )
    # then each problem names its message and field, and the message holds no patient data
    assert type(error) is ProviderRejected
    assert [(p.code, p.message_reference, p.field) for p in error.problems] == [
        ("CM_INVALID_NHS_NUMBER", "b", "recipient/nhsNumber"),
        ("CM_MISSING_VALUE", "d", "messageReference"),
        ("CM_INVALID_VALUE", None, "routingPlanId"),
    ]
    assert sorted(error.problems_by_reference, key=str) == [None, "b", "d"]
    assert error.codes == ("CM_INVALID_NHS_NUMBER", "CM_MISSING_VALUE", "CM_INVALID_VALUE")
    assert str(error) == (
        "NHS Notify rejected the request (3 problems, 2 messages); HTTP 400; "
        "codes CM_INVALID_NHS_NUMBER, CM_MISSING_VALUE, CM_INVALID_VALUE"
    )
    assert NHS_NUMBER not in str(error)
    assert error.problems[0].detail == f"The value {NHS_NUMBER} is not a valid NHS number."


@pytest.mark.parametrize(
    ("pointer", "batch", "expected"),
    [
        ("/data/attributes/messages/3/recipient/nhsNumber", True, ("m3", "recipient/nhsNumber")),
        ("/data/attributes/messages/0/personalisation/first~1name", True, ("m0", "personalisation/first/name")),
        ("/data/attributes/messages/0", True, ("m0", None)),
        ("/data/attributes/messages/9/recipient", True, (None, "recipient")),
        ("/data/attributes/messageBatchReference", True, (None, "messageBatchReference")),
        ("/data/attributes/recipient/nhsNumber", False, ("m0", "recipient/nhsNumber")),
        ("/data/attributes/messageReference", False, ("m0", "messageReference")),
        ("/data/attributes/routingPlanId", False, (None, "routingPlanId")),
        ("/", False, (None, None)),
        (None, True, (None, None)),
    ],
)
def test_pointers_map_back_to_the_message_reference(pointer, batch, expected):
    references = ("m0",) if not batch else ("m0", "m1", "m2", "m3")
    assert pointer_locate(pointer, references=references, batch=batch) == expected


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("300", 300.0),
        ("5", 5.0),
        ("1.5", 1.5),
        ("0", 0.0),
        ("-4", 0.0),
        (" 60 ", 60.0),
        ("", None),
        (None, None),
        ("soon", None),
        ("nan", None),
        ("Thu, 01 Jan 2026 12:00:30 GMT", 30.0),
        ("Thursday, 01-Jan-26 12:02:00 GMT", 120.0),
        ("Thu, 01 Jan 2026 11:59:00 GMT", 0.0),
    ],
)
def test_retry_after_is_read_as_seconds_or_an_http_date(header, expected):
    with time_machine.travel(datetime(2026, 1, 1, 12, 0, 0, tzinfo=UTC), tick=False):
        assert retry_after_parse(header) == expected
