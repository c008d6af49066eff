"""NHS Notify's delivery callbacks: authenticated, applied once, never backwards."""

import hashlib
import hmac
import json
import uuid

import pytest
from django.test import Client, override_settings

from notifyadmin.sending.models import Message, MessageEvent
from notifyadmin.sending.status import MessageStatus

from .conftest import events_of, statuses

pytestmark = pytest.mark.django_db

KEY, APP = "callback-key-for-tests", "app-for-tests"
MESSAGE_URL = "/callbacks/nhs-notify/message-status"
CHANNEL_URL = "/callbacks/nhs-notify/channel-status"


def _sign(body: bytes) -> str:
    return hmac.new(f"{APP}.{KEY}".encode(), body, hashlib.sha256).hexdigest()


def post(url: str, document: object, *, key: str = KEY, signature: str | None = None):
    body = json.dumps(document).encode()
    return Client().post(
        url,
        body,
        content_type="application/vnd.api+json",
        headers={"x-api-key": key, "x-hmac-sha256-signature": signature if signature is not None else _sign(body)},
    )


def message_item(reference, status, *, key=None, notify_id="2WL3qFTEFM0qMY8xjRbt1LIKCzM", **extra):
    return {
        "type": "MessageStatus",
        "attributes": {
            "messageId": notify_id,
            "messageReference": str(reference),
            "messageStatus": status,
            "timestamp": "2026-11-30T10:00:00.000Z",
            "routingPlan": {"id": "00000000-0000-0000-0000-000000000001", "name": "Plan", "version": "1"},
            **extra,
        },
        "links": {"message": "https://example.invalid/v1/messages/x"},
        "meta": {"idempotencyKey": key or uuid.uuid4().hex * 2},
    }


def channel_item(reference, channel, channel_status, supplier_status="", *, key=None):
    return {
        "type": "ChannelStatus",
        "attributes": {
            "messageId": "2WL3qFTEFM0qMY8xjRbt1LIKCzM",
            "messageReference": str(reference),
            "cascadeType": "primary",
            "cascadeOrder": 1,
            "channel": channel,
            "channelStatus": channel_status,
            "supplierStatus": supplier_status,
            "timestamp": "2026-11-30T10:00:00.000Z",
            "retryCount": 0,
        },
        "links": {"message": "https://example.invalid/v1/messages/x"},
        "meta": {"idempotencyKey": key or uuid.uuid4().hex * 2},
    }


@pytest.fixture(autouse=True)
def _keys():
    with override_settings(NOTIFY_CALLBACK_API_KEY=KEY, NOTIFY_APPLICATION_ID=APP):
        yield


def test_a_wrong_api_key_is_401_and_changes_nothing(make_messages):
    (message,) = make_messages(1, status=MessageStatus.ACCEPTED)
    response = post(MESSAGE_URL, {"data": [message_item(message.id, "delivered")]}, key="wrong")
    assert response.status_code == 401
    assert response.json()["title"] == "The x-api-key header is missing or wrong."
    assert statuses([message]) == {MessageStatus.ACCEPTED: 1}


def test_a_forged_signature_is_403_and_changes_nothing(make_messages):
    (message,) = make_messages(1, status=MessageStatus.ACCEPTED)
    response = post(MESSAGE_URL, {"data": [message_item(message.id, "delivered")]}, signature="0" * 64)
    assert response.status_code == 403
    assert statuses([message]) == {MessageStatus.ACCEPTED: 1}


@pytest.mark.parametrize(
    ("document", "problem"),
    [
        ({"data": []}, "The body needs a non-empty data list."),
        ({"data": [{"type": "ChannelStatus"}]}, "data[0].type must be MessageStatus."),
        (
            {"data": [{"type": "MessageStatus", "attributes": {}, "meta": {}}]},
            "data[0].attributes.messageId is missing.",
        ),
    ],
)
def test_malformed_bodies_are_400_naming_the_problem(document, problem):
    response = post(MESSAGE_URL, document)
    assert (response.status_code, response.json()["title"]) == (400, problem)


def test_delivered_moves_an_accepted_message_and_records_its_notify_id(make_messages):
    (message,) = make_messages(1, status=MessageStatus.ACCEPTED)
    response = post(MESSAGE_URL, {"data": [message_item(message.id, "delivered")]})
    assert response.status_code == 202
    stored = Message.objects.get(id=message.id)
    assert (stored.status, stored.notify_message_id) == (MessageStatus.DELIVERED, "2WL3qFTEFM0qMY8xjRbt1LIKCzM")


def test_a_repeated_callback_is_applied_once(make_messages):
    (message,) = make_messages(1, status=MessageStatus.ACCEPTED)
    item = message_item(message.id, "failed", messageFailureReasonCode="MFR_PDSV_0002")
    assert post(MESSAGE_URL, {"data": [item]}).status_code == 202
    assert post(MESSAGE_URL, {"data": [item]}).status_code == 202
    assert events_of(message) == [(MessageStatus.ACCEPTED, MessageStatus.FAILED)]
    assert Message.objects.get(id=message.id).status_reason == "MFR_PDSV_0002"


def test_out_of_order_receipts_never_move_a_status_backwards(make_messages):
    # Given a message whose NHS App message was read
    (message,) = make_messages(1, status=MessageStatus.ACCEPTED)
    assert post(CHANNEL_URL, {"data": [channel_item(message.id, "nhsapp", "delivered", "read")]}).status_code == 202
    # When the earlier "delivered" and a stray "failed" arrive late
    post(MESSAGE_URL, {"data": [message_item(message.id, "delivered")]})
    post(MESSAGE_URL, {"data": [message_item(message.id, "failed")]})
    # Then it stays read
    assert statuses([message]) == {MessageStatus.READ: 1}


def test_a_receipt_for_an_unknown_reference_is_accepted_and_logged_without_it(caplog, make_messages):
    unknown = uuid.uuid4()
    response = post(
        MESSAGE_URL, {"data": [message_item(unknown, "delivered"), message_item("not-a-uuid", "delivered")]}
    )
    assert response.status_code == 202
    assert str(unknown) not in caplog.text
    assert MessageEvent.objects.count() == 0


def test_channel_progress_is_kept_in_the_history(make_messages):
    (message,) = make_messages(1, status=MessageStatus.ACCEPTED)
    post(CHANNEL_URL, {"data": [channel_item(message.id, "sms", "sending", "notified")]})
    event = MessageEvent.objects.get(message_id=message.id)
    assert (event.status, event.channel, event.channel_status, event.supplier_status) == (
        MessageStatus.ACCEPTED,
        "sms",
        "sending",
        "notified",
    )


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        ({"messageId": "2WL3qFTEFM0qMY8xjRbt1LIKCzM" * 2}, "data[0].attributes.messageId is not an NHS Notify id."),
        (
            {"messageId": "2WL3qFTEFM0qMY8xjRbt1LI\x00CzM"},
            "data[0].attributes.messageId has characters that cannot be read.",
        ),
        ({"messageId": "2WL3qFTEFM0qMY8xjRbt1LIKC-M"}, "data[0].attributes.messageId is not an NHS Notify id."),
        ({"messageStatus": "delivered" * 4}, "data[0].attributes.messageStatus is not a status."),
        (
            {"messageStatusDescription": "Delivered\x00"},
            "data[0].attributes.messageStatusDescription has characters that cannot be read.",
        ),
        ({"messageStatus": "deli\x00vered"}, "data[0].attributes.messageStatus has characters that cannot be read."),
        ({"meta": {"idempotencyKey": "a\x00b"}}, "data[0].meta.idempotencyKey must be 1 to 64 printable characters."),
        ({"meta": {"idempotencyKey": "k" * 65}}, "data[0].meta.idempotencyKey must be 1 to 64 printable characters."),
        ({"meta": {}}, "data[0].meta.idempotencyKey must be 1 to 64 printable characters."),
    ],
)
def test_a_signed_callback_with_unreadable_values_is_400_and_changes_nothing(make_messages, change, problem):
    (message,) = make_messages(1, status=MessageStatus.ACCEPTED)
    item = message_item(message.id, "delivered")
    if "meta" in change:
        item["meta"] = change["meta"]
    else:
        item["attributes"].update(change)

    response = post(MESSAGE_URL, {"data": [item]})

    assert (response.status_code, response.json()["title"]) == (400, problem)
    message.refresh_from_db()
    assert (message.status, message.notify_message_id) == (MessageStatus.ACCEPTED, "")


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        ({"supplierStatus": "read" * 10}, "data[0].attributes.supplierStatus is not a status."),
        ({"channelStatus": "delivered\x07"}, "data[0].attributes.channelStatus has characters that cannot be read."),
    ],
)
def test_a_signed_channel_receipt_with_unreadable_values_is_400_and_records_nothing(make_messages, change, problem):
    (message,) = make_messages(1, status=MessageStatus.ACCEPTED)
    item = channel_item(message.id, "nhsapp", "delivered", "read")
    item["attributes"].update(change)
    events_before = MessageEvent.objects.filter(message=message).count()

    response = post(CHANNEL_URL, {"data": [item]})

    assert (response.status_code, response.json()["title"]) == (400, problem)
    message.refresh_from_db()
    assert message.status == MessageStatus.ACCEPTED
    assert MessageEvent.objects.filter(message=message).count() == events_before


def test_a_description_over_several_lines_is_still_applied(make_messages):
    (message,) = make_messages(1, status=MessageStatus.ACCEPTED)
    item = message_item(message.id, "failed", messageStatusDescription="Permanent failure.\nNumber not in use.")

    assert post(MESSAGE_URL, {"data": [item]}).status_code == 202
    message.refresh_from_db()
    assert (message.status, message.status_detail) == (MessageStatus.FAILED, "Permanent failure.\nNumber not in use.")
