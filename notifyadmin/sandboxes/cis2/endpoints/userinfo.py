"""The userinfo endpoint: CIS2's person, organisation and national RBAC claims for a bearer token."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from notifyadmin.sandboxes.cis2.identities import identity_get
from notifyadmin.sandboxes.cis2.tokens import userinfo_claims
from notifyadmin.sandboxes.cis2.web import Request, Response, json_response

if TYPE_CHECKING:
    from notifyadmin.sandboxes.cis2.provider import Provider


def userinfo(provider: Provider, request: Request) -> Response:
    token = request.bearer_token()
    access_token = provider.store.access_token_get(token) if token else None
    identity = identity_get(access_token.uid) if access_token else None
    if access_token is None or identity is None:
        return json_response(
            {
                "error": "invalid_token",
                "error_description": "The access token is missing, unknown or expired.",
            },
            401,
            {"WWW-Authenticate": 'Bearer error="invalid_token"'},
        )
    claims = userinfo_claims(
        identity=identity,
        scopes=access_token.scopes,
        selected_roleid=access_token.selected_roleid,
    )
    mutation = provider.mutations.take("userinfo")
    return json_response(mutation.apply(claims, int(time.time())))
