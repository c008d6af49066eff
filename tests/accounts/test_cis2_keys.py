"""The provider's signing keys: cached for a while, fetched again when they may have changed.

A provider replacing a key under the same kid must not refuse every sign-in and back-channel
logout until notifyadmin restarts (issue 9)."""

import pytest
import responses
from django.test import Client

from audit.models import AuditEvent
from notifyadmin.accounts.cis2 import provider

from .conftest import DESIGNER_UID, Journey

ISSUER = "https://cis2.example.invalid/realm"
JWKS_URI = f"{ISSUER}/jwks"


def test_sign_in_survives_a_key_replaced_under_the_same_kid(journey, cis2, settings):
    settings.CIS2_JWKS_MIN_REFRESH_SECONDS = 0
    assert journey.sign_in(uid=DESIGNER_UID).status_code == 302  # the JWKS is now cached
    cis2.replace_key_keeping_kid()

    other = Journey(client=Client(), http=journey.http)
    other.http.cookies.clear()
    response = other.sign_in(uid=DESIGNER_UID)

    assert response.status_code == 302
    assert not AuditEvent.objects.filter(action="auth.cis2.sign_in.refused").exists()


def test_backchannel_logout_survives_a_key_replaced_under_the_same_kid(journey, cis2, catcher, settings):
    settings.CIS2_JWKS_MIN_REFRESH_SECONDS = 0
    journey.sign_in(uid=DESIGNER_UID)
    sid = journey.client.session["sign_in_session_id"]
    cis2.replace_key_keeping_kid()

    cis2.backchannel_logout(sid)
    statuses = [Client().post("/oidc/backchannel-logout/", {"logout_token": t}).status_code for t in catcher.tokens]

    assert statuses == [200]
    assert journey.client.get("/").status_code == 302


def test_a_forged_signature_fetches_the_keys_again_at_most_once_per_interval(journey, cis2, settings):
    settings.CIS2_JWKS_MIN_REFRESH_SECONDS = 3600
    journey.sign_in(uid=DESIGNER_UID)  # fetched within the interval: no refetch allowed
    cis2.next_id_token("forged_signature")
    other = Journey(client=Client(), http=journey.http)
    other.http.cookies.clear()
    assert other.sign_in(uid=DESIGNER_UID).status_code == 400
    assert AuditEvent.objects.get(action="auth.cis2.sign_in.refused").details == {"reason": "bad_signature"}


@pytest.fixture
def discovery(settings):
    settings.CIS2_ISSUER = ISSUER
    settings.CIS2_CLIENT_ID = "client"
    provider.caches_clear()
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mocked:
        mocked.get(
            f"{ISSUER}/.well-known/openid-configuration",
            json={
                "issuer": ISSUER,
                "authorization_endpoint": f"{ISSUER}/authorize",
                "token_endpoint": f"{ISSUER}/token",
                "jwks_uri": JWKS_URI,
            },
        )
        mocked.get(JWKS_URI, json={"keys": []})
        yield mocked
    provider.caches_clear()


def jwks_fetches(mocked: responses.RequestsMock) -> int:
    return sum(1 for call in mocked.calls if call.request.url == JWKS_URI)


def test_the_key_set_is_cached_for_the_configured_time(discovery, settings):
    settings.CIS2_JWKS_CACHE_SECONDS = 3600
    settings.CIS2_JWKS_MIN_REFRESH_SECONDS = 3600
    provider.signing_key("kid-1", "RS512")
    provider.signing_key("kid-1", "RS512")
    assert jwks_fetches(discovery) == 1


def test_the_key_set_is_fetched_again_once_the_cache_expires(discovery, settings, monkeypatch):
    settings.CIS2_JWKS_CACHE_SECONDS = 60
    settings.CIS2_JWKS_MIN_REFRESH_SECONDS = 3600
    provider.signing_key("kid-1", "RS512")
    later = provider.time.monotonic() + 61
    monkeypatch.setattr(provider.time, "monotonic", lambda: later)
    provider.signing_key("kid-1", "RS512")
    assert jwks_fetches(discovery) == 2


def test_a_refetch_after_a_signature_failure_is_rate_limited(discovery, settings):
    settings.CIS2_JWKS_MIN_REFRESH_SECONDS = 3600
    provider.signing_key("kid-1", "RS512")
    assert provider.signing_key_refetched("kid-1", "RS512") is None
    assert jwks_fetches(discovery) == 1
