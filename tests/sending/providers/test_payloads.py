"""Request bodies the adapter builds validate against NHS England's official request schemas;
responses shaped as the official response schemas are read into our values."""

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
import responses

from notifyadmin.sending.providers.base import (
    BatchRequest,
    ContactDetails,
    MessageStatusValue,
    PostalAddress,
    RecipientName,
)
from notifyadmin.sending.providers.payloads import (
    batch_accepted_parse,
    batch_body_bytes,
    message_accepted_parse,
    message_status_parse,
    single_message_body,
)
from tests.sending.providers import spec
from tests.sending.providers.support import (
    MESSAGE_ID,
    NHS_NUMBER,
    ROUTING_PLAN,
    SANDBOX_URL,
    batch_created_body,
    created_body,
    outbound,
    sandbox_provider,
)

CREATE_MESSAGE = "schemas/requests/CreateMessage.yaml"
CREATE_BATCH = "schemas/requests/CreateMessageBatch.yaml"


def full_message(reference: str = "msg-full"):
    return outbound(
        reference,
        contact_details=ContactDetails(
            email="recipient@nhs.net",
            sms="07700900123",
            address=PostalAddress(lines=("1 High Street", "Leeds"), postcode="LS1 4AP"),
            name=RecipientName(last_name="Smith", first_name="Jo", prefix="Dr."),
        ),
        billing_reference="billing-ref-1",
        originator_ods_code="X26",
    )


def test_the_single_message_body_sent_validates_against_the_official_schema():
    # given a message with every optional field
    provider = sandbox_provider()
    with responses.RequestsMock() as mock:
        mock.post(f"{SANDBOX_URL}/v1/messages", json=created_body("msg-full"), status=201)
        # when it is sent
        provider.send_message(routing_plan_id=ROUTING_PLAN, message=full_message())
        sent = json.loads(mock.calls[0].request.body)
    # then the body on the wire is valid for CreateMessage, field for field
    assert spec.errors(CREATE_MESSAGE, sent) == []
    assert sent == {
        "data": {
            "type": "Message",
            "attributes": {
                "routingPlanId": ROUTING_PLAN,
                "messageReference": "msg-full",
                "billingReference": "billing-ref-1",
                "recipient": {
                    "nhsNumber": NHS_NUMBER,
                    "contactDetails": {
                        "email": "recipient@nhs.net",
                        "sms": "07700900123",
                        "address": {"lines": ["1 High Street", "Leeds"], "postcode": "LS1 4AP"},
                        "name": {"prefix": "Dr.", "firstName": "Jo", "lastName": "Smith"},
                    },
                },
                "originator": {"odsCode": "X26"},
                "personalisation": {"body": "Your appointment is on Monday."},
            },
        }
    }


def test_a_minimal_single_message_body_validates():
    body = single_message_body(routing_plan_id=ROUTING_PLAN, message=outbound(personalisation={}))
    assert spec.errors(CREATE_MESSAGE, body) == []
    assert body["data"]["attributes"]["recipient"] == {"nhsNumber": NHS_NUMBER}


def test_the_batch_body_sent_validates_against_the_official_schema():
    # given a batch of three messages, one with every optional field
    batch = BatchRequest(
        routing_plan_id=ROUTING_PLAN,
        message_batch_reference="batch-1",
        messages=(outbound("a"), full_message("b"), outbound("c", personalisation={})),
    )
    provider = sandbox_provider()
    with responses.RequestsMock() as mock:
        mock.post(f"{SANDBOX_URL}/v1/message-batches", json=batch_created_body(["a", "b", "c"]), status=201)
        # when it is sent
        provider.send_batch(batch=batch)
        raw = mock.calls[0].request.body
    sent = json.loads(raw)
    # then it is valid for CreateMessageBatch, in order, and the bytes are exactly those measured
    assert spec.errors(CREATE_BATCH, sent) == []
    assert sent["data"]["type"] == "MessageBatch"
    assert sent["data"]["attributes"]["routingPlanId"] == ROUTING_PLAN
    assert sent["data"]["attributes"]["messageBatchReference"] == "batch-1"
    assert [m["messageReference"] for m in sent["data"]["attributes"]["messages"]] == ["a", "b", "c"]
    assert raw == batch_body_bytes(batch)


def test_non_ascii_personalisation_is_sent_as_utf8_and_validates():
    message = outbound(personalisation={"body": "Croeso — ymweliad â’r clinig"})
    body = batch_body_bytes(
        BatchRequest(routing_plan_id=ROUTING_PLAN, message_batch_reference="b", messages=(message,))
    )
    decoded = json.loads(body.decode("utf-8"))
    assert spec.errors(CREATE_BATCH, decoded) == []
    assert decoded["data"]["attributes"]["messages"][0]["personalisation"] == {"body": "Croeso — ymweliad â’r clinig"}


def test_date_of_birth_is_never_sent_and_the_official_schema_would_refuse_it():
    # given every body shape we build
    single = single_message_body(routing_plan_id=ROUTING_PLAN, message=full_message())
    batch = batch_body_bytes(
        BatchRequest(routing_plan_id=ROUTING_PLAN, message_batch_reference="b", messages=(full_message(),))
    )
    # then no dateOfBirth appears anywhere
    assert "dateOfBirth" not in json.dumps(single)
    assert b"dateOfBirth" not in batch
    # and the schema check is meaningful: the official schema refuses a recipient with one
    single["data"]["attributes"]["recipient"]["dateOfBirth"] = "1980-01-01"
    assert spec.errors(CREATE_MESSAGE, single) == [
        "data/attributes/recipient: Additional properties are not allowed ('dateOfBirth' was unexpected)"
    ]


def test_a_201_for_one_message_is_read_and_validates_against_the_response_schema():
    body = created_body("msg-1")
    assert spec.errors("schemas/responses/MessageCreated.yaml", body) == []
    accepted = message_accepted_parse(body, correlation_id="corr-1")
    assert accepted.message_id == MESSAGE_ID
    assert accepted.message_reference == "msg-1"
    assert accepted.routing_plan is not None
    assert accepted.routing_plan.id == ROUTING_PLAN
    assert accepted.routing_plan.version == "ztoe2qRAM8M8vS0bqajhyEBcvXacrGPp"
    assert accepted.created_at == datetime(2025, 3, 12, 10, 15, 30, 123000, tzinfo=UTC)
    assert accepted.correlation_id == "corr-1"


def test_a_201_for_a_batch_maps_every_reference_to_its_id_and_lists_any_missing():
    body = batch_created_body(["a", "b"])
    assert spec.errors("schemas/responses/MessageBatch.yaml", body) == []
    accepted = batch_accepted_parse(body, sent_references=["a", "b", "c"], correlation_id="corr-2")
    assert dict(accepted.message_ids) == {"a": "a" + "0" * 26, "b": "b" + "0" * 26}
    assert accepted.unacknowledged_references == ("c",)
    assert accepted.message_batch_reference == "batch-1"


SANDBOX_FIXTURES = sorted((spec.SPEC_DIR / "sandbox-message-fixtures").glob("*.json"))


@pytest.mark.parametrize("fixture", SANDBOX_FIXTURES, ids=lambda path: Path(path).stem)
def test_every_status_fixture_of_the_real_sandbox_is_read(fixture: Path):
    body = json.loads(fixture.read_text())
    status = message_status_parse(body, correlation_id="c")
    attributes = body["data"]["attributes"]
    assert status.message_id == body["data"]["id"] == fixture.stem
    assert status.message_status == attributes["messageStatus"]
    assert status.message_reference == attributes["messageReference"]
    assert status.failure_reason_code == attributes.get("messageFailureReasonCode")
    orders = [channel.cascade_order for channel in status.channels]
    assert orders == sorted(orders)
    assert len(status.channels) == len(attributes.get("channels", []))


def test_a_failed_status_reads_reason_channels_and_retries():
    body = {
        "data": {
            "type": "Message",
            "id": MESSAGE_ID,
            "attributes": {
                "messageReference": "msg-1",
                "messageStatus": "failed",
                "messageStatusDescription": "Failed reason: Contact detail is missing",
                "messageFailureReasonCode": "MFR_PDSV_0002",
                "channels": [
                    {
                        "type": "sms",
                        "cascadeType": "secondary",
                        "cascadeOrder": 2,
                        "channelStatus": "failed",
                        "supplierStatus": "permanent_failure",
                        "retryCount": 2,
                        "channelFailureReasonCode": "CFR_PDSV_0002",
                        "timestamps": {"created": "2023-11-17T14:27:51.413Z", "failed": "2023-11-17T15:00:00Z"},
                        "routingPlan": {"id": ROUTING_PLAN, "type": "original"},
                    },
                    {
                        "type": "nhsapp",
                        "cascadeType": "primary",
                        "cascadeOrder": 1,
                        "channelStatus": "failed",
                        "supplierStatus": "unnotified",
                        "timestamps": {"created": "2023-11-17T14:27:51.413Z"},
                        "routingPlan": {"id": ROUTING_PLAN, "type": "original"},
                    },
                ],
                "timestamps": {"created": "2023-11-17T14:27:51.413Z", "failed": "2023-11-17T15:00:00Z"},
                "routingPlan": {"id": ROUTING_PLAN, "name": "Plan", "createdDate": "2023-11-17T14:27:51.413Z"},
            },
            "relationships": {"messageBatch": {"data": {"type": "MessageBatch", "id": "2ZljUiS8NjJNs95PqiYOO7gAfJb"}}},
            "links": {"self": f"{SANDBOX_URL}/v1/messages/{MESSAGE_ID}"},
        }
    }
    assert spec.errors("schemas/responses/MessageResponse.yaml", body) == []
    status = message_status_parse(body, correlation_id="c")
    assert status.message_status == MessageStatusValue.FAILED
    assert status.is_terminal is True
    assert status.status_description == "Failed reason: Contact detail is missing"
    assert status.failure_reason_code == "MFR_PDSV_0002"
    assert status.batch_id == "2ZljUiS8NjJNs95PqiYOO7gAfJb"
    assert [(c.type, c.cascade_order, c.channel_status, c.supplier_status, c.retry_count) for c in status.channels] == [
        ("nhsapp", 1, "failed", "unnotified", 0),
        ("sms", 2, "failed", "permanent_failure", 2),
    ]
    assert status.channels[1].failure_reason_code == "CFR_PDSV_0002"
    assert status.channels[1].failed_at == datetime(2023, 11, 17, 15, 0, tzinfo=UTC)
