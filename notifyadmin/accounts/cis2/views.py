"""CIS2 routes under /oidc/: start sign-in, the callback, step-up and back-channel logout.

The first two extend mozilla-django-oidc's views; the library keeps state, nonce and the PKCE
verifier in the session and exchanges the code (through our backend, backend.py).
"""

import logging
import re
from urllib.parse import urlencode

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST
from django.views.generic import View
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from notifyadmin.accounts.access import public, signed_in
from notifyadmin.accounts.cis2 import provider, services
from notifyadmin.accounts.cis2.backend import Cis2SignIn, cis2_setting
from notifyadmin.accounts.cis2.tokens import Cis2Refused, logout_token_verify
from notifyadmin.accounts.session_keys import CIS2_ROLE_SESSION_KEY, CIS2_STEPUP_PENDING_SESSION_KEY

logger = logging.getLogger(__name__)

STEPUP_PENDING_SESSION_KEY = CIS2_STEPUP_PENDING_SESSION_KEY

UNAVAILABLE = Cis2Refused(
    "provider_unavailable", "NHS Care Identity (CIS2) could not be reached. Try again in a few minutes.", status=502
)


def refusal_page(request: HttpRequest, refusal: Cis2Refused) -> HttpResponse:
    if isinstance(refusal, services.Cis2StepUpAsSomeoneElse):
        next_url = request.session.get("oidc_login_next") or "/"
        context = {
            "message": refusal.message,
            "stepup_url": f"{reverse('oidc_stepup')}?{urlencode({'next': next_url})}",
            "correlation_id": getattr(request, "correlation_id", ""),
        }
        return render(request, "accounts/cis2_stepup_someone_else.jinja", context, status=refusal.status)
    if isinstance(refusal, services.Cis2NoAccess):
        role = refusal.person.role
        context = {
            "role_name": role.role_name,
            "role_code": role.role_code,
            "org_name": role.org_name,
            "org_code": role.org_code,
            "unknown_organisation": refusal.reason == "unknown_organisation",
            "correlation_id": getattr(request, "correlation_id", ""),
        }
        return render(request, "accounts/cis2_no_access.jinja", context, status=403)
    context = {
        "message": refusal.message,
        "correlation_id": getattr(request, "correlation_id", ""),
        "try_again_url": cis2_sign_in_url(),
    }
    return render(request, "accounts/cis2_refused.jinja", context, status=refusal.status)


def cis2_sign_in_url(next_url: str = "") -> str:
    url = reverse("oidc_authentication_init")
    return f"{url}?{urlencode({'next': next_url})}" if next_url else url


class Cis2AuthenticationRequestView(OIDCAuthenticationRequestView):
    """Redirect to CIS2's authorize endpoint (from discovery) with state, nonce, PKCE,
    acr_values and prompt=login; with `max_age` too for step-up."""

    get_settings = staticmethod(cis2_setting)

    def __init__(self, *args: object, **kwargs: object) -> None:
        View.__init__(self, *args, **kwargs)  # the library's __init__ reads endpoints eagerly

    @property
    def OIDC_OP_AUTH_ENDPOINT(self) -> str:  # noqa: N802 (the library's attribute name)
        return cis2_setting("OIDC_OP_AUTHORIZATION_ENDPOINT")  # type: ignore[return-value]

    @property
    def OIDC_RP_CLIENT_ID(self) -> str:  # noqa: N802
        return settings.CIS2_CLIENT_ID

    def get(self, request: HttpRequest) -> HttpResponse:
        if not provider.cis2_enabled():
            raise Http404
        try:
            return super().get(request)
        except provider.ProviderError:
            logger.warning("CIS2 discovery failed")
            return refusal_page(request, UNAVAILABLE)

    def get_extra_params(self, request: HttpRequest) -> dict[str, str]:
        params = {"acr_values": settings.CIS2_ACR_VALUES, "prompt": "login"}
        max_age = getattr(request, "cis2_max_age", None)
        if max_age is not None:
            params["max_age"] = str(max_age)
        return params


def authorization_response_issuer_problem(request: HttpRequest) -> str | None:
    """RFC 9207 (mix-up defence): an authorization response's `iss` must be our issuer. When the
    provider advertises `authorization_response_iss_parameter_supported`, it must be present;
    otherwise it is checked only when present. Returns the refusal reason, or None."""
    iss = request.GET.get("iss")
    metadata = provider.provider_metadata()
    if iss is None:
        return "issuer_missing" if metadata.get("authorization_response_iss_parameter_supported") is True else None
    return None if iss.rstrip("/") == str(metadata["issuer"]).rstrip("/") else "issuer_mismatch"


class Cis2CallbackView(OIDCAuthenticationCallbackView):
    """CIS2 sends the browser back here with `code` and `state` (or `error`)."""

    get_settings = staticmethod(cis2_setting)

    def get(self, request: HttpRequest) -> HttpResponse:
        if not provider.cis2_enabled():
            raise Http404
        try:
            issuer_problem = authorization_response_issuer_problem(request)
        except provider.ProviderError:
            logger.warning("CIS2 discovery failed")
            return self._refuse(UNAVAILABLE)
        if issuer_problem:
            return self._refuse(Cis2Refused(issuer_problem))
        if not request.GET.get("error"):
            state = request.GET.get("state")
            if not state or not request.GET.get("code"):
                return self._refuse(Cis2Refused("missing_code_or_state"))
            if state not in request.session.get("oidc_states", {}):
                # Not a sign-in this browser started (or one already finished): a forged or
                # replayed callback. The library would raise SuspiciousOperation; say so clearly.
                return self._refuse(Cis2Refused("state_mismatch"))
        return super().get(request)

    def _refuse(self, refusal: Cis2Refused) -> HttpResponse:
        self.request.session.pop(STEPUP_PENDING_SESSION_KEY, None)
        if isinstance(refusal, services.Cis2StepUpAsSomeoneElse):
            services.stepup_as_someone_else_record(request=self.request, person=refusal.person)
        elif not isinstance(refusal, services.Cis2NoAccess):  # that one is audited where it is decided
            services.sign_in_refusal_record(request=self.request, reason=refusal.reason)
        return refusal_page(self.request, refusal)

    def login_failure(self) -> HttpResponse:
        refusal = getattr(self.request, "cis2_refusal", None)
        if refusal is None:
            # The error code comes from the query string: keep only what an OAuth error code can be.
            error = re.sub(r"[^a-z_]", "", self.request.GET.get("error", "").lower())[:40]
            reason = f"provider_error:{error}" if error else "not_authenticated"
            refusal = Cis2Refused(reason)
        return self._refuse(refusal)

    def login_success(self) -> HttpResponse:
        request = self.request
        sign_in: Cis2SignIn = request.cis2_sign_in
        next_url = self.success_url
        stepup = request.session.pop(STEPUP_PENDING_SESSION_KEY, False)
        same_session = (
            request.user.is_authenticated
            and request.user == sign_in.user
            and request.session.get(CIS2_ROLE_SESSION_KEY) == sign_in.person.role.person_roleid
        )
        if stepup and same_session:
            services.stepup_complete(request=request, person=sign_in.person, id_token=sign_in.id_token)
        else:
            services.session_start(
                request=request,
                user=sign_in.user,
                assignment=sign_in.assignment,
                person=sign_in.person,
                id_token=sign_in.id_token,
            )
        return HttpResponseRedirect(next_url)


@signed_in
@require_GET
def stepup(request: HttpRequest) -> HttpResponse:
    """Send the signed-in person back to CIS2 to authenticate again (prompt=login, max_age),
    then on to `next` with a fresh auth_time."""
    if not provider.cis2_enabled():
        raise Http404
    request.session[STEPUP_PENDING_SESSION_KEY] = True
    request.cis2_max_age = settings.STEPUP_MAX_AGE_SECONDS  # type: ignore[attr-defined]
    return Cis2AuthenticationRequestView.as_view()(request)


@public("CIS2 back-channel logout: the caller proves itself with a logout token signed by CIS2")
@csrf_exempt
@require_POST
def backchannel_logout(request: HttpRequest) -> HttpResponse:
    if not provider.cis2_enabled():
        raise Http404
    try:
        claims = logout_token_verify(request.POST.get("logout_token", ""))
        services.backchannel_logout(request=request, claims=claims)
    except Cis2Refused as refusal:
        services.backchannel_refusal_record(request=request, reason=refusal.reason)
        response: HttpResponse = JsonResponse(
            {"error": "invalid_request", "error_description": "The logout token was refused."}, status=400
        )
    else:
        response = HttpResponse(status=200)
    response["Cache-Control"] = "no-store"
    return response


# The library's class-based views, with their access declared for the route walk.
authentication_init = public("starts CIS2 sign-in: redirects to CIS2")(Cis2AuthenticationRequestView.as_view())
authentication_callback = public("CIS2 returns the browser here to finish signing in")(Cis2CallbackView.as_view())


def axes_exempt(request: HttpRequest, credentials: dict | None) -> bool:
    """AXES_WHITELIST_CALLABLE: django-axes counts failed password sign-ins; CIS2 callbacks carry
    no password and their refusals are audited here, so they must not lock out an IP address
    (many NHS staff share one)."""
    return bool(request is not None and request.path == reverse("oidc_authentication_callback"))
