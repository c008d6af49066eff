"""Prometheus metrics, served at /metrics.

Single-process registry: each web or worker process exposes its own figures. Behind a
multi-worker server, run the Prometheus multiprocess mode (docs/operations.md).
"""

from prometheus_client import Counter, Gauge, Histogram

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
CALLBACK_ITEMS = Counter(
    "notifyadmin_callback_items_total",
    "NHS Notify callback items received, by kind and outcome (applied, repeated, unknown).",
    ["kind", "outcome"],
)
PROVIDER_CIRCUIT_OPEN = Gauge(
    "notifyadmin_provider_circuit_open",
    "1 while a provider's circuit breaker is open (sending paused), else 0.",
    ["provider"],
)
