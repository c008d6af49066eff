"""The shared rate limit and circuit breaker."""

import datetime as dt
import os
import threading
import time

import pytest
from django.test import override_settings
from django.utils import timezone

from notifyadmin.sending.dispatch import limits
from notifyadmin.sending.models import ProviderState, RateBucket
from tests.services import missing_service

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_redis_client():
    limits._redis.cache_clear()
    yield
    limits._redis.cache_clear()


def test_the_database_bucket_lets_a_burst_through_then_paces(settings):
    settings.CELERY_BROKER_URL = "memory://"
    with override_settings(DISPATCH_RATE_PER_SECOND=2, DISPATCH_RATE_BURST=3):
        waits = [limits.rate_limit_wait(organisation_id="org-db", provider="p") for _ in range(4)]
    assert waits[:3] == [0.0, 0.0, 0.0]
    assert 0.2 <= waits[3] <= 0.5  # one token at 2 a second, less what refilled meanwhile


@pytest.mark.redis
def test_the_redis_bucket_is_shared_by_every_worker(settings):
    broker = os.environ.get("CELERY_BROKER_URL", "")
    if not broker.startswith("redis://"):
        missing_service("Redis (set CELERY_BROKER_URL=redis://...)")
    settings.CELERY_BROKER_URL = broker
    key = f"org-redis-{time.time_ns()}"
    slept: list[float] = []
    together = threading.Barrier(15)

    def take() -> None:
        together.wait()  # every worker asks at the same moment
        slept.append(limits.rate_limit_wait(organisation_id=key, provider="p"))

    with override_settings(DISPATCH_RATE_PER_SECOND=50, DISPATCH_RATE_BURST=5):
        started = time.monotonic()
        threads = [threading.Thread(target=take) for _ in range(15)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.monotonic() - started
    # 15 takes from a bucket of 5 refilled at 50 a second: at least 10 / 50 = 0.2 s in all
    assert elapsed >= 0.18
    assert any(s > 0 for s in slept)
    # The bucket was Redis's, not the database's
    assert not RateBucket.objects.filter(key=f"p:{key}").exists()


def test_the_breaker_opens_after_consecutive_failures_and_closes_on_success():
    with override_settings(CIRCUIT_FAILURE_THRESHOLD=3, CIRCUIT_COOL_OFF_SECONDS=60):
        for _ in range(2):
            limits.circuit_record("nhs_notify", ok=False)
        assert limits.circuit_is_open("nhs_notify") is False
        limits.circuit_record("nhs_notify", ok=False)
        assert limits.circuit_is_open("nhs_notify") is True
        limits.circuit_record("nhs_notify", ok=True)
        assert limits.circuit_is_open("nhs_notify") is False
        assert ProviderState.objects.get(provider="nhs_notify").consecutive_failures == 0


def test_after_the_cool_off_one_probe_may_go():
    with override_settings(CIRCUIT_FAILURE_THRESHOLD=1, CIRCUIT_COOL_OFF_SECONDS=0):
        limits.circuit_record("nhs_notify", ok=False)
        assert limits.circuit_is_open("nhs_notify") is False


@pytest.mark.redis
def test_the_redis_bucket_keeps_its_own_clock_and_never_moves_back(settings):
    # Given a bucket last touched "later" than now (a worker whose clock ran ahead), and empty
    broker = os.environ.get("CELERY_BROKER_URL", "")
    if not broker.startswith("redis://"):
        missing_service("Redis (set CELERY_BROKER_URL=redis://...)")
    settings.CELERY_BROKER_URL = broker
    script = limits._redis()
    client = script.registered_client
    key = f"clock-{time.time_ns()}"
    seconds, micros = client.time()
    ahead = seconds + micros / 1_000_000 + 5
    client.hset(f"notifyadmin:rate:{key}", mapping={"tokens": 0, "at": ahead})
    # When a worker takes a token
    wait = limits._take_redis(script, key, rate=10, burst=5, cost=1)
    # Then it waits for a token to refill, and the bucket's time did not move back
    assert wait == pytest.approx(0.1)
    assert float(client.hget(f"notifyadmin:rate:{key}", "at")) == pytest.approx(ahead, abs=0.001)


def test_the_database_bucket_never_moves_its_time_back(db):
    ahead = timezone.now() + dt.timedelta(seconds=5)
    RateBucket.objects.create(key="p:clock", tokens=0, updated_at=ahead)
    wait = limits._take_database("p:clock", rate=10, burst=5, cost=1)
    assert wait == pytest.approx(0.1)
    assert RateBucket.objects.get(key="p:clock").updated_at == ahead
