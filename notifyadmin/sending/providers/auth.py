"""Access tokens for NHS Notify: none (sandboxes) or NHS England's application-restricted
signed-JWT flow (int, production).

Rules for the signed-JWT flow:
- The client assertion is signed RS512 with a `kid` header naming the registered public
  key; iss = sub = the API key, aud = the token URL, a fresh `jti` every time (NHS England
  rejects a reused one), `exp` at most 5 minutes ahead (we use 4, so a clock a little ahead
  of theirs is still inside their limit).
- It is POSTed form-encoded to the token URL (client_credentials, jwt-bearer assertion type).
- The access token is cached and renewed `renew_before` seconds before it expires
  (`expires_in` arrives as a string). One token serves all of a process's threads: a lock
  makes concurrent callers share one token request.
- `invalidate(token)` drops the cached token only if it is still that token, so several
  threads that all saw a 401 cause one new token request, not one each.
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import jwt
import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey

from notifyadmin.sending.providers.environments import NotifyConfigurationError
from notifyadmin.sending.providers.errors import AuthenticationFailed, RateLimited, ServerError, retry_after_parse

logger = logging.getLogger(__name__)

CLIENT_ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
ASSERTION_LIFETIME_SECONDS = 240
RENEW_BEFORE_SECONDS = 60


class TokenSource(Protocol):
    def authorization(self, *, correlation_id: str | None = None) -> str | None:
        """The Authorization header value to send, or None to send none. A token request
        made for it carries `correlation_id`."""
        ...

    def invalidate(self, authorization: str) -> None:
        """Forget the token behind this header value (after a 401), if still cached."""
        ...


@dataclass(frozen=True)
class SignedJwtCredentials:
    """What NHS England issued at onboarding: the application's API key, the private key
    whose public half is in the registered JWKS, and that key's id (`kid`)."""

    api_key: str
    private_key: RSAPrivateKey
    key_id: str

    def __repr__(self) -> str:  # never print the key material or the API key
        return f"SignedJwtCredentials(key_id={self.key_id!r})"


class NoAuth:
    """The public sandbox and the local sandbox: no Authorization header."""

    def authorization(self, *, correlation_id: str | None = None) -> str | None:
        return None

    def invalidate(self, authorization: str) -> None:
        return None


def private_key_load(path: str) -> RSAPrivateKey:
    """Load the PEM RSA private key, or raise NotifyConfigurationError naming the setting."""
    try:
        key = serialization.load_pem_private_key(Path(path).read_bytes(), password=None)
    except (OSError, ValueError, TypeError) as error:
        raise NotifyConfigurationError(
            "NOTIFY_PRIVATE_KEY_PATH must name a readable, unencrypted PEM private key."
        ) from error
    if not isinstance(key, RSAPrivateKey):
        raise NotifyConfigurationError("NOTIFY_PRIVATE_KEY_PATH must hold an RSA key (NHS England requires RS512).")
    return key


class SignedJwtAuth:
    """Application-restricted signed-JWT authentication, one cached token per instance.

    `post` makes the token request (the provider passes its pooled session's post with
    its timeouts); failures raise the provider's errors: `ConnectionFailed` /
    `OutcomeUnknown` from the transport, `AuthenticationFailed` when the token endpoint
    refuses us (an operator must act), `RateLimited` or `ServerError` when it is busy or
    failing."""

    def __init__(
        self,
        *,
        token_url: str,
        api_key: str,
        private_key: RSAPrivateKey,
        key_id: str,
        post: Callable[..., requests.Response],
        renew_before: float = RENEW_BEFORE_SECONDS,
        clock: Callable[[], float] = time.time,
    ) -> None:
        if not api_key:
            raise NotifyConfigurationError("NOTIFY_API_KEY is required for signed-JWT authentication.")
        if not key_id:
            raise NotifyConfigurationError("NOTIFY_KEY_ID is required for signed-JWT authentication.")
        self.token_url = token_url
        self._api_key = api_key
        self._private_key = private_key
        self._key_id = key_id
        self._post = post
        self._renew_before = renew_before
        self._clock = clock
        self._lock = threading.Lock()
        self._token: str | None = None
        self._expires_at = 0.0

    def client_assertion(self) -> str:
        now = int(self._clock())
        claims = {
            "iss": self._api_key,
            "sub": self._api_key,
            "aud": self.token_url,
            "jti": str(uuid.uuid4()),
            "iat": now,
            "exp": now + ASSERTION_LIFETIME_SECONDS,
        }
        return jwt.encode(claims, self._private_key, algorithm="RS512", headers={"kid": self._key_id, "typ": "JWT"})

    def authorization(self, *, correlation_id: str | None = None) -> str | None:
        with self._lock:
            if self._token is None or self._clock() >= self._expires_at - self._renew_before:
                self._token, self._expires_at = self._fetch(correlation_id)
            return f"Bearer {self._token}"

    def invalidate(self, authorization: str) -> None:
        with self._lock:
            if self._token is not None and authorization == f"Bearer {self._token}":
                self._token, self._expires_at = None, 0.0

    def _fetch(self, correlation_id: str | None) -> tuple[str, float]:
        requested_at = self._clock()
        response = self._post(
            self.token_url,
            data={
                "grant_type": "client_credentials",
                "client_assertion_type": CLIENT_ASSERTION_TYPE,
                "client_assertion": self.client_assertion(),
            },
            endpoint="token",
            correlation_id=correlation_id,
        )
        if response.status_code == 200:
            try:
                body = response.json()
                token = body["access_token"]
                expires_in = float(body["expires_in"])
            except (ValueError, KeyError, TypeError) as error:
                raise AuthenticationFailed(
                    "The token endpoint answered without a usable access_token and expires_in",
                    http_status=200,
                    endpoint="token",
                ) from error
            if not isinstance(token, str) or not token or expires_in <= 0:
                raise AuthenticationFailed("The token endpoint answered with an empty token", endpoint="token")
            logger.info("NHS Notify access token issued", extra={"expires_in": expires_in})
            # Measured from when we asked, so the cache never outlives the token.
            return token, requested_at + expires_in
        codes: tuple[str, ...] = ()
        try:
            body = response.json()
            if isinstance(body, dict) and isinstance(body.get("error"), str):
                codes = (body["error"],)
        except ValueError:
            pass
        kwargs = {"http_status": response.status_code, "codes": codes, "endpoint": "token"}
        retry_after = retry_after_parse(response.headers.get("Retry-After"))
        if response.status_code == 429:
            raise RateLimited("The token endpoint is rate limiting us", retry_after=retry_after, **kwargs)  # type: ignore[arg-type]
        if response.status_code >= 500:
            raise ServerError("The token endpoint failed", retry_after=retry_after, **kwargs)  # type: ignore[arg-type]
        raise AuthenticationFailed("The token endpoint refused our client assertion; an operator must act", **kwargs)  # type: ignore[arg-type]
