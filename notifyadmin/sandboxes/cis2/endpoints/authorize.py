"""The authorization endpoint: validate the request, let the tester pick who signs in, issue a code.

Errors follow OAuth 2.0: an unknown client or unregistered redirect_uri gets an error page (we
must not redirect to an address we cannot trust); anything else goes back to the client as
`error=...&state=...`. PKCE with S256, `state` and `nonce` are required, as a CIS2 client
should always send them.

An existing stand-in session (cookie) signs the person straight in, keeping its auth_time,
unless `prompt=login` is sent or the sign-in is older than `max_age`.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from notifyadmin.sandboxes.cis2 import pages
from notifyadmin.sandboxes.cis2.endpoints.discovery import SCOPES
from notifyadmin.sandboxes.cis2.identities import identity_get
from notifyadmin.sandboxes.cis2.store import PendingAuthorization, Session
from notifyadmin.sandboxes.cis2.web import (
    Request,
    Response,
    html_response,
    redirect_response,
    url_with_params,
)

if TYPE_CHECKING:
    from notifyadmin.sandboxes.cis2.provider import Provider

SESSION_COOKIE = "cis2_standin_session"
CODE_CHALLENGE = re.compile(r"[A-Za-z0-9_-]{43}")


class _Refusal(Exception):
    def __init__(self, error: str, description: str) -> None:
        super().__init__(description)
        self.error = error
        self.description = description


def authorize_start(provider: Provider, request: Request) -> Response:
    query = request.query
    client = provider.clients.get(query.get("client_id", ""))
    if client is None:
        return _error_page("Unknown service", "The client_id is not registered with the CIS2 stand-in.")
    redirect_uri = query.get("redirect_uri", "")
    if redirect_uri not in client.redirect_uris:
        return _error_page(
            "Unregistered redirect URI",
            f"The redirect_uri is not registered for {client.client_id}; it must match one exactly.",
        )
    state = query.get("state", "")
    try:
        pending_values = _validated(query)
    except _Refusal as refusal:
        return _refuse(redirect_uri, state, refusal, issuer=provider.issuer)

    prompt = set(query.get("prompt", "").split())
    max_age = pending_values.pop("max_age")
    pending = provider.store.pending_add(
        client_id=client.client_id,
        redirect_uri=redirect_uri,
        state=state,
        **pending_values,
    )
    session = provider.store.session_for_browser(request.cookie(SESSION_COOKIE))
    recent = session is not None and (max_age is None or provider.store.clock() - session.auth_time <= max_age)
    if session is not None and recent and "login" not in prompt:
        provider.store.session_join(session, client.client_id)
        return _code_redirect(provider, pending, session)
    if "none" in prompt:
        provider.store.pending_finish(pending.request_id)
        return _refuse(
            redirect_uri,
            state,
            _Refusal("login_required", "There is no current sign-in to reuse."),
            issuer=provider.issuer,
        )
    page = pages.identity_picker(
        action=provider.endpoint("authorization"),
        request_id=pending.request_id,
        client_id=client.client_id,
    )
    return html_response(page)


def authorize_choose(provider: Provider, request: Request) -> Response:
    """The picker's answer: an identity, then (if the person has several roles) a role."""
    form = request.form
    pending = provider.store.pending_get(form.get("request_id", ""))
    if pending is None:
        return _error_page(
            "Sign-in expired",
            "This sign-in has expired or was already completed. Go back to the service and start again.",
        )
    action = provider.endpoint("authorization")
    if form.get("action") == "cancel":
        provider.store.pending_finish(pending.request_id)
        return _refuse(
            pending.redirect_uri,
            pending.state,
            _Refusal("access_denied", "The person cancelled sign-in."),
            issuer=provider.issuer,
        )
    identity = identity_get(form.get("uid", ""))
    if identity is None:
        page = pages.identity_picker(
            action=action,
            request_id=pending.request_id,
            client_id=pending.client_id,
            error="Choose a test identity.",
        )
        return html_response(page, 400)

    selected_roleid = None
    if "selectedrole" in pending.scopes and identity.roles:
        if len(identity.roles) == 1:
            selected_roleid = identity.roles[0].person_roleid
        else:
            selected_roleid = form.get("person_roleid", "")
            if identity.role(selected_roleid) is None:
                error = "Choose the role you are working in." if form.get("step") == "role" else None
                page = pages.role_picker(
                    action=action,
                    request_id=pending.request_id,
                    identity=identity,
                    error=error,
                )
                return html_response(page, 400 if error else 200)

    session = provider.store.session_sign_in(
        browser_key=request.cookie(SESSION_COOKIE),
        uid=identity.uid,
        selected_roleid=selected_roleid,
        client_id=pending.client_id,
    )
    response = _code_redirect(provider, pending, session)
    response.cookies.append(
        f"{SESSION_COOKIE}={session.browser_key}; Path={provider.issuer_path or '/'}; HttpOnly; SameSite=Lax"
    )
    return response


def _validated(query: dict[str, str]) -> dict:
    """The authorization request's parameters, or a _Refusal naming what is wrong."""
    if query.get("response_type") != "code":
        raise _Refusal("unsupported_response_type", "response_type must be code.")
    scopes = tuple(query.get("scope", "").split())
    if "openid" not in scopes:
        raise _Refusal("invalid_scope", "scope must include openid.")
    unknown = [scope for scope in scopes if scope not in SCOPES]
    if unknown:
        raise _Refusal("invalid_scope", f"Unknown scope(s): {' '.join(unknown)}.")
    if not query.get("state"):
        raise _Refusal("invalid_request", "state is required.")
    if not query.get("nonce"):
        raise _Refusal("invalid_request", "nonce is required.")
    if query.get("code_challenge_method") != "S256":
        raise _Refusal("invalid_request", "PKCE is required: code_challenge_method must be S256.")
    if not CODE_CHALLENGE.fullmatch(query.get("code_challenge", "")):
        raise _Refusal(
            "invalid_request",
            "code_challenge must be the base64url SHA-256 of the code verifier.",
        )
    max_age = query.get("max_age")
    if max_age is not None and not max_age.isdigit():
        raise _Refusal("invalid_request", "max_age must be a whole number of seconds.")
    return {
        "nonce": query["nonce"],
        "code_challenge": query["code_challenge"],
        "scopes": scopes,
        "acr_values": query.get("acr_values", ""),
        "max_age": int(max_age) if max_age is not None else None,
    }


def _code_redirect(provider: Provider, pending: PendingAuthorization, session: Session) -> Response:
    provider.store.pending_finish(pending.request_id)
    code = provider.store.code_issue(pending=pending, session=session)
    # RFC 9207: the authorization response names its issuer (advertised in discovery).
    params: dict[str, str | None] = {"code": code.code, "state": pending.state, "iss": provider.issuer}
    return redirect_response(url_with_params(pending.redirect_uri, params))


def _refuse(redirect_uri: str, state: str, refusal: _Refusal, *, issuer: str) -> Response:
    params = {
        "error": refusal.error,
        "error_description": refusal.description,
        "state": state or None,
        "iss": issuer,
    }
    return redirect_response(url_with_params(redirect_uri, params))


def _error_page(title: str, message: str) -> Response:
    return html_response(pages.error_page(title, message), 400)
