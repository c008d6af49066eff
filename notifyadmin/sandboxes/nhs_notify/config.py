"""Configuration of the NHS Notify sandbox, from arguments or the environment, and the production guard."""

import os
from collections.abc import Mapping
from dataclasses import dataclass, field

AUTH_NONE = "none"  # like the published sandbox: no Authorization needed
AUTH_JWT = "jwt"  # like int and production: signed-JWT client credentials, then Bearer tokens
AUTH_MODES = (AUTH_NONE, AUTH_JWT)

DEFAULT_PORT = 8002
DEFAULT_API_KEY = "local-notify-api-key"
DEFAULT_CALLBACK_API_KEY = "local-callback-api-key"
DEFAULT_APPLICATION_ID = "local-notify-application"
DEFAULT_STEP_SECONDS = 1.0


class ConfigurationError(Exception):
    """The sandbox cannot run with the configuration it was given."""


@dataclass
class Timings:
    """How long the simulation waits between one status and the next (seconds; 0 = at once).

    `step` paces every status change; `read_wait` replaces it for the wait before an unread NHS
    App message fails and the cascade falls back (NHS Notify waits 24 or 4 hours; locally it is
    compressed like everything else)."""

    step: float = DEFAULT_STEP_SECONDS
    read_wait: float | None = None

    @property
    def unread_wait(self) -> float:
        return self.step if self.read_wait is None else self.read_wait


@dataclass
class SandboxConfig:
    auth: str = AUTH_NONE
    api_key: str = DEFAULT_API_KEY  # jwt mode: the iss and sub of client assertions
    public_key_path: str | None = None  # jwt mode: PEM public key or JWKS JSON file
    key_id: str | None = None  # jwt mode: the kid assertions must carry (a PEM has no kid of its own)
    callback_url: str | None = None  # base URL of the receiver; None: no callbacks
    callback_api_key: str = DEFAULT_CALLBACK_API_KEY
    application_id: str = DEFAULT_APPLICATION_ID
    timings: Timings = field(default_factory=Timings)
    public_url: str | None = None  # scheme://host:port clients use, if not the bind address
    allow_ods_override: bool = True
    allow_contact_details: bool = True

    def __post_init__(self) -> None:
        if self.auth not in AUTH_MODES:
            raise ConfigurationError(f"auth must be one of {', '.join(AUTH_MODES)}, not {self.auth!r}.")
        if self.auth == AUTH_JWT and not self.public_key_path:
            raise ConfigurationError(
                "auth=jwt needs the client's public key: --public-key (or NHS_NOTIFY_SANDBOX_PUBLIC_KEY_PATH), "
                "a PEM public key or a JWKS file."
            )
        if self.timings.step < 0 or self.timings.unread_wait < 0:
            raise ConfigurationError("Timings cannot be negative.")


def config_from_environment(environ: Mapping[str, str] | None = None) -> SandboxConfig:
    """The sandbox's settings from NHS_NOTIFY_SANDBOX_* and the app's own NOTIFY_* variables, so
    one .env configures both ends: NOTIFY_API_KEY, NOTIFY_KEY_ID, NOTIFY_CALLBACK_API_KEY and
    NOTIFY_APPLICATION_ID are the values the app uses."""
    env = os.environ if environ is None else environ
    step = env.get("NHS_NOTIFY_SANDBOX_STEP_SECONDS")
    read_wait = env.get("NHS_NOTIFY_SANDBOX_READ_WAIT_SECONDS")
    try:
        timings = Timings(
            step=float(step) if step else DEFAULT_STEP_SECONDS,
            read_wait=float(read_wait) if read_wait else None,
        )
    except ValueError as error:
        raise ConfigurationError(f"Timings must be numbers of seconds: {error}") from error
    return SandboxConfig(
        auth=env.get("NHS_NOTIFY_SANDBOX_AUTH", AUTH_NONE),
        api_key=env.get("NOTIFY_API_KEY") or DEFAULT_API_KEY,
        public_key_path=env.get("NHS_NOTIFY_SANDBOX_PUBLIC_KEY_PATH") or None,
        key_id=env.get("NOTIFY_KEY_ID") or None,
        callback_url=env.get("NHS_NOTIFY_SANDBOX_CALLBACK_URL") or None,
        callback_api_key=env.get("NOTIFY_CALLBACK_API_KEY") or DEFAULT_CALLBACK_API_KEY,
        application_id=env.get("NOTIFY_APPLICATION_ID") or DEFAULT_APPLICATION_ID,
        timings=timings,
        public_url=env.get("NHS_NOTIFY_SANDBOX_PUBLIC_URL") or None,
    )


def production_refusal(environ: Mapping[str, str]) -> str | None:
    """Why the sandbox must not run here, or None. It must never stand in for NHS Notify in production."""
    if environ.get("NOTIFY_ENVIRONMENT", "").strip().lower() == "production":
        return "NOTIFY_ENVIRONMENT is production: the NHS Notify sandbox refuses to start."
    if environ.get("DJANGO_SETTINGS_MODULE", "").strip().endswith(".production"):
        return "DJANGO_SETTINGS_MODULE names production settings: the NHS Notify sandbox refuses to start."
    return None
