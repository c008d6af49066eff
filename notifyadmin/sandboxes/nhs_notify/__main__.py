"""Run the NHS Notify sandbox: `python -m notifyadmin.sandboxes.nhs_notify --host 127.0.0.1 --port 8002`."""

import argparse
import logging
import os
import signal
import sys
from dataclasses import replace

from notifyadmin.sandboxes.nhs_notify.config import (
    AUTH_MODES,
    DEFAULT_PORT,
    ConfigurationError,
    SandboxConfig,
    Timings,
    config_from_environment,
    production_refusal,
)
from notifyadmin.sandboxes.nhs_notify.server import start_sandbox
from notifyadmin.sandboxes.nhs_notify.spec import SpecificationMissing


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    env = os.environ
    parser = argparse.ArgumentParser(
        prog="python -m notifyadmin.sandboxes.nhs_notify",
        description="A local stand-in for the NHS Notify API (never for production). Options default to the "
        "environment variables named in the package README.",
    )
    parser.add_argument("--host", default=env.get("NHS_NOTIFY_SANDBOX_HOST", "127.0.0.1"))
    parser.add_argument("--port", type=int, default=int(env.get("NHS_NOTIFY_SANDBOX_PORT", str(DEFAULT_PORT))))
    parser.add_argument("--auth", choices=AUTH_MODES, default=None, help="none (like the public sandbox) or jwt")
    parser.add_argument("--api-key", default=None, help="jwt mode: the API key (iss and sub of assertions)")
    parser.add_argument("--public-key", default=None, help="jwt mode: the client's PEM public key or JWKS file")
    parser.add_argument("--key-id", default=None, help="jwt mode: the kid of a PEM public key")
    parser.add_argument("--callback-url", default=None, help="base URL callbacks are POSTed to ('' for none)")
    parser.add_argument("--callback-api-key", default=None)
    parser.add_argument("--application-id", default=None)
    parser.add_argument("--step-seconds", type=float, default=None, help="seconds between status changes")
    parser.add_argument(
        "--read-wait-seconds", type=float, default=None, help="seconds before an unread NHS App message falls back"
    )
    parser.add_argument("--public-url", default=None, help="scheme://host:port clients use, if not the bind address")
    return parser.parse_args(argv)


def _config(arguments: argparse.Namespace) -> SandboxConfig:
    config = config_from_environment()
    overrides = {
        "auth": arguments.auth,
        "api_key": arguments.api_key,
        "public_key_path": arguments.public_key,
        "key_id": arguments.key_id,
        "callback_url": arguments.callback_url,
        "callback_api_key": arguments.callback_api_key,
        "application_id": arguments.application_id,
        "public_url": arguments.public_url,
    }
    changes = {name: value for name, value in overrides.items() if value is not None}
    if changes.get("callback_url") == "":
        changes["callback_url"] = None
    timings = Timings(
        step=config.timings.step if arguments.step_seconds is None else arguments.step_seconds,
        read_wait=config.timings.read_wait if arguments.read_wait_seconds is None else arguments.read_wait_seconds,
    )
    return replace(config, timings=timings, **changes)


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s nhs-notify-sandbox %(levelname)s %(message)s")
    refusal = production_refusal(os.environ)
    if refusal:
        print(refusal, file=sys.stderr)
        return 2
    arguments = _arguments(argv)
    try:
        config = _config(arguments)
        sandbox = start_sandbox(config, host=arguments.host, port=arguments.port)
    except (ConfigurationError, SpecificationMissing) as error:
        print(f"NHS Notify sandbox: {error}", file=sys.stderr)
        return 2
    except OSError as error:
        print(f"NHS Notify sandbox cannot listen on {arguments.host}:{arguments.port}: {error}", file=sys.stderr)
        return 2
    signal.signal(signal.SIGTERM, lambda signum, frame: sandbox.stop())
    callbacks = config.callback_url or "none"
    print(
        f"NHS Notify sandbox at {sandbox.url} (auth {config.auth}, step {config.timings.step} s, callbacks to "
        f"{callbacks}); control API at {sandbox.url}/_sandbox/",
        flush=True,
    )
    try:
        sandbox.wait()
    except KeyboardInterrupt:
        sandbox.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
