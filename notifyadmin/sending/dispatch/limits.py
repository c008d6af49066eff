"""Shared by every worker: a token-bucket rate limit per organisation and provider, and a
circuit breaker per provider.

The rate limit lives in Redis when the broker is Redis (one atomic Lua script per take), and in
the database otherwise (one row per key, updated under a row lock), so any number of workers on
any number of machines keep within one agreed rate. The breaker lives in the database: it opens
after `CIRCUIT_FAILURE_THRESHOLD` consecutive failures, lets one probe through after
`CIRCUIT_COOL_OFF_SECONDS`, and closes by itself on the first success. Its state is exported in
/metrics (notifyadmin_provider_circuit_open) and shown to operations.
"""

from __future__ import annotations

import functools
import time
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from notifyadmin.core import metrics
from notifyadmin.sending.models import ProviderState, RateBucket

# KEYS[1] bucket; ARGV: rate per second, burst, cost. Returns the seconds to wait (0 when the
# tokens were taken). Redis runs the script atomically, on its own clock: workers' clocks differ
# (and threads read theirs before their turn), and a bucket's time must never move backwards,
# or the same interval would refill it twice.
_TAKE = """
local state = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local rate, burst, cost = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local clock = redis.call('TIME')
local now = tonumber(clock[1]) + tonumber(clock[2]) / 1000000
local tokens = tonumber(state[1]) or burst
local at = tonumber(state[2]) or now
if now < at then now = at end
tokens = math.min(burst, tokens + (now - at) * rate)
if tokens >= cost then
  redis.call('HSET', KEYS[1], 'tokens', tokens - cost, 'at', now)
  redis.call('EXPIRE', KEYS[1], 3600)
  return '0'
end
redis.call('HSET', KEYS[1], 'tokens', tokens, 'at', now)
redis.call('EXPIRE', KEYS[1], 3600)
return tostring((cost - tokens) / rate)
"""


@functools.cache
def _redis() -> Any:
    """The broker's Redis when the broker is Redis, else None (then the database is used)."""
    url = str(settings.CELERY_BROKER_URL)
    if not url.startswith(("redis://", "rediss://")):
        return None
    import redis

    client = redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)
    return client.register_script(_TAKE)


def _take_redis(script: Any, key: str, rate: float, burst: float, cost: float) -> float:
    return float(script(keys=[f"notifyadmin:rate:{key}"], args=[rate, burst, cost]))


def _take_database(key: str, rate: float, burst: float, cost: float) -> float:
    with transaction.atomic():
        bucket, _ = RateBucket.objects.select_for_update().get_or_create(
            key=key, defaults={"tokens": burst, "updated_at": timezone.now()}
        )
        # Never backwards: another machine's clock may be ahead of this one's.
        now = max(timezone.now(), bucket.updated_at)
        elapsed = (now - bucket.updated_at).total_seconds()
        tokens = min(burst, bucket.tokens + elapsed * rate)
        if tokens >= cost:
            bucket.tokens, bucket.updated_at = tokens - cost, now
            bucket.save(update_fields=["tokens", "updated_at"])
            return 0.0
        bucket.tokens, bucket.updated_at = tokens, now
        bucket.save(update_fields=["tokens", "updated_at"])
        return (cost - tokens) / rate


def rate_limit_wait(*, organisation_id: str, provider: str, cost: float = 1.0) -> float:
    """Take `cost` tokens (requests) from the shared bucket, sleeping until they are there.
    Returns the seconds slept. Rate and burst: DISPATCH_RATE_PER_SECOND / DISPATCH_RATE_BURST."""
    rate = float(settings.DISPATCH_RATE_PER_SECOND)
    burst = float(settings.DISPATCH_RATE_BURST)
    key = f"{provider}:{organisation_id}"
    script = _redis()
    slept = 0.0
    while True:
        wait = (
            _take_redis(script, key, rate, burst, cost)
            if script is not None
            else _take_database(key, rate, burst, cost)
        )
        if wait <= 0:
            return slept
        time.sleep(wait)
        slept += wait


def circuit_is_open(provider: str) -> bool:
    """True while the breaker is open and its cool-off has not passed (no sending then)."""
    state = ProviderState.objects.filter(provider=provider).first()
    if state is None or state.opened_at is None:
        metrics.PROVIDER_CIRCUIT_OPEN.labels(provider=provider).set(0)
        return False
    cooling = (timezone.now() - state.opened_at).total_seconds() < settings.CIRCUIT_COOL_OFF_SECONDS
    metrics.PROVIDER_CIRCUIT_OPEN.labels(provider=provider).set(1 if cooling else 0)
    return cooling


def circuit_record(provider: str, *, ok: bool) -> None:
    with transaction.atomic():
        state, _ = ProviderState.objects.select_for_update().get_or_create(provider=provider)
        if ok:
            state.consecutive_failures = 0
            state.opened_at = None
        else:
            state.consecutive_failures += 1
            if state.consecutive_failures >= settings.CIRCUIT_FAILURE_THRESHOLD:
                # (Re)open: after the cool-off one probe goes through; another failure re-opens.
                state.opened_at = timezone.now()
        state.save()
    metrics.PROVIDER_CIRCUIT_OPEN.labels(provider=provider).set(0 if state.opened_at is None else 1)
