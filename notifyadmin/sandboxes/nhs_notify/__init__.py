"""A local stand-in for NHS England's NHS Notify API, so `make run` and the tests need no external service.

It has no Django in it and runs as its own process::

    python -m notifyadmin.sandboxes.nhs_notify --host 127.0.0.1 --port 8002 --callback-url http://127.0.0.1:8000

or in threads, from tests::

    sandbox = start_sandbox(SandboxConfig(timings=Timings(step=0), callback_url=receiver_url))
    sandbox.url                    # http://127.0.0.1:<port>; the API is also under /comms
    sandbox.faults(rate_drop=0.5, seed=1)
    sandbox.wait_idle()            # every message final, every callback sent
    sandbox.accepted()             # what was accepted, and how many times per messageReference
    sandbox.stop()

It behaves as the published specification describes (validated with the official schemas,
spec.py), simulates delivery per the safe-recipient catalogue (notifyadmin.core.safe_recipients),
sends signed callbacks, injects faults, and refuses to start in production. README.md (next to
this file) documents endpoints, routing plans, recipients, timings, faults and the control API.
"""

from notifyadmin.sandboxes.nhs_notify.config import (
    AUTH_JWT,
    AUTH_NONE,
    ConfigurationError,
    SandboxConfig,
    Timings,
)
from notifyadmin.sandboxes.nhs_notify.server import Sandbox, SandboxRefused, start_sandbox

__all__ = [
    "AUTH_JWT",
    "AUTH_NONE",
    "ConfigurationError",
    "Sandbox",
    "SandboxConfig",
    "SandboxRefused",
    "Timings",
    "start_sandbox",
]
