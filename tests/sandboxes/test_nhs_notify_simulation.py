"""The delivery simulation: each catalogue outcome, the channel cascade, PDS failures and timings."""

import time

import pytest
import requests

from .nhs_notify_support import (
    JSON_API,
    PLAN_ALL_CHANNELS,
    PLAN_LETTER_ONLY,
    PLAN_NHSAPP_SMS,
    PLAN_SMS_ONLY,
    assert_valid,
    message_body,
)

NHSAPP_ONLY = "00000000-0000-0000-0000-000000000001"
EMAIL_ONLY = "00000000-0000-0000-0000-000000000002"
SMS_TEMPORARY = (
    "Failed reason: The provider could not deliver the message. This can happen when the recipient’s phone is off, "
    "has no signal, or their text message inbox is full. You can try to send the message again. You’ll still be "
    "charged for text messages to phones that are not accepting messages."
)


def _final(sandbox, body):
    created = requests.post(f"{sandbox.url}/v1/messages", json=body, headers=JSON_API, timeout=5)
    assert created.status_code == 201, created.text
    sandbox.wait_idle()
    response = requests.get(f"{sandbox.url}/v1/messages/{created.json()['data']['id']}", timeout=5)
    assert_valid("get_message", response)
    return response.json()["data"]["attributes"]


def _channels(attributes):
    return [
        (
            channel["type"],
            channel["channelStatus"],
            channel.get("supplierStatus"),
            channel.get("channelFailureReasonCode"),
        )
        for channel in attributes.get("channels", [])
    ]


@pytest.mark.parametrize(
    ("nhs_number", "plan", "personalisation", "status", "channels"),
    [
        # Reads the NHS App message
        ("9990548609", NHSAPP_ONLY, {"body": "Hello"}, "delivered", [("nhsapp", "delivered", "read", None)]),
        ("9990000018", NHSAPP_ONLY, {"body": "Hello"}, "delivered", [("nhsapp", "delivered", "read", None)]),
        # No NHS App account: falls back to SMS
        (
            "9990000026",
            PLAN_NHSAPP_SMS,
            {},
            "delivered",
            [("nhsapp", "failed", None, None), ("sms", "delivered", "delivered", None)],
        ),
        # NHS App message not read in time: falls back to SMS
        (
            "9990000034",
            PLAN_NHSAPP_SMS,
            {},
            "delivered",
            [("nhsapp", "failed", "notified", None), ("sms", "delivered", "delivered", None)],
        ),
        # SMS temporary failure, nothing to fall back to
        ("9990000042", PLAN_SMS_ONLY, {}, "failed", [("sms", "failed", "temporary_failure", "CFR_SUPE_0007")]),
        # Everything fails but the letter
        (
            "9990000050",
            PLAN_ALL_CHANNELS,
            {},
            "delivered",
            [
                ("nhsapp", "failed", None, None),
                ("email", "failed", "permanent_failure", "CFR_SUPE_0007"),
                ("sms", "failed", "permanent_failure", "CFR_SUPE_0007"),
                ("letter", "delivered", "received", None),
            ],
        ),
        # No contact details in PDS: email and SMS fail at once
        (
            "9990000069",
            PLAN_ALL_CHANNELS,
            {},
            "delivered",
            [
                ("nhsapp", "failed", None, None),
                ("email", "failed", None, "CFR_PDSV_0002"),
                ("sms", "failed", None, "CFR_PDSV_0002"),
                ("letter", "delivered", "received", None),
            ],
        ),
        # Not in the catalogue: the default (an NHS App user who reads it)
        (
            "9990000107",
            PLAN_ALL_CHANNELS,
            {},
            "delivered",
            [
                ("nhsapp", "delivered", "read", None),
                ("email", "created", None, None),
                ("sms", "created", None, None),
                ("letter", "created", None, None),
            ],
        ),
        ("9990548609", PLAN_LETTER_ONLY, {}, "delivered", [("letter", "delivered", "received", None)]),
    ],
)
def test_each_catalogue_outcome(notify_plain, nhs_number, plan, personalisation, status, channels):
    attributes = _final(
        notify_plain,
        message_body(f"ref-{nhs_number}", plan=plan, nhs_number=nhs_number, personalisation=personalisation),
    )

    assert attributes["messageStatus"] == status
    assert _channels(attributes) == channels
    assert "delivered" in attributes["timestamps"] if status == "delivered" else "failed" in attributes["timestamps"]


def test_a_failed_message_carries_the_last_channels_reason(notify_plain):
    attributes = _final(notify_plain, message_body("temp", plan=PLAN_SMS_ONLY, nhs_number="9990000042"))

    assert attributes["messageFailureReasonCode"] == "MFR_SUPE_0007"
    assert attributes["messageStatusDescription"] == SMS_TEMPORARY


@pytest.mark.parametrize(
    ("nhs_number", "code", "description"),
    [
        ("9990000085", "MFR_PDSV_0006", "Failed reason: Patient does not exist in PDS"),
        ("9990000093", "MFR_PDSV_0112", "Failed reason: Patient is formally dead"),
    ],
)
def test_pds_failures_fail_the_message_before_any_channel(notify_plain, nhs_number, code, description):
    attributes = _final(notify_plain, message_body(f"pds-{nhs_number}", nhs_number=nhs_number))

    assert (attributes["messageStatus"], attributes["messageFailureReasonCode"]) == ("failed", code)
    assert attributes["messageStatusDescription"] == description
    assert "channels" not in attributes


def test_contact_details_in_the_request_override_pds(notify_plain):
    body = message_body("override", plan=PLAN_SMS_ONLY, recipient_extra={"contactDetails": {"sms": "07400 000003"}})

    attributes = _final(notify_plain, body)

    assert _channels(attributes) == [("sms", "failed", "permanent_failure", "CFR_SUPE_0007")]


def test_an_email_hard_bounce_without_an_nhs_number(notify_plain):
    body = message_body(
        "bounce",
        plan=EMAIL_ONLY,
        nhs_number=None,
        personalisation={"email_subject": "Hi", "email_body": "Hello"},
        recipient_extra={"contactDetails": {"email": "hard-bounce@example.com"}},
    )

    attributes = _final(notify_plain, body)

    assert attributes["messageStatus"] == "failed"
    assert _channels(attributes) == [("email", "failed", "permanent_failure", "CFR_SUPE_0007")]


@pytest.mark.parametrize(
    ("personalisation", "description"),
    [
        ({}, "Failed reason: Personalisation field 'body' is missing"),
        ({"body": "x" * 5001}, "Failed reason: Personalisation field 'body' is longer than 5000 characters"),
    ],
)
def test_free_text_personalisation_is_checked_later_and_fails_the_message(notify_plain, personalisation, description):
    attributes = _final(notify_plain, message_body("free", plan=NHSAPP_ONLY, personalisation=personalisation))

    assert (attributes["messageStatus"], attributes["messageStatusDescription"]) == ("failed", description)


def test_statuses_move_one_step_at_a_time_with_the_configured_timings(notify_plain):
    # Given: steps long enough that a poll every 20 ms sees each one even on a busy machine
    requests.post(f"{notify_plain.url}/_sandbox/timings", json={"step": 0.6}, timeout=5)
    created = requests.post(
        f"{notify_plain.url}/v1/messages", json=message_body("paced", plan=PLAN_SMS_ONLY), headers=JSON_API, timeout=5
    ).json()["data"]
    url = f"{notify_plain.url}/v1/messages/{created['id']}"

    # When
    seen = []
    deadline = time.monotonic() + 10
    while (not seen or seen[-1] != "delivered") and time.monotonic() < deadline:
        status = requests.get(url, timeout=5).json()["data"]["attributes"]["messageStatus"]
        if not seen or seen[-1] != status:
            seen.append(status)
        time.sleep(0.02)

    # Then
    assert seen == ["created", "pending_enrichment", "enriched", "sending", "delivered"]


def test_the_control_api_refuses_negative_timings(notify_plain):
    response = requests.post(f"{notify_plain.url}/_sandbox/timings", json={"step": -1}, timeout=5)

    assert response.status_code == 400
    assert response.json() == {"error": "Timings: step and read_wait cannot be negative."}
