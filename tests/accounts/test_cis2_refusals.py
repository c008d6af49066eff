"""Bad input and attacks at CIS2 sign-in: each gives a clear page, is audited, signs nobody in.

The bad tokens are real ones from the stand-in's test hooks, not mocks inside the client."""

from urllib.parse import quote

import pytest

from audit.models import AuditEvent
from notifyadmin.accounts.models import Cis2Session, StaffUser

from .conftest import DESIGNER_UID, LOW_ASSURANCE_UID


def assert_refused(journey, response, *, reason: str, status: int = 400, text: str = "You could not be signed in"):
    assert response.status_code == status
    assert text in response.content.decode()
    assert "_auth_user_id" not in journey.client.session
    assert not Cis2Session.objects.exists()
    assert not AuditEvent.objects.filter(action="auth.sign_in.succeeded").exists()
    event = AuditEvent.objects.get(action="auth.cis2.sign_in.refused")
    assert event.details["reason"] == reason
    assert event.actor is None


@pytest.mark.parametrize(
    ("mutation", "reason"),
    [
        ("forged_signature", "bad_signature"),
        ("wrong_issuer", "wrong_issuer"),
        ("wrong_audience", "wrong_audience"),
        ("expired", "expired"),
        ("wrong_nonce", "nonce_mismatch"),
        ("alg_none", "algorithm_not_allowed"),
        ("unknown_kid", "unknown_kid"),
        ("stale_auth_time", "stale_auth_time"),
        ("malformed_claims", "malformed_claims"),
        ("selected_role_not_held", "selected_role_missing"),
    ],
)
def test_bad_id_token_is_refused(journey, cis2, mutation, reason):
    cis2.next_id_token(mutation)
    response = journey.sign_in(uid=DESIGNER_UID)
    assert_refused(journey, response, reason=reason, status=403 if reason == "selected_role_missing" else 400)
    assert not StaffUser.objects.filter(cis2_uid=DESIGNER_UID).exists()


@pytest.mark.parametrize(
    ("mutation", "reason"),
    [
        ("sub_mismatch", "sub_mismatch"),
        ("roles_not_a_list", "malformed_claims"),
        ("roles_malformed", "selected_role_missing"),
    ],
)
def test_bad_userinfo_is_refused(journey, cis2, mutation, reason):
    cis2.next_userinfo(mutation)
    response = journey.sign_in(uid=DESIGNER_UID)
    assert_refused(journey, response, reason=reason, status=403 if reason == "selected_role_missing" else 400)


def test_low_assurance_is_refused_with_an_explanation(journey, cis2):
    response = journey.sign_in(uid=LOW_ASSURANCE_UID)
    assert_refused(journey, response, reason="low_assurance", status=403, text="level of assurance")


def test_assurance_thresholds_are_configurable(journey, cis2, settings):
    settings.CIS2_MIN_ID_ASSURANCE = 1
    settings.CIS2_MIN_AUTH_ASSURANCE = 1
    assert journey.sign_in(uid=LOW_ASSURANCE_UID).status_code == 302


def test_key_rotation_is_followed(journey, cis2, settings):
    settings.CIS2_JWKS_MIN_REFRESH_SECONDS = 0
    journey.start()  # discovery and JWKS now cached
    journey.sign_in(uid=DESIGNER_UID)  # caches the current JWKS
    cis2.rotate_keys()
    other = type(journey)(client=type(journey.client)(), http=journey.http)
    other.http.cookies.clear()
    assert other.sign_in(uid=DESIGNER_UID).status_code == 302


def test_state_mismatch_is_refused(journey, cis2):
    callback = journey.at_standin(journey.start(), uid=DESIGNER_UID)
    forged = callback.replace("state=", "state=x")
    assert_refused(journey, journey.client.get(forged), reason="state_mismatch")


def test_callback_from_another_browser_is_refused(journey, cis2, client):
    callback = journey.at_standin(journey.start(), uid=DESIGNER_UID)
    response = client.get(callback)  # no sign-in was started in this browser
    assert response.status_code == 400
    assert "_auth_user_id" not in client.session
    assert AuditEvent.objects.get(action="auth.cis2.sign_in.refused").details == {"reason": "state_mismatch"}


def test_replayed_callback_is_refused(journey, cis2):
    callback = journey.at_standin(journey.start(), uid=DESIGNER_UID)
    assert journey.client.get(callback).status_code == 302
    journey.client.post("/accounts/sign-out/")
    response = journey.client.get(callback)
    assert response.status_code == 400
    assert AuditEvent.objects.get(action="auth.cis2.sign_in.refused").details == {"reason": "state_mismatch"}


def test_replayed_code_is_refused_by_the_provider(journey, cis2):
    first = journey.at_standin(journey.start(), uid=DESIGNER_UID)
    assert journey.client.get(first).status_code == 302
    journey.client.post("/accounts/sign-out/")
    Cis2Session.objects.all().delete()
    # A new sign-in starts (fresh state in the session) but the old code is presented with it.
    new_location = journey.start()
    from urllib.parse import parse_qs, urlsplit

    new_state = parse_qs(urlsplit(new_location).query)["state"][0]
    old_code = parse_qs(urlsplit(first).query)["code"][0]
    response = journey.client.get(f"/oidc/callback/?code={old_code}&state={new_state}&iss={quote(cis2.issuer)}")
    assert response.status_code == 400
    assert "_auth_user_id" not in journey.client.session
    assert AuditEvent.objects.get(action="auth.cis2.sign_in.refused").details == {"reason": "token_request_refused"}


def test_provider_error_is_shown_and_audited(journey, cis2):
    location = journey.start()
    from urllib.parse import parse_qs, urlsplit

    state = parse_qs(urlsplit(location).query)["state"][0]
    response = journey.client.get(f"/oidc/callback/?error=access_denied&state={state}&iss={quote(cis2.issuer)}")
    assert response.status_code == 400
    assert AuditEvent.objects.get(action="auth.cis2.sign_in.refused").details == {
        "reason": "provider_error:access_denied"
    }


def test_provider_unreachable_gives_a_clear_page(journey, cis2, settings):
    from notifyadmin.accounts.cis2.provider import caches_clear

    caches_clear()
    settings.CIS2_ISSUER = "http://127.0.0.1:9/nowhere"
    response = journey.client.get("/oidc/authenticate/")
    assert response.status_code == 502
    assert "could not be reached" in response.content.decode()


def test_refused_cis2_sign_ins_do_not_lock_anyone_out(journey, cis2):
    # django-axes counts failed password sign-ins; CIS2 refusals are audited here instead.
    for _ in range(6):
        cis2.next_id_token("wrong_nonce")
        assert journey.sign_in(uid=DESIGNER_UID).status_code == 400
    assert journey.sign_in(uid=DESIGNER_UID).status_code == 302


def test_provider_error_text_is_not_trusted(journey, cis2):
    from urllib.parse import parse_qs, urlsplit

    state = parse_qs(urlsplit(journey.start()).query)["state"][0]
    response = journey.client.get(
        f"/oidc/callback/?error=someone@example.org+07700900123&state={state}&iss={quote(cis2.issuer)}"
    )
    assert response.status_code == 400
    assert AuditEvent.objects.get(action="auth.cis2.sign_in.refused").details == {
        "reason": "provider_error:someoneexampleorg"
    }
