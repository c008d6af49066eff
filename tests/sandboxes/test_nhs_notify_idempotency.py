"""Idempotency as NHS Notify does it: a reference seen before is 422, one still being processed is 425."""

import threading
import time

import requests

from .nhs_notify_support import JSON_API, assert_valid, batch_body, error_codes, message_body


def _post(sandbox, path, body):
    return requests.post(f"{sandbox.url}{path}", json=body, headers=JSON_API, timeout=10)


def test_a_message_reference_sent_again_is_422_and_accepted_once(notify_plain):
    # Given
    first = _post(notify_plain, "/v1/messages", message_body("same-ref"))

    # When
    again = _post(notify_plain, "/v1/messages", message_body("same-ref"))

    # Then
    assert first.status_code == 201
    assert again.status_code == 422
    assert_valid("create_message", again)
    assert error_codes(again) == [("422", "CM_DUPLICATE_REQUEST", "/data/attributes/messageReference")]
    assert again.json()["errors"][0]["detail"] == "Request exists with identical messageReference"
    report = notify_plain.accepted()
    assert [(m["messageReference"], m["accepted"]) for m in report["messages"]] == [("same-ref", 1)]


def test_a_batch_reference_sent_again_is_422(notify_plain):
    _post(notify_plain, "/v1/message-batches", batch_body(["a", "b"], batch_reference="batch-x"))

    again = _post(notify_plain, "/v1/message-batches", batch_body(["c"], batch_reference="batch-x"))

    assert again.status_code == 422
    assert_valid("create_message_batch", again)
    assert error_codes(again) == [("422", "CM_DUPLICATE_REQUEST", "/data/attributes/messageBatchReference")]
    assert notify_plain.accepted()["total"] == 2


def test_a_batch_repeating_an_accepted_message_reference_is_422_and_accepts_nothing(notify_plain):
    _post(notify_plain, "/v1/messages", message_body("already-sent"))

    response = _post(notify_plain, "/v1/message-batches", batch_body(["new", "already-sent"], batch_reference="b2"))

    assert response.status_code == 422
    assert_valid("create_message_batch", response)
    assert error_codes(response) == [("422", "CM_DUPLICATE_REQUEST", "/data/attributes/messages/1/messageReference")]
    assert sorted(m["messageReference"] for m in notify_plain.accepted()["messages"]) == ["already-sent"]


def test_a_repeat_while_the_first_is_still_processed_is_425_with_retry_after_300(notify_plain):
    # Given: the first request is held for a while after claiming its reference
    notify_plain.faults(latency_ms=1500)
    results = {}
    first = threading.Thread(
        target=lambda: results.update(first=_post(notify_plain, "/v1/messages", message_body("slow")))
    )
    first.start()
    deadline = time.monotonic() + 5
    while notify_plain.accepted()["inFlight"] == 0 and time.monotonic() < deadline:
        time.sleep(0.005)

    # When
    notify_plain.faults(latency_ms=0)
    repeat = _post(notify_plain, "/v1/messages", message_body("slow"))
    first.join()
    after = _post(notify_plain, "/v1/messages", message_body("slow"))

    # Then
    assert repeat.status_code == 425
    assert repeat.headers["Retry-After"] == "300"
    assert_valid("create_message", repeat)
    assert error_codes(repeat) == [("425", "CM_RETRY_TOO_EARLY", None)]
    assert results["first"].status_code == 201
    assert after.status_code == 422
    assert [(m["messageReference"], m["accepted"]) for m in notify_plain.accepted()["messages"]] == [("slow", 1)]


def test_a_refused_request_releases_its_references(notify_plain):
    # Given: a request refused after validation (unknown routing plan) claims nothing
    refused = _post(notify_plain, "/v1/messages", message_body("retry-me", plan="868796f9-7ce3-4730-9f1e-23aa766edea3"))

    # When
    accepted = _post(notify_plain, "/v1/messages", message_body("retry-me"))

    # Then
    assert (refused.status_code, accepted.status_code) == (404, 201)
    assert notify_plain.accepted()["inFlight"] == 0
