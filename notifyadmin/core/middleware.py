"""Request plumbing: correlation id on every request and log line; request metrics."""

import logging
import time
from collections.abc import Callable

from django.core.exceptions import PermissionDenied
from django.core.handlers.exception import response_for_exception
from django.http import Http404, HttpRequest, HttpResponse

from notifyadmin.core import metrics
from notifyadmin.core.correlation import accept_or_generate, reset_correlation_id, set_correlation_id
from notifyadmin.core.errors import NotFound, PermissionRefused

logger = logging.getLogger("notifyadmin.request")

CORRELATION_HEADER = "X-Correlation-ID"


class CorrelationIdMiddleware:
    """Take a valid `X-Correlation-ID` or make one; return it; log one line per request.

    The log line names the route, never the path: paths may carry opaque ids, query strings
    may carry anything.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        correlation_id = accept_or_generate(request.headers.get(CORRELATION_HEADER))
        request.correlation_id = correlation_id  # type: ignore[attr-defined]
        token = set_correlation_id(correlation_id)
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            response[CORRELATION_HEADER] = correlation_id
            logger.info(
                "request",
                extra={
                    "route": _route_name(request),
                    "method": request.method,
                    "status": response.status_code,
                    "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                },
            )
            return response
        finally:
            reset_correlation_id(token)


class RequestMetricsMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        response = self.get_response(request)
        route = _route_name(request)
        metrics.HTTP_LATENCY.labels(route=route).observe(time.perf_counter() - started)
        metrics.HTTP_REQUESTS.labels(route=route, method=request.method, status=str(response.status_code)).inc()
        return response


def _route_name(request: HttpRequest) -> str:
    match = getattr(request, "resolver_match", None)
    if match is None:
        return "unmatched"
    return match.view_name or "unnamed"


class DomainErrorMiddleware:
    """Pages need not catch the kernel's refusals they cannot act on: `NotFound` answers the
    product's 404 page and `PermissionRefused` its 403 page, as Http404/PermissionDenied would.
    Refusals a page can explain (TransitionRefused, InvalidInput) are the page's to show."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, NotFound):
            return response_for_exception(request, Http404(str(exception)))
        if isinstance(exception, PermissionRefused):
            return response_for_exception(request, PermissionDenied(str(exception)))
        return None
