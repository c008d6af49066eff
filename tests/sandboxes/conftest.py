"""Fixtures for the sandbox tests: the CIS2 stand-in (a running stand-in, client keys, a back-channel
receiver) and the NHS Notify sandbox (a running sandbox, a callback receiver).

Nothing here needs Django: the stand-in is its own HTTP server, started in a thread on port 0.
"""

import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

import jwt
import pytest
import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from notifyadmin.sandboxes.cis2 import Client, start_standin
from notifyadmin.sandboxes.nhs_notify import SandboxConfig, Timings, start_sandbox

from .cis2_flow import (
    CLIENT_KID,
    JWKS_CLIENT_ID,
    JWT_CLIENT_ID,
    POST_LOGOUT_URI,
    REDIRECT_URI,
    SECRET,
    SECRET_CLIENT_ID,
)
from .nhs_notify_support import API_KEY, APPLICATION_ID, callback_receiver_start


@dataclass
class Receiver:
    """A tiny relying-party stand-in: records back-channel POSTs and serves the client's JWKS."""

    url: str
    jwks: dict
    answer_status: int = 200
    posts: list[dict] = field(default_factory=list)

    def logout_tokens(self) -> list[str]:
        return [post["form"]["logout_token"][0] for post in self.posts]


@pytest.fixture
def client_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture
def client_jwks(client_key) -> dict:
    jwk = jwt.algorithms.RSAAlgorithm.to_jwk(client_key.public_key(), as_dict=True)
    return {"keys": [{**jwk, "kid": CLIENT_KID, "use": "sig", "alg": "RS512"}]}


@pytest.fixture
def receiver(client_jwks):
    received = Receiver(url="", jwks=client_jwks)

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            self._answer(200, json.dumps(received.jwks).encode())

        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode()
            received.posts.append(
                {
                    "path": self.path,
                    "content_type": self.headers.get("Content-Type"),
                    "form": parse_qs(body),
                }
            )
            self._answer(received.answer_status, b"")

        def _answer(self, status, body):
            self.send_response(status)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    received.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield received
    server.shutdown()
    server.server_close()


@pytest.fixture
def standin(tmp_path, client_key, receiver):
    public_key_path = tmp_path / "client-public.pem"
    public_key_path.write_bytes(
        client_key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
    )
    backchannel_uri = f"{receiver.url}/oidc/backchannel-logout/"
    common = {
        "redirect_uris": (REDIRECT_URI,),
        "backchannel_logout_uri": backchannel_uri,
        "post_logout_redirect_uris": (POST_LOGOUT_URI,),
    }
    clients = [
        Client(
            client_id=SECRET_CLIENT_ID,
            token_endpoint_auth_method="client_secret_post",
            client_secret=SECRET,
            **common,
        ),
        Client(
            client_id=JWT_CLIENT_ID,
            token_endpoint_auth_method="private_key_jwt",
            public_key_path=str(public_key_path),
            **common,
        ),
        Client(
            client_id=JWKS_CLIENT_ID,
            token_endpoint_auth_method="private_key_jwt",
            jwks_uri=f"{receiver.url}/jwks.json",
            **common,
        ),
    ]
    running = start_standin(port=0, key_dir=tmp_path / "keys", clients=clients, environ={})
    yield running
    running.stop()


@pytest.fixture
def http() -> requests.Session:
    with requests.Session() as session:
        yield session


# NHS Notify sandbox ------------------------------------------------------------------------------


@pytest.fixture
def notify_receiver():
    received, server = callback_receiver_start()
    yield received
    server.shutdown()
    server.server_close()


@pytest.fixture
def notify(notify_receiver):
    """A sandbox with instant timings whose callbacks go to notify_receiver."""
    config = SandboxConfig(
        timings=Timings(step=0),
        callback_url=notify_receiver.url,
        callback_api_key=API_KEY,
        application_id=APPLICATION_ID,
    )
    running = start_sandbox(config, environ={})
    yield running
    running.stop()


@pytest.fixture
def notify_plain():
    """A sandbox with instant timings and no callbacks."""
    running = start_sandbox(SandboxConfig(timings=Timings(step=0)), environ={})
    yield running
    running.stop()
