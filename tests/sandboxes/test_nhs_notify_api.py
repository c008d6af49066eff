"""The NHS Notify sandbox's API: each endpoint, header rule and error, answered in the specification's shape."""

import json

import pytest
import requests

from .nhs_notify_support import (
    JSON_API,
    PLAN_ALL_CHANNELS,
    assert_valid,
    batch_body,
    error_codes,
    message_body,
)


def test_send_one_message_answers_201_with_location_and_a_ksuid(notify_plain):
    # When
    response = requests.post(
        f"{notify_plain.url}/v1/messages",
        json=message_body("ref-1"),
        headers={**JSON_API, "X-Correlation-ID": "corr-123"},
        timeout=5,
    )

    # Then
    assert response.status_code == 201
    assert_valid("create_message", response)
    data = response.json()["data"]
    assert len(data["id"]) == 27 and data["id"].isalnum()
    assert response.headers["Location"] == f"/v1/messages/{data['id']}"
    assert response.headers["X-Correlation-Id"] == "corr-123"
    assert response.headers["Content-Type"] == "application/vnd.api+json"
    assert data["attributes"]["messageReference"] == "ref-1"
    assert data["attributes"]["messageStatus"] == "created"
    assert data["attributes"]["routingPlan"] == {
        "id": PLAN_ALL_CHANNELS,
        "name": "routing-plan-name",
        "version": "ztoe2qRAM8M8vS0bqajhyEBcvXacrGPp",
        "createdDate": "2022-01-01T00:00:00.000Z",
    }
    assert data["links"]["self"] == f"{notify_plain.url}/v1/messages/{data['id']}"


def test_the_api_is_also_served_under_the_real_base_path(notify_plain):
    response = requests.post(
        f"{notify_plain.url}/comms/v1/messages", json=message_body("ref-comms"), headers=JSON_API, timeout=5
    )

    assert response.status_code == 201
    assert response.json()["data"]["links"]["self"].startswith(f"{notify_plain.url}/comms/v1/messages/")


def test_send_a_batch_answers_201_with_an_id_per_message_reference(notify_plain):
    # When
    response = requests.post(
        f"{notify_plain.url}/v1/message-batches", json=batch_body(["a", "b", "c"]), headers=JSON_API, timeout=5
    )

    # Then
    assert response.status_code == 201
    assert_valid("create_message_batch", response)
    data = response.json()["data"]
    assert data["type"] == "MessageBatch"
    assert data["attributes"]["messageBatchReference"] == "batch-1"
    assert [message["messageReference"] for message in data["attributes"]["messages"]] == ["a", "b", "c"]
    assert len({message["id"] for message in data["attributes"]["messages"]} | {data["id"]}) == 4


def test_a_10000_message_batch_is_accepted(notify_plain):
    references = [f"bulk-{index}" for index in range(10_000)]

    response = requests.post(
        f"{notify_plain.url}/v1/message-batches",
        json=batch_body(references, batch_reference="bulk"),
        headers=JSON_API,
        timeout=30,
    )

    assert response.status_code == 201
    assert [message["messageReference"] for message in response.json()["data"]["attributes"]["messages"]] == references
    report = notify_plain.accepted()
    assert report["total"] == 10_000
    assert report["acceptedMoreThanOnce"] == []


def test_get_message_shows_status_and_channels_in_cascade_order_without_contact_details(notify_plain):
    # Given
    body = message_body("ref-get", nhs_number="9990000034", recipient_extra={"contactDetails": {"sms": "07400000001"}})
    created = requests.post(f"{notify_plain.url}/v1/messages", json=body, headers=JSON_API, timeout=5).json()
    notify_plain.wait_idle()

    # When
    response = requests.get(f"{notify_plain.url}/v1/messages/{created['data']['id']}", timeout=5)

    # Then
    assert response.status_code == 200
    assert_valid("get_message", response)
    attributes = response.json()["data"]["attributes"]
    assert attributes["messageStatus"] == "delivered"
    assert [(c["type"], c["cascadeOrder"], c["channelStatus"]) for c in attributes["channels"]] == [
        ("nhsapp", 1, "failed"),
        ("email", 2, "delivered"),
        ("sms", 3, "created"),
        ("letter", 4, "created"),
    ]
    assert "07400000001" not in response.text and "9990000034" not in response.text


def test_a_batch_message_names_its_batch(notify_plain):
    created = requests.post(
        f"{notify_plain.url}/v1/message-batches", json=batch_body(["in-batch"]), headers=JSON_API, timeout=5
    ).json()["data"]

    response = requests.get(f"{notify_plain.url}/v1/messages/{created['attributes']['messages'][0]['id']}", timeout=5)

    assert_valid("get_message", response)
    assert response.json()["data"]["relationships"] == {
        "messageBatch": {"data": {"type": "MessageBatch", "id": created["id"]}}
    }


def test_the_published_sandbox_fixtures_are_served_by_their_ids(notify_plain):
    response = requests.get(f"{notify_plain.url}/v1/messages/2WL4mvx6eBva8dcIK60VEGIfcgZ", timeout=5)

    assert response.status_code == 200
    assert_valid("get_message", response)
    attributes = response.json()["data"]["attributes"]
    assert (attributes["messageStatus"], attributes["messageFailureReasonCode"]) == ("failed", "MFR_PDSV_0110")


def test_unknown_message_id_is_404_cm_not_found(notify_plain):
    response = requests.get(f"{notify_plain.url}/v1/messages/2WL3qFTEFM0qMY8xjRbt1LIKCzX", timeout=5)

    assert response.status_code == 404
    assert_valid("get_message", response)
    assert error_codes(response) == [("404", "CM_NOT_FOUND", None)]


def test_nhsapp_accounts_lists_the_catalogue_patients_with_the_app(notify_plain):
    response = requests.get(
        f"{notify_plain.url}/channels/nhsapp/accounts", params={"ods-organisation-code": "y00001"}, timeout=5
    )

    assert response.status_code == 200
    assert_valid("get_nhsapp_accounts", response)
    document = response.json()
    assert document["data"]["id"] == "Y00001"
    assert {account["nhsNumber"] for account in document["data"]["attributes"]["accounts"]} == {
        "9990548609",
        "9990000018",
        "9990000034",
    }
    assert document["links"] == {
        "last": f"{notify_plain.url}/channels/nhsapp/accounts?ods-organisation-code=Y00001&page=1",
        "self": f"{notify_plain.url}/channels/nhsapp/accounts?ods-organisation-code=Y00001&page=1",
    }


def test_nhsapp_accounts_pages_for_t00001(notify_plain):
    url = f"{notify_plain.url}/channels/nhsapp/accounts"

    first = requests.get(url, params={"ods-organisation-code": "T00001"}, timeout=5)
    past_the_end = requests.get(url, params={"ods-organisation-code": "T00001", "page": "4"}, timeout=5)

    assert first.json()["links"]["next"] == f"{url}?ods-organisation-code=T00001&page=2"
    assert past_the_end.status_code == 404
    assert error_codes(past_the_end) == [("404", "CM_NOT_FOUND", None)]


@pytest.mark.parametrize(
    ("params", "status", "code", "detail"),
    [
        ({}, 400, "CM_INVALID_REQUEST", "Missing ODS Code"),
        ({"ods-organisation-code": "12345"}, 400, "CM_INVALID_REQUEST", "Invalid ODS Code"),
        ({"ods-organisation-code": "T00404"}, 404, "CM_NOT_FOUND", "The resource at the requested URI was not found."),
        (
            {"ods-organisation-code": "T00429"},
            429,
            "CM_QUOTA",
            "This endpoint is currently receiving a high volume of requests and is being rate limited.",
        ),
        ({"ods-organisation-code": "T00502"}, 502, "CM_BAD_GATEWAY", "A downstream service is not responding."),
    ],
)
def test_nhsapp_accounts_errors(notify_plain, params, status, code, detail):
    response = requests.get(f"{notify_plain.url}/channels/nhsapp/accounts", params=params, timeout=5)

    assert response.status_code == status
    assert_valid("get_nhsapp_accounts", response)
    assert [(error["code"], error["detail"]) for error in response.json()["errors"]] == [(code, detail)]


def test_unknown_path_is_404_and_wrong_method_405(notify_plain):
    unknown = requests.get(f"{notify_plain.url}/v1/templates", timeout=5)
    wrong_method = requests.get(f"{notify_plain.url}/v1/messages", timeout=5)

    assert (unknown.status_code, error_codes(unknown)) == (404, [("404", "CM_NOT_FOUND", None)])
    assert (wrong_method.status_code, error_codes(wrong_method)) == (405, [("405", "CM_NOT_ALLOWED", None)])
    assert_valid("create_message", wrong_method)


@pytest.mark.parametrize("accept", ["text/html", "application/xml"])
def test_an_unacceptable_accept_header_is_406(notify_plain, accept):
    response = requests.post(
        f"{notify_plain.url}/v1/messages",
        json=message_body(),
        headers={"Content-Type": "application/json", "Accept": accept},
        timeout=5,
    )

    assert response.status_code == 406
    assert_valid("create_message", response)
    assert response.json()["errors"][0]["source"] == {"header": "Accept"}


@pytest.mark.parametrize("accept", ["*/*", "application/json", "application/vnd.api+json; charset=utf-8"])
def test_acceptable_accept_headers(notify_plain, accept):
    response = requests.post(
        f"{notify_plain.url}/v1/messages",
        json=message_body(f"accept-{accept}"),
        headers={"Content-Type": "application/json", "Accept": accept},
        timeout=5,
    )

    assert response.status_code == 201


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded", None])
def test_an_unsupported_content_type_is_415(notify_plain, content_type):
    headers = {"Content-Type": content_type} if content_type else {}
    response = requests.post(
        f"{notify_plain.url}/v1/messages", data=json.dumps(message_body()).encode(), headers=headers, timeout=5
    )

    assert response.status_code == 415
    assert_valid("create_message", response)
    assert response.json()["errors"][0]["source"] == {"header": "Content-Type"}


def test_a_body_over_5_2_mb_is_413_cm_too_large(notify_plain):
    response = requests.post(
        f"{notify_plain.url}/v1/message-batches", data=b"x" * 5_200_001, headers=JSON_API, timeout=10
    )

    assert response.status_code == 413
    assert_valid("create_message_batch", response)
    assert error_codes(response) == [("413", "CM_TOO_LARGE", "/")]


def test_more_than_45000_messages_is_413_cm_too_many_items(notify_plain):
    body = {
        "data": {
            "type": "MessageBatch",
            "attributes": {
                "routingPlanId": PLAN_ALL_CHANNELS,
                "messageBatchReference": "big",
                "messages": [{}] * 45_001,
            },
        }
    }

    response = requests.post(f"{notify_plain.url}/v1/message-batches", json=body, headers=JSON_API, timeout=30)

    assert response.status_code == 413
    assert_valid("create_message_batch", response)
    assert error_codes(response) == [("413", "CM_TOO_MANY_ITEMS", "/data/attributes/messages")]
    assert notify_plain.accepted()["total"] == 0
