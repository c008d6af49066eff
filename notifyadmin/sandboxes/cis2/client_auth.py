"""Authenticating a client at the token endpoint: client_secret_post or private_key_jwt.

private_key_jwt follows CIS2 and RFC 7523: the assertion is signed RS512 (RS256 and PS512 are
also accepted), iss = sub = client_id, aud is the token endpoint (or the issuer), it expires at
most five minutes after it was issued, and its jti is accepted once only.
"""

import hmac
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import jwt
import requests
from cryptography.hazmat.primitives import serialization

from notifyadmin.sandboxes.cis2.config import (
    CLIENT_SECRET_POST,
    PRIVATE_KEY_JWT,
    Client,
)
from notifyadmin.sandboxes.cis2.store import Store

ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
ASSERTION_ALGORITHMS = ("RS512", "RS256", "PS512")
ASSERTION_MAX_LIFETIME = 300
LEEWAY = 30
JWKS_FETCH_TIMEOUT = 5


class ClientAuthError(Exception):
    """OAuth `invalid_client`: the message says why, for the tester reading the response."""


def client_authenticate(
    *,
    form: Mapping[str, str],
    clients: Mapping[str, Client],
    store: Store,
    token_endpoint: str,
    issuer: str,
) -> Client:
    if form.get("client_assertion") or form.get("client_assertion_type"):
        return _private_key_jwt(form=form, clients=clients, store=store, audiences=[token_endpoint, issuer])
    if form.get("client_secret"):
        return _client_secret_post(form=form, clients=clients)
    raise ClientAuthError("No client authentication: send client_secret or a client_assertion.")


def _client_secret_post(*, form: Mapping[str, str], clients: Mapping[str, Client]) -> Client:
    client = clients.get(form.get("client_id", ""))
    if client is None:
        raise ClientAuthError("Unknown client_id.")
    if client.token_endpoint_auth_method != CLIENT_SECRET_POST:
        raise ClientAuthError(f"This client must authenticate with {client.token_endpoint_auth_method}.")
    if not hmac.compare_digest(form["client_secret"].encode(), (client.client_secret or "").encode()):
        raise ClientAuthError("The client secret is wrong.")
    return client


def _private_key_jwt(
    *,
    form: Mapping[str, str],
    clients: Mapping[str, Client],
    store: Store,
    audiences: list[str],
) -> Client:
    if form.get("client_assertion_type") != ASSERTION_TYPE:
        raise ClientAuthError(f"client_assertion_type must be {ASSERTION_TYPE}.")
    assertion = form.get("client_assertion", "")
    try:
        header = jwt.get_unverified_header(assertion)
        unverified = jwt.decode(assertion, options={"verify_signature": False})
    except jwt.InvalidTokenError as error:
        raise ClientAuthError(f"The client assertion is not a JWT: {error}") from error
    client = clients.get(str(unverified.get("iss", "")))
    if client is None:
        raise ClientAuthError("The client assertion's iss is not a known client_id.")
    if form.get("client_id") and form["client_id"] != client.client_id:
        raise ClientAuthError("client_id does not match the client assertion's iss.")
    if client.token_endpoint_auth_method != PRIVATE_KEY_JWT:
        raise ClientAuthError(f"This client must authenticate with {client.token_endpoint_auth_method}.")
    algorithm = header.get("alg")
    if algorithm not in ASSERTION_ALGORITHMS:
        raise ClientAuthError(f"The client assertion must be signed with one of {', '.join(ASSERTION_ALGORITHMS)}.")

    claims = _assertion_verify(
        assertion,
        client=client,
        algorithm=algorithm,
        kid=header.get("kid"),
        audiences=audiences,
    )
    if claims["sub"] != client.client_id:
        raise ClientAuthError("The client assertion's sub must equal its iss (the client_id).")
    if claims["exp"] - claims["iat"] > ASSERTION_MAX_LIFETIME:
        raise ClientAuthError("The client assertion may live at most 300 seconds (exp - iat).")
    if not store.jti_first_use(f"{client.client_id}:{claims['jti']}", claims["exp"] + LEEWAY):
        raise ClientAuthError("The client assertion's jti has been used before (replay refused).")
    return client


def _assertion_verify(
    assertion: str,
    *,
    client: Client,
    algorithm: str,
    kid: str | None,
    audiences: list[str],
) -> dict:
    candidates = [key for key_id, key in _client_public_keys(client) if kid is None or key_id in (None, kid)]
    if not candidates:
        raise ClientAuthError(f"No public key of this client has kid {kid!r}.")
    last_error: jwt.InvalidTokenError | None = None
    for public_key in candidates:
        try:
            return jwt.decode(
                assertion,
                public_key,
                algorithms=[algorithm],
                audience=audiences,
                issuer=client.client_id,
                leeway=LEEWAY,
                options={"require": ["iss", "sub", "aud", "exp", "iat", "jti"]},
            )
        except jwt.InvalidSignatureError as error:
            last_error = error
        except jwt.InvalidTokenError as error:
            raise ClientAuthError(f"The client assertion is invalid: {error}") from error
    raise ClientAuthError(f"The client assertion is invalid: {last_error}")


def _client_public_keys(client: Client) -> list[tuple[str | None, Any]]:
    """(kid, public key) pairs from the client's JWKS URL or key file, read afresh each time."""
    try:
        if client.jwks_uri:
            response = requests.get(client.jwks_uri, timeout=JWKS_FETCH_TIMEOUT)
            response.raise_for_status()
            return _keys_from_jwks(response.json())
        content = Path(client.public_key_path or "").read_bytes()
        if content.lstrip().startswith(b"{"):
            return _keys_from_jwks(json.loads(content))
        return [(None, serialization.load_pem_public_key(content))]
    except (OSError, requests.RequestException, ValueError) as error:
        raise ClientAuthError(f"Cannot read the client's public keys: {error}") from error


def _keys_from_jwks(document: dict) -> list[tuple[str | None, Any]]:
    try:
        key_set = jwt.PyJWKSet.from_dict(document)
    except jwt.PyJWKSetError as error:
        raise ClientAuthError(f"The client's JWKS is unusable: {error}") from error
    return [(key.key_id, key.key) for key in key_set.keys]
