"""Running the CIS2 stand-in for notifyadmin's own tests: keys, clients, settings, role mappings.

The stand-in is a real OpenID provider over HTTP (started in-process on port 0); the relying
party under test is notifyadmin itself, driven with Django's test client or a browser.
"""

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from notifyadmin.sandboxes.cis2 import Client, StandIn, start_standin
from notifyadmin.sandboxes.cis2.identities import SUGGESTED_COMBINED_ROLE_MAPPING, SUGGESTED_ROLE_MAPPING

JWT_CLIENT_ID = "notifyadmin-test-jwt"
SECRET_CLIENT_ID = "notifyadmin-test-secret"
CLIENT_SECRET = "test-only-client-secret-not-real"
KEY_ID = "notifyadmin-test-1"


@dataclass
class BackchannelCatcher:
    """Stands where notifyadmin's back-channel URI would be and keeps each logout token, so a
    test can hand it to Django's test client (which has no socket of its own)."""

    url: str = ""
    tokens: list[str] = field(default_factory=list)


@contextmanager
def backchannel_catcher() -> Iterator[BackchannelCatcher]:
    caught = BackchannelCatcher()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode()
            caught.tokens.extend(parse_qs(body).get("logout_token", []))
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    caught.url = f"http://127.0.0.1:{server.server_address[1]}/oidc/backchannel-logout/"
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield caught
    finally:
        server.shutdown()
        server.server_close()


def client_key_files(directory: Path) -> tuple[Path, Path]:
    """A fresh RSA key pair for notifyadmin as a client: (private PEM, public PEM)."""
    directory.mkdir(parents=True, exist_ok=True)
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private = directory / "client-private.pem"
    public = directory / "client-public.pem"
    private.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    public.write_bytes(
        key.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    )
    return private, public


def standin_for(*, tmp_path: Path, base_url: str, backchannel_uri: str | None, public_key: Path) -> StandIn:
    """A stand-in with two clients (private_key_jwt and client_secret_post) for notifyadmin at base_url."""
    common = {
        "redirect_uris": (f"{base_url}/oidc/callback/",),
        "backchannel_logout_uri": backchannel_uri,
        "post_logout_redirect_uris": (f"{base_url}/accounts/sign-in/", f"{base_url}/accounts/signed-out/"),
    }
    clients = [
        Client(
            client_id=JWT_CLIENT_ID,
            token_endpoint_auth_method="private_key_jwt",
            public_key_path=str(public_key),
            **common,
        ),
        Client(
            client_id=SECRET_CLIENT_ID,
            token_endpoint_auth_method="client_secret_post",
            client_secret=CLIENT_SECRET,
            **common,
        ),
    ]
    return start_standin(port=0, key_dir=tmp_path / "standin-keys", clients=clients, environ={})


def configure(
    settings: object, *, standin: StandIn, private_key: Path, base_url: str, client_auth: str = "private_key_jwt"
) -> None:
    """Point notifyadmin's CIS2 settings (pytest-django `settings` fixture) at the stand-in."""
    from notifyadmin.accounts.cis2.provider import caches_clear

    caches_clear()
    settings.CIS2_ISSUER = standin.issuer
    settings.CIS2_CLIENT_AUTH = client_auth
    settings.CIS2_CLIENT_ID = JWT_CLIENT_ID if client_auth == "private_key_jwt" else SECRET_CLIENT_ID
    settings.CIS2_CLIENT_SECRET = CLIENT_SECRET if client_auth == "client_secret_post" else ""
    settings.CIS2_PRIVATE_KEY_PATH = str(private_key)
    settings.CIS2_KEY_ID = KEY_ID
    settings.CIS2_POST_LOGOUT_REDIRECT_URI = f"{base_url}/accounts/signed-out/"


def role_mappings_seed(organisation: object) -> None:
    from notifyadmin.accounts.models import Cis2RoleMapping

    for role_code, app_role in SUGGESTED_ROLE_MAPPING.items():
        Cis2RoleMapping.objects.get_or_create(
            organisation=organisation, role_code=role_code, activity_code="", app_role=app_role
        )
    for role_code, app_roles in SUGGESTED_COMBINED_ROLE_MAPPING.items():
        for app_role in app_roles:
            Cis2RoleMapping.objects.get_or_create(
                organisation=organisation, role_code=role_code, activity_code="", app_role=app_role
            )
