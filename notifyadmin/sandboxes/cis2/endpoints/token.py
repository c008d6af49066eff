"""The token endpoint: authenticate the client, redeem the code once, check PKCE, issue tokens."""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import time
from typing import TYPE_CHECKING

from notifyadmin.sandboxes.cis2.client_auth import ClientAuthError, client_authenticate
from notifyadmin.sandboxes.cis2.identities import identity_get
from notifyadmin.sandboxes.cis2.store import ACCESS_TOKEN_LIFETIME, GrantError
from notifyadmin.sandboxes.cis2.tokens import id_token_claims, jwt_sign
from notifyadmin.sandboxes.cis2.web import Request, Response, json_response

if TYPE_CHECKING:
    from notifyadmin.sandboxes.cis2.provider import Provider

CODE_VERIFIER = re.compile(r"[A-Za-z0-9._~-]{43,128}")


def token(provider: Provider, request: Request) -> Response:
    form = request.form
    try:
        client = client_authenticate(
            form=form,
            clients=provider.clients,
            store=provider.store,
            token_endpoint=provider.endpoint("token"),
            issuer=provider.issuer,
        )
    except ClientAuthError as error:
        return _oauth_error("invalid_client", str(error), 401)
    if form.get("grant_type") != "authorization_code":
        return _oauth_error("unsupported_grant_type", "grant_type must be authorization_code.")
    try:
        code = provider.store.code_redeem(form.get("code", ""))
    except GrantError as error:
        return _oauth_error("invalid_grant", str(error))
    if code.client_id != client.client_id:
        return _oauth_error("invalid_grant", "The authorization code was issued to another client.")
    if form.get("redirect_uri") != code.redirect_uri:
        return _oauth_error("invalid_grant", "redirect_uri differs from the one sent to /authorize.")
    if not _pkce_matches(form.get("code_verifier", ""), code.code_challenge):
        return _oauth_error(
            "invalid_grant",
            "PKCE verification failed: code_verifier does not match code_challenge.",
        )
    identity = identity_get(code.uid)
    if identity is None:
        return _oauth_error("invalid_grant", "The signed-in identity no longer exists.")

    access_token = provider.store.access_token_issue(code)
    now = int(time.time())
    mutation = provider.mutations.take("id_token")
    claims = id_token_claims(
        issuer=provider.issuer,
        code=code,
        identity=identity,
        access_token=access_token,
        now=now,
    )
    id_token = jwt_sign(mutation.apply(claims, now), keys=provider.keys, signing=mutation.signing)
    return json_response(
        {
            "access_token": access_token,
            "token_type": "Bearer",
            "expires_in": ACCESS_TOKEN_LIFETIME,
            "scope": " ".join(code.scopes),
            "id_token": id_token,
        }
    )


def _pkce_matches(verifier: str, challenge: str) -> bool:
    if not CODE_VERIFIER.fullmatch(verifier):
        return False
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    computed = base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")
    return hmac.compare_digest(computed, challenge)


def _oauth_error(error: str, description: str, status: int = 400) -> Response:
    headers = {"WWW-Authenticate": "Basic"} if status == 401 else None
    return json_response({"error": error, "error_description": description}, status, headers)
