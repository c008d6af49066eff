"""Shared by every worker: a token-bucket rate limit per organisation and provider, and a
circuit breaker per provider.

Both live in the database (one row per key, updated under a row lock), so any number of
workers on any number of machines keep within one agreed rate and see one breaker state.
The breaker opens after `CIRCUIT_FAILURE_THRESHOLD` consecutive failures, lets one probe
through after `CIRCUIT_COOL_OFF_SECONDS`, and closes by itself on the first success. Its
state is exported in /metrics (notifyadmin_provider_circuit_open).
"""

from __future__ import annotations

import time

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from notifyadmin.core import metrics
from notifyadmin.sending.models import ProviderState, RateBucket


def rate_limit_wait(*, organisation_id: str, provider: str, cost: float = 1.0) -> float:
    """Take `cost` tokens (requests) from the bucket, sleeping until they are there. Returns
    the seconds slept. Rate and burst come from settings (DISPATCH_RATE_PER_SECOND/_BURST)."""
    rate = float(settings.DISPATCH_RATE_PER_SECOND)
    burst = float(settings.DISPATCH_RATE_BURST)
    key = f"{provider}:{organisation_id}"
    slept = 0.0
    while True:
        with transaction.atomic():
            bucket, _ = RateBucket.objects.select_for_update().get_or_create(
                key=key, defaults={"tokens": burst, "updated_at": timezone.now()}
            )
            now = timezone.now()
            elapsed = max((now - bucket.updated_at).total_seconds(), 0.0)
            tokens = min(burst, bucket.tokens + elapsed * rate)
            if tokens >= cost:
                bucket.tokens = tokens - cost
                bucket.updated_at = now
                bucket.save(update_fields=["tokens", "updated_at"])
                return slept
            wait = (cost - tokens) / rate
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
