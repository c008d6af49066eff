"""Signed callbacks: paths, headers, HMAC, bodies per the specification, batching, retries, duplicate and out-of-order faults."""

import hashlib
import hmac
import json
import re

import requests

from notifyadmin.sandboxes.nhs_notify.callbacks import signature
from notifyadmin.sandboxes.nhs_notify.spec import callback_problems

from .nhs_notify_support import API_KEY, APPLICATION_ID, JSON_API, PLAN_SMS_ONLY, batch_body, message_body

MESSAGE_STATUS_PATH = "/callbacks/nhs-notify/message-status"
CHANNEL_STATUS_PATH = "/callbacks/nhs-notify/channel-status"


def _send(sandbox, reference, **kwargs):
    response = requests.post(
        f"{sandbox.url}/v1/messages", json=message_body(reference, **kwargs), headers=JSON_API, timeout=5
    )
    assert response.status_code == 201
    return response.json()["data"]["id"]


def test_one_message_gives_signed_callbacks_for_every_status_change(notify, notify_receiver):
    # When
    message_id = _send(notify, "cb-1", plan=PLAN_SMS_ONLY)
    notify.wait_idle()

    # Then: message statuses, in order
    message_items = notify_receiver.items("message-status")
    assert [item["attributes"]["messageStatus"] for item in message_items] == [
        "pending_enrichment",
        "enriched",
        "sending",
        "delivered",
    ]
    assert message_items[-1]["attributes"]["channels"] == [{"type": "sms", "channelStatus": "delivered"}]
    # and channel statuses, in order
    channel_items = notify_receiver.items("channel-status")
    assert [
        (i["attributes"]["channel"], i["attributes"]["channelStatus"], i["attributes"].get("supplierStatus"))
        for i in channel_items
    ] == [
        ("sms", "sending", None),
        ("sms", "delivered", "delivered"),
    ]
    for item in message_items + channel_items:
        assert item["attributes"]["messageId"] == message_id
        assert item["attributes"]["messageReference"] == "cb-1"
        assert item["links"]["message"] == f"{notify.url}/comms/v1/messages/{message_id}"
        assert re.fullmatch(r"[0-9a-f]{64}", item["meta"]["idempotencyKey"])
    keys = [item["meta"]["idempotencyKey"] for item in message_items + channel_items]
    assert len(set(keys)) == len(keys)


def test_every_post_is_authenticated_signed_and_valid_per_the_specification(notify, notify_receiver):
    _send(notify, "cb-signed")
    notify.wait_idle()

    assert notify_receiver.posts
    for post in notify_receiver.posts:
        expected = hmac.new(f"{APPLICATION_ID}.{API_KEY}".encode(), post["body"], hashlib.sha256).hexdigest()
        assert post["headers"]["x-hmac-sha256-signature"] == expected
        assert post["headers"]["x-api-key"] == API_KEY
        assert post["headers"]["content-type"] == "application/vnd.api+json"
        assert post["path"] in (MESSAGE_STATUS_PATH, CHANNEL_STATUS_PATH)
        kind = "message_status" if post["path"] == MESSAGE_STATUS_PATH else "channel_status"
        assert callback_problems(kind, json.loads(post["body"])) == []


def test_the_signature_helper_matches_the_documented_recipe():
    assert (
        signature(b'{"data":[]}', application_id="app", api_key="key")
        == hmac.new(b"app.key", b'{"data":[]}', hashlib.sha256).hexdigest()
    )


def test_many_due_items_share_a_post_of_at_most_100(notify, notify_receiver):
    response = requests.post(
        f"{notify.url}/v1/message-batches",
        json=batch_body([f"many-{n}" for n in range(150)], plan=PLAN_SMS_ONLY),
        headers=JSON_API,
        timeout=5,
    )
    assert response.status_code == 201
    notify.wait_idle()

    sizes = [len(json.loads(post["body"])["data"]) for post in notify_receiver.posts]
    assert max(sizes) == 100
    assert len(notify_receiver.items("message-status")) == 150 * 4
    assert len(notify_receiver.items("channel-status")) == 150 * 2


def test_a_failed_post_is_retried_with_the_same_body(notify, notify_receiver):
    # Given: the receiver fails the first two POSTs
    notify_receiver.answers.extend([(500, {}), (429, {"Retry-After": "0"})])

    # When
    _send(notify, "cb-retry", plan=PLAN_SMS_ONLY)
    notify.wait_idle(timeout=15)

    # Then
    statuses = [post["status"] for post in notify_receiver.posts]
    assert statuses[:2] == [500, 429]
    retried = [post["body"] for post in notify_receiver.posts if post["body"] == notify_receiver.posts[0]["body"]]
    assert len(retried) >= 2
    assert len(notify_receiver.items("message-status")) == 4
    assert notify.callback_report()["itemsDelivered"] == 6


def test_a_negative_retry_after_stops_retrying_that_post(notify, notify_receiver):
    notify_receiver.answers.append((429, {"Retry-After": "-1"}))

    _send(notify, "cb-stop", plan=PLAN_SMS_ONLY)
    notify.wait_idle()

    first_body = notify_receiver.posts[0]["body"]
    assert [post["body"] for post in notify_receiver.posts].count(first_body) == 1


def test_duplicate_fault_delivers_each_item_twice_with_the_same_idempotency_key(notify, notify_receiver):
    notify.faults(callback_duplicate=1.0, seed=3)

    _send(notify, "cb-dup", plan=PLAN_SMS_ONLY)
    notify.wait_idle()

    keys = [item["meta"]["idempotencyKey"] for item in notify_receiver.items()]
    assert len(keys) == 12
    assert all(keys.count(key) == 2 for key in keys)


def test_out_of_order_fault_delivers_later_statuses_first_but_each_once(notify, notify_receiver):
    notify.faults(callback_out_of_order=0.5, seed=11)

    for n in range(5):
        _send(notify, f"cb-order-{n}", plan=PLAN_SMS_ONLY)
    notify.wait_idle()

    canonical = ["pending_enrichment", "enriched", "sending", "delivered"]
    by_message: dict[str, list[str]] = {}
    for item in notify_receiver.items("message-status"):
        by_message.setdefault(item["attributes"]["messageReference"], []).append(item["attributes"]["messageStatus"])
    assert all(sorted(statuses, key=canonical.index) == canonical for statuses in by_message.values())
    assert any(statuses != canonical for statuses in by_message.values())
    keys = [item["meta"]["idempotencyKey"] for item in notify_receiver.items()]
    assert len(keys) == len(set(keys)) == 5 * 6


def test_no_callback_url_means_no_callbacks(notify_plain):
    _send(notify_plain, "quiet")
    notify_plain.wait_idle()

    assert notify_plain.callback_report() == {"configured": False, "itemsDelivered": 0, "posts": []}
