"""The CIS2 stand-in's logout: RP-initiated end session and back-channel logout tokens."""

import jwt
import pytest
import requests

from .cis2_flow import (
    POST_LOGOUT_URI,
    SECRET_CLIENT_ID,
    sign_in,
    verify_with_jwks,
)


def test_end_session_sends_a_verifiable_backchannel_logout_and_redirects(standin, http, client_key, receiver):
    # Given
    _, tokens = sign_in(http, standin, client_key)
    id_token = verify_with_jwks(standin, tokens["id_token"], SECRET_CLIENT_ID)

    # When
    response = http.get(
        f"{standin.issuer}/connect/endSession",
        allow_redirects=False,
        timeout=5,
        params={
            "id_token_hint": tokens["id_token"],
            "post_logout_redirect_uri": POST_LOGOUT_URI,
            "state": "bye",
        },
    )

    # Then
    assert response.status_code == 302
    assert response.headers["Location"] == f"{POST_LOGOUT_URI}?state=bye"
    [post] = receiver.posts
    assert post["path"] == "/oidc/backchannel-logout/"
    assert post["content_type"] == "application/x-www-form-urlencoded"
    logout = verify_with_jwks(standin, receiver.logout_tokens()[0], SECRET_CLIENT_ID)
    assert logout["events"] == {"http://schemas.openid.net/event/backchannel-logout": {}}
    assert (logout["sub"], logout["sid"]) == (id_token["sub"], id_token["sid"])
    assert "nonce" not in logout
    assert logout["exp"] - logout["iat"] <= 120
    assert logout["jti"]
    assert standin.sessions() == []
    assert [(d.client_id, d.status) for d in standin.deliveries()] == [(SECRET_CLIENT_ID, 200)]


def test_end_session_refuses_an_unregistered_post_logout_redirect(standin, http, client_key, receiver):
    # Given
    _, tokens = sign_in(http, standin, client_key)

    # When
    response = http.get(
        f"{standin.issuer}/connect/endSession",
        allow_redirects=False,
        timeout=5,
        params={
            "id_token_hint": tokens["id_token"],
            "post_logout_redirect_uri": "https://attacker.example/",
        },
    )

    # Then
    assert response.status_code == 400
    assert receiver.posts == []
    assert len(standin.sessions()) == 1


def test_sessions_page_button_sends_backchannel_logout_and_records_the_answer(standin, http, client_key, receiver):
    # Given
    sign_in(http, standin, client_key, uid="555012345604")
    receiver.answer_status = 400
    [session] = standin.sessions()
    page = http.get(f"{standin.base_url}/sessions", timeout=5).text
    assert "Sign out (back-channel)" in page and "Callum Reid" in page

    # When
    response = http.post(
        f"{standin.base_url}/sessions/backchannel-logout",
        timeout=5,
        data={"sid": session.sid, "variant": "genuine"},
    )

    # Then
    assert response.status_code == 200  # followed the 303 back to /sessions
    assert "No one is signed in." in response.text
    assert "<td>400</td>" in response.text
    assert len(receiver.posts) == 1


def test_logout_token_hooks_forge_replay_and_nonce(standin, http, client_key, receiver):
    # Given
    sign_in(http, standin, client_key)
    [session] = standin.sessions()

    # When
    standin.backchannel_logout(session.sid, mutations=["forged_signature"])
    standin.backchannel_logout(session.sid, mutations=["with_nonce"])
    replayed = requests.post(
        f"{standin.base_url}/_testing/backchannel-logout",
        timeout=5,
        json={"sid": session.sid, "mutations": ["replay"]},
    ).json()

    # Then
    forged, with_nonce, first, second = receiver.logout_tokens()
    with pytest.raises(jwt.InvalidSignatureError):
        verify_with_jwks(standin, forged, SECRET_CLIENT_ID)
    assert "nonce" in verify_with_jwks(standin, with_nonce, SECRET_CLIENT_ID)
    assert first == second
    assert [d["status"] for d in replayed["deliveries"]] == [200, 200]
    assert standin.sessions() == []  # only the genuine (replayed) token ended the session
