"""Run the CIS2 stand-in: `python -m notifyadmin.sandboxes.cis2 --host 127.0.0.1 --port 8001`."""

import argparse
import logging
import os
import signal
import sys

from notifyadmin.sandboxes.cis2.config import (
    DEFAULT_KEY_DIR,
    ConfigurationError,
    production_refusal,
)
from notifyadmin.sandboxes.cis2.server import start_standin


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m notifyadmin.sandboxes.cis2",
        description="A local OpenID Connect provider standing in for NHS CIS2 (never for production).",
    )
    parser.add_argument("--host", default=os.environ.get("CIS2_STANDIN_HOST", "127.0.0.1"))
    parser.add_argument("--port", type=int, default=int(os.environ.get("CIS2_STANDIN_PORT", "8001")))
    parser.add_argument(
        "--key-dir",
        default=os.environ.get("CIS2_STANDIN_KEY_DIR", DEFAULT_KEY_DIR),
        help="where the signing keys live (default: %(default)s)",
    )
    parser.add_argument(
        "--clients-file",
        default=None,
        help="JSON file of clients (overrides CIS2_STANDIN_CLIENTS_FILE)",
    )
    parser.add_argument(
        "--public-url",
        default=os.environ.get("CIS2_STANDIN_PUBLIC_URL"),
        help="scheme://host:port clients use to reach the stand-in, if not the bind address",
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s cis2-standin %(levelname)s %(message)s")
    arguments = _arguments(argv)
    environ = dict(os.environ)
    refusal = production_refusal(environ)
    if refusal:
        print(refusal, file=sys.stderr)
        return 2
    if arguments.clients_file:
        environ["CIS2_STANDIN_CLIENTS_FILE"] = arguments.clients_file
    try:
        standin = start_standin(
            host=arguments.host,
            port=arguments.port,
            key_dir=arguments.key_dir,
            public_url=arguments.public_url,
            environ=environ,
        )
    except ConfigurationError as error:
        print(f"CIS2 stand-in: {error}", file=sys.stderr)
        return 2
    except OSError as error:
        print(
            f"CIS2 stand-in cannot listen on {arguments.host}:{arguments.port}: {error}",
            file=sys.stderr,
        )
        return 2
    signal.signal(signal.SIGTERM, lambda signum, frame: standin.stop())
    clients = ", ".join(sorted(standin.provider.clients))
    print(
        f"CIS2 stand-in issuer {standin.issuer} (clients: {clients}); sessions at {standin.base_url}/sessions",
        flush=True,
    )
    try:
        standin.wait()
    except KeyboardInterrupt:
        standin.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
