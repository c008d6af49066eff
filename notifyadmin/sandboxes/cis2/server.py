"""The HTTP server around the provider, and `start_standin` for tests and the command line."""

import logging
import os
import threading
from collections.abc import Iterable, Mapping
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Self
from urllib.parse import parse_qsl, urlsplit

from notifyadmin.sandboxes.cis2.config import (
    DEFAULT_KEY_DIR,
    Client,
    clients_from_environment,
    production_refusal,
)
from notifyadmin.sandboxes.cis2.hooks import (
    ID_TOKEN_MUTATIONS,
    LOGOUT_MUTATIONS,
    USERINFO_MUTATIONS,
    mutation_parse,
)
from notifyadmin.sandboxes.cis2.keys import KeyStore
from notifyadmin.sandboxes.cis2.provider import ISSUER_PATH, Provider
from notifyadmin.sandboxes.cis2.store import Delivery, Session
from notifyadmin.sandboxes.cis2.web import Request, Response, html_response

MAX_BODY = 1024 * 1024

logger = logging.getLogger("notifyadmin.sandboxes.cis2")


class StandInRefused(RuntimeError):
    """The stand-in must not run in this environment (production)."""


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    provider: Provider


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    server_version = "CIS2StandIn/1"

    def do_GET(self) -> None:
        self._dispatch()

    def do_POST(self) -> None:
        self._dispatch()

    def _dispatch(self) -> None:
        parts = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_BODY:
            self._send(html_response("Request body too large.", 413))
            return
        request = Request(
            method=self.command,
            path=parts.path,
            query=dict(parse_qsl(parts.query, keep_blank_values=True)),
            headers={name.lower(): value for name, value in self.headers.items()},
            body=self.rfile.read(length) if length else b"",
        )
        try:
            response = self.server.provider.route(request)
        except Exception:
            # A bug in the stand-in: answer 500 rather than drop the connection, and say where.
            logger.exception("error handling %s %s", self.command, parts.path)
            response = html_response("The CIS2 stand-in failed; see its log.", 500)
        self._send(response)

    def _send(self, response: Response) -> None:
        self.send_response(response.status)
        for name, value in response.headers.items():
            self.send_header(name, value)
        for cookie in response.cookies:
            self.send_header("Set-Cookie", cookie)
        self.send_header("Content-Length", str(len(response.body)))
        self.end_headers()
        self.wfile.write(response.body)

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        # One line per request, without the query string: it carries codes and tokens.
        path = urlsplit(getattr(self, "path", "") or "").path
        logger.info("%s %s %s", self.command, path, code)

    def log_message(self, format: str, *args: object) -> None:
        # http.server's own messages can quote the raw request line (tokens included): keep them out.
        logger.debug("http.server message suppressed")


class StandIn:
    """A running stand-in. Stop it with `stop()` or use it as a context manager."""

    def __init__(self, server: _Server, thread: threading.Thread) -> None:
        self._server = server
        self._thread = thread
        self.provider = server.provider

    @property
    def issuer(self) -> str:
        return self.provider.issuer

    @property
    def base_url(self) -> str:
        return self.provider.base_url

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def wait(self) -> None:
        while self._thread.is_alive():
            self._thread.join(0.5)

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    # Test hooks (the same as the /_testing HTTP endpoints) -------------------------------
    def backchannel_logout(self, sid: str, *, mutations: Iterable[str] = (), **edits: object) -> list[Delivery]:
        """Send back-channel logout for a live session; see hooks.LOGOUT_MUTATIONS."""
        mutation = mutation_parse({"mutations": list(mutations), **edits}, LOGOUT_MUTATIONS)
        return self.provider.backchannel_logout(sid, mutation)

    def next_id_token(self, *mutations: str, **edits: object) -> None:
        """Mutate the next ID token issued; see hooks.ID_TOKEN_MUTATIONS (set_claims=, remove_claims=)."""
        self.provider.mutations.queue(
            "id_token",
            mutation_parse({"mutations": list(mutations), **edits}, ID_TOKEN_MUTATIONS),
        )

    def next_userinfo(self, *mutations: str, **edits: object) -> None:
        """Mutate the next userinfo answer; see hooks.USERINFO_MUTATIONS."""
        self.provider.mutations.queue(
            "userinfo",
            mutation_parse({"mutations": list(mutations), **edits}, USERINFO_MUTATIONS),
        )

    def rotate_keys(self) -> str:
        return self.provider.keys.rotate()

    def replace_key_keeping_kid(self) -> str:
        """A new signing key under the same kid (keys.KeyStore.replace_keeping_kid)."""
        return self.provider.keys.replace_keeping_kid()

    def sessions(self) -> list[Session]:
        return self.provider.store.sessions()

    def deliveries(self) -> list[Delivery]:
        return self.provider.store.deliveries()


def start_standin(
    host: str = "127.0.0.1",
    port: int = 0,
    key_dir: str | Path = DEFAULT_KEY_DIR,
    clients: Iterable[Client] | None = None,
    public_url: str | None = None,
    environ: Mapping[str, str] | None = None,
) -> StandIn:
    """Start the stand-in in a background thread. port=0 picks a free port.

    `clients` default to those configured in the environment (config.clients_from_environment).
    `public_url` (scheme://host:port) sets the issuer when the address clients use differs from
    the bind address, e.g. in a container. Raises StandInRefused in production.
    """
    environ = os.environ if environ is None else environ
    refusal = production_refusal(environ)
    if refusal:
        raise StandInRefused(refusal)
    registered = tuple(clients) if clients is not None else clients_from_environment(environ)
    keys = KeyStore(key_dir)
    server = _Server((host, port), _Handler)
    bound_port = server.server_address[1]
    base_url = (public_url or f"http://{host}:{bound_port}").rstrip("/")
    server.provider = Provider(
        issuer=base_url + ISSUER_PATH,
        clients={client.client_id: client for client in registered},
        keys=keys,
    )
    # A short poll interval makes stop() quick, which matters to tests that start one per test.
    thread = threading.Thread(
        target=server.serve_forever,
        kwargs={"poll_interval": 0.05},
        name="cis2-standin",
        daemon=True,
    )
    thread.start()
    return StandIn(server, thread)
