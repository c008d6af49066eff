"""The OpenID provider's metadata (discovery) and signing keys (JWKS), fetched lazily and cached."""

import threading
import time
from dataclasses import dataclass

import jwt
import requests
from django.conf import settings


class ProviderError(Exception):
    """The provider could not be reached or answered something unusable."""


def cis2_enabled() -> bool:
    return bool(settings.CIS2_ISSUER and settings.CIS2_CLIENT_ID)


@dataclass
class _Cached:
    value: dict
    fetched_at: float


_lock = threading.Lock()
_discovery: dict[str, _Cached] = {}
_jwks: dict[str, _Cached] = {}

REQUIRED_METADATA = ("issuer", "authorization_endpoint", "token_endpoint", "jwks_uri")


def _get_json(url: str) -> dict:
    try:
        response = requests.get(url, timeout=settings.CIS2_HTTP_TIMEOUT_SECONDS)
        response.raise_for_status()
        document = response.json()
    except (requests.RequestException, ValueError) as error:
        raise ProviderError(f"Could not read {url}: {type(error).__name__}") from error
    if not isinstance(document, dict):
        raise ProviderError(f"{url} did not answer a JSON object")
    return document


def provider_metadata() -> dict:
    """The issuer's discovery document, cached for CIS2_DISCOVERY_CACHE_SECONDS."""
    issuer = settings.CIS2_ISSUER.rstrip("/")
    with _lock:
        cached = _discovery.get(issuer)
        if cached and time.monotonic() - cached.fetched_at < settings.CIS2_DISCOVERY_CACHE_SECONDS:
            return cached.value
    document = _get_json(f"{issuer}/.well-known/openid-configuration")
    missing = [name for name in REQUIRED_METADATA if not document.get(name)]
    if missing:
        raise ProviderError(f"Discovery document lacks {', '.join(missing)}")
    if document["issuer"].rstrip("/") != issuer:
        raise ProviderError("Discovery document names another issuer")
    with _lock:
        _discovery[issuer] = _Cached(document, time.monotonic())
    return document


def endpoint(name: str) -> str:
    """`authorization_endpoint`, `token_endpoint`, `userinfo_endpoint`, `jwks_uri`, `end_session_endpoint`."""
    return provider_metadata().get(name) or ""


def _jwks_fetch(*, refresh: bool) -> tuple[dict, bool]:
    """The issuer's key set and whether it was fetched just now.

    The cached set is used for CIS2_JWKS_CACHE_SECONDS, then fetched again. `refresh` asks for
    a fetch before that (an unknown kid, or a signature that did not verify: the provider may
    have rotated or replaced a key), but not more often than CIS2_JWKS_MIN_REFRESH_SECONDS, so
    that tokens with made-up kids or forged signatures cannot make us fetch again and again."""
    uri = endpoint("jwks_uri")
    with _lock:
        cached = _jwks.get(uri)
        if cached is not None:
            age = time.monotonic() - cached.fetched_at
            if refresh and age < settings.CIS2_JWKS_MIN_REFRESH_SECONDS:
                return cached.value, False
            if not refresh and age < settings.CIS2_JWKS_CACHE_SECONDS:
                return cached.value, False
    document = _get_json(uri)
    if not isinstance(document.get("keys"), list):
        raise ProviderError("JWKS has no keys list")
    with _lock:
        _jwks[uri] = _Cached(document, time.monotonic())
    return document, True


def _candidates(keys: list, kid: str | None, alg: str) -> list[dict]:
    usable = [
        jwk
        for jwk in keys
        if isinstance(jwk, dict)
        and jwk.get("use", "sig") == "sig"
        and jwk.get("alg", alg) == alg
        and jwk.get("kty") == ("EC" if alg.startswith("ES") else "RSA")
    ]
    if kid is None:
        return usable if len(usable) == 1 else []  # no kid: only when there is one key to use
    return [jwk for jwk in usable if jwk.get("kid") == kid]


def _key_from(document: dict, kid: str | None, alg: str) -> jwt.PyJWK | None:
    found = _candidates(document.get("keys", []), kid, alg)
    if not found:
        return None
    try:
        return jwt.PyJWK(found[0], algorithm=alg)
    except jwt.PyJWTError:
        return None


def signing_key(kid: str | None, alg: str) -> jwt.PyJWK | None:
    """The issuer's key with this `kid` (or its only key, when the token names none); the JWKS
    is fetched again once when the kid is unknown (the provider may have rotated its keys).
    None when it still is not there."""
    document, fetched = _jwks_fetch(refresh=False)
    key = _key_from(document, kid, alg)
    if key is None and not fetched:
        key = _key_from(_jwks_fetch(refresh=True)[0], kid, alg)
    return key


def signing_key_refetched(kid: str | None, alg: str) -> jwt.PyJWK | None:
    """After a signature failed to verify: the key for `kid` from a freshly fetched JWKS (a
    provider may replace a key under the same kid), or None when no fetch is allowed yet
    (CIS2_JWKS_MIN_REFRESH_SECONDS) or the key is gone."""
    document, fetched = _jwks_fetch(refresh=True)
    return _key_from(document, kid, alg) if fetched else None


def caches_clear() -> None:
    """Forget discovery and keys (tests, or after changing CIS2_ISSUER)."""
    with _lock:
        _discovery.clear()
        _jwks.clear()
