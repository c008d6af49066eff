"""Fault injection through the control API: 429, 5xx, timeouts, latency, accepted-then-dropped, reset."""

import time

import pytest
import requests

from .nhs_notify_support import JSON_API, assert_valid, message_body


def _control(sandbox, path, body=None):
    if body is None:
        return requests.get(f"{sandbox.url}/_sandbox{path}", timeout=5)
    return requests.post(f"{sandbox.url}/_sandbox{path}", json=body, timeout=5)


def _send(sandbox, reference, timeout=5.0):
    return requests.post(f"{sandbox.url}/v1/messages", json=message_body(reference), headers=JSON_API, timeout=timeout)


def test_rate_429_answers_cm_quota_with_retry_after_and_accepts_nothing(notify_plain):
    _control(notify_plain, "/faults", {"rate_429": 1, "retry_after_429": 7})

    response = _send(notify_plain, "quota")

    assert response.status_code == 429
    assert response.headers["Retry-After"] == "7"
    assert_valid("create_message", response)
    assert notify_plain.accepted()["total"] == 0


@pytest.mark.parametrize(
    ("status", "code"),
    [(500, "CM_INTERNAL_SERVER_ERROR"), (502, "CM_BAD_GATEWAY"), (503, "CM_SERVICE_UNAVAILABLE"), (504, "CM_TIMEOUT")],
)
def test_rate_5xx_answers_the_chosen_server_error(notify_plain, status, code):
    _control(notify_plain, "/faults", {"rate_5xx": 1, "error_statuses": [status]})

    response = requests.get(f"{notify_plain.url}/v1/messages/2WL3qFTEFM0qMY8xjRbt1LIKCzM", timeout=5)

    assert response.status_code == status
    assert [error["code"] for error in response.json()["errors"]] == [code]
    assert response.headers.get("Retry-After") == ("5" if status == 503 else None)


def test_accepted_then_dropped_the_client_sees_a_dropped_connection_and_the_message_is_accepted_once(notify_plain):
    # Given
    _control(notify_plain, "/faults", {"rate_drop": 1})

    # When
    with pytest.raises(requests.ConnectionError):
        _send(notify_plain, "dropped")
    _control(notify_plain, "/faults", {"rate_drop": 0})
    retry = _send(notify_plain, "dropped")

    # Then
    assert retry.status_code == 422  # the retry learns the first attempt was accepted
    report = _control(notify_plain, "/requests").json()
    assert [(m["messageReference"], m["accepted"]) for m in report["messages"]] == [("dropped", 1)]
    assert report["acceptedMoreThanOnce"] == []


def test_a_timeout_accepts_the_request_after_the_client_gave_up(notify_plain):
    # Given
    _control(notify_plain, "/faults", {"rate_timeout": 1, "timeout_seconds": 1.0})

    # When
    with pytest.raises(requests.ReadTimeout):
        _send(notify_plain, "late", timeout=0.3)
    _control(notify_plain, "/faults", {"rate_timeout": 0})
    while_in_flight = _send(notify_plain, "late")
    time.sleep(1.0)
    afterwards = _send(notify_plain, "late")

    # Then
    assert while_in_flight.status_code == 425
    assert afterwards.status_code == 422
    assert [(m["messageReference"], m["accepted"]) for m in notify_plain.accepted()["messages"]] == [("late", 1)]


def test_latency_is_added_to_every_api_request(notify_plain):
    _control(notify_plain, "/faults", {"latency_ms": 300})

    started = time.monotonic()
    response = _send(notify_plain, "slow")
    elapsed = time.monotonic() - started

    assert response.status_code == 201
    assert elapsed >= 0.3


def test_the_same_seed_gives_the_same_faults(notify_plain):
    def outcomes(prefix):
        _control(notify_plain, "/faults", {"rate_429": 0.3, "rate_5xx": 0.3, "seed": 42})
        return [_send(notify_plain, f"{prefix}-{n}").status_code for n in range(20)]

    first = outcomes("one")
    second = outcomes("two")

    assert first == second
    assert {429, 201} <= set(first)


def test_control_refuses_bad_fault_settings_naming_the_field(notify_plain):
    unknown = _control(notify_plain, "/faults", {"rate_explode": 1})
    out_of_range = _control(notify_plain, "/faults", {"rate_drop": 2})
    bad_status = _control(notify_plain, "/faults", {"error_statuses": [418]})
    too_many = _control(notify_plain, "/faults", {"rate_429": 0.6, "rate_drop": 0.6})

    assert {unknown.status_code, out_of_range.status_code, bad_status.status_code, too_many.status_code} == {400}
    assert unknown.json()["error"].startswith("Unknown fault setting(s): rate_explode.")
    assert out_of_range.json() == {"error": "rate_drop must be a number from 0 to 1."}
    assert bad_status.json() == {"error": "error_statuses must be a non-empty list of 500, 502, 503, 504."}
    assert too_many.json() == {
        "error": "rate_429 + rate_5xx + rate_timeout + rate_drop must be at most 1 (one fault per request)."
    }
    assert _control(notify_plain, "/faults").json()["rate_drop"] == 0


def test_faults_never_touch_the_control_api(notify_plain):
    _control(notify_plain, "/faults", {"rate_5xx": 1, "rate_drop": 0})

    assert _control(notify_plain, "/").status_code == 200


def test_reset_forgets_messages_references_and_faults(notify_plain):
    _send(notify_plain, "before-reset")
    _control(notify_plain, "/faults", {"rate_429": 1})

    reset = _control(notify_plain, "/reset", {})

    assert reset.json() == {"reset": True}
    assert _control(notify_plain, "/faults").json()["rate_429"] == 0
    assert _send(notify_plain, "before-reset").status_code == 201
    assert notify_plain.accepted()["total"] == 1


def test_the_request_log_counts_requests_by_status(notify_plain):
    _send(notify_plain, "one")
    _send(notify_plain, "one")

    counts = _control(notify_plain, "/log").json()["counts"]

    assert counts == {"POST /v1/messages 201": 1, "POST /v1/messages 422": 1}


def test_unknown_control_endpoint_is_404_with_a_pointer_to_the_readme(notify_plain):
    response = _control(notify_plain, "/nothing")

    assert response.status_code == 404
    assert response.json() == {"error": "No control endpoint GET /_sandbox/nothing; see the package README."}
