"""Signed-JWT authentication: the client assertion's claims, one cached token shared by all
threads and renewed near expiry, one re-token on a 401, and token failures classified."""

import json
import threading
import time
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import parse_qs

import jwt
import pytest
import responses
import time_machine
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from notifyadmin.sending.providers.auth import SignedJwtCredentials, private_key_load
from notifyadmin.sending.providers.environments import NotifyConfigurationError
from notifyadmin.sending.providers.errors import AuthenticationFailed, ServerError
from notifyadmin.sending.providers.nhs_notify import NhsNotifyProvider
from tests.sending.providers.conftest import API_KEY, KEY_ID
from tests.sending.providers.support import (
    INT_TOKEN_URL,
    INT_URL,
    ROUTING_PLAN,
    created_body,
    error_body,
    outbound,
    sandbox_provider,
)

START = datetime(2026, 3, 2, 9, 0, 0, tzinfo=UTC)


class TokenEndpoint:
    """Issues access-token-1, access-token-2, ... and keeps every form it was sent."""

    def __init__(self, *, expires_in: object = "599", delay: float = 0.0) -> None:
        self.forms: list[dict[str, str]] = []
        self.content_types: list[str] = []
        self.correlation_ids: list[str | None] = []
        self.expires_in = expires_in
        self.delay = delay
        self._lock = threading.Lock()

    def __call__(self, request) -> tuple[int, dict, str]:
        time.sleep(self.delay)
        with self._lock:
            self.forms.append({key: values[0] for key, values in parse_qs(request.body).items()})
            self.content_types.append(request.headers["Content-Type"])
            self.correlation_ids.append(request.headers.get("X-Correlation-ID"))
            number = len(self.forms)
        body = {"access_token": f"access-token-{number}", "expires_in": self.expires_in, "token_type": "Bearer"}
        return 200, {}, json.dumps({**body, "issued_at": "1700000000000"})


def mock_int(mock: responses.RequestsMock, tokens: TokenEndpoint) -> None:
    mock.add_callback(responses.POST, INT_TOKEN_URL, callback=tokens)
    mock.post(f"{INT_URL}/v1/messages", json=created_body(), status=201)


def api_authorizations(mock: responses.RequestsMock) -> list[str | None]:
    return [call.request.headers.get("Authorization") for call in mock.calls if call.request.url != INT_TOKEN_URL]


def send(provider: NhsNotifyProvider) -> None:
    provider.send_message(routing_plan_id=ROUTING_PLAN, message=outbound("m-1"), correlation_id="c")


def test_the_client_assertion_is_signed_rs512_with_the_claims_nhs_england_requires(int_provider, rsa_key):
    # given an int provider and a token endpoint
    tokens = TokenEndpoint()
    with time_machine.travel(START, tick=False) as traveller, responses.RequestsMock() as mock:
        mock_int(mock, tokens)
        provider = int_provider()
        # when it sends twice, ten minutes apart (so it needs two tokens)
        send(provider)
        traveller.shift(600)
        send(provider)
        authorizations = api_authorizations(mock)
    # then each token request is form-encoded with the jwt-bearer assertion type
    assert len(tokens.forms) == 2
    assert tokens.content_types == ["application/x-www-form-urlencoded"] * 2
    assert tokens.correlation_ids == ["c", "c"]
    assert [(f["grant_type"], f["client_assertion_type"]) for f in tokens.forms] == [
        ("client_credentials", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer")
    ] * 2
    # and each assertion verifies against our public key with the required header and claims
    claims = []
    for form in tokens.forms:
        assertion = form["client_assertion"]
        assert jwt.get_unverified_header(assertion) == {"alg": "RS512", "kid": KEY_ID, "typ": "JWT"}
        claims.append(
            jwt.decode(
                assertion,
                rsa_key.public_key(),
                algorithms=["RS512"],
                audience=INT_TOKEN_URL,
                issuer=API_KEY,
                options={"verify_exp": False, "require": ["iss", "sub", "aud", "jti", "exp"]},
            )
        )
    assert [(c["iss"], c["sub"], c["aud"]) for c in claims] == [(API_KEY, API_KEY, INT_TOKEN_URL)] * 2
    assert [c["exp"] - c["iat"] for c in claims] == [240, 240]
    assert claims[0]["iat"] == int(START.timestamp())
    assert all(c["exp"] - c["iat"] <= 300 for c in claims)
    assert claims[0]["jti"] != claims[1]["jti"]
    # and the API calls carried the bearer tokens
    assert authorizations == ["Bearer access-token-1", "Bearer access-token-2"]


def test_jti_is_unique_across_many_assertions(int_provider):
    provider = int_provider()
    jtis = {
        jwt.decode(provider._auth.client_assertion(), options={"verify_signature": False})["jti"] for _ in range(50)
    }
    assert len(jtis) == 50


@pytest.mark.parametrize("expires_in", ["599", 599])
def test_the_token_is_reused_until_shortly_before_expiry_then_renewed(int_provider, expires_in):
    tokens = TokenEndpoint(expires_in=expires_in)
    with time_machine.travel(START, tick=False) as traveller, responses.RequestsMock() as mock:
        mock_int(mock, tokens)
        provider = int_provider()
        send(provider)  # t = 0: first token, valid for 599 s
        traveller.shift(300)
        send(provider)  # t = 300: reused
        traveller.shift(238)
        send(provider)  # t = 538: still reused (renewal starts 60 s before expiry, at 539)
        traveller.shift(1)
        send(provider)  # t = 539: renewed
        traveller.shift(100)
        send(provider)  # t = 639: the new token is reused
        authorizations = api_authorizations(mock)
    assert len(tokens.forms) == 2
    assert authorizations == ["Bearer access-token-1"] * 3 + ["Bearer access-token-2"] * 2


def test_eight_threads_asking_at_once_make_exactly_one_token_request(int_provider):
    # given a slow token endpoint and eight threads released together
    tokens = TokenEndpoint(delay=0.2)
    provider = int_provider()
    barrier = threading.Barrier(8)
    failures: list[BaseException] = []

    def worker() -> None:
        try:
            barrier.wait(timeout=5)
            send(provider)
        except BaseException as error:  # noqa: BLE001 - surfaced by the assertion below
            failures.append(error)

    with responses.RequestsMock() as mock:
        mock_int(mock, tokens)
        threads = [threading.Thread(target=worker) for _ in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=10)
        authorizations = api_authorizations(mock)
    # then one token request served all eight sends
    assert failures == []
    assert len(tokens.forms) == 1
    assert authorizations == ["Bearer access-token-1"] * 8


def test_a_401_drops_the_token_and_retries_once_with_a_new_one(int_provider):
    tokens = TokenEndpoint()
    with responses.RequestsMock() as mock:
        mock.add_callback(responses.POST, INT_TOKEN_URL, callback=tokens)
        mock.post(f"{INT_URL}/v1/messages", json=error_body(401, "CM_DENIED"), status=401)
        mock.post(f"{INT_URL}/v1/messages", json=created_body(), status=201)
        accepted = int_provider().send_message(routing_plan_id=ROUTING_PLAN, message=outbound("m-1"))
        authorizations = api_authorizations(mock)
    assert accepted.message_reference == "msg-1"
    assert len(tokens.forms) == 2
    assert authorizations == ["Bearer access-token-1", "Bearer access-token-2"]


def test_a_second_401_is_authentication_failed_not_a_loop(int_provider):
    tokens = TokenEndpoint()
    with responses.RequestsMock() as mock:
        mock.add_callback(responses.POST, INT_TOKEN_URL, callback=tokens)
        mock.post(f"{INT_URL}/v1/messages", json=error_body(401, "CM_DENIED"), status=401)
        with pytest.raises(AuthenticationFailed) as raised:
            int_provider().send_message(routing_plan_id=ROUTING_PLAN, message=outbound("m-1"))
        authorizations = api_authorizations(mock)
    assert len(tokens.forms) == 2
    assert authorizations == ["Bearer access-token-1", "Bearer access-token-2"]
    assert (raised.value.http_status, raised.value.codes, raised.value.retryable) == (401, ("CM_DENIED",), False)


def test_without_authentication_a_401_is_not_retried():
    with responses.RequestsMock() as mock:
        mock.post("https://sandbox.api.service.nhs.uk/comms/v1/messages", json=error_body(401, "CM_DENIED"), status=401)
        with pytest.raises(AuthenticationFailed):
            sandbox_provider().send_message(routing_plan_id=ROUTING_PLAN, message=outbound("m-1"))
        assert len(mock.calls) == 1


@pytest.mark.parametrize(
    ("status", "body", "expected", "codes", "retryable"),
    [
        (400, {"error": "invalid_request", "error_description": "jti has already been used"}, AuthenticationFailed,
         ("invalid_request",), False),
        (401, {"error": "invalid_client"}, AuthenticationFailed, ("invalid_client",), False),
        (500, {"error": "server_error"}, ServerError, ("server_error",), True),
        (200, {"token_type": "Bearer"}, AuthenticationFailed, (), False),
    ],
)  # fmt: skip
def test_a_failed_token_request_sends_no_message_and_says_so(int_provider, status, body, expected, codes, retryable):
    with responses.RequestsMock() as mock:
        mock.post(INT_TOKEN_URL, json=body, status=status)
        with pytest.raises(expected) as raised:
            int_provider().send_message(routing_plan_id=ROUTING_PLAN, message=outbound("m-1"), correlation_id="c-t")
        assert [call.request.url for call in mock.calls] == [INT_TOKEN_URL]
    error = raised.value
    assert type(error) is expected
    assert (error.codes, error.retryable, error.may_have_been_accepted) == (codes, retryable, False)
    assert (error.endpoint, error.correlation_id) == ("token", "c-t")


def test_int_without_credentials_cannot_be_built():
    with pytest.raises(NotifyConfigurationError) as raised:
        NhsNotifyProvider(environment="int", base_url=INT_URL, token_url=INT_TOKEN_URL)
    assert str(raised.value) == (
        "NOTIFY_ENVIRONMENT int needs signed-JWT authentication: set "
        "NOTIFY_TOKEN_URL, NOTIFY_API_KEY, NOTIFY_PRIVATE_KEY_PATH and NOTIFY_KEY_ID."
    )


def test_the_private_key_must_be_a_readable_rsa_key(tmp_path: Path, key_file: Path):
    assert isinstance(private_key_load(str(key_file)), rsa.RSAPrivateKey)
    with pytest.raises(NotifyConfigurationError) as raised:
        private_key_load(str(tmp_path / "missing.pem"))
    assert str(raised.value) == "NOTIFY_PRIVATE_KEY_PATH must name a readable, unencrypted PEM private key."

    ec_file = tmp_path / "ec.pem"
    ec_file.write_bytes(
        ec.generate_private_key(ec.SECP256R1()).private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    with pytest.raises(NotifyConfigurationError) as raised:
        private_key_load(str(ec_file))
    assert str(raised.value) == "NOTIFY_PRIVATE_KEY_PATH must hold an RSA key (NHS England requires RS512)."


def test_credentials_never_print_their_secrets(rsa_key):
    credentials = SignedJwtCredentials(api_key=API_KEY, private_key=rsa_key, key_id=KEY_ID)
    assert repr(credentials) == f"SignedJwtCredentials(key_id={KEY_ID!r})"
