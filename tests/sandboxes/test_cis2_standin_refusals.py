"""The CIS2 stand-in refuses what CIS2 refuses: bad PKCE, replayed codes and assertions, bad requests."""

import time

import pytest

from notifyadmin.sandboxes.cis2.browser import sign_in_via_picker

from .cis2_flow import (
    ASSERTION_TYPE,
    JWT_CLIENT_ID,
    REDIRECT_URI,
    SECRET_CLIENT_ID,
    authorize_request,
    client_assertion,
    client_auth,
    query_of,
    redeem,
)


def test_wrong_pkce_verifier_is_refused(standin, http, client_key):
    # Given
    request = authorize_request(standin, SECRET_CLIENT_ID)
    code = query_of(sign_in_via_picker(http, request.url, uid="555012345601"))["code"]

    # When
    response = redeem(
        http,
        standin,
        request,
        code,
        client_auth(SECRET_CLIENT_ID, client_key, ""),
        code_verifier="x" * 43,
    )

    # Then
    assert response.status_code == 400
    assert response.json() == {
        "error": "invalid_grant",
        "error_description": "PKCE verification failed: code_verifier does not match code_challenge.",
    }


def test_replayed_code_is_refused_and_its_access_token_revoked(standin, http, client_key):
    # Given
    request = authorize_request(standin, SECRET_CLIENT_ID)
    code = query_of(sign_in_via_picker(http, request.url, uid="555012345601"))["code"]
    auth = client_auth(SECRET_CLIENT_ID, client_key, "")
    first = redeem(http, standin, request, code, auth).json()

    # When
    replay = redeem(http, standin, request, code, auth)

    # Then
    assert replay.status_code == 400
    assert replay.json()["error"] == "invalid_grant"
    userinfo = http.get(
        f"{standin.issuer}/userinfo",
        headers={"Authorization": f"Bearer {first['access_token']}"},
        timeout=5,
    )
    assert userinfo.status_code == 401


def test_expired_code_is_refused(standin, http, client_key, monkeypatch):
    # Given
    request = authorize_request(standin, SECRET_CLIENT_ID)
    code = query_of(sign_in_via_picker(http, request.url, uid="555012345601"))["code"]
    later = time.time() + 61
    monkeypatch.setattr(standin.provider.store, "clock", lambda: later)

    # When
    response = redeem(http, standin, request, code, client_auth(SECRET_CLIENT_ID, client_key, ""))

    # Then
    assert response.json() == {
        "error": "invalid_grant",
        "error_description": "The authorization code has expired.",
    }


def test_replayed_client_assertion_jti_is_refused(standin, http, client_key):
    # Given
    token_endpoint = f"{standin.issuer}/access_token"
    assertion = client_assertion(client_key, token_endpoint)
    auth = {"client_assertion_type": ASSERTION_TYPE, "client_assertion": assertion}
    first = authorize_request(standin, JWT_CLIENT_ID)
    code = query_of(sign_in_via_picker(http, first.url, uid="555012345601"))["code"]
    assert redeem(http, standin, first, code, auth).status_code == 200

    # When
    second = authorize_request(standin, JWT_CLIENT_ID)
    code = query_of(sign_in_via_picker(http, second.url, uid="555012345601"))["code"]
    response = redeem(http, standin, second, code, auth)

    # Then
    assert response.status_code == 401
    assert response.json() == {
        "error": "invalid_client",
        "error_description": "The client assertion's jti has been used before (replay refused).",
    }


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (
            {"aud": "https://elsewhere.example/token"},
            "The client assertion is invalid: Audience doesn't match",
        ),
        (
            {"exp": int(time.time()) + 900},
            "The client assertion may live at most 300 seconds (exp - iat).",
        ),
        (
            {"sub": "someone-else"},
            "The client assertion's sub must equal its iss (the client_id).",
        ),
    ],
)
def test_bad_client_assertions_are_refused(standin, http, client_key, changes, message):
    # Given
    request = authorize_request(standin, JWT_CLIENT_ID)
    code = query_of(sign_in_via_picker(http, request.url, uid="555012345601"))["code"]
    assertion = client_assertion(client_key, f"{standin.issuer}/access_token", **changes)

    # When
    response = redeem(
        http,
        standin,
        request,
        code,
        {"client_assertion_type": ASSERTION_TYPE, "client_assertion": assertion},
    )

    # Then
    assert response.status_code == 401
    assert response.json()["error_description"].startswith(message)


def test_wrong_client_secret_is_refused(standin, http):
    # When
    response = http.post(
        f"{standin.issuer}/access_token",
        timeout=5,
        data={
            "grant_type": "authorization_code",
            "code": "x",
            "client_id": SECRET_CLIENT_ID,
            "client_secret": "guess",
        },
    )

    # Then
    assert response.status_code == 401
    assert response.json() == {
        "error": "invalid_client",
        "error_description": "The client secret is wrong.",
    }


def test_unregistered_redirect_uri_gets_an_error_page_not_a_redirect(standin, http):
    # When
    request = authorize_request(standin, SECRET_CLIENT_ID, redirect_uri="https://attacker.example/callback")
    response = http.get(request.url, allow_redirects=False, timeout=5)

    # Then
    assert response.status_code == 400
    assert "Location" not in response.headers
    assert "Unregistered redirect URI" in response.text


@pytest.mark.parametrize(
    ("overrides", "error", "description"),
    [
        (
            {"code_challenge": ""},
            "invalid_request",
            "code_challenge must be the base64url SHA-256 of the code verifier.",
        ),
        (
            {"code_challenge_method": "plain"},
            "invalid_request",
            "PKCE is required: code_challenge_method must be S256.",
        ),
        ({"scope": "profile"}, "invalid_scope", "scope must include openid."),
        (
            {"response_type": "token"},
            "unsupported_response_type",
            "response_type must be code.",
        ),
        ({"nonce": ""}, "invalid_request", "nonce is required."),
    ],
)
def test_bad_authorization_requests_go_back_to_the_client_with_an_error(standin, http, overrides, error, description):
    # When
    request = authorize_request(standin, SECRET_CLIENT_ID, **overrides)
    response = http.get(request.url, allow_redirects=False, timeout=5)

    # Then
    assert response.status_code == 302
    location = response.headers["Location"]
    assert location.startswith(REDIRECT_URI)
    assert query_of(location) == {
        "error": error,
        "error_description": description,
        "state": request.state,
        "iss": standin.issuer,  # RFC 9207
    }
