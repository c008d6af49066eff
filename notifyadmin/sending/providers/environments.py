"""Which NHS Notify endpoints each environment may talk to, checked before anything is sent.

Rules (NOTIFY_ENVIRONMENT is one of local, sandbox, int, production):
- production talks only to the production API and token URLs, over https.
- every other environment refuses the production host (api.service.nhs.uk), for the API
  and for the token URL.
- sandbox uses only the public sandbox URL, without authentication.
- int uses only the integration API and token URLs, with the signed-JWT flow.
- local uses only loopback URLs (127.0.0.0/8, ::1, localhost): the local sandbox. It
  authenticates only when a (loopback) token URL is configured.
A misconfiguration raises `NotifyConfigurationError` when the provider is built, so a
worker with the wrong settings never sends anything.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from enum import StrEnum
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured


class NotifyConfigurationError(ImproperlyConfigured):
    """The NHS Notify settings are unsafe or incomplete; the message names the setting."""


class NotifyEnvironment(StrEnum):
    LOCAL = "local"
    SANDBOX = "sandbox"
    INT = "int"
    PRODUCTION = "production"


class AuthMode(StrEnum):
    NONE = "none"
    SIGNED_JWT = "signed_jwt"


PRODUCTION_HOST = "api.service.nhs.uk"
LOCAL_BASE_URL = "http://127.0.0.1:8002"
KNOWN_BASE_URLS: dict[NotifyEnvironment, str] = {
    NotifyEnvironment.LOCAL: LOCAL_BASE_URL,
    NotifyEnvironment.SANDBOX: "https://sandbox.api.service.nhs.uk/comms",
    NotifyEnvironment.INT: "https://int.api.service.nhs.uk/comms",
    NotifyEnvironment.PRODUCTION: "https://api.service.nhs.uk/comms",
}
KNOWN_TOKEN_URLS: dict[NotifyEnvironment, str] = {
    NotifyEnvironment.INT: "https://int.api.service.nhs.uk/oauth2/token",
    NotifyEnvironment.PRODUCTION: "https://api.service.nhs.uk/oauth2/token",
}


@dataclass(frozen=True)
class Endpoints:
    """Checked endpoints: safe to use in `environment`."""

    environment: NotifyEnvironment
    base_url: str
    token_url: str | None
    auth_mode: AuthMode


def environment_parse(value: str) -> NotifyEnvironment:
    try:
        return NotifyEnvironment(value)
    except ValueError as error:
        choices = ", ".join(environment.value for environment in NotifyEnvironment)
        raise NotifyConfigurationError(f"NOTIFY_ENVIRONMENT must be one of {choices}.") from error


def _normalise(url: str) -> str:
    return url.strip().rstrip("/")


def _host(url: str, setting: str) -> str:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise NotifyConfigurationError(f"{setting} must be an http(s) URL with a host.")
    if parts.username or parts.password or parts.query or parts.fragment:
        raise NotifyConfigurationError(f"{setting} must not hold credentials, a query or a fragment.")
    return parts.hostname.lower()


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def endpoints_check(*, environment: NotifyEnvironment | str, base_url: str, token_url: str | None) -> Endpoints:
    """Return the endpoints if `environment` may use them, else raise NotifyConfigurationError."""
    environment = environment_parse(str(environment))
    base_url = _normalise(base_url)
    token_url = _normalise(token_url) if token_url else None
    urls = {"NOTIFY_API_BASE_URL": base_url, **({"NOTIFY_TOKEN_URL": token_url} if token_url else {})}
    hosts = {setting: _host(url, setting) for setting, url in urls.items()}

    if environment is NotifyEnvironment.PRODUCTION:
        if base_url != KNOWN_BASE_URLS[environment]:
            raise NotifyConfigurationError(
                f"NOTIFY_API_BASE_URL must be {KNOWN_BASE_URLS[environment]} in production; refusing another endpoint."
            )
        if token_url != KNOWN_TOKEN_URLS[environment]:
            raise NotifyConfigurationError(
                f"NOTIFY_TOKEN_URL must be {KNOWN_TOKEN_URLS[environment]} in production; refusing another endpoint."
            )
        return Endpoints(environment, base_url, token_url, AuthMode.SIGNED_JWT)

    for setting, host in hosts.items():
        if host == PRODUCTION_HOST:
            raise NotifyConfigurationError(
                f"{setting} points at the production NHS Notify API, but NOTIFY_ENVIRONMENT is {environment}."
            )

    if environment is NotifyEnvironment.LOCAL:
        for setting, host in hosts.items():
            if not _is_loopback(host):
                raise NotifyConfigurationError(
                    f"{setting} must be a loopback URL (127.0.0.1, ::1 or localhost) when NOTIFY_ENVIRONMENT is local."
                )
        return Endpoints(environment, base_url, token_url, AuthMode.SIGNED_JWT if token_url else AuthMode.NONE)

    if base_url != KNOWN_BASE_URLS[environment]:
        raise NotifyConfigurationError(
            f"NOTIFY_API_BASE_URL must be {KNOWN_BASE_URLS[environment]} when NOTIFY_ENVIRONMENT is {environment}."
        )
    if environment is NotifyEnvironment.SANDBOX:
        if token_url:
            raise NotifyConfigurationError("NOTIFY_TOKEN_URL must be empty for the sandbox, which takes no token.")
        return Endpoints(environment, base_url, None, AuthMode.NONE)
    if token_url != KNOWN_TOKEN_URLS[environment]:
        raise NotifyConfigurationError(
            f"NOTIFY_TOKEN_URL must be {KNOWN_TOKEN_URLS[environment]} when NOTIFY_ENVIRONMENT is {environment}."
        )
    return Endpoints(environment, base_url, token_url, AuthMode.SIGNED_JWT)
