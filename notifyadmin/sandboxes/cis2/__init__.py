"""A local stand-in for NHS CIS2: a real OpenID Connect provider over HTTP, for development and tests.

It has no Django in it and runs as its own process::

    python -m notifyadmin.sandboxes.cis2 --host 127.0.0.1 --port 8001

or in a thread, from tests::

    standin = start_standin(port=0, key_dir=tmp_path, clients=[Client(...)])
    standin.issuer        # http://127.0.0.1:<port>/openam/oauth2/realms/root/realms/NHSIdentity/realms/Healthcare
    standin.next_id_token("wrong_nonce")           # test hooks, see hooks.py
    standin.backchannel_logout(sid, mutations=["replay"])
    standin.stop()

It refuses to start in production. README.md (next to this file) describes endpoints, clients,
test identities and the test hooks.
"""

from notifyadmin.sandboxes.cis2.config import Client, ConfigurationError
from notifyadmin.sandboxes.cis2.identities import (
    SUGGESTED_ROLE_MAPPING,
    TEST_IDENTITIES,
)
from notifyadmin.sandboxes.cis2.server import StandIn, StandInRefused, start_standin

__all__ = [
    "SUGGESTED_ROLE_MAPPING",
    "TEST_IDENTITIES",
    "Client",
    "ConfigurationError",
    "StandIn",
    "StandInRefused",
    "start_standin",
]
