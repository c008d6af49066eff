"""Building and signing the tokens the stand-in issues: ID tokens, logout tokens, userinfo.

ID and logout tokens are RS512 JWTs with the signing key's kid in the header, as CIS2 issues.
"""

import base64
import hashlib
import json
import secrets

import jwt

from notifyadmin.sandboxes.cis2.identities import ORG_CODE, ORG_NAME, TestIdentity
from notifyadmin.sandboxes.cis2.keys import KeyStore, jwk_thumbprint, rsa_key_generate
from notifyadmin.sandboxes.cis2.store import AuthorizationCode, Session

SIGNING_ALGORITHM = "RS512"
ID_TOKEN_LIFETIME = 3600
LOGOUT_TOKEN_LIFETIME = 120
BACKCHANNEL_LOGOUT_EVENT = "http://schemas.openid.net/event/backchannel-logout"

# Which userinfo claims each scope releases. `sub` always comes back.
SCOPE_CLAIMS: dict[str, tuple[str, ...]] = {
    "profile": ("name", "given_name", "family_name"),
    "email": ("email",),
    "nhsperson": ("nhsid_useruid", "name", "given_name", "family_name"),
    "associatedorgs": ("nhsid_user_orgs",),
    "organisationalmemberships": ("nhsid_user_orgs",),
    "nationalrbacaccess": ("nhsid_nrbac_roles",),
    "selectedrole": ("selected_roleid",),
}


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def jwt_sign(claims: dict, *, keys: KeyStore, signing: str = "genuine") -> str:
    """Sign with the active key, or deliberately wrongly for the test hooks (see hooks.py)."""
    if signing == "alg_none":
        header = {"alg": "none", "typ": "JWT"}
        parts = (json.dumps(header).encode(), json.dumps(claims).encode())
        return ".".join(_b64url(part) for part in parts) + "."
    kid, key = keys.signing_key()
    if signing in ("unknown_kid", "forged_signature"):
        key = rsa_key_generate()
        kid = jwk_thumbprint(key) if signing == "unknown_kid" else kid
    return jwt.encode(claims, key, algorithm=SIGNING_ALGORITHM, headers={"kid": kid, "typ": "JWT"})


def jwt_verify_own(token: str, *, keys: KeyStore, issuer: str) -> dict:
    """Check a token this stand-in issued (an id_token_hint). Expiry does not matter for a hint."""
    kid = jwt.get_unverified_header(token).get("kid", "")
    public_key = keys.public_key(kid)
    if public_key is None:
        raise jwt.InvalidTokenError("The token was not signed by this stand-in.")
    return jwt.decode(
        token,
        public_key,
        algorithms=[SIGNING_ALGORITHM],
        issuer=issuer,
        options={"verify_exp": False, "verify_aud": False},
    )


def access_token_hash(access_token: str) -> str:
    """at_hash for RS512: left half of the SHA-512 of the access token."""
    digest = hashlib.sha512(access_token.encode("ascii")).digest()
    return _b64url(digest[: len(digest) // 2])


def id_token_claims(
    *,
    issuer: str,
    code: AuthorizationCode,
    identity: TestIdentity,
    access_token: str,
    now: int,
) -> dict:
    claims = {
        "iss": issuer,
        "sub": identity.uid,
        "aud": code.client_id,
        "azp": code.client_id,
        "exp": now + ID_TOKEN_LIFETIME,
        "iat": now,
        "auth_time": code.auth_time,
        "nonce": code.nonce,
        "at_hash": access_token_hash(access_token),
        "sid": code.sid,
        "acr": identity.acr,
        "amr": list(identity.amr),
        "id_assurance_level": identity.id_assurance_level,
        "authentication_assurance_level": identity.authentication_assurance_level,
        "nhsid_useruid": identity.uid,
        "name": identity.name,
        "given_name": identity.given_name,
        "family_name": identity.family_name,
        "tokenName": "id_token",
        "auditTrackingId": secrets.token_hex(16),
    }
    if code.selected_roleid:
        claims["selected_roleid"] = code.selected_roleid
    return claims


def userinfo_claims(
    *, identity: TestIdentity, scopes: tuple[str, ...], selected_roleid: str | None
) -> dict[str, object]:
    """The userinfo answer: `sub` plus what the granted scopes release."""
    available: dict[str, object] = {
        "nhsid_useruid": identity.uid,
        "name": identity.name,
        "given_name": identity.given_name,
        "family_name": identity.family_name,
        "email": identity.email,
        "nhsid_user_orgs": [{"org_code": ORG_CODE, "org_name": ORG_NAME}] if identity.roles else [],
        "nhsid_nrbac_roles": [role.as_claim() for role in identity.roles],
    }
    if selected_roleid:
        available["selected_roleid"] = selected_roleid
    claims: dict[str, object] = {"sub": identity.uid}
    for scope in scopes:
        for name in SCOPE_CLAIMS.get(scope, ()):
            if name in available:
                claims[name] = available[name]
    return claims


def logout_token_claims(*, issuer: str, client_id: str, session: Session, now: int) -> dict:
    """An OpenID back-channel logout token: no nonce, ever."""
    return {
        "iss": issuer,
        "aud": client_id,
        "iat": now,
        "exp": now + LOGOUT_TOKEN_LIFETIME,
        "jti": secrets.token_urlsafe(16),
        "sub": session.uid,
        "sid": session.sid,
        "events": {BACKCHANNEL_LOGOUT_EVENT: {}},
    }
