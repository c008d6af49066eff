"""The batch splitter: at most 45,000 messages and at most 5.2 MB encoded per batch, measured
exactly on the bytes sent, in order, deterministic, and never dropping a message silently."""

import itertools
import json
import random

from notifyadmin.sending.providers.base import MAX_BATCH_BYTES, MAX_BATCH_MESSAGES, OutboundMessage
from notifyadmin.sending.providers.batching import MessageTooLarge, SizedBatch, batch_split
from notifyadmin.sending.providers.payloads import (
    BATCH_TAIL,
    batch_body_bytes,
    batch_head,
    json_encode,
    message_attributes,
)
from tests.sending.providers import spec
from tests.sending.providers.support import NHS_NUMBER, ROUTING_PLAN


def small(index: int) -> OutboundMessage:
    return OutboundMessage(message_reference=f"m-{index:05d}", nhs_number=NHS_NUMBER, personalisation={})


def padded(reference: str, padding: int) -> OutboundMessage:
    return OutboundMessage(message_reference=reference, nhs_number=NHS_NUMBER, personalisation={"body": "x" * padding})


def reference(index: int) -> str:
    return f"run-42-batch-{index}"


def split(messages, **limits) -> list:
    return list(batch_split(routing_plan_id=ROUTING_PLAN, messages=messages, batch_reference=reference, **limits))


def test_exactly_45000_messages_make_one_batch_and_one_more_makes_two():
    # given 45,001 small messages (well under the size limit)
    messages = [small(i) for i in range(MAX_BATCH_MESSAGES + 1)]
    # when split: the first 45,000 fill one batch
    exact = split(messages[:MAX_BATCH_MESSAGES])
    over = split(messages)
    # then
    assert [len(part.batch.messages) for part in exact] == [45_000]
    assert [len(part.batch.messages) for part in over] == [45_000, 1]
    assert over[1].batch.messages[0].message_reference == "m-45000"
    assert [part.batch.message_batch_reference for part in over] == ["run-42-batch-0", "run-42-batch-1"]
    assert all(part.encoded_bytes < MAX_BATCH_BYTES for part in over)


def _frame() -> int:
    return len(batch_head(routing_plan_id=ROUTING_PLAN, message_batch_reference=reference(0))) + len(BATCH_TAIL)


def _encoded(message: OutboundMessage) -> int:
    return len(json_encode(message_attributes(message)))


def test_a_batch_of_exactly_5_2_mb_is_one_batch_and_one_byte_more_makes_two():
    # given four messages of about 1 MB and a fifth sized so the batch body is exactly 5,200,000 bytes
    first = [padded(f"big-{i}", 1_000_000) for i in range(4)]
    used = _frame() + sum(_encoded(m) for m in first) + 4  # four commas between five messages
    base = _encoded(padded("big-4", 0))
    fifth = padded("big-4", MAX_BATCH_BYTES - used - base)
    fifth_plus_one = padded("big-4", MAX_BATCH_BYTES - used - base + 1)
    # when split
    exact = split([*first, fifth])
    over = split([*first, fifth_plus_one])
    # then exactly at the limit is one batch, measured to the byte on what is sent
    assert [len(part.batch.messages) for part in exact] == [5]
    assert exact[0].encoded_bytes == MAX_BATCH_BYTES == len(batch_body_bytes(exact[0].batch))
    # and one byte over moves the fifth message into a second batch
    assert [[m.message_reference for m in part.batch.messages] for part in over] == [
        ["big-0", "big-1", "big-2", "big-3"],
        ["big-4"],
    ]
    assert [part.encoded_bytes for part in over] == [len(batch_body_bytes(part.batch)) for part in over]
    assert over[0].encoded_bytes == used - 1  # three commas between four messages


def test_a_message_too_large_on_its_own_is_reported_and_the_rest_are_still_batched():
    # given a message that cannot fit in any batch, between two that can
    limit = MAX_BATCH_BYTES
    messages = [small(1), padded("huge", limit), small(2)]
    # when split
    parts = split(messages)
    # then it is reported with its size, and its neighbours go in one batch, in order
    assert len(parts) == 2
    too_large, batch = parts
    assert isinstance(too_large, MessageTooLarge)
    assert too_large.message_reference == "huge"
    assert too_large.encoded_bytes == _frame() + _encoded(messages[1])
    assert too_large.limit_bytes == limit
    assert isinstance(batch, SizedBatch)
    assert [m.message_reference for m in batch.batch.messages] == ["m-00001", "m-00002"]


def test_the_measured_size_is_the_size_sent_even_with_multibyte_text():
    # given messages of random sizes with Welsh and emoji text (several bytes per character)
    rng = random.Random(20260301)  # fixed seed: the same cases every run
    texts = ["Apwyntiad â’ch meddyg", "Ymweliad ŵ ŷ", "📅 appointment", "plain"]
    messages = [
        OutboundMessage(
            message_reference=f"ref-{i}",
            nhs_number=NHS_NUMBER,
            personalisation={"body": rng.choice(texts) * rng.randint(1, 400)},
        )
        for i in range(600)
    ]
    # when split with a small size limit, so that many batches close on size
    parts = split(messages, max_bytes=20_000)
    # then every batch's measured size is its exact encoded size and within the limit
    assert all(isinstance(part, SizedBatch) for part in parts)
    assert len(parts) > 10
    assert [part.encoded_bytes for part in parts] == [len(batch_body_bytes(part.batch)) for part in parts]
    assert max(part.encoded_bytes for part in parts) <= 20_000
    # and nothing is lost or reordered
    assert [m.message_reference for part in parts for m in part.batch.messages] == [f"ref-{i}" for i in range(600)]
    # and each batch would have been full with the next message (no needless split)
    for part, following in itertools.pairwise(parts):
        assert part.encoded_bytes + 1 + _encoded(following.batch.messages[0]) > 20_000


def test_the_same_input_gives_the_same_batches():
    messages = [padded(f"r-{i}", i * 10) for i in range(50)]
    first = split(messages, max_messages=7)
    second = split(messages, max_messages=7)
    assert first == second
    assert [len(part.batch.messages) for part in first] == [7] * 7 + [1]
    assert [part.batch.message_batch_reference for part in first] == [reference(i) for i in range(8)]


def test_split_batches_validate_against_the_official_schema():
    parts = split([small(i) for i in range(5)], max_messages=2)
    for part in parts:
        assert spec.errors("schemas/requests/CreateMessageBatch.yaml", json.loads(batch_body_bytes(part.batch))) == []


def test_no_messages_give_no_batches():
    assert split([]) == []
