"""The OpenID provider: its configuration, state and routing table, independent of the HTTP server."""

from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from notifyadmin.sandboxes.cis2.backchannel import backchannel_logout_send
from notifyadmin.sandboxes.cis2.config import Client
from notifyadmin.sandboxes.cis2.endpoints import (
    authorize,
    discovery,
    logout,
    testing,
    token,
    userinfo,
)
from notifyadmin.sandboxes.cis2.hooks import NO_MUTATION, Mutation, PendingMutations
from notifyadmin.sandboxes.cis2.keys import KeyStore
from notifyadmin.sandboxes.cis2.pages import error_page
from notifyadmin.sandboxes.cis2.store import Delivery, Store, UnknownSession
from notifyadmin.sandboxes.cis2.web import Request, Response, html_response

ISSUER_PATH = "/openam/oauth2/realms/root/realms/NHSIdentity/realms/Healthcare"

# Endpoint paths under the issuer, as CIS2 has them.
ENDPOINT_PATHS = {
    "discovery": "/.well-known/openid-configuration",
    "authorization": "/authorize",
    "token": "/access_token",
    "userinfo": "/userinfo",
    "jwks": "/connect/jwk_uri",
    "end_session": "/connect/endSession",
}


@dataclass
class Provider:
    issuer: str
    clients: dict[str, Client]
    keys: KeyStore
    store: Store = field(default_factory=Store)
    mutations: PendingMutations = field(default_factory=PendingMutations)

    def __post_init__(self) -> None:
        self.issuer_path = urlsplit(self.issuer).path
        self.routes = _routes(self.issuer_path)

    @property
    def base_url(self) -> str:
        return self.issuer[: -len(self.issuer_path)] if self.issuer_path else self.issuer

    def endpoint(self, name: str) -> str:
        return self.issuer + ENDPOINT_PATHS[name]

    def route(self, request: Request) -> Response:
        handlers = self.routes.get(request.path)
        if handlers is None:
            return html_response(_not_found(), 404)
        handler = handlers.get(request.method)
        if handler is None:
            response = html_response(_not_found(), 405)
            response.headers["Allow"] = ", ".join(sorted(handlers))
            return response
        return handler(self, request)

    def backchannel_logout(self, sid: str, mutation: Mutation = NO_MUTATION) -> list[Delivery]:
        """Send logout tokens for a live session. A genuine token (or its replay) also ends the session;
        a deliberately bad one leaves it live, so the client's refusal can be followed by a real logout."""
        session = self.store.session_get(sid)
        if session is None:
            raise UnknownSession(f"No live session has sid {sid!r}.")
        deliveries = backchannel_logout_send(
            session=session,
            clients=self.clients,
            keys=self.keys,
            store=self.store,
            issuer=self.issuer,
            mutation=mutation,
        )
        genuine = set(mutation.names) <= {"replay"} and not mutation.set_claims and not mutation.remove_claims
        if genuine:
            self.store.session_end(sid)
        return deliveries

    def session_logout(self, sid: str) -> list[Delivery]:
        """End a session (RP-initiated logout) and tell its clients over the back channel."""
        try:
            return self.backchannel_logout(sid)
        except UnknownSession:
            return []


def _not_found() -> str:
    return error_page("Page not found", "The CIS2 stand-in has no page at this address.")


Handler = Callable[[Provider, Request], Response]


def _routes(issuer_path: str) -> dict[str, dict[str, Handler]]:
    under_issuer: dict[str, dict[str, Handler]] = {
        "discovery": {"GET": discovery.configuration},
        "jwks": {"GET": discovery.jwks},
        "authorization": {
            "GET": authorize.authorize_start,
            "POST": authorize.authorize_choose,
        },
        "token": {"POST": token.token},
        "userinfo": {"GET": userinfo.userinfo, "POST": userinfo.userinfo},
        "end_session": {"GET": logout.end_session},
    }
    routes = {issuer_path + ENDPOINT_PATHS[name]: handlers for name, handlers in under_issuer.items()}
    routes.update(testing.ROUTES)
    return routes
