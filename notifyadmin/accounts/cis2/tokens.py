"""Checking the provider's JWTs (ID tokens, logout tokens) and signing our client assertion.

Each refusal raises `Cis2Refused` with a short machine `reason` (recorded in the audit trail)
and a sentence for the person. Nothing here trusts a token's header for the algorithm: it must
be in CIS2_ID_TOKEN_ALGORITHMS, and `none` never is.
"""

import hmac
import time
import uuid
from functools import lru_cache
from pathlib import Path

import jwt
from cryptography.hazmat.primitives import serialization
from django.conf import settings

from notifyadmin.accounts.cis2 import provider

BACKCHANNEL_LOGOUT_EVENT = "http://schemas.openid.net/event/backchannel-logout"
CLIENT_ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
CLIENT_ASSERTION_LIFETIME_SECONDS = 300

GENERIC_MESSAGE = "We could not confirm your sign-in with NHS Care Identity (CIS2). Try signing in again."


class Cis2Refused(Exception):
    """A sign-in (or logout token) is refused. `reason` is for the audit trail, `message` for people."""

    def __init__(self, reason: str, message: str = GENERIC_MESSAGE, *, status: int = 400) -> None:
        super().__init__(reason)
        self.reason = reason
        self.message = message
        self.status = status


def _header(token: str) -> dict:
    try:
        header = jwt.get_unverified_header(token)
    except jwt.PyJWTError as error:
        raise Cis2Refused("token_malformed") from error
    alg = header.get("alg")
    if not isinstance(alg, str) or alg.lower() == "none" or alg not in settings.CIS2_ID_TOKEN_ALGORITHMS:
        raise Cis2Refused("algorithm_not_allowed")
    if header.get("kid") is not None and not isinstance(header["kid"], str):
        raise Cis2Refused("token_malformed")
    return header


def _decode(token: str, *, require: list[str], verify_exp: bool = True) -> dict:
    """Verify the token's signature and registered claims. A signature that does not verify
    with the cached key is tried once more with a freshly fetched key set (rate-limited, see
    provider.signing_key_refetched): a key replaced under the same kid must not lock everyone
    out until a restart."""
    header = _header(token)
    try:
        key = provider.signing_key(header.get("kid"), header["alg"])
    except provider.ProviderError as error:
        raise Cis2Refused("provider_unavailable", status=502) from error
    if key is None:
        raise Cis2Refused("unknown_kid")
    try:
        return _verified_claims(token, key, header=header, require=require, verify_exp=verify_exp)
    except Cis2Refused as refusal:
        if refusal.reason != "bad_signature":
            raise
        try:
            fresh_key = provider.signing_key_refetched(header.get("kid"), header["alg"])
        except provider.ProviderError:
            fresh_key = None
        if fresh_key is None:
            raise
        return _verified_claims(token, fresh_key, header=header, require=require, verify_exp=verify_exp)


def _verified_claims(token: str, key: jwt.PyJWK, *, header: dict, require: list[str], verify_exp: bool) -> dict:
    try:
        return jwt.decode(
            token,
            key,
            algorithms=[header["alg"]],
            audience=settings.CIS2_CLIENT_ID,
            issuer=provider.provider_metadata()["issuer"],
            leeway=settings.CIS2_CLOCK_SKEW_SECONDS,
            options={"require": require, "verify_exp": verify_exp},
        )
    except jwt.InvalidSignatureError as error:
        raise Cis2Refused("bad_signature") from error
    except jwt.ExpiredSignatureError as error:
        raise Cis2Refused("expired") from error
    except jwt.InvalidIssuerError as error:
        raise Cis2Refused("wrong_issuer") from error
    except jwt.InvalidAudienceError as error:
        raise Cis2Refused("wrong_audience") from error
    except jwt.MissingRequiredClaimError as error:
        raise Cis2Refused(f"missing_{error.claim}") from error
    except jwt.PyJWTError as error:
        raise Cis2Refused("token_invalid") from error


def _int_claim(claims: dict, name: str) -> int:
    value = claims.get(name)
    if isinstance(value, bool) or not isinstance(value, int):
        raise Cis2Refused("malformed_claims")
    return value


def id_token_verify(token: str, *, nonce: str | None) -> dict:
    """Verify an ID token: signature against the issuer's JWKS, iss, aud (and azp), exp, iat,
    nonce, assurance levels and the freshness of auth_time."""
    if not isinstance(token, str) or not token:
        raise Cis2Refused("no_id_token")
    claims = _decode(token, require=["iss", "sub", "aud", "exp", "iat", "auth_time", "nonce"])
    audiences = claims["aud"] if isinstance(claims["aud"], list) else [claims["aud"]]
    if len(audiences) > 1 and claims.get("azp") != settings.CIS2_CLIENT_ID:
        raise Cis2Refused("wrong_audience")
    if not nonce or not isinstance(claims["nonce"], str) or not hmac.compare_digest(claims["nonce"], nonce):
        raise Cis2Refused("nonce_mismatch")
    if not isinstance(claims["sub"], str) or not claims["sub"]:
        raise Cis2Refused("malformed_claims")
    ial = _int_claim(claims, "id_assurance_level")
    aal = _int_claim(claims, "authentication_assurance_level")
    if ial < settings.CIS2_MIN_ID_ASSURANCE or aal < settings.CIS2_MIN_AUTH_ASSURANCE:
        raise Cis2Refused(
            "low_assurance",
            "Your sign-in method does not meet the level of assurance notifyadmin needs. "
            "Sign in with your smartcard or another method at assurance level 3.",
            status=403,
        )
    auth_time = _int_claim(claims, "auth_time")
    iat = _int_claim(claims, "iat")
    now = int(time.time())
    limit = settings.CIS2_MAX_AUTH_AGE_SECONDS + settings.CIS2_CLOCK_SKEW_SECONDS
    if iat - auth_time > limit or now - auth_time > limit or auth_time - now > settings.CIS2_CLOCK_SKEW_SECONDS:
        raise Cis2Refused(
            "stale_auth_time",
            "Your CIS2 authentication was not recent enough. Sign in again.",
        )
    return claims


def logout_token_verify(token: str) -> dict:
    """Verify a back-channel logout token (OpenID Connect Back-Channel Logout 1.0, section 2.6)."""
    if not isinstance(token, str) or not token:
        raise Cis2Refused("no_logout_token")
    claims = _decode(token, require=["iss", "aud", "iat", "jti"], verify_exp="exp" in _peek(token))
    events = claims.get("events")
    if not isinstance(events, dict) or not isinstance(events.get(BACKCHANNEL_LOGOUT_EVENT), dict):
        raise Cis2Refused("events_missing")
    if "nonce" in claims:
        raise Cis2Refused("nonce_present")
    sid, sub = claims.get("sid"), claims.get("sub")
    if not (isinstance(sid, str) and sid) and not (isinstance(sub, str) and sub):
        raise Cis2Refused("sid_and_sub_missing")
    if not isinstance(claims["jti"], str) or not claims["jti"]:
        raise Cis2Refused("malformed_claims")
    iat = _int_claim(claims, "iat")
    now = int(time.time())
    if now - iat > settings.CIS2_LOGOUT_TOKEN_MAX_AGE_SECONDS or iat - now > settings.CIS2_CLOCK_SKEW_SECONDS:
        raise Cis2Refused("iat_not_recent")
    return claims


def _peek(token: str) -> dict:
    try:
        return jwt.decode(token, options={"verify_signature": False})
    except jwt.PyJWTError as error:
        raise Cis2Refused("token_malformed") from error


@lru_cache(maxsize=4)
def _private_key(path: str, modified: float) -> object:
    return serialization.load_pem_private_key(Path(path).read_bytes(), password=None)


def client_assertion(*, token_endpoint: str) -> str:
    """A private_key_jwt client assertion (RFC 7523): RS512, kid, iss = sub = client id,
    aud = the token endpoint, a fresh jti, exp 5 minutes after iat."""
    path = settings.CIS2_PRIVATE_KEY_PATH
    key = _private_key(path, Path(path).stat().st_mtime)
    now = int(time.time())
    claims = {
        "iss": settings.CIS2_CLIENT_ID,
        "sub": settings.CIS2_CLIENT_ID,
        "aud": token_endpoint,
        "jti": str(uuid.uuid4()),
        "iat": now,
        "exp": now + CLIENT_ASSERTION_LIFETIME_SECONDS,
    }
    return jwt.encode(claims, key, algorithm="RS512", headers={"kid": settings.CIS2_KEY_ID})  # type: ignore[arg-type]
