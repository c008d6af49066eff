"""Back-channel logout (from the CIS2 stand-in) and RP-initiated logout."""

from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from django.test import Client

from audit.models import AuditEvent
from notifyadmin.accounts.models import Cis2Session

from .conftest import DESIGNER_UID, Journey


def deliver(journey_or_client, catcher) -> list[int]:
    """POST every logout token the stand-in sent to notifyadmin's back-channel endpoint."""
    client = Client()
    statuses = [
        client.post("/oidc/backchannel-logout/", {"logout_token": token}).status_code for token in catcher.tokens
    ]
    catcher.tokens.clear()
    return statuses


def signed_in(client: Client) -> bool:
    return client.get("/").status_code == 200


def test_backchannel_logout_ends_the_live_session(journey, cis2, catcher):
    journey.sign_in(uid=DESIGNER_UID)
    assert signed_in(journey.client)
    sid = journey.client.session["sign_in_session_id"]

    cis2.backchannel_logout(sid)

    assert deliver(journey, catcher) == [200]
    assert not signed_in(journey.client)
    assert not Cis2Session.objects.exists()
    event = AuditEvent.objects.get(action="auth.backchannel_logout")
    assert event.sign_in_session_id == sid and event.cis2_uid == DESIGNER_UID
    assert event.details == {"sessions_ended": 1}


def test_logout_by_sub_ends_every_session_of_that_person(journey, cis2, catcher):
    journey.sign_in(uid=DESIGNER_UID)
    with requests.Session() as http:
        second = Journey(client=Client(), http=http)
        second.sign_in(uid=DESIGNER_UID)
    assert signed_in(journey.client) and signed_in(second.client)
    sid = journey.client.session["sign_in_session_id"]

    cis2.backchannel_logout(sid, remove_claims=["sid"])

    assert deliver(journey, catcher) == [200]
    assert not signed_in(journey.client) and not signed_in(second.client)


def test_logout_with_a_sid_ends_only_that_session(journey, cis2, catcher):
    """OpenID Connect Back-Channel Logout 1.0, section 2.7: with a sid, only that session ends."""
    journey.sign_in(uid=DESIGNER_UID)
    with requests.Session() as http:
        second = Journey(client=Client(), http=http)
        second.sign_in(uid=DESIGNER_UID)
        other_person = Journey(client=Client(), http=http)
        other_person.http.cookies.clear()
        other_person.sign_in(uid="555012345602")

    cis2.backchannel_logout(journey.client.session["sign_in_session_id"])

    assert deliver(journey, catcher) == [200]
    assert not signed_in(journey.client)
    assert signed_in(second.client)
    assert signed_in(other_person.client)
    assert AuditEvent.objects.get(action="auth.backchannel_logout").details == {"sessions_ended": 1}


def test_logout_with_a_sid_of_another_person_ends_nothing(journey, cis2, catcher):
    journey.sign_in(uid=DESIGNER_UID)
    sid = journey.client.session["sign_in_session_id"]

    cis2.backchannel_logout(sid, set_claims={"sub": "555099999999"})

    assert deliver(journey, catcher) == [200]
    assert signed_in(journey.client)
    assert AuditEvent.objects.get(action="auth.backchannel_logout").details == {"sessions_ended": 0}


@pytest.mark.parametrize(
    ("mutation", "reason"),
    [
        ("forged_signature", "bad_signature"),
        ("alg_none", "algorithm_not_allowed"),
        ("unknown_kid", "unknown_kid"),
        ("wrong_audience", "wrong_audience"),
        ("expired", "expired"),
        ("with_nonce", "nonce_present"),
        ("missing_events", "events_missing"),
    ],
)
def test_bad_logout_token_is_refused_and_ends_nothing(journey, cis2, catcher, mutation, reason):
    journey.sign_in(uid=DESIGNER_UID)

    cis2.backchannel_logout(journey.client.session["sign_in_session_id"], mutations=[mutation])

    assert deliver(journey, catcher) == [400]
    assert signed_in(journey.client)
    assert Cis2Session.objects.count() == 1
    assert AuditEvent.objects.get(action="auth.backchannel_logout.refused").details == {"reason": reason}
    assert not AuditEvent.objects.filter(action="auth.backchannel_logout").exists()


def test_replayed_logout_token_is_refused(journey, cis2, catcher):
    journey.sign_in(uid=DESIGNER_UID)

    cis2.backchannel_logout(journey.client.session["sign_in_session_id"], mutations=["replay"])

    assert deliver(journey, catcher) == [200, 400]
    assert AuditEvent.objects.get(action="auth.backchannel_logout.refused").details == {"reason": "replayed_jti"}


def test_logout_token_with_neither_sid_nor_sub_is_refused(journey, cis2, catcher):
    journey.sign_in(uid=DESIGNER_UID)
    cis2.backchannel_logout(journey.client.session["sign_in_session_id"], remove_claims=["sid", "sub"])
    assert deliver(journey, catcher) == [400]
    assert signed_in(journey.client)


@pytest.mark.parametrize("body", [{}, {"logout_token": "not-a-jwt"}, {"logout_token": "a.b.c"}])
def test_garbage_is_refused(cis2, client, body):
    response = client.post("/oidc/backchannel-logout/", body)
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_request"
    assert response["Cache-Control"] == "no-store"


def test_backchannel_logout_needs_post(cis2, client):
    assert client.get("/oidc/backchannel-logout/").status_code == 405


def test_rp_initiated_logout_goes_to_the_end_session_endpoint(journey, cis2):
    journey.sign_in(uid=DESIGNER_UID)
    id_token = journey.client.session["oidc_id_token"]

    response = journey.client.post("/accounts/sign-out/")

    assert response.status_code == 302
    location = response["Location"]
    assert location.startswith(f"{cis2.issuer}/connect/endSession?")
    query = {k: v[0] for k, v in parse_qs(urlsplit(location).query).items()}
    assert query == {"id_token_hint": id_token, "post_logout_redirect_uri": "http://testserver/accounts/signed-out/"}
    assert not signed_in(journey.client)
    assert not Cis2Session.objects.exists()
    assert AuditEvent.objects.filter(action="auth.signed_out").count() == 1
    # The stand-in accepts it and ends its own session.
    ended = journey.http.get(location, allow_redirects=False, timeout=5)
    assert ended.status_code == 302 and ended.headers["Location"].startswith("http://testserver/accounts/signed-out/")
