"""Build the configured provider from settings (NOTIFY_* in notifyadmin/settings/)."""

from __future__ import annotations

from django.conf import settings

from notifyadmin.sending.providers.auth import SignedJwtCredentials, private_key_load
from notifyadmin.sending.providers.environments import (
    KNOWN_BASE_URLS,
    KNOWN_TOKEN_URLS,
    AuthMode,
    NotifyConfigurationError,
    endpoints_check,
    environment_parse,
)
from notifyadmin.sending.providers.nhs_notify import NhsNotifyProvider, Timeouts


def provider_from_settings() -> NhsNotifyProvider:
    """The NHS Notify provider for NOTIFY_ENVIRONMENT, or NotifyConfigurationError naming the
    setting that is missing or unsafe. An empty NOTIFY_API_BASE_URL / NOTIFY_TOKEN_URL means
    the environment's known URL (local: http://127.0.0.1:8002 with no token). Build one per
    process and share it between threads: it holds the connection pool and the token cache."""
    environment = environment_parse(settings.NOTIFY_ENVIRONMENT)
    base_url = settings.NOTIFY_API_BASE_URL or KNOWN_BASE_URLS[environment]
    token_url = settings.NOTIFY_TOKEN_URL or KNOWN_TOKEN_URLS.get(environment)
    endpoints = endpoints_check(environment=environment, base_url=base_url, token_url=token_url)
    credentials = None
    if endpoints.auth_mode is AuthMode.SIGNED_JWT:
        required = ("NOTIFY_API_KEY", "NOTIFY_PRIVATE_KEY_PATH", "NOTIFY_KEY_ID")
        missing = [name for name in required if not getattr(settings, name)]
        if missing:
            raise NotifyConfigurationError(
                f"NOTIFY_ENVIRONMENT {environment} uses signed-JWT authentication: set {', '.join(missing)}."
            )
        credentials = SignedJwtCredentials(
            api_key=settings.NOTIFY_API_KEY,
            private_key=private_key_load(settings.NOTIFY_PRIVATE_KEY_PATH),
            key_id=settings.NOTIFY_KEY_ID,
        )
    return NhsNotifyProvider(
        environment=environment,
        base_url=endpoints.base_url,
        token_url=endpoints.token_url,
        credentials=credentials,
        timeouts=Timeouts(
            connect=settings.NOTIFY_CONNECT_TIMEOUT_SECONDS,
            read=settings.NOTIFY_READ_TIMEOUT_SECONDS,
            batch_read=settings.NOTIFY_BATCH_READ_TIMEOUT_SECONDS,
        ),
        pool_size=settings.NOTIFY_HTTP_POOL_SIZE,
    )
