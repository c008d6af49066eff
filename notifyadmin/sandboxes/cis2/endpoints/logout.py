"""RP-initiated logout: end the stand-in session, tell its clients over the back channel, redirect.

`post_logout_redirect_uri` is honoured only when it is registered for the client named by the
`id_token_hint` (or `client_id`); anything else gets an error page rather than a redirect.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import jwt

from notifyadmin.sandboxes.cis2 import pages
from notifyadmin.sandboxes.cis2.endpoints.authorize import SESSION_COOKIE
from notifyadmin.sandboxes.cis2.tokens import jwt_verify_own
from notifyadmin.sandboxes.cis2.web import (
    Request,
    Response,
    html_response,
    redirect_response,
    url_with_params,
)

if TYPE_CHECKING:
    from notifyadmin.sandboxes.cis2.provider import Provider


def end_session(provider: Provider, request: Request) -> Response:
    query = request.query
    client_id = query.get("client_id")
    sid = None
    if query.get("id_token_hint"):
        try:
            claims = jwt_verify_own(query["id_token_hint"], keys=provider.keys, issuer=provider.issuer)
        except jwt.InvalidTokenError:
            return _error("The id_token_hint is not an ID token this stand-in issued.")
        audience = claims.get("aud")
        hinted = audience[0] if isinstance(audience, list) and audience else audience
        hinted_client = str(hinted) if hinted else None
        if client_id and client_id != hinted_client:
            return _error("client_id does not match the audience of the id_token_hint.")
        client_id, sid = hinted_client, claims.get("sid")
    if sid is None:
        session = provider.store.session_for_browser(request.cookie(SESSION_COOKIE))
        sid = session.sid if session else None

    post_logout_redirect_uri = query.get("post_logout_redirect_uri")
    if post_logout_redirect_uri:
        client = provider.clients.get(client_id or "")
        if client is None or post_logout_redirect_uri not in client.post_logout_redirect_uris:
            return _error("post_logout_redirect_uri is not registered for this client.")

    if sid:
        provider.session_logout(sid)
    if post_logout_redirect_uri:
        response = redirect_response(url_with_params(post_logout_redirect_uri, {"state": query.get("state")}))
    else:
        response = html_response(pages.signed_out_page())
    response.cookies.append(f"{SESSION_COOKIE}=; Path={provider.issuer_path or '/'}; Max-Age=0; HttpOnly; SameSite=Lax")
    return response


def _error(message: str) -> Response:
    return html_response(pages.error_page("Cannot sign out", message), 400)
