"""Configuration of the stand-in: its relying parties (clients) and the production guard."""

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

PRIVATE_KEY_JWT = "private_key_jwt"
CLIENT_SECRET_POST = "client_secret_post"
AUTH_METHODS = (PRIVATE_KEY_JWT, CLIENT_SECRET_POST)

DEFAULT_CLIENT_ID = "notifyadmin-local"
DEFAULT_REDIRECT_URI = "http://127.0.0.1:8000/oidc/callback/"
DEFAULT_BACKCHANNEL_URI = "http://127.0.0.1:8000/oidc/backchannel-logout/"
DEFAULT_POST_LOGOUT_REDIRECT_URI = "http://127.0.0.1:8000/"
DEFAULT_KEY_DIR = "var/cis2-standin"


class ConfigurationError(Exception):
    """The stand-in cannot run with the configuration it was given."""


@dataclass(frozen=True)
class Client:
    """A relying party registered with the stand-in.

    `private_key_jwt` clients give their public key either as `jwks_uri` (fetched on each token
    request, so the client can rotate) or `public_key_path` (a PEM public key or a JWKS JSON
    file). `client_secret_post` clients give `client_secret`.
    """

    client_id: str
    redirect_uris: tuple[str, ...]
    token_endpoint_auth_method: str
    client_secret: str | None = field(default=None, repr=False)
    jwks_uri: str | None = None
    public_key_path: str | None = None
    backchannel_logout_uri: str | None = None
    post_logout_redirect_uris: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not self.client_id:
            raise ConfigurationError("A client needs a client_id.")
        if not self.redirect_uris:
            raise ConfigurationError(f"Client {self.client_id!r} needs at least one redirect URI.")
        if self.token_endpoint_auth_method not in AUTH_METHODS:
            raise ConfigurationError(
                f"Client {self.client_id!r}: token_endpoint_auth_method must be one of "
                f"{', '.join(AUTH_METHODS)}, not {self.token_endpoint_auth_method!r}."
            )
        if self.token_endpoint_auth_method == CLIENT_SECRET_POST and not self.client_secret:
            raise ConfigurationError(f"Client {self.client_id!r} uses client_secret_post but has no secret.")
        if self.token_endpoint_auth_method == PRIVATE_KEY_JWT and not (self.jwks_uri or self.public_key_path):
            raise ConfigurationError(
                f"Client {self.client_id!r} uses private_key_jwt but has neither jwks_uri nor public_key_path."
            )


def client_from_dict(data: Mapping) -> Client:
    """Build a client from its JSON form (the keys are Client's field names)."""
    known = set(Client.__dataclass_fields__)
    unknown = set(data) - known
    if unknown:
        raise ConfigurationError(f"Unknown client setting(s): {', '.join(sorted(unknown))}.")
    values = dict(data)
    for name in ("redirect_uris", "post_logout_redirect_uris"):
        if name in values:
            values[name] = tuple(values[name])
    try:
        return Client(**values)
    except TypeError as error:
        raise ConfigurationError(f"Client settings incomplete: {error}.") from error


def clients_from_file(path: str | Path) -> tuple[Client, ...]:
    """Read `{"clients": [{...}, ...]}` from a JSON file."""
    try:
        document = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise ConfigurationError(f"Cannot read the clients file {path}: {error}") from error
    entries = document.get("clients") if isinstance(document, dict) else None
    if not isinstance(entries, list) or not entries:
        raise ConfigurationError(f'The clients file {path} must hold {{"clients": [ ... ]}} with at least one client.')
    return tuple(client_from_dict(entry) for entry in entries)


def _uri_list(value: str) -> tuple[str, ...]:
    return tuple(uri.strip() for uri in value.split(",") if uri.strip())


def clients_from_environment(environ: Mapping[str, str]) -> tuple[Client, ...]:
    """The clients file named by CIS2_STANDIN_CLIENTS_FILE, or one client built from CIS2_* vars.

    A public key (CIS2_CLIENT_PUBLIC_KEY_PATH) or JWKS URL (CIS2_CLIENT_JWKS_URI) makes the
    client private_key_jwt; otherwise CIS2_CLIENT_SECRET makes it client_secret_post.
    """
    clients_file = environ.get("CIS2_STANDIN_CLIENTS_FILE")
    if clients_file:
        return clients_from_file(clients_file)

    public_key_path = environ.get("CIS2_CLIENT_PUBLIC_KEY_PATH") or None
    jwks_uri = environ.get("CIS2_CLIENT_JWKS_URI") or None
    secret = environ.get("CIS2_CLIENT_SECRET") or None
    if not (public_key_path or jwks_uri or secret):
        raise ConfigurationError(
            "No client configured. Set CIS2_STANDIN_CLIENTS_FILE, or CIS2_CLIENT_PUBLIC_KEY_PATH "
            "(private_key_jwt), or CIS2_CLIENT_SECRET (client_secret_post)."
        )
    method = PRIVATE_KEY_JWT if (public_key_path or jwks_uri) else CLIENT_SECRET_POST
    backchannel_uri = environ.get("CIS2_STANDIN_BACKCHANNEL_URI", DEFAULT_BACKCHANNEL_URI)
    return (
        Client(
            client_id=environ.get("CIS2_CLIENT_ID") or DEFAULT_CLIENT_ID,
            redirect_uris=_uri_list(environ.get("CIS2_STANDIN_REDIRECT_URI", DEFAULT_REDIRECT_URI)),
            token_endpoint_auth_method=method,
            client_secret=secret if method == CLIENT_SECRET_POST else None,
            jwks_uri=jwks_uri,
            public_key_path=public_key_path,
            backchannel_logout_uri=backchannel_uri or None,
            post_logout_redirect_uris=_uri_list(
                environ.get(
                    "CIS2_STANDIN_POST_LOGOUT_REDIRECT_URI",
                    DEFAULT_POST_LOGOUT_REDIRECT_URI,
                )
            ),
        ),
    )


def production_refusal(environ: Mapping[str, str]) -> str | None:
    """Why the stand-in must not run here, or None. It must never stand in for CIS2 in production."""
    if environ.get("NOTIFY_ENVIRONMENT", "").strip().lower() == "production":
        return "NOTIFY_ENVIRONMENT is production: the CIS2 stand-in refuses to start."
    if environ.get("DJANGO_SETTINGS_MODULE", "").strip().endswith(".production"):
        return "DJANGO_SETTINGS_MODULE names production settings: the CIS2 stand-in refuses to start."
    return None
