"""Tester-facing pages and JSON hooks, outside the issuer path (CIS2 has nothing like them).

GET  /                              -> redirect to /sessions
GET  /sessions                      live sessions, each with a "Sign out (back-channel)" button
POST /sessions/backchannel-logout   form: sid, variant (genuine or a logout mutation)
GET  /_testing                      what the hooks are and which mutations each accepts
POST /_testing/next-id-token        JSON mutation for the next ID token issued
POST /_testing/next-userinfo        JSON mutation for the next userinfo answer
POST /_testing/backchannel-logout   JSON {"sid": ..., "mutations": [...]} -> deliveries
POST /_testing/rotate-keys          new signing key; the old one stays in the JWKS
POST /_testing/replace-key          new signing key under the same kid (the old one is gone)
GET  /_testing/sessions             live sessions as JSON
GET  /_testing/deliveries           back-channel logouts sent, with the client's answers
POST /_testing/reset                drop queued mutations
"""

from __future__ import annotations

from dataclasses import asdict
from typing import TYPE_CHECKING

from notifyadmin.sandboxes.cis2 import pages
from notifyadmin.sandboxes.cis2.hooks import (
    ID_TOKEN_MUTATIONS,
    LOGOUT_MUTATIONS,
    USERINFO_MUTATIONS,
    HookError,
    mutation_parse,
)
from notifyadmin.sandboxes.cis2.store import Session, UnknownSession
from notifyadmin.sandboxes.cis2.web import (
    Request,
    Response,
    html_response,
    json_response,
    redirect_response,
)

if TYPE_CHECKING:
    from notifyadmin.sandboxes.cis2.provider import Provider


def session_summary(session: Session) -> dict:
    return {
        "sid": session.sid,
        "sub": session.uid,
        "selected_roleid": session.selected_roleid,
        "auth_time": session.auth_time,
        "client_ids": sorted(session.client_ids),
    }


def home(provider: Provider, request: Request) -> Response:
    return redirect_response("/sessions")


def sessions_page(provider: Provider, request: Request) -> Response:
    page = pages.sessions_page(
        sessions=provider.store.sessions(),
        deliveries=provider.store.deliveries(),
        action="/sessions/backchannel-logout",
        variants=LOGOUT_MUTATIONS,
        issuer=provider.issuer,
    )
    return html_response(page)


def sessions_logout(provider: Provider, request: Request) -> Response:
    form = request.form
    variant = form.get("variant", "genuine")
    try:
        mutation = mutation_parse({"mutations": [] if variant == "genuine" else [variant]}, LOGOUT_MUTATIONS)
        provider.backchannel_logout(form.get("sid", ""), mutation)
    except (HookError, UnknownSession) as error:
        return html_response(pages.error_page("Cannot send the logout", str(error)), 400)
    return redirect_response("/sessions", 303)


def hooks_index(provider: Provider, request: Request) -> Response:
    return json_response(
        {
            "next-id-token": ID_TOKEN_MUTATIONS,
            "next-userinfo": USERINFO_MUTATIONS,
            "backchannel-logout": LOGOUT_MUTATIONS,
            "body": {
                "mutations": ["<name>", "..."],
                "set_claims": {},
                "remove_claims": [],
            },
        }
    )


def _queue(kind: str, allowed: dict[str, str]):
    def queue(provider: Provider, request: Request) -> Response:
        try:
            mutation = mutation_parse(request.json(), allowed)
        except HookError as error:
            return json_response({"error": str(error)}, 400)
        provider.mutations.queue(kind, mutation)
        return json_response({"queued_for": kind, **asdict(mutation)})

    return queue


def backchannel_logout(provider: Provider, request: Request) -> Response:
    data = request.json()
    try:
        if not isinstance(data, dict) or not isinstance(data.get("sid"), str):
            raise HookError('Send {"sid": "...", "mutations": [...]}.')
        mutation = mutation_parse({k: v for k, v in data.items() if k != "sid"}, LOGOUT_MUTATIONS)
        deliveries = provider.backchannel_logout(data["sid"], mutation)
    except HookError as error:
        return json_response({"error": str(error)}, 400)
    except UnknownSession as error:
        return json_response({"error": str(error)}, 404)
    return json_response({"deliveries": [asdict(delivery) for delivery in deliveries]})


def rotate_keys(provider: Provider, request: Request) -> Response:
    return json_response({"active_kid": provider.keys.rotate()})


def replace_key(provider: Provider, request: Request) -> Response:
    return json_response({"active_kid": provider.keys.replace_keeping_kid()})


def sessions_json(provider: Provider, request: Request) -> Response:
    return json_response({"sessions": [session_summary(s) for s in provider.store.sessions()]})


def deliveries_json(provider: Provider, request: Request) -> Response:
    return json_response({"deliveries": [asdict(d) for d in provider.store.deliveries()]})


def reset(provider: Provider, request: Request) -> Response:
    provider.mutations.clear()
    return json_response({"reset": True})


ROUTES = {
    "/": {"GET": home},
    "/sessions": {"GET": sessions_page},
    "/sessions/backchannel-logout": {"POST": sessions_logout},
    "/_testing": {"GET": hooks_index},
    "/_testing/next-id-token": {"POST": _queue("id_token", ID_TOKEN_MUTATIONS)},
    "/_testing/next-userinfo": {"POST": _queue("userinfo", USERINFO_MUTATIONS)},
    "/_testing/backchannel-logout": {"POST": backchannel_logout},
    "/_testing/rotate-keys": {"POST": rotate_keys},
    "/_testing/replace-key": {"POST": replace_key},
    "/_testing/sessions": {"GET": sessions_json},
    "/_testing/deliveries": {"GET": deliveries_json},
    "/_testing/reset": {"POST": reset},
}
