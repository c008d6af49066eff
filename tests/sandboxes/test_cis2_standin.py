"""The CIS2 stand-in over real HTTP: discovery, keys, the code flow with PKCE, userinfo."""

import time
from urllib.parse import urlsplit

import jwt
import pytest
import requests

from notifyadmin.sandboxes.cis2 import start_standin
from notifyadmin.sandboxes.cis2.identities import (
    TEST_IDENTITIES,
)
from notifyadmin.sandboxes.cis2.keys import jwk_thumbprint

from .cis2_flow import (
    ISSUER_PATH,
    JWKS_CLIENT_ID,
    JWT_CLIENT_ID,
    MULTI_ROLE_UID,
    SECRET_CLIENT_ID,
    authorize_request,
    query_of,
    sign_in,
    verify_with_jwks,
)

# Discovery and keys ----------------------------------------------------------------------------


def test_discovery_lists_cis2_endpoints_and_capabilities(standin):
    # When
    document = requests.get(f"{standin.issuer}/.well-known/openid-configuration", timeout=5).json()

    # Then
    assert urlsplit(standin.issuer).path == ISSUER_PATH
    assert document["issuer"] == standin.issuer
    assert {
        name: document[name]
        for name in (
            "authorization_endpoint",
            "token_endpoint",
            "userinfo_endpoint",
            "jwks_uri",
            "end_session_endpoint",
        )
    } == {
        "authorization_endpoint": f"{standin.issuer}/authorize",
        "token_endpoint": f"{standin.issuer}/access_token",
        "userinfo_endpoint": f"{standin.issuer}/userinfo",
        "jwks_uri": f"{standin.issuer}/connect/jwk_uri",
        "end_session_endpoint": f"{standin.issuer}/connect/endSession",
    }
    assert document["backchannel_logout_supported"] is True
    assert document["backchannel_logout_session_supported"] is True
    assert document["token_endpoint_auth_methods_supported"] == [
        "private_key_jwt",
        "client_secret_post",
    ]
    assert document["id_token_signing_alg_values_supported"] == ["RS256", "RS512"]
    assert document["code_challenge_methods_supported"] == ["S256"]
    assert {"openid", "selectedrole", "nationalrbacaccess"} <= set(document["scopes_supported"])
    assert {"selected_roleid", "nhsid_nrbac_roles", "id_assurance_level"} <= set(document["claims_supported"])


def test_jwks_publishes_the_signing_key_under_its_thumbprint(standin):
    # When
    jwks = requests.get(f"{standin.issuer}/connect/jwk_uri", timeout=5).json()

    # Then
    [key] = jwks["keys"]
    assert key["kid"] == jwk_thumbprint(jwt.PyJWK(key).key)
    assert (key["kty"], key["use"], key["alg"]) == ("RSA", "sig", "RS512")
    assert "d" not in key


def test_rotated_key_signs_new_tokens_and_old_key_stays_published(standin, http, client_key):
    # Given
    _, before = sign_in(http, standin, client_key)
    old_kid = jwt.get_unverified_header(before["id_token"])["kid"]

    # When
    new_kid = requests.post(f"{standin.base_url}/_testing/rotate-keys", timeout=5).json()["active_kid"]
    _, after = sign_in(http, standin, client_key, prompt="login")

    # Then
    kids = [key["kid"] for key in requests.get(f"{standin.issuer}/connect/jwk_uri", timeout=5).json()["keys"]]
    assert kids == [new_kid, old_kid]
    assert jwt.get_unverified_header(after["id_token"])["kid"] == new_kid
    verify_with_jwks(standin, before["id_token"], SECRET_CLIENT_ID)


def test_keys_survive_a_restart(tmp_path):
    # Given
    with start_standin(key_dir=tmp_path, clients=[], environ={}) as first:
        first_kid = first.provider.keys.active_kid

    # When
    with start_standin(key_dir=tmp_path, clients=[], environ={}) as second:
        # Then
        assert second.provider.keys.active_kid == first_kid
    assert (tmp_path / f"{first_kid}.pem").stat().st_mode & 0o077 == 0


# The code flow ----------------------------------------------------------------------------------


@pytest.mark.parametrize("client_id", [SECRET_CLIENT_ID, JWT_CLIENT_ID, JWKS_CLIENT_ID])
def test_code_flow_with_pkce_issues_a_verifiable_cis2_shaped_id_token(standin, http, client_key, client_id):
    # When
    request, tokens = sign_in(http, standin, client_key, client_id=client_id, uid="555012345602")

    # Then
    assert tokens["token_type"] == "Bearer"
    assert tokens["expires_in"] == 3600
    header = jwt.get_unverified_header(tokens["id_token"])
    assert header["alg"] == "RS512"
    claims = verify_with_jwks(standin, tokens["id_token"], client_id)
    assert claims["sub"] == claims["nhsid_useruid"] == "555012345602"
    assert claims["aud"] == client_id
    assert claims["nonce"] == request.nonce
    assert claims["selected_roleid"] == "555134560201"
    assert (claims["id_assurance_level"], claims["authentication_assurance_level"]) == (
        3,
        3,
    )
    assert claims["acr"] == "AAL3_ANY"
    assert claims["amr"] == ["SCARD"]
    assert (claims["given_name"], claims["family_name"], claims["name"]) == (
        "Tomasz",
        "Nowak",
        "Tomasz Nowak",
    )
    assert abs(claims["auth_time"] - time.time()) < 10
    assert claims["sid"] == standin.sessions()[0].sid


def test_a_person_with_several_roles_chooses_one(standin, http, client_key):
    # When
    _, tokens = sign_in(http, standin, client_key, uid=MULTI_ROLE_UID, person_roleid="555134560702")

    # Then
    claims = verify_with_jwks(standin, tokens["id_token"], SECRET_CLIENT_ID)
    assert claims["selected_roleid"] == "555134560702"


def test_the_role_page_asks_again_when_no_role_is_chosen(standin, http):
    # Given
    request = authorize_request(standin, SECRET_CLIENT_ID)
    page = http.get(request.url, timeout=5).text
    request_id = page.split('name="request_id" value="')[1].split('"')[0]

    # When
    form = {"request_id": request_id, "uid": MULTI_ROLE_UID, "step": "role"}
    response = http.post(f"{standin.issuer}/authorize", data=form, allow_redirects=False, timeout=5)

    # Then
    assert response.status_code == 400
    assert "Choose the role you are working in." in response.text
    assert 'lang="en"' in response.text
    assert (
        '<label for="person_roleid-555134560703">Content Designer and Clinical Safety Officer</label>' in response.text
    )


def test_sign_in_page_is_labelled_and_lists_every_test_identity(standin, http):
    # When
    page = http.get(authorize_request(standin, SECRET_CLIENT_ID).url, timeout=5).text

    # Then
    assert '<html lang="en">' in page
    assert "<h1>Sign in with a test identity</h1>" in page
    assert "<legend>Choose a test identity</legend>" in page
    for identity in TEST_IDENTITIES:
        assert f'<label for="uid-{identity.uid}">{identity.name}</label>' in page


def test_an_existing_session_signs_in_again_without_the_picker_but_prompt_login_asks(
    standin, http, client_key, monkeypatch
):
    # Given
    _, first = sign_in(http, standin, client_key)
    first_auth_time = jwt.decode(first["id_token"], options={"verify_signature": False})["auth_time"]

    # When
    silent = http.get(
        authorize_request(standin, SECRET_CLIENT_ID).url,
        allow_redirects=False,
        timeout=5,
    )
    forced = http.get(
        authorize_request(standin, SECRET_CLIENT_ID, prompt="login").url,
        allow_redirects=False,
        timeout=5,
    )
    later = time.time() + 5
    monkeypatch.setattr(standin.provider.store, "clock", lambda: later)
    too_old = http.get(
        authorize_request(standin, SECRET_CLIENT_ID, max_age="4").url,
        allow_redirects=False,
        timeout=5,
    )

    # Then
    assert silent.status_code == 302 and "code" in query_of(silent.headers["Location"])
    assert forced.status_code == 200 and "Choose a test identity" in forced.text
    assert too_old.status_code == 200 and "Choose a test identity" in too_old.text
    _, again = sign_in(http, standin, client_key, prompt="login")
    assert jwt.decode(again["id_token"], options={"verify_signature": False})["auth_time"] > first_auth_time


def test_prompt_none_without_a_session_is_login_required(standin, http):
    # When
    request = authorize_request(standin, SECRET_CLIENT_ID, prompt="none")
    response = http.get(request.url, allow_redirects=False, timeout=5)

    # Then
    assert query_of(response.headers["Location"])["error"] == "login_required"


# Userinfo -------------------------------------------------------------------------------------


def test_userinfo_returns_cis2_person_org_and_rbac_claims(standin, http, client_key):
    # Given
    _, tokens = sign_in(http, standin, client_key, uid=MULTI_ROLE_UID, person_roleid="555134560701")

    # When
    response = http.get(
        f"{standin.issuer}/userinfo",
        headers={"Authorization": f"Bearer {tokens['access_token']}"},
        timeout=5,
    )

    # Then
    claims = response.json()
    id_token = verify_with_jwks(standin, tokens["id_token"], SECRET_CLIENT_ID)
    assert claims["sub"] == id_token["sub"] == MULTI_ROLE_UID
    assert claims["nhsid_useruid"] == MULTI_ROLE_UID
    assert (claims["name"], claims["given_name"], claims["family_name"]) == (
        "Aisha Bello",
        "Aisha",
        "Bello",
    )
    assert claims["email"] == "aisha.bello@northfield-nhs.example"
    assert claims["nhsid_user_orgs"] == [
        {
            "org_code": "RX1",
            "org_name": "Northfield Teaching Hospitals NHS Foundation Trust",
        }
    ]
    assert claims["selected_roleid"] == "555134560701"
    assert [role["role_code"] for role in claims["nhsid_nrbac_roles"]] == [
        "S8001:G8005:R5001",
        "S8000:G8000:R5002",
        "S8001:G8005:R5007",
    ]
    assert claims["nhsid_nrbac_roles"][0] == {
        "person_orgid": "555212345607",
        "person_roleid": "555134560701",
        "org_code": "RX1",
        "role_code": "S8001:G8005:R5001",
        "role_name": "Content Designer",
        "activity_codes": ["B0001", "B0002"],
        "activities": [
            "Draft patient message content",
            "Review patient message content",
        ],
    }


def test_userinfo_releases_only_what_the_scopes_allow(standin, http, client_key):
    # Given
    _, tokens = sign_in(http, standin, client_key, scope="openid profile")

    # When
    claims = http.get(
        f"{standin.issuer}/userinfo",
        headers={"Authorization": f"Bearer {tokens['access_token']}"},
        timeout=5,
    ).json()

    # Then
    assert claims == {
        "sub": "555012345601",
        "name": "Priya Raman",
        "given_name": "Priya",
        "family_name": "Raman",
    }


def test_userinfo_without_a_valid_token_is_401(standin, http):
    response = http.get(
        f"{standin.issuer}/userinfo",
        headers={"Authorization": "Bearer nope"},
        timeout=5,
    )

    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == 'Bearer error="invalid_token"'
