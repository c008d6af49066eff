"""Fault injection for the API, changeable while the sandbox runs (control API or Python).

Each API request (not /_sandbox/ or /oauth2/) draws once from a seeded random generator:
- `rate_429`: answer 429 CM_QUOTA with Retry-After (`retry_after_429`, default 5) before doing anything;
- `rate_5xx`: answer one of `error_statuses` (default 500, 502, 503, 504) before doing anything;
- `rate_timeout`: claim the references, sleep `timeout_seconds` (past the client's read
  timeout), then process and answer as usual: the client has given up, but the request IS
  accepted, late, and a retry meanwhile gets 425 (still in flight) or afterwards 422;
- `rate_drop`: process and accept the request, then close the connection without answering.
`latency_ms` (plus up to `latency_jitter_ms`) is added to every API request while its references
are claimed. Callback faults (`callback_duplicate`, `callback_out_of_order`) are in callbacks.py.
The same seed and the same sequence of requests give the same faults.
"""

import random
import threading
from dataclasses import asdict, dataclass, field, fields

from notifyadmin.sandboxes.nhs_notify import errors
from notifyadmin.sandboxes.nhs_notify.callbacks import CallbackFaults

DROP, TIMEOUT, QUOTA, SERVER_ERROR = "drop", "timeout", "429", "5xx"
_ERRORS = {
    500: errors.internal_error,
    502: errors.bad_gateway,
    503: errors.service_unavailable,
    504: errors.gateway_timeout,
}


@dataclass
class FaultSettings:
    rate_429: float = 0.0
    retry_after_429: int = errors.RETRY_AFTER_429
    rate_5xx: float = 0.0
    error_statuses: list[int] = field(default_factory=lambda: [500, 502, 503, 504])
    rate_timeout: float = 0.0
    timeout_seconds: float = 30.0
    rate_drop: float = 0.0
    latency_ms: float = 0.0
    latency_jitter_ms: float = 0.0
    callback_duplicate: float = 0.0
    callback_out_of_order: float = 0.0
    seed: int | None = None


@dataclass
class Decision:
    """What this request suffers: an early error, a late/dropped answer, and added delay."""

    failure: errors.ApiFailure | None = None
    kind: str | None = None
    delay: float = 0.0
    drop: bool = False


_RATES = ("rate_429", "rate_5xx", "rate_timeout", "rate_drop", "callback_duplicate", "callback_out_of_order")


class FaultError(ValueError):
    """A fault setting was refused; the message names the field."""


class Faults:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.settings = FaultSettings()
        self.rng = random.Random()  # noqa: S311 - reproducible faults, not security
        self.callback = CallbackFaults(rng=random.Random())  # noqa: S311

    def update(self, changes: dict) -> FaultSettings:
        """Apply some settings (the rest keep their values); refuse unknown names and bad values."""
        known = {f.name for f in fields(FaultSettings)}
        unknown = sorted(set(changes) - known)
        if unknown:
            raise FaultError(f"Unknown fault setting(s): {', '.join(unknown)}. Known: {', '.join(sorted(known))}.")
        merged = {**asdict(self.settings), **changes}
        for name in _RATES:
            value = merged[name]
            if not isinstance(value, int | float) or isinstance(value, bool) or not 0 <= value <= 1:
                raise FaultError(f"{name} must be a number from 0 to 1.")
        for name in ("timeout_seconds", "latency_ms", "latency_jitter_ms", "retry_after_429"):
            value = merged[name]
            if not isinstance(value, int | float) or isinstance(value, bool) or value < 0:
                raise FaultError(f"{name} must be a number of at least 0.")
        if sum(merged[name] for name in ("rate_429", "rate_5xx", "rate_timeout", "rate_drop")) > 1:
            raise FaultError(
                "rate_429 + rate_5xx + rate_timeout + rate_drop must be at most 1 (one fault per request)."
            )
        statuses = merged["error_statuses"]
        if not isinstance(statuses, list) or not statuses or any(status not in _ERRORS for status in statuses):
            raise FaultError(f"error_statuses must be a non-empty list of {', '.join(map(str, _ERRORS))}.")
        if merged["seed"] is not None and not isinstance(merged["seed"], int):
            raise FaultError("seed must be an integer or null.")
        with self.lock:
            self.settings = FaultSettings(**merged)
            if "seed" in changes and merged["seed"] is not None:
                self.rng.seed(merged["seed"])
                self.callback.rng.seed(merged["seed"] + 1)
            self.callback.duplicate = self.settings.callback_duplicate
            self.callback.out_of_order = self.settings.callback_out_of_order
        return self.settings

    def reset(self) -> None:
        with self.lock:
            self.settings = FaultSettings()
            self.callback.duplicate = self.callback.out_of_order = 0.0

    def decide(self) -> Decision:
        with self.lock:
            s = self.settings
            decision = Decision()
            delay_ms = s.latency_ms + (self.rng.random() * s.latency_jitter_ms if s.latency_jitter_ms else 0)
            decision.delay = delay_ms / 1000
            if not (s.rate_429 or s.rate_5xx or s.rate_timeout or s.rate_drop):
                return decision
            draw = self.rng.random()
            if draw < s.rate_429:
                decision.kind = QUOTA
                decision.failure = errors.ApiFailure(errors.quota(), headers={"Retry-After": str(s.retry_after_429)})
            elif draw < s.rate_429 + s.rate_5xx:
                decision.kind = SERVER_ERROR
                status = self.rng.choice(s.error_statuses)
                decision.failure = errors.failure_with_retry_after(_ERRORS[status]())
            elif draw < s.rate_429 + s.rate_5xx + s.rate_timeout:
                decision.kind = TIMEOUT
                decision.delay += s.timeout_seconds
            elif draw < s.rate_429 + s.rate_5xx + s.rate_timeout + s.rate_drop:
                decision.kind = DROP
                decision.drop = True
            return decision
