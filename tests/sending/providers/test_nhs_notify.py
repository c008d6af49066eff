"""The adapter over HTTP (mocked with `responses`): headers, timeouts, correlation ids,
what it returns, and what it refuses before sending."""

import json
import logging

import pytest
import responses

from notifyadmin.core.correlation import reset_correlation_id, set_correlation_id
from notifyadmin.sending.providers import metrics as provider_metrics
from notifyadmin.sending.providers.base import (
    MAX_BATCH_BYTES,
    BatchRequest,
    InvalidOutboundMessage,
    MessageProvider,
)
from notifyadmin.sending.providers.errors import BatchTooLarge, DuplicateRequest, OutcomeUnknown, ProviderRejected
from notifyadmin.sending.providers.nhs_notify import Timeouts
from notifyadmin.sending.providers.payloads import batch_body_bytes
from tests.sending.providers.support import (
    MESSAGE_ID,
    NHS_NUMBER,
    ROUTING_PLAN,
    SANDBOX_URL,
    batch_created_body,
    created_body,
    error_body,
    outbound,
    sandbox_provider,
)

STATUS_BODY = {
    "data": {
        "type": "Message",
        "id": MESSAGE_ID,
        "attributes": {
            "messageReference": "msg-1",
            "messageStatus": "sending",
            "timestamps": {"created": "2023-11-17T14:27:51.413Z"},
            "routingPlan": {"id": ROUTING_PLAN, "name": "Plan", "createdDate": "2023-11-17T14:27:51.413Z"},
        },
        "links": {"self": f"{SANDBOX_URL}/v1/messages/{MESSAGE_ID}"},
    }
}


def requests_made(provider, mock: responses.RequestsMock) -> list:
    batch = BatchRequest(routing_plan_id=ROUTING_PLAN, message_batch_reference="b-1", messages=(outbound("a"),))
    mock.post(f"{SANDBOX_URL}/v1/messages", json=created_body(), status=201)
    mock.post(f"{SANDBOX_URL}/v1/message-batches", json=batch_created_body(["a"]), status=201)
    mock.get(f"{SANDBOX_URL}/v1/messages/{MESSAGE_ID}", json=STATUS_BODY, status=200)
    provider.send_message(routing_plan_id=ROUTING_PLAN, message=outbound("msg-1"), correlation_id="corr-single")
    provider.send_batch(batch=batch, correlation_id="corr-batch")
    provider.message_status(message_id=MESSAGE_ID, correlation_id="corr-status")
    return [call.request for call in mock.calls]


def test_the_adapter_implements_the_provider_interface():
    assert isinstance(sandbox_provider(), MessageProvider)


def test_every_call_sends_json_api_headers_and_the_correlation_id():
    with responses.RequestsMock() as mock:
        sent = requests_made(sandbox_provider(), mock)
    assert [(r.method, r.url) for r in sent] == [
        ("POST", f"{SANDBOX_URL}/v1/messages"),
        ("POST", f"{SANDBOX_URL}/v1/message-batches"),
        ("GET", f"{SANDBOX_URL}/v1/messages/{MESSAGE_ID}"),
    ]
    assert [r.headers["X-Correlation-ID"] for r in sent] == ["corr-single", "corr-batch", "corr-status"]
    assert [r.headers["Accept"] for r in sent] == ["application/vnd.api+json"] * 3
    assert [r.headers.get("Content-Type") for r in sent] == ["application/vnd.api+json"] * 2 + [None]
    # the sandbox takes no token
    assert [r.headers.get("Authorization") for r in sent] == [None, None, None]


def test_every_call_passes_explicit_connect_and_read_timeouts():
    provider = sandbox_provider(timeouts=Timeouts(connect=1.5, read=7.0, batch_read=45.0))
    with responses.RequestsMock() as mock:
        sent = requests_made(provider, mock)
    assert [r.req_kwargs["timeout"] for r in sent] == [(1.5, 7.0), (1.5, 45.0), (1.5, 7.0)]


def test_a_redirect_is_not_followed_and_is_a_rejection():
    with responses.RequestsMock() as mock:
        mock.post(f"{SANDBOX_URL}/v1/messages", status=302, headers={"Location": "https://elsewhere.example/"})
        with pytest.raises(ProviderRejected) as raised:
            sandbox_provider().send_message(routing_plan_id=ROUTING_PLAN, message=outbound("m"), correlation_id="c")
        assert len(mock.calls) == 1
    assert (raised.value.http_status, raised.value.retryable) == (302, False)


def test_the_session_is_pooled_without_urllib3_retries():
    provider = sandbox_provider(pool_size=6)
    adapter = provider.session.get_adapter(SANDBOX_URL)
    assert adapter._pool_maxsize == 6  # type: ignore[attr-defined]
    retries = adapter.max_retries  # type: ignore[attr-defined]
    assert (retries.total, retries.read, retries.redirect, retries.status) == (0, False, False, 0)


def test_without_a_given_correlation_id_the_current_one_is_sent_and_else_a_new_one():
    provider = sandbox_provider()
    with responses.RequestsMock() as mock:
        mock.post(f"{SANDBOX_URL}/v1/messages", json=created_body(), status=201)
        token = set_correlation_id("request-corr-123")
        try:
            accepted = provider.send_message(routing_plan_id=ROUTING_PLAN, message=outbound("msg-1"))
        finally:
            reset_correlation_id(token)
        provider.send_message(routing_plan_id=ROUTING_PLAN, message=outbound("msg-1"))
        sent = [call.request.headers["X-Correlation-ID"] for call in mock.calls]
    assert sent[0] == "request-corr-123"
    assert accepted.correlation_id == "request-corr-123"
    assert len(sent[1]) == 36 and sent[1] != sent[0]


def test_the_correlation_id_nhs_notify_echoes_is_returned():
    provider = sandbox_provider()
    with responses.RequestsMock() as mock:
        mock.post(
            f"{SANDBOX_URL}/v1/messages", json=created_body(), status=201, headers={"X-Correlation-Id": "echoed-id"}
        )
        accepted = provider.send_message(routing_plan_id=ROUTING_PLAN, message=outbound("msg-1"), correlation_id="x1")
    assert accepted.correlation_id == "echoed-id"
    assert accepted.message_id == MESSAGE_ID


def test_a_sent_batch_returns_nhs_notify_ids_by_message_reference():
    batch = BatchRequest(
        routing_plan_id=ROUTING_PLAN, message_batch_reference="batch-1", messages=(outbound("a"), outbound("b"))
    )
    with responses.RequestsMock() as mock:
        mock.post(f"{SANDBOX_URL}/v1/message-batches", json=batch_created_body(["a", "b"]), status=201)
        accepted = sandbox_provider().send_batch(batch=batch, correlation_id="c-1")
    assert dict(accepted.message_ids) == {"a": "a" + "0" * 26, "b": "b" + "0" * 26}
    assert accepted.unacknowledged_references == ()
    assert accepted.batch_id == "2ZljUiS8NjJNs95PqiYOO7gAfJb"
    assert accepted.routing_plan is not None and accepted.routing_plan.id == ROUTING_PLAN


def test_a_status_read_returns_the_status():
    with responses.RequestsMock() as mock:
        mock.get(f"{SANDBOX_URL}/v1/messages/{MESSAGE_ID}", json=STATUS_BODY, status=200)
        status = sandbox_provider().message_status(message_id=MESSAGE_ID)
    assert (status.message_id, status.message_reference, status.message_status) == (MESSAGE_ID, "msg-1", "sending")
    assert status.channels == ()
    assert status.is_terminal is False


def test_a_message_id_that_is_not_a_ksuid_never_reaches_a_url():
    with responses.RequestsMock() as mock, pytest.raises(InvalidOutboundMessage) as raised:
        sandbox_provider().message_status(message_id="../v1/message-batches")
    assert str(raised.value) == "messageId: must be a 27-character KSUID"
    assert len(mock.calls) == 0


def test_a_batch_over_the_size_limit_is_refused_before_sending():
    # given one batch whose encoded body is just over 5.2 MB
    big = "x" * (MAX_BATCH_BYTES // 2)
    batch = BatchRequest(
        routing_plan_id=ROUTING_PLAN,
        message_batch_reference="b-big",
        messages=(outbound("a", personalisation={"body": big}), outbound("b", personalisation={"body": big})),
    )
    # when it is sent, then nothing goes on the wire
    with responses.RequestsMock() as mock, pytest.raises(BatchTooLarge) as raised:
        sandbox_provider().send_batch(batch=batch, correlation_id="c")
    assert len(mock.calls) == 0
    assert raised.value.retryable is False
    size = len(batch_body_bytes(batch))
    assert size > MAX_BATCH_BYTES
    assert str(raised.value) == (
        f"The batch encodes to {size:,} bytes, over the 5,200,000-byte limit; split it; correlation id c"
    )


def test_a_duplicate_on_a_retry_means_the_first_attempt_was_accepted():
    with responses.RequestsMock() as mock:
        mock.post(
            f"{SANDBOX_URL}/v1/messages",
            json=error_body(422, "CM_DUPLICATE_REQUEST", "/data/attributes/messageReference", "Duplicate request"),
            status=422,
        )
        with pytest.raises(DuplicateRequest) as raised:
            sandbox_provider().send_message(routing_plan_id=ROUTING_PLAN, message=outbound("msg-7"))
    error = raised.value
    assert (error.retryable, error.may_have_been_accepted) == (False, True)
    assert [(p.message_reference, p.field) for p in error.problems] == [("msg-7", "messageReference")]


@pytest.mark.parametrize("body", [b"<html>ok</html>", b'{"data": {}}', b'{"data": {"attributes": {}}}'])
def test_an_unreadable_2xx_on_a_send_is_outcome_unknown(body: bytes):
    with responses.RequestsMock() as mock:
        mock.post(f"{SANDBOX_URL}/v1/messages", body=body, status=201)
        with pytest.raises(OutcomeUnknown) as raised:
            sandbox_provider().send_message(routing_plan_id=ROUTING_PLAN, message=outbound("m"), correlation_id="c9")
    assert (raised.value.retryable, raised.value.may_have_been_accepted) == (True, True)
    assert str(raised.value) == "NHS Notify answered 2xx with a body we could not read; correlation id c9"


def _sample(name: str, labels: dict[str, str]) -> float:
    """Read one sample from the provider's own metrics (the global registry also holds collectors
    that read the database, which these tests do not use)."""
    owned = (provider_metrics.PROVIDER_REQUESTS, provider_metrics.PROVIDER_LATENCY, provider_metrics.PROVIDER_MESSAGES)
    for metric in (family for collector in owned for family in collector.collect()):
        for sample in metric.samples:
            if sample.name == name and sample.labels == labels:
                return sample.value
    return 0.0


def test_requests_are_counted_by_endpoint_and_outcome():
    labels = {"provider": "nhs_notify", "endpoint": "create_message"}
    before_ok = _sample("notifyadmin_provider_requests_total", {**labels, "outcome": "ok"})
    before_limited = _sample("notifyadmin_provider_requests_total", {**labels, "outcome": "rate_limited"})
    before_latency = _sample("notifyadmin_provider_request_duration_seconds_count", labels)
    provider = sandbox_provider()
    with responses.RequestsMock() as mock:
        mock.post(f"{SANDBOX_URL}/v1/messages", json=created_body(), status=201)
        provider.send_message(routing_plan_id=ROUTING_PLAN, message=outbound("m"))
        mock.replace(responses.POST, f"{SANDBOX_URL}/v1/messages", json=error_body(429, "CM_QUOTA"), status=429)
        with pytest.raises(Exception, match="Rate limited"):
            provider.send_message(routing_plan_id=ROUTING_PLAN, message=outbound("m"))
    assert _sample("notifyadmin_provider_requests_total", {**labels, "outcome": "ok"}) == before_ok + 1
    assert _sample("notifyadmin_provider_requests_total", {**labels, "outcome": "rate_limited"}) == before_limited + 1
    assert _sample("notifyadmin_provider_request_duration_seconds_count", labels) == before_latency + 2


def test_the_request_body_is_compact_json():
    with responses.RequestsMock() as mock:
        mock.post(f"{SANDBOX_URL}/v1/messages", json=created_body(), status=201)
        sandbox_provider().send_message(routing_plan_id=ROUTING_PLAN.upper(), message=outbound("m"))
        raw = mock.calls[0].request.body
    assert raw.startswith(b'{"data":{"type":"Message","attributes":{"routingPlanId":"b838b13c-')
    assert json.loads(raw)["data"]["attributes"]["routingPlanId"] == ROUTING_PLAN


def test_log_lines_carry_the_outcome_and_never_patient_data(caplog):
    # given a 400 whose detail echoes the NHS number, for a message with personal content
    body = error_body(400, "CM_INVALID_NHS_NUMBER", "/data/attributes/recipient/nhsNumber")
    body["errors"][0]["detail"] = f"{NHS_NUMBER} is not valid"
    message = outbound("msg-log", personalisation={"body": "Dear Jo Bloggs"})
    caplog.set_level(logging.DEBUG, logger="notifyadmin.sending.providers")
    with responses.RequestsMock() as mock:
        mock.post(f"{SANDBOX_URL}/v1/messages", json=body, status=400)
        with pytest.raises(ProviderRejected):
            sandbox_provider().send_message(routing_plan_id=ROUTING_PLAN, message=message, correlation_id="c-log")
    # then one line says what happened, and nothing logged holds the number or the content
    records = [r for r in caplog.records if r.name.startswith("notifyadmin.sending.providers")]
    assert [
        (r.getMessage(), r.provider_endpoint, r.http_status, r.outcome, r.provider_correlation_id) for r in records
    ] == [("NHS Notify call", "create_message", 400, "rejected", "c-log")]
    everything = " ".join(str(vars(r)) for r in records)
    assert NHS_NUMBER not in everything
    assert "Jo Bloggs" not in everything
