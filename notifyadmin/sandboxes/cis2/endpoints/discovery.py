"""Discovery document and JWKS."""

from __future__ import annotations

from typing import TYPE_CHECKING

from notifyadmin.sandboxes.cis2.client_auth import ASSERTION_ALGORITHMS
from notifyadmin.sandboxes.cis2.config import AUTH_METHODS
from notifyadmin.sandboxes.cis2.tokens import SCOPE_CLAIMS
from notifyadmin.sandboxes.cis2.web import Request, Response, json_response

if TYPE_CHECKING:
    from notifyadmin.sandboxes.cis2.provider import Provider

SCOPES = (
    "openid",
    "profile",
    "email",
    "nhsperson",
    "associatedorgs",
    "nationalrbacaccess",
    "professionalmemberships",
    "organisationalmemberships",
    "selectedrole",
)
ACR_VALUES = (
    "AAL2_OR_AAL3_ANY",
    "AAL3_ANY",
    "AAL2_ANY",
    "AAL3_SMARTCARD",
    "AAL3_FIDO2",
    "AAL2_TOTP",
)
ID_TOKEN_CLAIMS = (
    "iss",
    "sub",
    "aud",
    "azp",
    "exp",
    "iat",
    "auth_time",
    "nonce",
    "at_hash",
    "sid",
    "acr",
    "amr",
    "id_assurance_level",
    "authentication_assurance_level",
    "selected_roleid",
    "nhsid_useruid",
)


def configuration(provider: Provider, request: Request) -> Response:
    userinfo_claims = sorted({claim for claims in SCOPE_CLAIMS.values() for claim in claims})
    return json_response(
        {
            "issuer": provider.issuer,
            "authorization_endpoint": provider.endpoint("authorization"),
            "token_endpoint": provider.endpoint("token"),
            "userinfo_endpoint": provider.endpoint("userinfo"),
            "jwks_uri": provider.endpoint("jwks"),
            "end_session_endpoint": provider.endpoint("end_session"),
            "response_types_supported": ["code"],
            "response_modes_supported": ["query"],
            "grant_types_supported": ["authorization_code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256", "RS512"],
            "token_endpoint_auth_methods_supported": list(AUTH_METHODS),
            "token_endpoint_auth_signing_alg_values_supported": list(ASSERTION_ALGORITHMS),
            "code_challenge_methods_supported": ["S256"],
            "scopes_supported": list(SCOPES),
            "claims_supported": sorted(set(ID_TOKEN_CLAIMS) | set(userinfo_claims)),
            "acr_values_supported": list(ACR_VALUES),
            "prompt_values_supported": ["none", "login"],
            "claims_parameter_supported": False,
            "request_parameter_supported": False,
            "backchannel_logout_supported": True,
            "backchannel_logout_session_supported": True,
            "frontchannel_logout_supported": False,
            "authorization_response_iss_parameter_supported": True,
        }
    )


def jwks(provider: Provider, request: Request) -> Response:
    return json_response(provider.keys.jwks())
