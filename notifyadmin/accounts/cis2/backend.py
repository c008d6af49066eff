"""mozilla-django-oidc's authentication backend, extended for CIS2.

The library does the code exchange; this subclass
- reads the provider's endpoints from discovery (lazily, cached) instead of OIDC_OP_* settings,
- authenticates to the token endpoint with private_key_jwt (RS512 client assertion) or
  client_secret_post, as CIS2_CLIENT_AUTH says,
- verifies the ID token strictly (tokens.id_token_verify) and checks userinfo `sub`,
- turns CIS2 claims into a member of staff with role assignments (claims.py, services.py).

A refusal is left on the request as `request.cis2_refusal` for the callback view to show and
audit; the backend then returns None, so nobody is signed in.
"""

import logging
import re
from dataclasses import dataclass

import requests
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import SuspiciousOperation
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from notifyadmin.accounts.cis2 import provider, services
from notifyadmin.accounts.cis2.claims import Cis2Person, person_from_claims
from notifyadmin.accounts.cis2.tokens import CLIENT_ASSERTION_TYPE, Cis2Refused, client_assertion, id_token_verify
from notifyadmin.accounts.models import RoleAssignment, StaffUser

logger = logging.getLogger(__name__)

# mozilla-django-oidc setting name -> where it comes from for CIS2.
_DISCOVERED = {
    "OIDC_OP_AUTHORIZATION_ENDPOINT": "authorization_endpoint",
    "OIDC_OP_TOKEN_ENDPOINT": "token_endpoint",
    "OIDC_OP_USER_ENDPOINT": "userinfo_endpoint",
    "OIDC_OP_JWKS_ENDPOINT": "jwks_uri",
    "OIDC_OP_LOGOUT_ENDPOINT": "end_session_endpoint",
}
_FROM_CIS2_SETTINGS = {
    "OIDC_RP_CLIENT_ID": "CIS2_CLIENT_ID",
    "OIDC_RP_CLIENT_SECRET": "CIS2_CLIENT_SECRET",
}


def cis2_setting(attr: str, *default: object) -> object:
    """Settings as mozilla-django-oidc asks for them, answered from discovery and CIS2_*."""
    if attr in _DISCOVERED:
        return provider.endpoint(_DISCOVERED[attr])
    if attr in _FROM_CIS2_SETTINGS:
        return getattr(settings, _FROM_CIS2_SETTINGS[attr])
    if default:
        return getattr(settings, attr, default[0])
    return getattr(settings, attr)


def _log_request_failure(error: requests.RequestException) -> None:
    """Log why a request to CIS2 failed: the exception type, and for a refused request its HTTP
    status and OAuth error code (RFC 6749 5.2), never a token, code or identifier."""
    response = error.response
    if response is None:
        logger.warning("CIS2 request failed during sign-in: %s", type(error).__name__)
        return
    try:
        body = response.json()
    except ValueError:
        body = None
    code = body.get("error") if isinstance(body, dict) else None
    # An OAuth error code is a short ASCII word; anything else is not repeated into the log.
    error_code = code if isinstance(code, str) and re.fullmatch(r"[a-z_]{1,40}", code) else "none"
    logger.warning(
        "CIS2 refused a request during sign-in: HTTP %s, OAuth error %s",
        response.status_code,
        error_code,
        extra={"http_status": response.status_code, "oauth_error": error_code},
    )


@dataclass
class Cis2SignIn:
    """What the callback view needs after a successful authentication."""

    person: Cis2Person
    user: StaffUser
    assignment: RoleAssignment
    id_token: str


class Cis2AuthenticationBackend(OIDCAuthenticationBackend):
    def __init__(self, *args: object, **kwargs: object) -> None:
        # Nothing is fetched here: Django builds every backend for every authenticate() call,
        # local password sign-in included. Endpoints are resolved when first used.
        self.UserModel = get_user_model()

    get_settings = staticmethod(cis2_setting)

    @property
    def OIDC_OP_TOKEN_ENDPOINT(self) -> str:  # noqa: N802 (the library's attribute name)
        return cis2_setting("OIDC_OP_TOKEN_ENDPOINT")  # type: ignore[return-value]

    @property
    def OIDC_OP_USER_ENDPOINT(self) -> str:  # noqa: N802
        return cis2_setting("OIDC_OP_USER_ENDPOINT")  # type: ignore[return-value]

    @property
    def OIDC_OP_JWKS_ENDPOINT(self) -> str:  # noqa: N802
        return cis2_setting("OIDC_OP_JWKS_ENDPOINT")  # type: ignore[return-value]

    @property
    def OIDC_RP_CLIENT_ID(self) -> str:  # noqa: N802
        return settings.CIS2_CLIENT_ID

    @property
    def OIDC_RP_CLIENT_SECRET(self) -> str:  # noqa: N802
        return settings.CIS2_CLIENT_SECRET

    OIDC_RP_SIGN_ALGO = "RS512"
    OIDC_RP_IDP_SIGN_KEY = None

    def authenticate(self, request, **kwargs):
        if request is None or not provider.cis2_enabled() or "code" not in request.GET:
            return None  # not a CIS2 callback (for example local password sign-in)
        try:
            return super().authenticate(request, **kwargs)
        except Cis2Refused as refusal:
            request.cis2_refusal = refusal
        except provider.ProviderError:
            logger.warning("CIS2 provider unavailable during sign-in")
            request.cis2_refusal = Cis2Refused(
                "provider_unavailable", "NHS Care Identity (CIS2) could not be reached. Try again later.", status=502
            )
        except requests.RequestException as error:
            _log_request_failure(error)
            reason = "token_request_refused" if isinstance(error, requests.HTTPError) else "provider_unavailable"
            request.cis2_refusal = Cis2Refused(reason, status=400 if reason == "token_request_refused" else 502)
        except SuspiciousOperation:
            request.cis2_refusal = Cis2Refused("token_invalid")
        return None

    # Token request: client authentication -------------------------------------------------
    def get_token(self, payload: dict) -> dict:
        payload = dict(payload)
        if settings.CIS2_CLIENT_AUTH == "private_key_jwt":
            payload.pop("client_secret", None)
            payload["client_assertion_type"] = CLIENT_ASSERTION_TYPE
            payload["client_assertion"] = client_assertion(token_endpoint=self.OIDC_OP_TOKEN_ENDPOINT)
        elif settings.CIS2_CLIENT_AUTH == "client_secret_post":
            payload["client_secret"] = settings.CIS2_CLIENT_SECRET
        else:
            raise Cis2Refused("client_auth_misconfigured", status=500)
        token_info = super().get_token(payload)
        if not isinstance(token_info, dict):
            raise Cis2Refused("token_response_malformed")
        return token_info

    # ID token and userinfo ------------------------------------------------------------------
    def verify_token(self, token: str, **kwargs: object) -> dict:
        return id_token_verify(token, nonce=kwargs.get("nonce"))  # type: ignore[arg-type]

    def store_tokens(self, access_token: str, id_token: str) -> None:
        # The ID token is kept with the new session after sign-in (services.session_start),
        # not in the pre-sign-in session the library would write it to.
        pass

    def get_userinfo(self, access_token: str, id_token: str, payload: dict) -> dict:
        if not self.OIDC_OP_USER_ENDPOINT:
            raise Cis2Refused("no_userinfo_endpoint", status=502)
        userinfo = super().get_userinfo(access_token, id_token, payload)
        if not isinstance(userinfo, dict):
            raise Cis2Refused("malformed_claims")
        if userinfo.get("sub") != payload.get("sub"):
            raise Cis2Refused("sub_mismatch")
        return userinfo

    def get_or_create_user(self, access_token: str, id_token: str, payload: dict) -> StaffUser:
        userinfo = self.get_userinfo(access_token, id_token, payload)
        person = person_from_claims(id_token=payload, userinfo=userinfo)
        services.stepup_person_check(request=self.request, person=person)
        user, assignment = services.person_admit(request=self.request, person=person)
        self.request.cis2_sign_in = Cis2SignIn(person=person, user=user, assignment=assignment, id_token=id_token)
        return user
