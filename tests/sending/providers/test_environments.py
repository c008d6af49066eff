"""Environment safety: production talks only to production, nothing else talks to production,
local talks only to loopback; a misconfigured provider cannot be built."""

import subprocess
import sys

import pytest

from notifyadmin.sending.providers.environments import (
    AuthMode,
    NotifyConfigurationError,
    endpoints_check,
)
from notifyadmin.sending.providers.factory import provider_from_settings
from notifyadmin.sending.providers.nhs_notify import NhsNotifyProvider, Timeouts
from tests.accounts.test_cis2_production import CIS2_ENV, PRODUCTION_ENV, ROOT

PROD = "https://api.service.nhs.uk/comms"
PROD_TOKEN = "https://api.service.nhs.uk/oauth2/token"
INT = "https://int.api.service.nhs.uk/comms"
INT_TOKEN = "https://int.api.service.nhs.uk/oauth2/token"
SANDBOX = "https://sandbox.api.service.nhs.uk/comms"
LOCAL = "http://127.0.0.1:8002"


@pytest.mark.parametrize(
    ("environment", "base_url", "token_url", "auth_mode"),
    [
        ("production", PROD, PROD_TOKEN, AuthMode.SIGNED_JWT),
        ("production", PROD + "/", PROD_TOKEN, AuthMode.SIGNED_JWT),
        ("int", INT, INT_TOKEN, AuthMode.SIGNED_JWT),
        ("sandbox", SANDBOX, None, AuthMode.NONE),
        ("local", LOCAL, None, AuthMode.NONE),
        ("local", "http://localhost:9000/comms", None, AuthMode.NONE),
        ("local", "http://[::1]:8002", None, AuthMode.NONE),
        ("local", "http://127.0.0.2:8002", "http://127.0.0.2:8002/oauth2/token", AuthMode.SIGNED_JWT),
    ],
)
def test_allowed_endpoints(environment, base_url, token_url, auth_mode):
    endpoints = endpoints_check(environment=environment, base_url=base_url, token_url=token_url)
    assert (endpoints.environment, endpoints.base_url, endpoints.auth_mode) == (
        environment,
        base_url.rstrip("/"),
        auth_mode,
    )


@pytest.mark.parametrize(
    ("environment", "base_url", "token_url", "message"),
    [
        ("production", INT, PROD_TOKEN, f"NOTIFY_API_BASE_URL must be {PROD} in production; refusing another endpoint."),
        ("production", SANDBOX, PROD_TOKEN, f"NOTIFY_API_BASE_URL must be {PROD} in production; refusing another endpoint."),
        ("production", LOCAL, PROD_TOKEN, f"NOTIFY_API_BASE_URL must be {PROD} in production; refusing another endpoint."),
        ("production", "http://api.service.nhs.uk/comms", PROD_TOKEN,
         f"NOTIFY_API_BASE_URL must be {PROD} in production; refusing another endpoint."),
        ("production", PROD, INT_TOKEN, f"NOTIFY_TOKEN_URL must be {PROD_TOKEN} in production; refusing another endpoint."),
        ("production", PROD, None, f"NOTIFY_TOKEN_URL must be {PROD_TOKEN} in production; refusing another endpoint."),
        ("int", PROD, INT_TOKEN, "NOTIFY_API_BASE_URL points at the production NHS Notify API, but NOTIFY_ENVIRONMENT is int."),
        ("int", INT, PROD_TOKEN, "NOTIFY_TOKEN_URL points at the production NHS Notify API, but NOTIFY_ENVIRONMENT is int."),
        ("int", "https://API.Service.NHS.uk/comms", INT_TOKEN,
         "NOTIFY_API_BASE_URL points at the production NHS Notify API, but NOTIFY_ENVIRONMENT is int."),
        ("sandbox", PROD, None, "NOTIFY_API_BASE_URL points at the production NHS Notify API, but NOTIFY_ENVIRONMENT is sandbox."),
        ("local", PROD, None, "NOTIFY_API_BASE_URL points at the production NHS Notify API, but NOTIFY_ENVIRONMENT is local."),
        ("int", SANDBOX, INT_TOKEN, f"NOTIFY_API_BASE_URL must be {INT} when NOTIFY_ENVIRONMENT is int."),
        ("int", INT, None, f"NOTIFY_TOKEN_URL must be {INT_TOKEN} when NOTIFY_ENVIRONMENT is int."),
        ("sandbox", INT, None, f"NOTIFY_API_BASE_URL must be {SANDBOX} when NOTIFY_ENVIRONMENT is sandbox."),
        ("sandbox", "https://api.service.nhs.uk.example/comms", None,
         f"NOTIFY_API_BASE_URL must be {SANDBOX} when NOTIFY_ENVIRONMENT is sandbox."),
        ("sandbox", SANDBOX, INT_TOKEN, "NOTIFY_TOKEN_URL must be empty for the sandbox, which takes no token."),
        ("local", SANDBOX, None,
         "NOTIFY_API_BASE_URL must be a loopback URL (127.0.0.1, ::1 or localhost) when NOTIFY_ENVIRONMENT is local."),
        ("local", "http://10.0.0.5:8002", None,
         "NOTIFY_API_BASE_URL must be a loopback URL (127.0.0.1, ::1 or localhost) when NOTIFY_ENVIRONMENT is local."),
        ("local", LOCAL, "https://int.api.service.nhs.uk/oauth2/token",
         "NOTIFY_TOKEN_URL must be a loopback URL (127.0.0.1, ::1 or localhost) when NOTIFY_ENVIRONMENT is local."),
        ("local", "ftp://127.0.0.1/", None, "NOTIFY_API_BASE_URL must be an http(s) URL with a host."),
        ("local", "127.0.0.1:8002", None, "NOTIFY_API_BASE_URL must be an http(s) URL with a host."),
        ("local", "http://user:pw@127.0.0.1:8002", None,
         "NOTIFY_API_BASE_URL must not hold credentials, a query or a fragment."),
        ("staging", SANDBOX, None, "NOTIFY_ENVIRONMENT must be one of local, sandbox, int, production."),
    ],
)  # fmt: skip
def test_refused_endpoints_name_the_setting(environment, base_url, token_url, message):
    with pytest.raises(NotifyConfigurationError) as raised:
        endpoints_check(environment=environment, base_url=base_url, token_url=token_url)
    assert str(raised.value) == message


def test_the_provider_refuses_to_be_built_with_an_unsafe_endpoint():
    with pytest.raises(NotifyConfigurationError) as raised:
        NhsNotifyProvider(environment="sandbox", base_url=PROD)
    assert str(raised.value) == (
        "NOTIFY_API_BASE_URL points at the production NHS Notify API, but NOTIFY_ENVIRONMENT is sandbox."
    )


def test_from_settings_local_defaults_to_the_local_sandbox_without_auth(settings):
    settings.NOTIFY_ENVIRONMENT = "local"
    settings.NOTIFY_API_BASE_URL = ""
    settings.NOTIFY_TOKEN_URL = ""
    provider = provider_from_settings()
    assert (provider.endpoints.base_url, provider.endpoints.token_url, provider.endpoints.auth_mode) == (
        LOCAL,
        None,
        AuthMode.NONE,
    )


def test_from_settings_int_uses_the_known_urls_the_key_and_the_timeouts(settings, key_file):
    settings.NOTIFY_ENVIRONMENT = "int"
    settings.NOTIFY_API_BASE_URL = ""
    settings.NOTIFY_TOKEN_URL = ""
    settings.NOTIFY_API_KEY = "int-key"
    settings.NOTIFY_PRIVATE_KEY_PATH = str(key_file)
    settings.NOTIFY_KEY_ID = "kid-1"
    settings.NOTIFY_CONNECT_TIMEOUT_SECONDS = 2.0
    settings.NOTIFY_READ_TIMEOUT_SECONDS = 8.0
    settings.NOTIFY_BATCH_READ_TIMEOUT_SECONDS = 90.0
    settings.NOTIFY_HTTP_POOL_SIZE = 4
    provider = provider_from_settings()
    assert (provider.endpoints.base_url, provider.endpoints.token_url, provider.endpoints.auth_mode) == (
        INT,
        INT_TOKEN,
        AuthMode.SIGNED_JWT,
    )
    assert provider.timeouts == Timeouts(connect=2.0, read=8.0, batch_read=90.0)
    assert provider.session.get_adapter(INT)._pool_maxsize == 4  # type: ignore[attr-defined]


def test_from_settings_int_without_credentials_names_what_is_missing(settings):
    settings.NOTIFY_ENVIRONMENT = "int"
    settings.NOTIFY_API_BASE_URL = ""
    settings.NOTIFY_TOKEN_URL = ""
    settings.NOTIFY_API_KEY = ""
    settings.NOTIFY_PRIVATE_KEY_PATH = "/run/secrets/notify.pem"
    settings.NOTIFY_KEY_ID = ""
    with pytest.raises(NotifyConfigurationError) as raised:
        provider_from_settings()
    assert (
        str(raised.value) == "NOTIFY_ENVIRONMENT int uses signed-JWT authentication: set NOTIFY_API_KEY, NOTIFY_KEY_ID."
    )


def test_from_settings_production_refuses_the_int_endpoint(settings, key_file):
    settings.NOTIFY_ENVIRONMENT = "production"
    settings.NOTIFY_API_BASE_URL = INT
    settings.NOTIFY_TOKEN_URL = ""
    with pytest.raises(NotifyConfigurationError) as raised:
        provider_from_settings()
    assert str(raised.value) == f"NOTIFY_API_BASE_URL must be {PROD} in production; refusing another endpoint."


def test_production_settings_have_no_default_for_the_notify_credentials():
    # given every production setting except the NHS Notify API key
    env = {**PRODUCTION_ENV, **CIS2_ENV, "PYTHONPATH": str(ROOT)}
    del env["NOTIFY_API_KEY"]
    # when the settings load, then they refuse to start, naming it
    completed = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert completed.returncode != 0
    assert "Set the NOTIFY_API_KEY environment variable" in completed.stderr
    assert {"NOTIFY_API_KEY", "NOTIFY_PRIVATE_KEY_PATH", "NOTIFY_KEY_ID"} <= set(PRODUCTION_ENV)
