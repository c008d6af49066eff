"""What went wrong talking to a provider, as one hierarchy that says what the caller must do.

Every error carries:
- `retryable`: whether sending the identical request again can succeed without a person acting.
- `retry_after`: seconds to wait first, from the Retry-After header (None when not given;
  then use your own backoff).
- `may_have_been_accepted`: whether the provider may already hold the message. When true,
  a caller that gives up must record the outcome as unknown, never as "not sent": the
  status callbacks, a status read, or a 422 on a later identical retry settle it.
- `http_status`, `codes` (NHS Notify's CM_* codes), `problems` (each with the
  messageReference it concerns, mapped from the JSON:API `source.pointer`) and the
  `correlation_id` sent.

The rule for every retry of a send: resend the *identical* request (same messageReference
or messageBatchReference, same routing plan, same content). NHS Notify de-duplicates on the
reference, so an identical retry is never delivered twice; a changed one might be.

Classes, and what each means for the caller:
- `ProviderRejected` (400, 405, 406, 413, 415, other 4xx): terminal. Fix the request; never
  retry it as it is. `problems` say which message and field.
    - `MessageNotFound` (404 CM_NOT_FOUND on a status read): no such message id.
- `DuplicateRequest` (422 CM_DUPLICATE_REQUEST): NOT a failure. The reference was used
  before, so the first attempt was accepted. Mark the message accepted; its NHS Notify id
  is the one stored from the first attempt, or arrives with the status callbacks.
- `RoutingPlanUnusable` (404 CM_NO_SUCH_ROUTING_PLAN, 500 CM_MISSING_ROUTING_PLAN_TEMPLATE,
  500 CM_ROUTING_PLAN_DUPLICATE_TEMPLATES): configuration, not a passing fault. Decision: not
  retryable. Every message on that routing plan will fail the same way until the plan is
  fixed at NHS Notify or in our settings; hold sends on the plan and tell an operator,
  instead of burning retries.
- `AuthenticationFailed` (401 after one fresh token, 403 CM_FORBIDDEN / CM_SERVICE_BAN, a
  refused token request): not retryable; an operator must act (keys, onboarding, a ban).
- `RetryableProviderError` and its subclasses: retry the identical request later.
    - `RetryTooEarly` (425 CM_RETRY_TOO_EARLY): the original request is still being
      processed; retry after `retry_after` (NHS Notify says 300 s). It was accepted.
    - `RateLimited` (429 CM_QUOTA): slow down; retry after `retry_after`.
    - `ServerError` (408, 500 CM_INTERNAL_SERVER_ERROR, 502, 503, 504, other 5xx): the
      provider failed; back off and retry. Except for 503 it may have been accepted.
    - `ConnectionFailed`: no connection was made (refused, DNS, connect timeout, TLS
      handshake); nothing was sent, so retrying is safe, even as a new request.
    - `OutcomeUnknown`: the request may have been sent and accepted (read timeout, the
      connection dropped after sending, an unreadable 2xx). Retry the identical request;
      a 422 then means the first attempt was accepted.
- `BatchTooLarge`: raised before sending, when a batch's encoded body is over 5.2 MB.
  Split it (batching.batch_split); never retry it as it is.

Exception messages hold codes, counts, pointers and references only, never NHS Notify's
`detail` text or any request value (those could carry patient data); `problems` keeps the
detail for an operator's screen.
"""

from __future__ import annotations

import email.utils
import math
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

DUPLICATE_REQUEST = "CM_DUPLICATE_REQUEST"
ROUTING_PLAN_CODES = frozenset(
    {"CM_NO_SUCH_ROUTING_PLAN", "CM_MISSING_ROUTING_PLAN_TEMPLATE", "CM_ROUTING_PLAN_DUPLICATE_TEMPLATES"}
)


@dataclass(frozen=True)
class Problem:
    """One JSON:API error object. `message_reference` is set when the pointer names a
    message of the request (`/data/attributes/messages/3/...` → the 4th message's reference;
    `/data/attributes/...` on a single-message request → that message's reference).
    `field` is the rest of the pointer (`recipient/nhsNumber`), or a header name."""

    code: str | None
    title: str | None
    detail: str | None
    pointer: str | None
    header: str | None
    message_reference: str | None
    field: str | None


class ProviderError(Exception):
    """Base of everything a provider adapter raises for what happened on the wire."""

    retryable: ClassVar[bool] = False
    #: Class default; an instance may say otherwise (a failed token request sent no message).
    may_have_been_accepted: bool = False
    #: The outcome label used in metrics and logs.
    outcome: ClassVar[str] = "error"

    def __init__(
        self,
        summary: str,
        *,
        http_status: int | None = None,
        codes: Sequence[str] = (),
        problems: Sequence[Problem] = (),
        retry_after: float | None = None,
        correlation_id: str | None = None,
        endpoint: str | None = None,
        may_have_been_accepted: bool | None = None,
    ) -> None:
        self.summary = summary
        if may_have_been_accepted is not None:
            self.may_have_been_accepted = may_have_been_accepted
        self.http_status = http_status
        self.codes = tuple(codes)
        self.problems = tuple(problems)
        self.retry_after = retry_after
        self.correlation_id = correlation_id
        self.endpoint = endpoint
        super().__init__(self._message())

    def _message(self) -> str:
        parts = [self.summary]
        if self.http_status is not None:
            parts.append(f"HTTP {self.http_status}")
        if self.codes:
            parts.append("codes " + ", ".join(self.codes))
        if self.retry_after is not None:
            parts.append(f"retry after {self.retry_after:g} s")
        if self.correlation_id:
            parts.append(f"correlation id {self.correlation_id}")
        return "; ".join(parts)

    @property
    def problems_by_reference(self) -> dict[str | None, list[Problem]]:
        """Problems grouped by the messageReference they concern (None: the whole request)."""
        grouped: dict[str | None, list[Problem]] = {}
        for problem in self.problems:
            grouped.setdefault(problem.message_reference, []).append(problem)
        return grouped


class ProviderRejected(ProviderError):
    """Terminal: the provider refused the request as it stands. Do not retry it unchanged."""

    outcome = "rejected"


class MessageNotFound(ProviderRejected):
    """A status read named a message id NHS Notify does not know."""

    outcome = "not_found"


class BatchTooLarge(ProviderRejected):
    """Refused before sending: the encoded batch is over the size limit. Split it."""

    outcome = "too_large"


class DuplicateRequest(ProviderError):
    """Not a failure: the reference was used before, so the first attempt was accepted."""

    may_have_been_accepted = True
    outcome = "duplicate"


class RoutingPlanUnusable(ProviderError):
    """Configuration: the routing plan is unknown or its templates are broken. Not retried
    automatically; hold sends on this plan until an operator fixes it."""

    outcome = "routing_plan_unusable"


class AuthenticationFailed(ProviderError):
    """Credentials refused (or a ban). Not retryable: an operator must act."""

    outcome = "auth_failed"


class RetryableProviderError(ProviderError):
    """Retry the identical request later (after `retry_after` when given)."""

    retryable = True
    may_have_been_accepted = True
    outcome = "retryable"


class RetryTooEarly(RetryableProviderError):
    """425: the original request is still being processed. Retry after `retry_after`."""

    outcome = "retry_too_early"


class RateLimited(RetryableProviderError):
    """429: too many requests. Slow down and retry after `retry_after`."""

    may_have_been_accepted = False
    outcome = "rate_limited"


class ServerError(RetryableProviderError):
    """5xx or 408: the provider failed. Back off and retry the identical request."""

    outcome = "server_error"


class ServiceUnavailable(ServerError):
    """503: the provider is not accepting requests; nothing was accepted."""

    may_have_been_accepted = False
    outcome = "unavailable"


class ConnectionFailed(RetryableProviderError):
    """No connection was made, so nothing was sent: safe to retry, even as a new request."""

    may_have_been_accepted = False
    outcome = "connect_failed"


class OutcomeUnknown(RetryableProviderError):
    """The request may have reached the provider and been accepted. Retry the identical
    request (a 422 then confirms the first was accepted); if giving up, record the outcome
    as unknown, never as not sent."""

    outcome = "outcome_unknown"


def retry_after_parse(value: str | None, *, now: float | None = None) -> float | None:
    """Seconds to wait from a Retry-After header: delta-seconds or an HTTP-date (RFC 9110).
    A date in the past gives 0; anything unreadable gives None (use your own backoff)."""
    if value is None or not value.strip():
        return None
    text = value.strip()
    try:
        seconds = float(text)
    except ValueError:
        pass
    else:
        return max(seconds, 0.0) if math.isfinite(seconds) else None
    try:
        moment = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if moment.tzinfo is None:
        return None
    current = time.time() if now is None else now
    return max(moment.timestamp() - current, 0.0)


def _unescape(token: str) -> str:
    return token.replace("~1", "/").replace("~0", "~")


def pointer_locate(pointer: str | None, *, references: Sequence[str], batch: bool) -> tuple[str | None, str | None]:
    """Map a JSON pointer in an NHS Notify error to (messageReference, field).

    Batch: `/data/attributes/messages/3/recipient/nhsNumber` → (references[3],
    "recipient/nhsNumber"). Single: `/data/attributes/recipient/nhsNumber` → (references[0],
    "recipient/nhsNumber"). A pointer at the request itself (routingPlanId,
    messageBatchReference) or an index we did not send gives (None, the field)."""
    if not pointer or not pointer.startswith("/"):
        return None, None
    tokens = [_unescape(token) for token in pointer[1:].split("/")]
    if tokens[:2] != ["data", "attributes"]:
        return None, "/".join(tokens) or None
    rest = tokens[2:]
    if batch:
        if len(rest) >= 2 and rest[0] == "messages" and rest[1].isdigit():
            index = int(rest[1])
            reference = references[index] if index < len(references) else None
            return reference, "/".join(rest[2:]) or None
        return None, "/".join(rest) or None
    field = "/".join(rest) or None
    request_level = {"routingPlanId", "routingPlan", "type"}
    if references and rest and rest[0] not in request_level:
        return references[0], field
    return None, field


def problems_parse(body: Any, *, references: Sequence[str], batch: bool) -> list[Problem]:
    """The JSON:API `errors` array as Problems (tolerating missing or odd members)."""
    errors = body.get("errors") if isinstance(body, Mapping) else None
    if not isinstance(errors, list):
        return []
    problems = []
    for item in errors:
        if not isinstance(item, Mapping):
            continue
        source: Mapping[str, Any] = item["source"] if isinstance(item.get("source"), Mapping) else {}
        pointer = source.get("pointer") if isinstance(source.get("pointer"), str) else None
        header = source.get("header") if isinstance(source.get("header"), str) else None
        reference, field = pointer_locate(pointer, references=references, batch=batch)
        problems.append(
            Problem(
                code=item.get("code") if isinstance(item.get("code"), str) else None,
                title=item.get("title") if isinstance(item.get("title"), str) else None,
                detail=item.get("detail") if isinstance(item.get("detail"), str) else None,
                pointer=pointer,
                header=header,
                message_reference=reference,
                field=field or header,
            )
        )
    return problems


def error_for_response(
    *,
    status: int,
    body: Any,
    retry_after_header: str | None,
    references: Sequence[str] = (),
    batch: bool = False,
    endpoint: str | None = None,
    correlation_id: str | None = None,
) -> ProviderError:
    """Classify a non-2xx NHS Notify API response (see the module docstring for the rules)."""
    problems = problems_parse(body, references=references, batch=batch)
    codes = tuple(dict.fromkeys(problem.code for problem in problems if problem.code))
    code_set = set(codes)
    kwargs: dict[str, Any] = {
        "http_status": status,
        "codes": codes,
        "problems": problems,
        "retry_after": retry_after_parse(retry_after_header),
        "endpoint": endpoint,
        "correlation_id": correlation_id,
    }
    cls: type[ProviderError]
    if status == 422 and (DUPLICATE_REQUEST in code_set or not code_set):
        cls, summary = DuplicateRequest, "Already accepted: this reference was sent before"
    elif code_set & ROUTING_PLAN_CODES:
        cls, summary = RoutingPlanUnusable, "The routing plan cannot be used; an operator must fix its configuration"
    elif status in (401, 403):
        cls, summary = AuthenticationFailed, "NHS Notify refused our credentials; an operator must act"
    elif status == 425:
        cls, summary = RetryTooEarly, "The original request is still being processed"
    elif status == 429:
        cls, summary = RateLimited, "Rate limited by NHS Notify"
    elif status == 404 and endpoint == "get_message":
        cls, summary = MessageNotFound, "NHS Notify has no message with this id"
    elif status == 503:
        cls, summary = ServiceUnavailable, "NHS Notify is not accepting requests"
    elif status == 408 or status >= 500:
        cls, summary = ServerError, "NHS Notify failed to process the request"
    else:
        referenced = {problem.message_reference for problem in problems if problem.message_reference}
        summary = "NHS Notify rejected the request"
        if problems:
            summary += f" ({len(problems)} problem{'s' if len(problems) != 1 else ''}"
            summary += f", {len(referenced)} message{'s' if len(referenced) != 1 else ''})" if batch else ")"
        cls = ProviderRejected
    return cls(summary, **kwargs)
