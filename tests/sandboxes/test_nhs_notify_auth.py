"""auth=jwt: the signed-JWT client-credentials flow of NHS England's API platform, then Bearer tokens."""

import json
import time
import uuid

import jwt
import pytest
import requests
from cryptography.hazmat.primitives.asymmetric import rsa

from notifyadmin.sandboxes.nhs_notify import AUTH_JWT, SandboxConfig, Timings, start_sandbox

from .nhs_notify_support import JSON_API, assert_valid, error_codes, message_body

API_KEY = "api-key-for-tests"
KID = "local-1"
ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"


@pytest.fixture(scope="module")
def client_key():
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture
def jwt_sandbox(tmp_path, client_key):
    jwk = jwt.algorithms.RSAAlgorithm.to_jwk(client_key.public_key(), as_dict=True)
    jwks_path = tmp_path / "jwks.json"
    jwks_path.write_text(json.dumps({"keys": [{**jwk, "kid": KID, "use": "sig", "alg": "RS512"}]}))
    config = SandboxConfig(auth=AUTH_JWT, api_key=API_KEY, public_key_path=str(jwks_path), timings=Timings(step=0))
    running = start_sandbox(config, environ={})
    yield running
    running.stop()


def _assertion(sandbox, key, **overrides):
    claims = {
        "iss": API_KEY,
        "sub": API_KEY,
        "aud": sandbox.token_url,
        "jti": str(uuid.uuid4()),
        "exp": int(time.time()) + 300,
    }
    headers = {"kid": overrides.pop("kid", KID)}
    claims.update(overrides)
    return jwt.encode(claims, key, algorithm="RS512", headers=headers)


def _token(sandbox, assertion):
    return requests.post(
        sandbox.token_url,
        data={
            "grant_type": "client_credentials",
            "client_assertion_type": ASSERTION_TYPE,
            "client_assertion": assertion,
        },
        timeout=5,
    )


def test_a_good_assertion_gets_a_token_that_opens_the_api(jwt_sandbox, client_key):
    # When
    response = _token(jwt_sandbox, _assertion(jwt_sandbox, client_key))
    token = response.json()
    sent = requests.post(
        f"{jwt_sandbox.url}/v1/messages",
        json=message_body(),
        headers={**JSON_API, "Authorization": f"Bearer {token['access_token']}"},
        timeout=5,
    )

    # Then
    assert response.status_code == 200
    assert set(token) == {"access_token", "expires_in", "token_type", "issued_at"}
    assert (token["expires_in"], token["token_type"]) == ("599", "Bearer")
    assert token["issued_at"].isdigit()
    assert sent.status_code == 201


@pytest.mark.parametrize("authorization", [None, "Bearer not-a-token", "noOdsChange"])
def test_api_calls_without_a_valid_token_are_401_cm_denied(jwt_sandbox, authorization):
    headers = {**JSON_API, **({"Authorization": authorization} if authorization else {})}

    response = requests.post(f"{jwt_sandbox.url}/v1/messages", json=message_body(), headers=headers, timeout=5)

    assert response.status_code == 401
    assert_valid("create_message", response)
    assert error_codes(response) == [("401", "CM_DENIED", None)]
    assert response.json()["errors"][0]["source"] == {"header": "Authorization"}
    assert jwt_sandbox.accepted()["total"] == 0


def test_an_assertion_signed_with_another_key_is_refused(jwt_sandbox):
    other_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)

    response = _token(jwt_sandbox, _assertion(jwt_sandbox, other_key))

    assert response.status_code == 401
    assert response.json()["error"] == "invalid_client"
    assert response.json()["error_description"] == "Invalid signature in client_assertion JWT"


def test_a_reused_jti_is_refused(jwt_sandbox, client_key):
    assertion = _assertion(jwt_sandbox, client_key, jti="only-once")
    first = _token(jwt_sandbox, assertion)

    again = _token(jwt_sandbox, _assertion(jwt_sandbox, client_key, jti="only-once"))

    assert first.status_code == 200
    assert again.status_code == 400
    assert again.json()["error_description"] == "Non-unique 'jti' claim in client_assertion JWT"


def test_exp_more_than_five_minutes_ahead_is_refused(jwt_sandbox, client_key):
    response = _token(jwt_sandbox, _assertion(jwt_sandbox, client_key, exp=int(time.time()) + 360))

    assert response.status_code == 400
    assert response.json()["error_description"] == (
        "Invalid 'exp' claim in client_assertion JWT - more than 5 minutes in future"
    )


def test_a_wrong_audience_is_refused(jwt_sandbox, client_key):
    response = _token(jwt_sandbox, _assertion(jwt_sandbox, client_key, aud="https://api.service.nhs.uk/oauth2/token"))

    assert response.status_code == 401
    assert response.json()["error_description"] == (
        f"Invalid 'aud' claim in client_assertion JWT - must be '{jwt_sandbox.token_url}'"
    )


@pytest.mark.parametrize(
    ("overrides", "status", "description"),
    [
        ({"kid": "unknown"}, 401, "Invalid 'kid' header in client_assertion JWT - no key 'unknown'"),
        ({"iss": "someone-else"}, 401, "Invalid 'iss'/'sub' claims in client_assertion JWT - must be the API key"),
        ({"exp": int(time.time()) - 60}, 400, "Invalid 'exp' claim in client_assertion JWT - JWT has expired"),
    ],
)
def test_other_bad_assertions(jwt_sandbox, client_key, overrides, status, description):
    response = _token(jwt_sandbox, _assertion(jwt_sandbox, client_key, **overrides))

    assert (response.status_code, response.json()["error_description"]) == (status, description)


def test_a_wrong_grant_or_assertion_type_is_refused(jwt_sandbox, client_key):
    response = requests.post(
        jwt_sandbox.token_url,
        data={"grant_type": "client_credentials", "client_assertion": _assertion(jwt_sandbox, client_key)},
        timeout=5,
    )

    assert response.status_code == 400
    assert response.json()["error"] == "invalid_request"


def test_a_pem_public_key_with_a_configured_key_id(tmp_path, client_key):
    from cryptography.hazmat.primitives import serialization

    pem = tmp_path / "public.pem"
    pem.write_bytes(
        client_key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
    )
    config = SandboxConfig(
        auth=AUTH_JWT, api_key=API_KEY, public_key_path=str(pem), key_id=KID, timings=Timings(step=0)
    )
    with start_sandbox(config, environ={}) as sandbox:
        good = _token(sandbox, _assertion(sandbox, client_key))
        wrong_kid = _token(sandbox, _assertion(sandbox, client_key, kid="other"))

    assert good.status_code == 200
    assert (wrong_kid.status_code, wrong_kid.json()["error"]) == (401, "invalid_client")


def test_jwt_mode_needs_a_public_key():
    from notifyadmin.sandboxes.nhs_notify import ConfigurationError

    with pytest.raises(ConfigurationError, match="auth=jwt needs the client's public key"):
        SandboxConfig(auth=AUTH_JWT)
