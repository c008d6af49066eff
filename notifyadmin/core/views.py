"""Home, health, metrics and error pages."""

import hmac

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from notifyadmin.accounts.access import public, requires
from notifyadmin.accounts.actors import actor_of
from notifyadmin.accounts.roles import Permission
from notifyadmin.core.health import readiness
from notifyadmin.core.home import ROLE_HOMES, home_cards_for, home_panels_for, patient_search_for


@requires(Permission.HOME_VIEW)
def home(request: HttpRequest) -> HttpResponse:
    role_home = ROLE_HOMES[request.active_role]  # type: ignore[attr-defined]
    actor = actor_of(request)
    context = {
        "home": role_home,
        "panels": home_panels_for(actor),
        "cards": home_cards_for(request),
        "patient_search": patient_search_for(actor),
    }
    return render(request, "core/home.jinja", context)


@public("help: how to use the service and get help, readable before signing in")
@require_GET
def help_page(request: HttpRequest) -> HttpResponse:
    return render(request, "core/help.jinja", {"roles": list(ROLE_HOMES.values())})


@public("the accessibility statement every public sector service publishes")
@require_GET
def accessibility_statement(request: HttpRequest) -> HttpResponse:
    return render(request, "core/accessibility.jinja")


@public("liveness probe: says only that the process answers")
@never_cache
def healthz(request: HttpRequest) -> HttpResponse:
    return JsonResponse({"status": "ok"})


@public("readiness probe: says only whether the database and broker answer")
@never_cache
def readyz(request: HttpRequest) -> HttpResponse:
    results = readiness()
    ready = all(result.ok for result in results)
    body = {
        "status": "ready" if ready else "not ready",
        "checks": {result.name: ("ok" if result.ok else f"failed: {result.detail}") for result in results},
    }
    return JsonResponse(body, status=200 if ready else 503)


LOOPBACK_ADDRESSES = frozenset({"127.0.0.1", "::1"})


def metrics_caller_allowed(request: HttpRequest) -> bool:
    """With METRICS_BEARER_TOKEN set, only a caller sending it as a bearer token; without one,
    only a loopback caller, and only where METRICS_ALLOW_LOOPBACK is on (local runs)."""
    token = settings.METRICS_BEARER_TOKEN
    if token:
        scheme, _, presented = request.headers.get("Authorization", "").partition(" ")
        return scheme.lower() == "bearer" and hmac.compare_digest(presented.encode(), token.encode())
    return settings.METRICS_ALLOW_LOOPBACK and request.META.get("REMOTE_ADDR") in LOOPBACK_ADDRESSES


@public("Prometheus scrape target: a bearer token (METRICS_BEARER_TOKEN) or, locally, loopback only")
@never_cache
def metrics(request: HttpRequest) -> HttpResponse:
    if not metrics_caller_allowed(request):
        response = HttpResponse("Forbidden\n", status=403, content_type="text/plain")
        response["WWW-Authenticate"] = 'Bearer realm="metrics"'
        return response
    return HttpResponse(generate_latest(), content_type=CONTENT_TYPE_LATEST)


def _error_page(request: HttpRequest, status: int, heading: str, paragraphs: list[str]) -> HttpResponse:
    context = {
        "heading": heading,
        "paragraphs": paragraphs,
        "correlation_id": getattr(request, "correlation_id", ""),
    }
    return render(request, "errors/error.jinja", context, status=status)


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    return _error_page(
        request,
        404,
        "Page not found",
        [
            "If you typed the web address, check it is correct.",
            "If you followed a link, the page may have moved, or it may belong to another organisation.",
        ],
    )


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    return _error_page(
        request,
        403,
        "You cannot use this page in your current role",
        [
            "Your current role does not allow this. If you hold another role, switch to it from the header.",
            "If you think you should have access, ask your organisation's notifyadmin administrator.",
        ],
    )


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    return _error_page(request, 400, "Sorry, we could not understand that request", ["Go back and try again."])


def server_error(request: HttpRequest) -> HttpResponse:
    return render(request, "errors/500.jinja", {"correlation_id": getattr(request, "correlation_id", "")}, status=500)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return _error_page(
        request,
        403,
        "Your form has expired",
        ["For your security, forms expire. Go back, reload the page and try again. Nothing was saved."],
    )
