"""Application-restricted signed-JWT authentication, as NHS England's API platform does it (int, production).

POST /oauth2/token, form-encoded: grant_type=client_credentials,
client_assertion_type=urn:ietf:params:oauth:client-assertion-type:jwt-bearer, client_assertion=<JWT>.
The assertion must be signed RS512 by the registered key (its `kid` in the header matching),
with iss = sub = the API key, aud = this token URL, a jti never used before, and exp in the
future but at most 5 minutes ahead. The answer: {"access_token", "expires_in": "599",
"token_type": "Bearer", "issued_at"} (expires_in a string, issued_at milliseconds, as the
platform sends them). API calls then need `Authorization: Bearer <token>` until it expires.

Refusals use the platform's OAuth error shape {"error", "error_description", "message_id"}:
400 invalid_request for a malformed request or claim, 401 invalid_client for a key or
signature that does not verify.
"""

import json
import secrets
import threading
import time
from pathlib import Path
from typing import Any

import jwt
from cryptography.hazmat.primitives import serialization

ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
ALGORITHM = "RS512"
MAX_ASSERTION_AHEAD = 300
TOKEN_LIFETIME = 599
TOKEN_PATH = "/oauth2/token"  # noqa: S105 - a URL path, not a secret


class TokenRefused(Exception):
    def __init__(self, status: int, error: str, description: str) -> None:
        super().__init__(description)
        self.status = status
        self.error = error
        self.description = description


class Authenticator:
    def __init__(self, *, api_key: str, public_key_path: str, key_id: str | None, token_url: str) -> None:
        self.api_key = api_key
        self.public_key_path = public_key_path
        self.key_id = key_id
        self.token_url = token_url
        self._lock = threading.Lock()
        self._jtis: dict[str, float] = {}
        self._tokens: dict[str, float] = {}

    def reset(self) -> None:
        with self._lock:
            self._jtis.clear()
            self._tokens.clear()

    def token_issue(self, form: dict[str, str], *, now: float | None = None) -> dict:
        """Check the client-credentials request and answer with a new access token, or raise TokenRefused."""
        now = time.time() if now is None else now
        if form.get("grant_type") != "client_credentials":
            raise TokenRefused(400, "unsupported_grant_type", "grant_type is missing or not client_credentials")
        if form.get("client_assertion_type") != ASSERTION_TYPE:
            raise TokenRefused(
                400, "invalid_request", f"Missing or invalid client_assertion_type - must be '{ASSERTION_TYPE}'"
            )
        assertion = form.get("client_assertion") or ""
        if not assertion:
            raise TokenRefused(400, "invalid_request", "Missing client_assertion")
        try:
            header = jwt.get_unverified_header(assertion)
        except jwt.InvalidTokenError:
            raise TokenRefused(400, "invalid_request", "Malformed JWT in client_assertion") from None
        if header.get("alg") != ALGORITHM:
            raise TokenRefused(
                400, "invalid_request", f"Invalid 'alg' header in client_assertion JWT - must be '{ALGORITHM}'"
            )
        kid = header.get("kid")
        if not kid:
            raise TokenRefused(400, "invalid_request", "Missing 'kid' header in client_assertion JWT")
        key = self._public_key(kid)
        try:
            claims = jwt.decode(
                assertion,
                key,
                algorithms=[ALGORITHM],
                audience=self.token_url,
                options={"require": ["iss", "sub", "aud", "exp", "jti"], "verify_iat": False},
            )
        except jwt.InvalidSignatureError:
            raise TokenRefused(401, "invalid_client", "Invalid signature in client_assertion JWT") from None
        except jwt.ExpiredSignatureError:
            raise TokenRefused(
                400, "invalid_request", "Invalid 'exp' claim in client_assertion JWT - JWT has expired"
            ) from None
        except jwt.InvalidAudienceError:
            raise TokenRefused(
                401, "invalid_request", f"Invalid 'aud' claim in client_assertion JWT - must be '{self.token_url}'"
            ) from None
        except jwt.InvalidTokenError as error:
            raise TokenRefused(400, "invalid_request", f"Invalid client_assertion JWT: {error}") from None
        if claims["iss"] != self.api_key or claims["sub"] != self.api_key:
            raise TokenRefused(
                401, "invalid_request", "Invalid 'iss'/'sub' claims in client_assertion JWT - must be the API key"
            )
        if claims["exp"] > now + MAX_ASSERTION_AHEAD:
            raise TokenRefused(
                400, "invalid_request", "Invalid 'exp' claim in client_assertion JWT - more than 5 minutes in future"
            )
        jti = str(claims["jti"])
        with self._lock:
            self._jtis = {seen: expiry for seen, expiry in self._jtis.items() if expiry > now}
            if jti in self._jtis:
                raise TokenRefused(400, "invalid_request", "Non-unique 'jti' claim in client_assertion JWT")
            self._jtis[jti] = claims["exp"] + MAX_ASSERTION_AHEAD
            token = secrets.token_urlsafe(24)
            self._tokens[token] = now + TOKEN_LIFETIME
        return {
            "access_token": token,
            "expires_in": str(TOKEN_LIFETIME),
            "token_type": "Bearer",
            "issued_at": str(int(now * 1000)),
        }

    def bearer_valid(self, token: str | None, *, now: float | None = None) -> bool:
        if not token:
            return False
        with self._lock:
            expiry = self._tokens.get(token)
        return expiry is not None and expiry > (time.time() if now is None else now)

    def _public_key(self, kid: str) -> Any:
        """The registered key with this kid, read afresh so the client can rotate keys."""
        try:
            content = Path(self.public_key_path).read_bytes()
        except OSError as error:
            raise TokenRefused(
                401, "invalid_client", f"The sandbox cannot read the registered public key: {error}"
            ) from None
        if content.lstrip().startswith(b"{"):
            try:
                key_set = jwt.PyJWKSet.from_dict(json.loads(content))
            except (ValueError, jwt.PyJWKSetError) as error:
                raise TokenRefused(401, "invalid_client", f"The registered JWKS is unusable: {error}") from None
            for key in key_set.keys:
                if key.key_id == kid:
                    return key.key
            raise TokenRefused(401, "invalid_client", f"Invalid 'kid' header in client_assertion JWT - no key {kid!r}")
        if self.key_id is not None and kid != self.key_id:
            raise TokenRefused(401, "invalid_client", f"Invalid 'kid' header in client_assertion JWT - no key {kid!r}")
        return serialization.load_pem_public_key(content)
