"""The dispatcher: claims due messages in batches and moves them to NHS Notify, exactly once.

One pass (`dispatch_once`):
1. claim up to `limit` due messages (sending, with a lease and the next attempt number) and
   commit, so two dispatchers never hold the same row;
2. decide in bulk (prepare.py): not sent, deferred, or ready with its payload;
3. cut the ready messages into batches per routing plan, record each batch (its reference and
   its messages) and commit BEFORE calling the provider, so an attempt whose outcome is unknown
   is retried as it was, never re-packed;
4. right before each provider call, re-check the kill switches, the circuit breaker and the
   rate limit;
5. write the outcome back in bulk: accepted (with NHS Notify ids), rejected (not sent with the
   reason), retry later (back to queued with backoff and full jitter, honouring Retry-After),
   or outcome unknown (the batch is retried identically; 422 CM_DUPLICATE_REQUEST then means
   the first attempt was accepted).
"""

from __future__ import annotations

import datetime as dt
import logging
import random
import uuid
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from notifyadmin.sending.dispatch import limits
from notifyadmin.sending.dispatch.prepare import Prepared, prepare
from notifyadmin.sending.dispatch.store import claim_due, membership_record, transition_bulk
from notifyadmin.sending.kill_switches import stopped_by_kill_switch
from notifyadmin.sending.models import Message, OutboundBatch
from notifyadmin.sending.providers import errors
from notifyadmin.sending.providers.base import BatchRequest, MessageProvider, OutboundMessage
from notifyadmin.sending.providers.batching import MessageTooLarge, batch_split
from notifyadmin.sending.status import DeferReason, NotSentReason
from templates_app.models import MessageTemplate, TemplateVersion

logger = logging.getLogger("notifyadmin.sending.dispatch")

PROVIDER = "nhs_notify"
# What a pass reads of each message and its template, version and patient: nothing more.
_MESSAGE_FIELDS = (
    "id",
    "organisation_id",
    "template_id",
    "template_version_id",
    "patient_id",
    "category",
    "language",
    "personalisation",
    "routing_plan_id",
    "channels",
    "planned_channels",
    "status",
    "source",
    "test_recipient",
    "tested_lock_version",
    "patient__nhs_number",
    "patient__organisation_id",
    "patient__channel_order",
    "patient__no_non_essential",
    "patient__language",
)
_TEMPLATE_FIELDS = ("id", "published_version_id", "send_window_start", "send_window_end", "send_any_time")
_VERSION_FIELDS = ("id", "status", "content_hash", "personalisation_schema", "lock_version", "organisation_id")


def messages_for_dispatch(messages: QuerySet[Message]) -> list[Message]:
    """The messages with what the send-time checks and rendering read. Templates and versions
    are fetched once each and shared (prefetched), not once per message."""
    return list(
        messages.select_related("patient")
        .only(*_MESSAGE_FIELDS)
        .prefetch_related(
            Prefetch("template", queryset=MessageTemplate.objects.only(*_TEMPLATE_FIELDS)),
            Prefetch("template_version", queryset=TemplateVersion.objects.only(*_VERSION_FIELDS)),
        )
        .order_by("id")
    )


@dataclass
class DispatchResult:
    claimed: int = 0
    accepted: int = 0
    not_sent: int = 0
    deferred: int = 0
    retrying: int = 0
    unknown: int = 0
    failed: int = 0


def backoff(attempt: int, *, retry_after: float | None = None) -> dt.timedelta:
    """Exponential backoff with full jitter, never sooner than the provider's Retry-After."""
    ceiling = min(
        settings.DISPATCH_BACKOFF_CAP_SECONDS, settings.DISPATCH_BACKOFF_BASE_SECONDS * 2 ** max(attempt - 1, 0)
    )
    delay = random.uniform(0, ceiling)  # noqa: S311 (jitter, not security)
    return dt.timedelta(seconds=max(delay, retry_after or 0.0))


def dispatch_once(*, provider: MessageProvider, worker: str, limit: int | None = None) -> DispatchResult:
    result = DispatchResult()
    lease = dt.timedelta(seconds=settings.DISPATCH_LEASE_SECONDS)
    if limits.circuit_is_open(PROVIDER):
        return result
    ids = claim_due(limit=limit or settings.DISPATCH_BATCH_SIZE, worker=worker, lease=lease)
    result.claimed = len(ids)
    if not ids:
        return result
    messages = messages_for_dispatch(Message.objects.filter(id__any_of=ids))
    now = timezone.now()
    prepared = prepare(messages, now=now)
    _apply_verdicts(prepared, result)
    batches = _record_batches(prepared, result)
    owners = {outbound.message_reference: message for message, outbound, _ in prepared.ready}
    for batch, outbound in batches:
        members = [owners[m.message_reference] for m in outbound]
        _send(provider=provider, batch=batch, outbound=outbound, members=members, result=result)
    return result


def _apply_verdicts(prepared: Prepared, result: DispatchResult) -> None:
    for (reason, detail), ids in prepared.not_sent.items():
        result.not_sent += len(transition_bulk(ids=ids, transition="not_send", reason=reason, detail=detail))
    for until, ids in prepared.deferred.items():
        moved = transition_bulk(
            ids=ids,
            transition="defer",
            reason=DeferReason.SEND_WINDOW,
            detail=f"until {until.isoformat()}",
            set_fields={"send_after": until, "lease_expires_at": None, "claimed_by": ""},
        )
        result.deferred += len(moved)


def _record_batches(prepared: Prepared, result: DispatchResult) -> list[tuple[OutboundBatch, list[OutboundMessage]]]:
    """Cut ready messages into batches per (organisation, routing plan) and record them."""
    groups: dict[tuple[Any, Any], list[OutboundMessage]] = defaultdict(list)
    planned: dict[str, list[str]] = {}
    for message, outbound, channels in prepared.ready:
        groups[(message.organisation_id, message.routing_plan_id)].append(outbound)
        planned[outbound.message_reference] = channels
    recorded: list[tuple[OutboundBatch, list[OutboundMessage]]] = []
    too_large: list[str] = []
    membership: list[tuple[str, str, list[str]]] = []
    with transaction.atomic():
        for (organisation_id, plan), members in groups.items():
            routing_plan_id = str(plan)
            for item in batch_split(
                routing_plan_id=routing_plan_id, messages=members, batch_reference=_new_batch_reference
            ):
                if isinstance(item, MessageTooLarge):
                    too_large.append(item.message_reference)
                    continue
                batch = OutboundBatch(
                    id=item.batch.message_batch_reference,
                    organisation_id=organisation_id,
                    routing_plan_id=routing_plan_id,
                    message_count=len(item.batch.messages),
                )
                membership += [
                    (m.message_reference, str(batch.id), planned[m.message_reference]) for m in item.batch.messages
                ]
                recorded.append((batch, list(item.batch.messages)))
        OutboundBatch.objects.bulk_create([batch for batch, _ in recorded])
        membership_record(membership)
        if too_large:
            result.not_sent += len(
                transition_bulk(
                    ids=too_large,
                    transition="not_send",
                    reason=NotSentReason.INVALID_PERSONALISATION,
                    detail="The message is too large for NHS Notify.",
                )
            )
    return recorded


def _new_batch_reference(_index: int) -> str:
    """Each recorded batch gets a fresh reference; retries reuse the recorded one."""
    return str(uuid.uuid4())


def _send(
    *,
    provider: MessageProvider,
    batch: OutboundBatch,
    outbound: Sequence[OutboundMessage],
    members: Sequence[Message],
    result: DispatchResult,
) -> None:
    # The last moment to stop: a kill switch set after the claim still holds (one query).
    stopped = {str(m.id) for m in stopped_by_kill_switch(members)}
    if stopped:
        result.not_sent += len(transition_bulk(ids=stopped, transition="not_send", reason=NotSentReason.KILL_SWITCH))
        outbound = [m for m in outbound if m.message_reference not in stopped]
        if not outbound:
            OutboundBatch.objects.filter(id=batch.id).update(status=OutboundBatch.Status.REJECTED)
            return
        # The batch's membership changed before it was ever sent: record that.
        OutboundBatch.objects.filter(id=batch.id).update(message_count=len(outbound))
        Message.objects.filter(id__in=stopped).update(batch=None)
    limits.rate_limit_wait(organisation_id=str(batch.organisation_id), provider=PROVIDER)
    batch_send(provider=provider, batch=batch, outbound=outbound, result=result)


def batch_send(
    *, provider: MessageProvider, batch: OutboundBatch, outbound: Sequence[OutboundMessage], result: DispatchResult
) -> None:
    """Send one recorded batch (first attempt or an identical retry) and write the outcome."""
    ids = [m.message_reference for m in outbound]
    OutboundBatch.objects.filter(id=batch.id).update(attempts=batch.attempts + 1)
    request = BatchRequest(
        routing_plan_id=str(batch.routing_plan_id), message_batch_reference=str(batch.id), messages=tuple(outbound)
    )
    try:
        accepted = provider.send_batch(batch=request)
    except errors.DuplicateRequest:
        # The first attempt was accepted; the NHS Notify ids arrive with the receipts.
        limits.circuit_record(PROVIDER, ok=True)
        _accepted(batch, ids, {}, result)
    except errors.ProviderRejected as error:
        limits.circuit_record(PROVIDER, ok=True)
        _rejected(batch, ids, error, result)
    except errors.ProviderError as error:
        # Retryable (429, 425, 5xx, timeouts, dropped connections) or needing an operator
        # (authentication, routing plan configuration): the batch is sent again as it was.
        limits.circuit_record(PROVIDER, ok=False)
        _retry_identically(batch, ids, error, result)
    else:
        limits.circuit_record(PROVIDER, ok=True)
        _accepted(batch, ids, dict(accepted.message_ids), result)


def _accepted(batch: OutboundBatch, ids: list[str], notify_ids: dict[str, str], result: DispatchResult) -> None:
    with transaction.atomic():
        moved = transition_bulk(
            ids=ids,
            transition="accept",
            set_fields={"lease_expires_at": None},
            per_message={ref: {"notify_message_id": notify_ids[ref]} for ref in ids if ref in notify_ids},
        )
        OutboundBatch.objects.filter(id=batch.id).update(status=OutboundBatch.Status.ACCEPTED, last_error="")
    result.accepted += len(moved)


def _rejected(batch: OutboundBatch, ids: list[str], error: errors.ProviderRejected, result: DispatchResult) -> None:
    """NHS Notify refused the request. Messages it named are not sent (with its reason); the
    others were refused only for their company and go back to the queue (the batch was not
    accepted, so sending them again in another batch cannot duplicate them)."""
    by_reference = error.problems_by_reference
    named = {ref for ref in by_reference if ref in set(ids)}
    with transaction.atomic():
        OutboundBatch.objects.filter(id=batch.id).update(
            status=OutboundBatch.Status.REJECTED, last_error=error.summary[:300]
        )
        if not named:
            named = set(ids)
        for ref in named:
            problems = by_reference.get(ref) or by_reference.get(None) or []
            detail = "; ".join(filter(None, (p.code or p.title for p in problems))) or error.summary
            transition_bulk(ids=[ref], transition="not_send", reason=NotSentReason.REJECTED, detail=detail[:300])
        result.not_sent += len(named)
        innocent = [ref for ref in ids if ref not in named]
        if innocent:
            Message.objects.filter(id__in=innocent).update(batch=None)
            transition_bulk(
                ids=innocent,
                transition="requeue",
                reason=DeferReason.RETRY,
                detail="Sent again without the messages NHS Notify refused",
                set_fields={"lease_expires_at": None, "claimed_by": ""},
            )
            result.retrying += len(innocent)


def _retry_identically(
    batch: OutboundBatch, ids: list[str], error: errors.ProviderError, result: DispatchResult
) -> None:
    """Keep the batch whole (its reference and its messages) and send it again as it was after
    exponential backoff with full jitter, never sooner than Retry-After. It is never re-packed:
    if an earlier attempt reached NHS Notify (a timeout, a dropped connection, a 425 while the
    first is still processing), the retry's 422 says it was accepted, and nothing is accepted
    twice. After DISPATCH_MAX_ATTEMPTS attempts its messages fail (technical failure)."""
    attempts = batch.attempts + 1
    with transaction.atomic():
        if attempts >= settings.DISPATCH_MAX_ATTEMPTS:
            OutboundBatch.objects.filter(id=batch.id).update(
                status=OutboundBatch.Status.REJECTED, last_error=error.summary[:300]
            )
            result.failed += len(
                transition_bulk(ids=ids, transition="fail", reason="technical_failure", detail=error.summary)
            )
            return
        next_attempt = timezone.now() + backoff(attempts, retry_after=error.retry_after)
        OutboundBatch.objects.filter(id=batch.id).update(
            status=OutboundBatch.Status.UNKNOWN, next_attempt_at=next_attempt, last_error=error.summary[:300]
        )
        # Hold the lease past the retry so the reaper leaves them to the batch retry.
        Message.objects.filter(id__in=ids).update(
            lease_expires_at=next_attempt + dt.timedelta(seconds=settings.DISPATCH_LEASE_SECONDS)
        )
    if error.may_have_been_accepted:
        result.unknown += len(ids)
    else:
        result.retrying += len(ids)
