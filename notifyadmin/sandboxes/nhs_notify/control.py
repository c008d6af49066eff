"""The control API under /_sandbox/: faults, timings, what was accepted, callbacks sent, reset.

Not part of NHS Notify; never faulted, never authenticated (the sandbox binds 127.0.0.1).
Bodies are JSON; refusals are 400 {"error": "<what is wrong, naming the field>"}.

GET  /_sandbox/               summary: configuration, counts, whether the simulation is idle
GET  /_sandbox/faults         current fault settings (faults.FaultSettings)
POST /_sandbox/faults         change some settings, e.g. {"rate_drop": 0.2, "seed": 7}
GET  /_sandbox/timings        {"step": seconds, "read_wait": seconds or null}
POST /_sandbox/timings        change them, e.g. {"step": 0}
GET  /_sandbox/requests       every accepted message with how many times its messageReference
                              was accepted (must be 1), totals, and references in flight
GET  /_sandbox/log            API requests by method, path and status, and the recent ones
GET  /_sandbox/callbacks      callback POSTs made (kind, items, status, attempt) and items delivered
POST /_sandbox/reset          forget everything: messages, references, queued callbacks, faults, tokens
"""

import json
from dataclasses import asdict
from typing import TYPE_CHECKING

from notifyadmin.sandboxes.http import Request, Response
from notifyadmin.sandboxes.nhs_notify.faults import FaultError

if TYPE_CHECKING:  # server imports this module
    from notifyadmin.sandboxes.nhs_notify.server import SandboxState

PREFIX = "/_sandbox"


def _answer(status: int, document: object) -> Response:
    return Response(status, json.dumps(document, indent=1).encode(), {"Content-Type": "application/json"})


def _refuse(message: str, status: int = 400) -> Response:
    return _answer(status, {"error": message})


def _changes(request: Request) -> dict | Response:
    try:
        changes = json.loads(request.body or b"{}")
    except ValueError:
        return _refuse("The body must be a JSON object.")
    if not isinstance(changes, dict):
        return _refuse("The body must be a JSON object.")
    return changes


def control(state: "SandboxState", request: Request) -> Response:
    path = request.path.removeprefix(PREFIX).rstrip("/") or "/"
    method = request.method
    if path == "/" and method == "GET":
        return _answer(200, state.summary())
    if path == "/faults":
        if method == "GET":
            return _answer(200, asdict(state.faults.settings))
        if method == "POST":
            changes = _changes(request)
            if isinstance(changes, Response):
                return changes
            try:
                return _answer(200, asdict(state.faults.update(changes)))
            except FaultError as error:
                return _refuse(str(error))
    if path == "/timings":
        if method == "GET":
            return _answer(200, asdict(state.timings))
        if method == "POST":
            changes = _changes(request)
            if isinstance(changes, Response):
                return changes
            try:
                state.timings_update(**changes)
            except (TypeError, ValueError) as error:
                return _refuse(f"Timings: {error}")
            return _answer(200, asdict(state.timings))
    if path == "/requests" and method == "GET":
        return _answer(200, state.store.accepted_report())
    if path == "/log" and method == "GET":
        return _answer(200, state.store.request_report())
    if path == "/callbacks" and method == "GET":
        return _answer(200, state.callback_report())
    if path == "/reset" and method == "POST":
        state.reset()
        return _answer(200, {"reset": True})
    return _refuse(f"No control endpoint {method} {PREFIX}{path if path != '/' else '/'}; see the package README.", 404)
