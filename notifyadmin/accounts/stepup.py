"""Step-up authentication: "prove it is still you" before a high-risk action.

API:
- ``stepup_time(request)``: when the person last authenticated: the identity provider's
  ``auth_time`` (CIS2), the moment they entered their password at local sign-in, or a later
  re-authentication here; None when none is known.
- ``stepup_is_fresh(request, *, max_age_seconds)``: whether that was recent enough.
- ``recent_authentication_required(request, max_age_minutes)``: None when fresh, otherwise a
  redirect that sends the person to re-authenticate and back to this page.
- ``confirm_password``: the local re-authentication page (re-enter the password).

Session keys: ``auth_time`` (epoch seconds; from CIS2's ``auth_time`` claim at CIS2 sign-in),
``signed_in_at`` (epoch seconds; set at every sign-in, and an authentication only for local
password sign-in: a CIS2 sign-in can reuse an older CIS2 session, whose auth_time is what
counts) and ``reauthenticated_at`` (epoch seconds; set after a step-up here).

The window is one setting, STEPUP_MAX_AGE_SECONDS (docs/configuration.md): so a member of staff
who signed in with their password a minute ago is not asked for it again.
"""

import time
from datetime import UTC, datetime
from urllib.parse import urlencode

from django import forms
from django.conf import settings
from django.contrib.auth import authenticate
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.module_loading import import_string
from django.views.decorators.http import require_http_methods

from audit.services import audit_record
from notifyadmin.accounts.access import signed_in
from notifyadmin.accounts.actors import actor_of
from notifyadmin.core.forms import error_summary_items

AUTH_TIME_SESSION_KEY = "auth_time"
REAUTHENTICATED_SESSION_KEY = "reauthenticated_at"
SIGN_IN_METHOD_SESSION_KEY = "sign_in_method"
SIGNED_IN_AT_SESSION_KEY = "signed_in_at"  # as notifyadmin.accounts.middleware sets it


def stepup_time(request: HttpRequest) -> datetime | None:
    keys = [AUTH_TIME_SESSION_KEY, REAUTHENTICATED_SESSION_KEY]
    if request.session.get(SIGN_IN_METHOD_SESSION_KEY) != "cis2":
        keys.append(SIGNED_IN_AT_SESSION_KEY)  # local sign-in: the password was entered then
    stamps = [request.session.get(key) for key in keys]
    numbers = [float(stamp) for stamp in stamps if isinstance(stamp, int | float)]
    return datetime.fromtimestamp(max(numbers), tz=UTC) if numbers else None


def stepup_is_fresh(request: HttpRequest, *, max_age_seconds: int) -> bool:
    when = stepup_time(request)
    return when is not None and time.time() - when.timestamp() <= max_age_seconds


def stepup_redirect(request: HttpRequest, *, next_url: str) -> HttpResponse:
    """Send the person to re-authenticate, then back to ``next_url``.

    HOOK for CIS2 sign-in: a dotted path in settings.STEPUP_HANDLER (a function taking
    (request, next_url) and returning a response) wins; otherwise a person who signed in with
    CIS2 goes to the ``oidc_stepup`` route (prompt=login) when that route exists. Everyone
    else re-enters their password here.
    """
    handler = getattr(settings, "STEPUP_HANDLER", None)
    if handler:
        return import_string(handler)(request, next_url)
    query = urlencode({"next": next_url})
    if request.session.get(SIGN_IN_METHOD_SESSION_KEY) == "cis2":
        try:
            return redirect(f"{reverse('oidc_stepup')}?{query}")
        except NoReverseMatch:
            pass
    return redirect(f"{reverse('accounts:stepup')}?{query}")


def recent_authentication_required(request: HttpRequest, max_age_minutes: int) -> HttpResponse | None:
    if stepup_is_fresh(request, max_age_seconds=max_age_minutes * 60):
        return None
    return stepup_redirect(request, next_url=request.get_full_path())


class ConfirmPasswordForm(forms.Form):
    password = forms.CharField(
        label="Password", strip=False, widget=forms.PasswordInput, error_messages={"required": "Enter your password"}
    )


def _safe_next(request: HttpRequest) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(candidate, {request.get_host()}, request.is_secure()):
        return candidate
    return "/"


@signed_in
@require_http_methods(["GET", "POST"])
def confirm_password(request: HttpRequest) -> HttpResponse:
    """Re-enter your password to confirm it is still you (local sign-in)."""
    form = ConfirmPasswordForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            user = authenticate(request, username=request.user.get_username(), password=form.cleaned_data["password"])
            succeeded = user is not None and user.pk == request.user.pk
            with transaction.atomic():
                audit_record(
                    actor=actor_of(request),
                    action="auth.stepup.succeeded" if succeeded else "auth.stepup.failed",
                    target_type="staff_user",
                    target_id=str(request.user.pk),
                    details={"method": "local_password"},
                )
            if succeeded:
                request.session[REAUTHENTICATED_SESSION_KEY] = int(time.time())
                return redirect(_safe_next(request))
            form.add_error("password", "The password is not right. Enter your password again")
    context = {
        "form": form,
        "next": _safe_next(request),
        "error_list": error_summary_items(form) if form.errors else [],
    }
    return render(request, "accounts/confirm_password.jinja", context, status=status)
