"""Request validation, routing plans and forced errors, with the published gateway's codes and pointers."""

import copy

import pytest
import requests

from notifyadmin.sandboxes.nhs_notify.errors import ApiFailure
from notifyadmin.sandboxes.nhs_notify.spec import specification
from notifyadmin.sandboxes.nhs_notify.validation import Permissions, batch_request_validate, message_request_validate

from .nhs_notify_support import (
    JSON_API,
    PLAN_ALL_CHANNELS,
    assert_valid,
    batch_body,
    error_codes,
    message_body,
)


def _post_message(sandbox, body, **headers):
    return requests.post(f"{sandbox.url}/v1/messages", json=body, headers={**JSON_API, **headers}, timeout=5)


def _post_batch(sandbox, body, **headers):
    return requests.post(f"{sandbox.url}/v1/message-batches", json=body, headers={**JSON_API, **headers}, timeout=10)


def test_every_problem_in_a_message_is_reported_with_its_pointer(notify_plain):
    body = message_body(" ", plan="not-a-uuid", nhs_number="9990548608", originator={"odsCode": 7})
    body["data"]["type"] = "Messages"
    body["data"]["attributes"]["recipient"]["dateOfBirth"] = "1990-01-01"
    body["data"]["attributes"]["personalisation"] = None

    response = _post_message(notify_plain, body)

    assert response.status_code == 400
    assert_valid("create_message", response)
    assert error_codes(response) == [
        ("400", "CM_INVALID_VALUE", "/data/type"),
        ("400", "CM_INVALID_VALUE", "/data/attributes/routingPlanId"),
        ("400", "CM_INVALID_VALUE", "/data/attributes/messageReference"),
        ("400", "CM_INVALID_NHS_NUMBER", "/data/attributes/recipient/nhsNumber"),
        ("400", "CM_INVALID_VALUE", "/data/attributes/originator/odsCode"),
        ("400", "CM_NULL_VALUE", "/data/attributes/personalisation"),
        ("400", "CM_INVALID_VALUE", "/data/attributes/recipient/dateOfBirth"),
    ]
    nhs_number_error = response.json()["errors"][3]
    assert nhs_number_error["links"]["nhsNumbers"] == "https://www.datadictionary.nhs.uk/attributes/nhs_number.html"
    assert nhs_number_error["detail"] == "The value provided in this nhsNumber field is not a valid NHS number."
    assert [error["id"].rsplit(".", 1)[1] for error in response.json()["errors"]] == [str(n) for n in range(7)]


def test_missing_and_null_values(notify_plain):
    body = {"data": {"type": "Message", "attributes": {"routingPlanId": None, "recipient": None}}}

    response = _post_message(notify_plain, body)

    assert error_codes(response) == [
        ("400", "CM_NULL_VALUE", "/data/attributes/routingPlanId"),
        ("400", "CM_MISSING_VALUE", "/data/attributes/messageReference"),
        ("400", "CM_NULL_VALUE", "/data/attributes/recipient"),
    ]
    assert response.json()["errors"][1]["title"] == "Missing property"


def test_a_body_that_is_not_json_is_invalid_at_the_root(notify_plain):
    response = requests.post(f"{notify_plain.url}/v1/messages", data=b"{not json", headers=JSON_API, timeout=5)

    assert (response.status_code, error_codes(response)) == (400, [("400", "CM_INVALID_VALUE", "/")])


def test_malformed_contact_details_are_refused_by_the_official_schema(notify_plain):
    body = message_body(recipient_extra={"contactDetails": {"email": "not-an-email", "address": {"lines": ["one"]}}})

    response = _post_message(notify_plain, body)

    assert error_codes(response) == [
        ("400", "CM_INVALID_VALUE", "/data/attributes/recipient/contactDetails/email"),
        ("400", "CM_INVALID_VALUE", "/data/attributes/recipient/contactDetails/address/lines"),
    ]


def test_duplicate_message_references_in_a_batch_are_400_cm_duplicate_value(notify_plain):
    response = _post_batch(notify_plain, batch_body(["a", "b", "a", "a"]))

    assert response.status_code == 400
    assert_valid("create_message_batch", response)
    assert error_codes(response) == [
        ("400", "CM_DUPLICATE_VALUE", "/data/attributes/messages/2/messageReference"),
        ("400", "CM_DUPLICATE_VALUE", "/data/attributes/messages/3/messageReference"),
    ]
    assert notify_plain.accepted()["total"] == 0


def test_an_empty_batch_is_400_cm_too_few_items(notify_plain):
    response = _post_batch(notify_plain, batch_body([]))

    assert error_codes(response) == [("400", "CM_TOO_FEW_ITEMS", "/data/attributes/messages")]


def test_at_most_100_validation_errors_are_returned(notify_plain):
    body = batch_body([f"ref-{n}" for n in range(150)], nhs_number="1234567890")

    response = _post_batch(notify_plain, body)

    errors = response.json()["errors"]
    assert len(errors) == 100
    assert {error["code"] for error in errors} == {"CM_INVALID_NHS_NUMBER"}
    assert errors[99]["source"]["pointer"] == "/data/attributes/messages/99/recipient/nhsNumber"


def test_unknown_properties_in_a_batch_message_are_refused_by_the_item_schema(notify_plain):
    body = batch_body(["a", "b"])
    body["data"]["attributes"]["messages"][1]["recipient"]["dateOfBirth"] = "1990-01-01"

    response = _post_batch(notify_plain, body)

    assert error_codes(response) == [("400", "CM_INVALID_VALUE", "/data/attributes/messages/1/recipient/dateOfBirth")]


@pytest.mark.parametrize(
    "message",
    [
        {"messageReference": "r", "recipient": {"nhsNumber": "9990548609"}},
        {"messageReference": "r", "recipient": {}, "personalisation": {"a": 1}},
        {"messageReference": "r", "recipient": {"nhsNumber": "9990548609"}, "billingReference": None},
        {"messageReference": "r", "recipient": {"nhsNumber": "9990548609"}, "originator": None},
        {"messageReference": "r", "recipient": {"nhsNumber": "9990548609"}, "originator": {"odsCode": "X26", "x": 1}},
        {"messageReference": "r", "recipient": {"nhsNumber": "9990548609", "contactDetails": {"sms": 7}}},
        {"messageReference": "r", "recipient": {"nhsNumber": "9990548609"}, "extra": True},
        {"messageReference": "r", "recipient": {"nhsNumber": "99905486090"}},
        {"messageReference": "r", "recipient": {"nhsNumber": 9990548609}},
        {"messageReference": "r", "recipient": {"nhsNumber": "9990548609"}, "unknownAttribute": 1},
        {"messageReference": "r", "recipient": {"contactDetails": {"address": {"lines": ["a"]}}}},
    ],
)
def test_a_message_the_sandbox_accepts_is_valid_under_the_official_schemas(message):
    # The fast path skips jsonschema for plain messages: it must never accept what the schema refuses.
    body = batch_body(["placeholder"])
    body["data"]["attributes"]["messages"] = [copy.deepcopy(message)]
    schema_valid = specification().request_validator("Message").is_valid(message)

    try:
        batch_request_validate(body, authorization="", permissions=Permissions())
        accepted = True
    except ApiFailure:
        accepted = False

    single = {"data": {"type": "Message", "attributes": {"routingPlanId": PLAN_ALL_CHANNELS, **copy.deepcopy(message)}}}
    single_schema_valid = specification().request_validator("CreateMessage").is_valid(single)
    try:
        message_request_validate(single, authorization="", permissions=Permissions())
        single_accepted = True
    except ApiFailure:
        single_accepted = False

    assert not accepted or schema_valid
    assert not single_accepted or single_schema_valid


@pytest.mark.parametrize(
    ("plan", "status", "code", "pointer"),
    [
        (
            "c8857ccf-06ec-483f-9b3a-7fc732d9ad48",
            500,
            "CM_MISSING_ROUTING_PLAN_TEMPLATE",
            "/data/attributes/routingPlanId",
        ),
        (
            "aeb16ab8-cb9c-4d23-92e9-87c78119175c",
            500,
            "CM_MISSING_ROUTING_PLAN_TEMPLATE",
            "/data/attributes/routingPlanId",
        ),
        (
            "a3a4e55d-7a21-45a6-9286-8eb595c872a8",
            500,
            "CM_ROUTING_PLAN_DUPLICATE_TEMPLATES",
            "/data/attributes/routingPlanId",
        ),
        ("3bb82e6a-9873-4683-b2b9-fdf33c9ba86f", 500, "CM_INTERNAL_SERVER_ERROR", None),
        ("d895ade5-0029-4fc3-9fb5-86e1e5370854", 425, "CM_RETRY_TOO_EARLY", None),
        ("868796f9-7ce3-4730-9f1e-23aa766edea3", 404, "CM_NO_SUCH_ROUTING_PLAN", "/data/attributes/routingPlan"),
    ],
)
@pytest.mark.parametrize("endpoint", ["create_message", "create_message_batch"])
def test_routing_plans_that_fail_as_the_published_sandbox_does(notify_plain, plan, status, code, pointer, endpoint):
    if endpoint == "create_message":
        response = _post_message(notify_plain, message_body(plan=plan))
    else:
        response = _post_batch(notify_plain, batch_body(["a"], plan=plan))

    assert response.status_code == status
    assert_valid(endpoint, response)
    assert error_codes(response) == [(str(status), code, pointer)]
    assert response.headers.get("Retry-After") == ("300" if status == 425 else None)
    assert notify_plain.accepted()["total"] == 0


@pytest.mark.parametrize("number", range(1, 8))
def test_the_free_text_routing_plans_are_accepted(notify_plain, number):
    response = _post_message(
        notify_plain, message_body(f"free-{number}", plan=f"00000000-0000-0000-0000-00000000000{number}")
    )

    assert response.status_code == 201


@pytest.mark.parametrize(
    ("prefer", "status", "code", "retry_after"),
    [
        ("code=401", 401, "CM_DENIED", None),
        ("code=403", 403, "CM_FORBIDDEN", None),
        ("code=403.1", 403, "CM_SERVICE_BAN", None),
        ("code=404", 404, "CM_NOT_FOUND", None),
        ("code=408", 408, "CM_TIMEOUT", None),
        ("code=422", 422, "CM_DUPLICATE_REQUEST", None),
        ("code=422_message", 422, "CM_DUPLICATE_REQUEST", None),
        ("code=425", 425, "CM_RETRY_TOO_EARLY", "300"),
        ("code=429", 429, "CM_QUOTA", "5"),
        ("code=500", 500, "CM_INTERNAL_SERVER_ERROR", None),
        ("code=503", 503, "CM_SERVICE_UNAVAILABLE", "5"),
        ("code=504", 504, "CM_TIMEOUT", None),
    ],
)
def test_prefer_forces_the_error_with_its_retry_after(notify_plain, prefer, status, code, retry_after):
    response = requests.get(
        f"{notify_plain.url}/v1/messages/2WL3qFTEFM0qMY8xjRbt1LIKCzM", headers={"Prefer": prefer}, timeout=5
    )

    assert response.status_code == status
    # get_message's specification lists no 422 or 425: check those against create_message's.
    assert_valid("create_message" if status in (422, 425) else "get_message", response)
    assert [error["code"] for error in response.json()["errors"]] == [code]
    assert response.headers.get("Retry-After") == retry_after
    assert notify_plain.accepted()["total"] == 0


def test_prefer_404_on_a_send_is_no_such_routing_plan(notify_plain):
    response = _post_message(notify_plain, message_body(), Prefer="code=404")

    assert_valid("create_message", response)
    assert error_codes(response) == [("404", "CM_NO_SUCH_ROUTING_PLAN", "/data/attributes/routingPlan")]


def test_prefer_422_batch_and_502_on_their_endpoints(notify_plain):
    batch = _post_batch(notify_plain, batch_body(["a"]), Prefer="code=422_batch")
    accounts = requests.get(
        f"{notify_plain.url}/channels/nhsapp/accounts",
        params={"ods-organisation-code": "Y00001"},
        headers={"Prefer": "code=502"},
        timeout=5,
    )

    assert_valid("create_message_batch", batch)
    assert error_codes(batch) == [("422", "CM_DUPLICATE_REQUEST", "/data/attributes/messageBatchReference")]
    assert_valid("get_nhsapp_accounts", accounts)
    assert error_codes(accounts) == [("502", "CM_BAD_GATEWAY", None)]


@pytest.mark.parametrize(
    ("authorization", "body_extra", "code", "pointer"),
    [
        (
            "noOdsChange",
            {"originator": {"odsCode": "X123"}},
            "CM_CANNOT_SET_ODS_CODE",
            "/data/attributes/originator/odsCode",
        ),
        ("noDefaultOds", {}, "CM_ODS_CODE_REQUIRED", "/data/attributes/originator"),
        (
            "notAllowedContactDetailOverride",
            {"recipient_extra": {"contactDetails": {"sms": "07400000001"}}},
            "CM_CANNOT_SET_CONTACT_DETAILS",
            "/data/attributes/recipient/contactDetails",
        ),
    ],
)
def test_sandbox_authorization_values_switch_permissions_off(notify_plain, authorization, body_extra, code, pointer):
    response = _post_message(notify_plain, message_body(**body_extra), Authorization=authorization)

    assert response.status_code == 400
    assert error_codes(response) == [("400", code, pointer)]


@pytest.mark.parametrize(
    ("authorization", "status", "code"),
    [
        ("Bearer InvalidMockToken", 401, "CM_DENIED"),
        ("Bearer ClientNotRecognised", 403, "CM_FORBIDDEN"),
        ("banned", 403, "CM_SERVICE_BAN"),
    ],
)
def test_sandbox_authorization_values_for_access_errors(notify_plain, authorization, status, code):
    response = _post_message(notify_plain, message_body(), Authorization=authorization)

    assert response.status_code == status
    assert_valid("create_message", response)
    assert response.json()["errors"][0]["code"] == code


def test_a_routing_plan_is_checked_after_the_body(notify_plain):
    body = message_body(plan="868796f9-7ce3-4730-9f1e-23aa766edea3", nhs_number="1234567890")

    response = _post_message(notify_plain, body)

    assert error_codes(response) == [("400", "CM_INVALID_NHS_NUMBER", "/data/attributes/recipient/nhsNumber")]
