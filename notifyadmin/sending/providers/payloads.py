"""NHS Notify JSON:API bodies: building requests, reading responses.

Rules:
- Request bodies follow NHS England's OpenAPI schemas (schemas/requests/CreateMessage.yaml,
  CreateMessageBatch.yaml); the tests validate what is built here against them.
- Only the fields the schemas define are sent; `dateOfBirth` never is.
- One encoding (compact JSON, UTF-8) is used both to measure a batch and to send it, so the
  size the splitter measured is the size on the wire.
- Responses are read leniently (unknown members ignored, status strings kept as given), but
  a 2xx without the ids we must store is not accepted silently: `ResponseUnreadable`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from notifyadmin.sending.providers.base import (
    BatchAccepted,
    BatchRequest,
    ChannelStatus,
    ContactDetails,
    MessageAccepted,
    MessageStatus,
    OutboundMessage,
    RoutingPlan,
)

BATCH_HEAD_TEMPLATE = (
    '{"data":{"type":"MessageBatch","attributes":{"routingPlanId":%s,"messageBatchReference":%s,"messages":['
)
BATCH_TAIL = b"]}}}"


class ResponseUnreadable(ValueError):
    """A 2xx response without what we must store (ids, references)."""


def json_encode(value: Any) -> bytes:
    """The one encoding used on the wire: compact, UTF-8, non-ASCII kept as is."""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def _contact_details(details: ContactDetails) -> dict[str, Any]:
    body: dict[str, Any] = {}
    if details.email is not None:
        body["email"] = details.email
    if details.sms is not None:
        body["sms"] = details.sms
    if details.address is not None:
        body["address"] = {"lines": list(details.address.lines), "postcode": details.address.postcode}
    if details.name is not None:
        name = details.name
        fields = {
            "prefix": name.prefix,
            "firstName": name.first_name,
            "middleNames": name.middle_names,
            "lastName": name.last_name,
            "suffix": name.suffix,
        }
        body["name"] = {key: value for key, value in fields.items() if value is not None}
    return body


def message_attributes(message: OutboundMessage) -> dict[str, Any]:
    """A message's attributes as the batch `messages[]` item (and the single body's core)."""
    recipient: dict[str, Any] = {}
    if message.nhs_number is not None:
        recipient["nhsNumber"] = message.nhs_number
    if message.contact_details is not None:
        recipient["contactDetails"] = _contact_details(message.contact_details)
    body: dict[str, Any] = {"messageReference": message.message_reference}
    if message.billing_reference is not None:
        body["billingReference"] = message.billing_reference
    body["recipient"] = recipient
    if message.originator_ods_code is not None:
        body["originator"] = {"odsCode": message.originator_ods_code}
    body["personalisation"] = dict(message.personalisation)
    return body


def single_message_body(*, routing_plan_id: str, message: OutboundMessage) -> dict[str, Any]:
    return {
        "data": {
            "type": "Message",
            "attributes": {"routingPlanId": routing_plan_id, **message_attributes(message)},
        }
    }


def batch_head(*, routing_plan_id: str, message_batch_reference: str) -> bytes:
    """The bytes before the first message of a batch body (the splitter measures with it)."""
    head = BATCH_HEAD_TEMPLATE % (json.dumps(routing_plan_id), json.dumps(message_batch_reference, ensure_ascii=False))
    return head.encode("utf-8")


def batch_body_bytes(batch: BatchRequest) -> bytes:
    """The exact bytes sent for a batch: head, messages joined by commas, tail."""
    parts = [json_encode(message_attributes(message)) for message in batch.messages]
    head = batch_head(routing_plan_id=batch.routing_plan_id, message_batch_reference=batch.message_batch_reference)
    return head + b",".join(parts) + BATCH_TAIL


# --- responses ---


def _datetime(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _routing_plan(value: Any) -> RoutingPlan | None:
    if not isinstance(value, Mapping) or not isinstance(value.get("id"), str):
        return None
    return RoutingPlan(
        id=value["id"],
        name=_text(value.get("name")),
        version=_text(value.get("version")),
        created_at=_datetime(value.get("createdDate")),
    )


def _data(body: Any) -> Mapping[str, Any]:
    data = body.get("data") if isinstance(body, Mapping) else None
    if not isinstance(data, Mapping) or not isinstance(data.get("attributes"), Mapping):
        raise ResponseUnreadable("the response has no data.attributes")
    return data


def message_accepted_parse(body: Any, *, correlation_id: str) -> MessageAccepted:
    data = _data(body)
    attributes = data["attributes"]
    if not isinstance(data.get("id"), str) or not isinstance(attributes.get("messageReference"), str):
        raise ResponseUnreadable("the response has no message id or messageReference")
    timestamps = _mapping(attributes.get("timestamps"))
    return MessageAccepted(
        message_id=data["id"],
        message_reference=attributes["messageReference"],
        routing_plan=_routing_plan(attributes.get("routingPlan")),
        created_at=_datetime(timestamps.get("created")),
        correlation_id=correlation_id,
    )


def batch_accepted_parse(body: Any, *, sent_references: Sequence[str], correlation_id: str) -> BatchAccepted:
    data = _data(body)
    attributes = data["attributes"]
    messages = attributes.get("messages")
    if not isinstance(data.get("id"), str) or not isinstance(messages, list):
        raise ResponseUnreadable("the response has no batch id or messages")
    message_ids: dict[str, str] = {}
    for item in messages:
        reference, message_id = _mapping(item).get("messageReference"), _mapping(item).get("id")
        if isinstance(reference, str) and isinstance(message_id, str):
            message_ids[reference] = message_id
    return BatchAccepted(
        batch_id=data["id"],
        message_batch_reference=_text(attributes.get("messageBatchReference")) or "",
        routing_plan=_routing_plan(attributes.get("routingPlan")),
        message_ids=message_ids,
        unacknowledged_references=tuple(reference for reference in sent_references if reference not in message_ids),
        correlation_id=correlation_id,
    )


def _channel(item: Mapping[str, Any]) -> ChannelStatus:
    timestamps = _mapping(item.get("timestamps"))
    retry_count = item.get("retryCount")
    cascade_order = item.get("cascadeOrder")
    return ChannelStatus(
        type=str(item.get("type")),
        cascade_type=_text(item.get("cascadeType")),
        cascade_order=cascade_order if isinstance(cascade_order, int) else 0,
        channel_status=str(item.get("channelStatus")),
        supplier_status=_text(item.get("supplierStatus")),
        # NHS Notify only sends retryCount once a channel has been retried.
        retry_count=retry_count if isinstance(retry_count, int) else 0,
        status_description=_text(item.get("channelStatusDescription")),
        failure_reason_code=_text(item.get("channelFailureReasonCode")),
        created_at=_datetime(timestamps.get("created")),
        delivered_at=_datetime(timestamps.get("delivered")),
        failed_at=_datetime(timestamps.get("failed")),
    )


def message_status_parse(body: Any, *, correlation_id: str) -> MessageStatus:
    data = _data(body)
    attributes = data["attributes"]
    if not isinstance(data.get("id"), str) or not isinstance(attributes.get("messageStatus"), str):
        raise ResponseUnreadable("the response has no message id or messageStatus")
    timestamps = _mapping(attributes.get("timestamps"))
    raw_channels = attributes.get("channels") if isinstance(attributes.get("channels"), list) else []
    channels = [_channel(item) for item in raw_channels if isinstance(item, Mapping)]
    channels.sort(key=lambda channel: channel.cascade_order)
    relationships = _mapping(data.get("relationships"))
    batch = _mapping(relationships.get("messageBatch"))
    batch_data = _mapping(batch.get("data"))
    return MessageStatus(
        message_id=data["id"],
        message_reference=_text(attributes.get("messageReference")) or "",
        message_status=attributes["messageStatus"],
        status_description=_text(attributes.get("messageStatusDescription")),
        failure_reason_code=_text(attributes.get("messageFailureReasonCode")),
        channels=tuple(channels),
        routing_plan=_routing_plan(attributes.get("routingPlan")),
        batch_id=_text(batch_data.get("id")),
        created_at=_datetime(timestamps.get("created")),
        delivered_at=_datetime(timestamps.get("delivered")),
        failed_at=_datetime(timestamps.get("failed")),
        correlation_id=correlation_id,
    )
