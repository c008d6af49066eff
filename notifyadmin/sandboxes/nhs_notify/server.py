"""The HTTP server around the sandbox, and `start_sandbox` for tests and the command line."""

import contextlib
import json
import logging
import os
import socket
import threading
import time
from collections.abc import Mapping
from dataclasses import asdict, replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Self
from urllib.parse import parse_qsl, urlsplit

from notifyadmin.sandboxes.http import Request, Response
from notifyadmin.sandboxes.nhs_notify import errors
from notifyadmin.sandboxes.nhs_notify.api import (
    BASE_PATH,
    MESSAGE_PATH,
    Endpoints,
    failure_answer,
    json_answer,
    message_document,
    negotiate,
    request_id,
    route_check,
)
from notifyadmin.sandboxes.nhs_notify.auth import TOKEN_PATH, Authenticator, TokenRefused
from notifyadmin.sandboxes.nhs_notify.callbacks import CallbackSender
from notifyadmin.sandboxes.nhs_notify.config import AUTH_JWT, SandboxConfig, Timings, production_refusal
from notifyadmin.sandboxes.nhs_notify.control import PREFIX as CONTROL_PREFIX
from notifyadmin.sandboxes.nhs_notify.control import control
from notifyadmin.sandboxes.nhs_notify.errors import ApiFailure
from notifyadmin.sandboxes.nhs_notify.faults import Decision, Faults
from notifyadmin.sandboxes.nhs_notify.simulation import Simulation
from notifyadmin.sandboxes.nhs_notify.spec import specification
from notifyadmin.sandboxes.nhs_notify.store import Store
from notifyadmin.sandboxes.nhs_notify.validation import Permissions

MAX_BODY = 5_200_000  # 5.2 MB: NHS Notify's limit per request (413 CM_TOO_LARGE above it)
logger = logging.getLogger("notifyadmin.sandboxes.nhs_notify")

# Sandbox-mode Authorization values the published sandbox reacts to.
_SANDBOX_AUTHORIZATION = {
    "Bearer InvalidMockToken": errors.denied,
    "Bearer ClientNotRecognised": errors.forbidden,
    "banned": errors.service_ban,
}


class SandboxRefused(RuntimeError):
    """The sandbox must not run in this environment (production)."""


class SandboxState:
    """Everything the sandbox knows and does; the HTTP handler and the Python API both drive it."""

    def __init__(self, config: SandboxConfig, base_url: str) -> None:
        self.config = config
        self.base_url = base_url
        self.timings = replace(config.timings)
        self.permissions = Permissions(
            ods_override=config.allow_ods_override, contact_details=config.allow_contact_details
        )
        self.store = Store()
        self.faults = Faults()
        self.callbacks: CallbackSender | None = None
        if config.callback_url:
            self.callbacks = CallbackSender(
                base_url=config.callback_url,
                api_key=config.callback_api_key,
                application_id=config.application_id,
                message_url=f"{base_url}{BASE_PATH}/v1/messages",
                faults=self.faults.callback,
                lock=self.faults.lock,
            )
        self.simulation = Simulation(
            store=self.store,
            timings=self.timings,
            emit=self.callbacks.enqueue if self.callbacks else None,
        )
        self.auth: Authenticator | None = None
        if config.auth == AUTH_JWT:
            self.auth = Authenticator(
                api_key=config.api_key,
                public_key_path=config.public_key_path or "",
                key_id=config.key_id,
                token_url=f"{base_url}{TOKEN_PATH}",
            )
        self.endpoints = Endpoints(self)
        self._fixtures_dir = specification().directory / "sandbox-message-fixtures"

    # The HTTP surface ------------------------------------------------------------------------
    def handle(self, request: Request) -> Response:
        if request.path.startswith(CONTROL_PREFIX):
            return control(self, request)
        if request.path == TOKEN_PATH:
            return self._token(request)
        rid = request_id()
        path = request.path.removeprefix(BASE_PATH) if request.path.startswith(BASE_PATH + "/") else request.path
        base = self.base_url + (BASE_PATH if path != request.path else "")
        drop = False
        try:
            self._authenticate(request)
            self._prefer(request, errors.PREFER_BEFORE_NEGOTIATION)
            negotiate(request)
            self._prefer(request, errors.PREFER_AFTER_NEGOTIATION)
            route_check(request.method, path)
            decision = self.faults.decide()
            if decision.failure is not None:
                raise decision.failure
            drop = decision.drop
            response = self._endpoint(request, path, base, decision)
        except ApiFailure as failure:
            response = failure_answer(failure, rid)
        correlation = request.headers.get("x-correlation-id")
        if correlation:
            response.headers["X-Correlation-Id"] = correlation
        response.drop = drop
        self.store.log_request(method=request.method, path=path, status="dropped" if drop else response.status)
        return response

    def _endpoint(self, request: Request, path: str, base: str, decision: Decision) -> Response:
        if path == "/v1/messages":
            return self.endpoints.create_message(request, base, decision)
        if path == "/v1/message-batches":
            return self.endpoints.create_batch(request, base, decision)
        if path == "/channels/nhsapp/accounts":
            return self.endpoints.nhsapp_accounts(request, base, decision)
        match = MESSAGE_PATH.match(path)
        if match is None:  # route_check lets only the four paths through
            raise ApiFailure(errors.not_found())
        return self.endpoints.get_message(match.group(1), base, decision)

    def _authenticate(self, request: Request) -> None:
        if self.auth is not None:
            if not self.auth.bearer_valid(request.bearer_token()):
                raise ApiFailure(errors.denied())
            return
        special = _SANDBOX_AUTHORIZATION.get(request.headers.get("authorization", ""))
        if special is not None:
            raise ApiFailure(special())

    @staticmethod
    def _prefer(request: Request, table: dict) -> None:
        factory = table.get(request.headers.get("prefer", "").strip())
        if factory is errors.not_found and request.method == "POST":
            factory = errors.no_such_routing_plan  # the 404 the specification gives the send endpoints
        if factory is not None:
            raise errors.failure_with_retry_after(factory())

    def _token(self, request: Request) -> Response:
        if request.method != "POST":
            return json_answer(405, {"error": "invalid_request", "error_description": "Use POST."})
        if self.auth is None:
            return json_answer(
                404,
                {"error": "invalid_request", "error_description": "This sandbox runs with auth=none: no token needed."},
            )
        try:
            answer = self.auth.token_issue(request.form)
        except TokenRefused as refused:
            body = {"error": refused.error, "error_description": refused.description, "message_id": request_id()}
            return Response(refused.status, json.dumps(body).encode(), {"Content-Type": "application/json"})
        return Response(
            200, json.dumps(answer).encode(), {"Content-Type": "application/json", "Cache-Control": "no-store"}
        )

    def too_large(self, request: Request) -> Response:
        response = failure_answer(ApiFailure(errors.too_large()), request_id())
        self.store.log_request(method=request.method, path=request.path, status=413)
        return response

    # Reading and control ---------------------------------------------------------------------
    def fixture(self, message_id: str) -> dict | None:
        """The published sandbox's status fixture with this id, if there is one."""
        if not message_id.isalnum():
            return None
        path = self._fixtures_dir / f"{message_id}.json"
        return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else None

    def timings_update(self, **changes: float | None) -> None:
        updated = Timings(**{**asdict(self.timings), **changes})
        if updated.step < 0 or updated.unread_wait < 0:
            raise ValueError("step and read_wait cannot be negative.")
        # The simulation holds this very object, so the change applies from its next step.
        self.timings.step, self.timings.read_wait = updated.step, updated.read_wait

    def reset(self) -> None:
        self.simulation.clear()
        if self.callbacks is not None:
            self.callbacks.clear()
        with self.store.lock:
            self.store.reset()
        self.faults.reset()
        if self.auth is not None:
            self.auth.reset()

    def idle(self) -> bool:
        return self.simulation.idle() and (self.callbacks is None or self.callbacks.idle())

    def callback_report(self) -> dict:
        if self.callbacks is None:
            return {"configured": False, "itemsDelivered": 0, "posts": []}
        return {
            "configured": True,
            "itemsDelivered": self.callbacks.items_delivered,
            "idle": self.callbacks.idle(),
            "posts": list(self.callbacks.deliveries),
        }

    def summary(self) -> dict:
        return {
            "auth": self.config.auth,
            "baseUrl": self.base_url,
            "callbackUrl": self.config.callback_url,
            "timings": asdict(self.timings),
            "faults": asdict(self.faults.settings),
            "messages": len(self.store.messages),
            "simulationPending": self.simulation.pending(),
            "idle": self.idle(),
        }

    def stop(self) -> None:
        self.simulation.stop()
        if self.callbacks is not None:
            self.callbacks.stop()


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128
    state: SandboxState


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    server_version = "NHSNotifySandbox/1"
    protocol_version = "HTTP/1.1"  # keep-alive, as clients' pooled sessions expect
    # Headers and body go out in separate writes: without TCP_NODELAY, Nagle's algorithm and the
    # client's delayed ACK hold every keep-alive answer back ~40 ms (20 requests a second).
    disable_nagle_algorithm = True

    def do_GET(self) -> None:
        self._dispatch()

    do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_OPTIONS = do_GET  # noqa: N815 - http.server's names

    def _dispatch(self) -> None:
        parts = urlsplit(self.path)
        headers = {name.lower(): value for name, value in self.headers.items()}
        request = Request(
            method=self.command,
            path=parts.path,
            query=dict(parse_qsl(parts.query, keep_blank_values=True)),
            headers=headers,
        )
        length = int(headers.get("content-length") or 0)
        if length > MAX_BODY and not parts.path.startswith(CONTROL_PREFIX):
            # Answer without reading the body, then close: the rest of it is not ours to read.
            self.close_connection = True
            self._send(self.server.state.too_large(request))
            return
        request.body = self.rfile.read(length) if length else b""
        try:
            response = self.server.state.handle(request)
        except Exception:
            # A bug in the sandbox: answer 500 in NHS Notify's shape rather than drop the connection.
            logger.exception("error handling %s %s", self.command, parts.path)
            response = failure_answer(ApiFailure(errors.internal_error()), request_id())
        if response.drop:
            self.close_connection = True
            with contextlib.suppress(OSError):
                self.connection.shutdown(socket.SHUT_RDWR)
            return
        self._send(response)

    def _send(self, response: Response) -> None:
        self.send_response(response.status)
        for name, value in response.headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(response.body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(response.body)

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        # Debug only: a benchmark sends thousands a second. Never the query string.
        logger.debug("%s %s %s", self.command, urlsplit(getattr(self, "path", "") or "").path, code)

    def log_message(self, format: str, *args: object) -> None:
        logger.debug("http.server message suppressed")


class Sandbox:
    """A running sandbox. Stop it with `stop()` or use it as a context manager.

    `state` gives direct access to the store, simulation, faults and callbacks; the methods
    below are the same controls as /_sandbox/."""

    def __init__(self, server: _Server, thread: threading.Thread) -> None:
        self._server = server
        self._thread = thread
        self.state = server.state

    @property
    def url(self) -> str:
        return self.state.base_url

    @property
    def token_url(self) -> str:
        return self.state.base_url + TOKEN_PATH

    def faults(self, **changes: object) -> dict:
        return asdict(self.state.faults.update(changes))

    def timings(self, **changes: float | None) -> None:
        self.state.timings_update(**changes)

    def accepted(self) -> dict:
        return self.state.store.accepted_report()

    def message(self, message_id: str) -> dict | None:
        with self.state.store.lock:
            record = self.state.store.get(message_id)
            return message_document(record, self.url) if record else None

    def callback_report(self) -> dict:
        return self.state.callback_report()

    def reset(self) -> None:
        self.state.reset()

    def wait_idle(self, timeout: float = 10.0) -> None:
        """Wait until every message has reached its final status and every callback was sent."""
        deadline = time.monotonic() + timeout
        while not self.state.idle():
            if time.monotonic() > deadline:
                raise TimeoutError(f"The sandbox is still busy after {timeout} s: {self.state.summary()}")
            time.sleep(0.005)

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)
        self.state.stop()

    def wait(self) -> None:
        while self._thread.is_alive():
            self._thread.join(0.5)

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()


def start_sandbox(
    config: SandboxConfig | None = None,
    *,
    host: str = "127.0.0.1",
    port: int = 0,
    environ: Mapping[str, str] | None = None,
) -> Sandbox:
    """Start the sandbox in background threads. port=0 picks a free port. Raises SandboxRefused in production."""
    environ = os.environ if environ is None else environ
    refusal = production_refusal(environ)
    if refusal:
        raise SandboxRefused(refusal)
    config = config or SandboxConfig()
    specification()  # fail now, with a clear message, if the specification is missing
    server = _Server((host, port), _Handler)
    base_url = (config.public_url or f"http://{host}:{server.server_address[1]}").rstrip("/")
    server.state = SandboxState(config, base_url)
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, name="nhs-notify-sandbox", daemon=True
    )
    thread.start()
    return Sandbox(server, thread)
