"""Sign-in (local development and break-glass), sign-out, role switching, staff list."""

from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST

from notifyadmin.accounts import services
from notifyadmin.accounts.access import public, requires, signed_in
from notifyadmin.accounts.cis2 import provider
from notifyadmin.accounts.cis2 import services as cis2_services
from notifyadmin.accounts.cis2.provider import cis2_enabled
from notifyadmin.accounts.cis2.views import cis2_sign_in_url
from notifyadmin.accounts.forms import SignInForm, SwitchRoleForm, username_problem
from notifyadmin.accounts.roles import Permission
from notifyadmin.accounts.selectors import staff_in_organisation
from notifyadmin.core import metrics
from notifyadmin.core.forms import render_form_page


def _safe_next(request: HttpRequest) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(candidate, {request.get_host()}, request.is_secure()):
        return candidate
    return "/"


@public("the sign-in page itself")
@require_http_methods(["GET", "POST"])
def sign_in(request: HttpRequest) -> HttpResponse:
    if not settings.LOCAL_SIGN_IN_ENABLED:
        raise Http404
    if request.user.is_authenticated and request.method == "GET":
        return redirect("core:home")
    form = SignInForm(request, data=request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if form.is_valid():
            services.session_sign_in(request=request, user=form.get_user(), method="local_password")
            return redirect(_safe_next(request))
        metrics.SIGN_IN_FAILURES.labels(method="local_password").inc()
        typed = request.POST.get("username", "")
        services.sign_in_failure_record(
            request=request, username=None if username_problem(typed) else typed, method="local_password"
        )
    context = {
        "form": form,
        "next": _safe_next(request),
        "cis2_sign_in_url": cis2_sign_in_url(_safe_next(request)) if cis2_enabled() else "",
    }
    return render_form_page(request, "accounts/sign_in.jinja", context)


def locked_out(
    request: HttpRequest, original_response: HttpResponse | None, credentials: dict[str, Any] | None
) -> HttpResponse:
    """django-axes calls this when a username is locked after repeated failures."""
    username = str((credentials or {}).get("username") or request.POST.get("username", ""))
    services.lockout_record(request=request, username=None if username_problem(username) else username)
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    context = {"failure_limit": settings.AXES_FAILURE_LIMIT, "minutes": minutes}
    return render(request, "accounts/locked_out.jinja", context, status=403)


@signed_in
@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    end_session_url = cis2_end_session_url(request) if request.session.get("sign_in_method") == "cis2" else ""
    cis2_services.session_forget(session_key=request.session.session_key)
    services.session_sign_out(request=request)
    if end_session_url:
        # CIS2 ends its session too (RP-initiated logout), then sends the browser to
        # CIS2_POST_LOGOUT_REDIRECT_URI, which should be the signed-out page.
        return redirect(end_session_url)
    return redirect("accounts:signed-out")


@public("says that the person has signed out; shows nothing of anyone")
@require_http_methods(["GET"])
def signed_out(request: HttpRequest) -> HttpResponse:
    context = {
        "local_sign_in": settings.LOCAL_SIGN_IN_ENABLED,
        "cis2_sign_in_url": cis2_sign_in_url() if cis2_enabled() else "",
    }
    return render(request, "accounts/signed_out.jinja", context)


def cis2_end_session_url(request: HttpRequest) -> str:
    """CIS2's end-session endpoint (from discovery) with this session's ID token as the hint."""
    id_token = request.session.get(cis2_services.ID_TOKEN_SESSION_KEY)
    try:
        endpoint = provider.endpoint("end_session_endpoint")
    except provider.ProviderError:
        return ""
    if not (endpoint and id_token):
        return ""
    params = {"id_token_hint": id_token}
    if settings.CIS2_POST_LOGOUT_REDIRECT_URI:
        params["post_logout_redirect_uri"] = settings.CIS2_POST_LOGOUT_REDIRECT_URI
    return f"{endpoint}?{urlencode(params)}"


@signed_in
@require_http_methods(["GET", "POST"])
def switch_role(request: HttpRequest) -> HttpResponse:
    assignments = request.role_assignments  # type: ignore[attr-defined]
    form = SwitchRoleForm(
        request.POST if request.method == "POST" else None,
        assignments=assignments,
        initial={"assignment": str(request.active_assignment.id) if request.active_assignment else None},  # type: ignore[attr-defined]
    )
    if request.method == "POST" and form.is_valid():
        try:
            assignment = services.role_switch(request=request, assignment_id=form.cleaned_data["assignment"])
        except services.RoleSwitchError as error:
            form.add_error("assignment", str(error))
        else:
            messages.success(request, f"You are now working as {assignment.get_role_display()}.")
            return redirect("core:home")
    context = {"form": form}
    return render_form_page(request, "accounts/switch_role.jinja", context)


@requires(Permission.STAFF_MANAGE)
def staff_list(request: HttpRequest) -> HttpResponse:
    organisation = request.organisation  # type: ignore[attr-defined]
    staff = staff_in_organisation(organisation=organisation)
    rows = [
        {
            "user": user,
            "roles": [
                a.get_role_display() for a in user.role_assignments.all() if a.organisation_id == organisation.id
            ],
        }
        for user in staff
    ]
    return render(request, "accounts/staff_list.jinja", {"rows": rows, "organisation": organisation})
