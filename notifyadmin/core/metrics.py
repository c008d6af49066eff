"""Prometheus metrics, served at /metrics.

Single-process registry: each web or worker process exposes its own figures. Behind a
multi-worker server, run the Prometheus multiprocess mode (docs/operations.md).
"""

from prometheus_client import Counter, Histogram

HTTP_REQUESTS = Counter(
    "notifyadmin_http_requests_total",
    "HTTP requests answered, by route name, method and status code.",
    ["route", "method", "status"],
)
HTTP_LATENCY = Histogram(
    "notifyadmin_http_request_duration_seconds",
    "Time to answer an HTTP request, by route name.",
    ["route"],
)
AUDIT_EVENTS = Counter(
    "notifyadmin_audit_events_total",
    "Audit events written, by action.",
    ["action"],
)
SIGN_IN_FAILURES = Counter(
    "notifyadmin_sign_in_failures_total",
    "Failed sign-in attempts, by method.",
    ["method"],
)
