"""Fixtures for CIS2 sign-in tests: a live CIS2 stand-in and notifyadmin configured for it."""

from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import urlsplit

import pytest
import requests
from django.test import Client

from notifyadmin.accounts.cis2.provider import caches_clear
from notifyadmin.sandboxes.cis2 import StandIn
from notifyadmin.sandboxes.cis2.browser import sign_in_via_picker

from .cis2_support import (
    BackchannelCatcher,
    backchannel_catcher,
    client_key_files,
    configure,
    role_mappings_seed,
    standin_for,
)

TESTSERVER = "http://testserver"

# Test identities at the stand-in (notifyadmin/sandboxes/cis2/identities.py).
DESIGNER_UID = "555012345601"
CSO_UID = "555012345602"
ADMIN_UID = "555012345606"
MULTI_ROLE_UID = "555012345607"
RECEPTIONIST_UID = "555012345608"
LOW_ASSURANCE_UID = "555012345609"
NO_ROLES_UID = "555012345610"


@pytest.fixture(scope="session")
def cis2_keys(tmp_path_factory: pytest.TempPathFactory) -> tuple:
    return client_key_files(tmp_path_factory.mktemp("cis2-client"))


@pytest.fixture(scope="session")
def catcher() -> Iterator[BackchannelCatcher]:
    with backchannel_catcher() as caught:
        yield caught


@pytest.fixture(scope="session")
def standin(
    tmp_path_factory: pytest.TempPathFactory, cis2_keys: tuple, catcher: BackchannelCatcher
) -> Iterator[StandIn]:
    running = standin_for(
        tmp_path=tmp_path_factory.mktemp("standin"),
        base_url=TESTSERVER,
        backchannel_uri=catcher.url,
        public_key=cis2_keys[1],
    )
    yield running
    running.stop()


@pytest.fixture
def cis2(settings, standin: StandIn, cis2_keys: tuple, organisation, catcher: BackchannelCatcher) -> Iterator[StandIn]:
    """notifyadmin configured for the stand-in (private_key_jwt), RX1 with the suggested mappings."""
    configure(settings, standin=standin, private_key=cis2_keys[0], base_url=TESTSERVER)
    role_mappings_seed(organisation)
    standin.provider.mutations.clear()
    catcher.tokens.clear()
    yield standin
    caches_clear()


@dataclass
class Journey:
    """One browser's sign-in: Django's test client for notifyadmin, `requests` for the stand-in."""

    client: Client
    http: requests.Session

    def start(self, path: str = "/oidc/authenticate/") -> str:
        response = self.client.get(path)
        assert response.status_code == 302, response.status_code
        return response["Location"]

    def at_standin(self, authorize_url: str, *, uid: str, person_roleid: str | None = None) -> str:
        callback = sign_in_via_picker(self.http, authorize_url, uid=uid, person_roleid=person_roleid)
        assert callback.startswith(f"{TESTSERVER}/oidc/callback/"), callback
        parts = urlsplit(callback)
        return f"{parts.path}?{parts.query}"

    def sign_in(self, *, uid: str = DESIGNER_UID, person_roleid: str | None = None, path: str = "/oidc/authenticate/"):
        return self.client.get(self.at_standin(self.start(path), uid=uid, person_roleid=person_roleid))


@pytest.fixture
def journey(cis2: StandIn) -> Iterator[Journey]:
    with requests.Session() as http:
        yield Journey(client=Client(), http=http)
