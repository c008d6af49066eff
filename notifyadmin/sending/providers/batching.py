"""Cut many messages for one routing plan into batches NHS Notify will take.

Rules:
- A batch holds at most `max_messages` (45,000) messages AND its encoded body is at most
  `max_bytes` (5,200,000) bytes. The size is measured exactly, on the bytes the adapter
  sends (payloads.batch_body_bytes), not estimated.
- Order is kept: messages go into batches in the order given, batches come out in order,
  and the same input always gives the same batches. With a deterministic `batch_reference`
  (index → reference), a retry therefore resends identical batches with identical
  references, which NHS Notify de-duplicates.
- A message too large to fit in a batch even on its own is reported as `MessageTooLarge`
  as soon as it is met (before the batch that holds the messages around it), never
  silently dropped; the messages around it are batched as usual.
- Pure: no I/O, no clock.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from notifyadmin.sending.providers.base import (
    MAX_BATCH_BYTES,
    MAX_BATCH_MESSAGES,
    BatchRequest,
    OutboundMessage,
    routing_plan_id_check,
)
from notifyadmin.sending.providers.payloads import BATCH_TAIL, batch_head, json_encode, message_attributes


@dataclass(frozen=True)
class MessageTooLarge:
    """A message whose batch body, holding it alone, would be `encoded_bytes` (> `limit_bytes`)."""

    message_reference: str
    encoded_bytes: int
    limit_bytes: int


@dataclass(frozen=True)
class SizedBatch:
    """A batch ready to send, with the exact size of its encoded body."""

    batch: BatchRequest
    encoded_bytes: int


def _frame(routing_plan_id: str, reference: str) -> int:
    """Bytes of a batch body that are not messages or the commas between them."""
    return len(batch_head(routing_plan_id=routing_plan_id, message_batch_reference=reference)) + len(BATCH_TAIL)


def batch_split(
    *,
    routing_plan_id: str,
    messages: Iterable[OutboundMessage],
    batch_reference: Callable[[int], str],
    max_messages: int = MAX_BATCH_MESSAGES,
    max_bytes: int = MAX_BATCH_BYTES,
) -> Iterator[SizedBatch | MessageTooLarge]:
    """Yield `SizedBatch`es (and `MessageTooLarge` for any message that cannot fit), in order.

    `batch_reference(n)` gives the messageBatchReference of the n-th batch (0-based); it must
    be deterministic for retries to be identical. A batch is closed when the next message
    would take it over either limit."""
    routing_plan_id = routing_plan_id_check(routing_plan_id)
    index = 0
    reference = batch_reference(index)
    frame = _frame(routing_plan_id, reference)
    pending: list[OutboundMessage] = []
    size = frame

    def close() -> SizedBatch:
        messages = tuple(pending)
        batch = BatchRequest(routing_plan_id=routing_plan_id, message_batch_reference=reference, messages=messages)
        return SizedBatch(batch=batch, encoded_bytes=size)

    for message in messages:
        encoded = len(json_encode(message_attributes(message)))
        if frame + encoded > max_bytes:
            yield MessageTooLarge(
                message_reference=message.message_reference, encoded_bytes=frame + encoded, limit_bytes=max_bytes
            )
            continue
        separator = 1 if pending else 0  # the comma between messages
        if pending and (len(pending) >= max_messages or size + separator + encoded > max_bytes):
            yield close()
            index += 1
            reference = batch_reference(index)
            frame = _frame(routing_plan_id, reference)
            pending, size, separator = [], frame, 0
            if frame + encoded > max_bytes:
                # A longer reference for this batch leaves no room for the message.
                yield MessageTooLarge(
                    message_reference=message.message_reference, encoded_bytes=frame + encoded, limit_bytes=max_bytes
                )
                continue
        pending.append(message)
        size += separator + encoded
    if pending:
        yield close()
