"""The steps of a sign-in against the CIS2 stand-in, shared by its tests."""

import base64
import hashlib
import secrets
import time
import uuid
from dataclasses import dataclass
from urllib.parse import parse_qs, urlencode, urlsplit

import jwt
import requests

from notifyadmin.sandboxes.cis2.browser import sign_in_via_picker

ISSUER_PATH = "/openam/oauth2/realms/root/realms/NHSIdentity/realms/Healthcare"
MULTI_ROLE_UID = "555012345607"
ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
REDIRECT_URI = "http://127.0.0.1:8000/oidc/callback/"
POST_LOGOUT_URI = "http://127.0.0.1:8000/signed-out/"
SECRET_CLIENT_ID = "notifyadmin-secret"
SECRET = "correct-horse-battery-staple"
JWT_CLIENT_ID = "notifyadmin-jwt"
JWKS_CLIENT_ID = "notifyadmin-jwks-url"
CLIENT_KID = "notifyadmin-test-key-1"
ALL_SCOPES = "openid profile email nhsperson associatedorgs nationalrbacaccess organisationalmemberships selectedrole"


def pkce_pair() -> tuple[str, str]:
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    return verifier, challenge


@dataclass
class AuthRequest:
    client_id: str
    verifier: str
    state: str
    nonce: str
    url: str


def authorize_request(standin, client_id: str, **overrides: str) -> AuthRequest:
    verifier, challenge = pkce_pair()
    params = {
        "client_id": client_id,
        "redirect_uri": REDIRECT_URI,
        "response_type": "code",
        "scope": ALL_SCOPES,
        "state": secrets.token_urlsafe(12),
        "nonce": secrets.token_urlsafe(12),
        "code_challenge": challenge,
        "code_challenge_method": "S256",
        **overrides,
    }
    url = f"{standin.issuer}/authorize?{urlencode(params)}"
    return AuthRequest(client_id, verifier, params["state"], params["nonce"], url)


def query_of(url: str) -> dict[str, str]:
    return {name: values[0] for name, values in parse_qs(urlsplit(url).query).items()}


def client_assertion(client_key, token_endpoint: str, client_id: str = JWT_CLIENT_ID, **changes) -> str:
    now = int(time.time())
    claims = {
        "iss": client_id,
        "sub": client_id,
        "aud": token_endpoint,
        "jti": str(uuid.uuid4()),
        "iat": now,
        "exp": now + 300,
        **changes,
    }
    return jwt.encode(claims, client_key, algorithm="RS512", headers={"kid": CLIENT_KID})


def client_auth(client_id: str, client_key, token_endpoint: str) -> dict[str, str]:
    if client_id == SECRET_CLIENT_ID:
        return {"client_id": client_id, "client_secret": SECRET}
    return {
        "client_id": client_id,
        "client_assertion_type": "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
        "client_assertion": client_assertion(client_key, token_endpoint, client_id),
    }


def redeem(http, standin, request: AuthRequest, code: str, auth: dict[str, str], **changes: str):
    form = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": REDIRECT_URI,
        "code_verifier": request.verifier,
        **auth,
        **changes,
    }
    return http.post(f"{standin.issuer}/access_token", data=form, timeout=5)


def sign_in(
    http,
    standin,
    client_key,
    *,
    client_id=SECRET_CLIENT_ID,
    uid="555012345601",
    person_roleid=None,
    **overrides,
):
    """Authorize as `uid` and redeem the code. Returns (auth request, token response JSON)."""
    request = authorize_request(standin, client_id, **overrides)
    callback = query_of(sign_in_via_picker(http, request.url, uid=uid, person_roleid=person_roleid))
    assert callback["state"] == request.state
    response = redeem(
        http,
        standin,
        request,
        callback["code"],
        client_auth(client_id, client_key, f"{standin.issuer}/access_token"),
    )
    assert response.status_code == 200, response.text
    return request, response.json()


def verify_with_jwks(standin, token: str, audience: str, **options) -> dict:
    jwks = requests.get(f"{standin.issuer}/connect/jwk_uri", timeout=5).json()
    kid = jwt.get_unverified_header(token)["kid"]
    key = jwt.PyJWKSet.from_dict(jwks)[kid].key
    return jwt.decode(
        token,
        key,
        algorithms=["RS512"],
        audience=audience,
        issuer=standin.issuer,
        **options,
    )
