"""Prometheus metrics for provider calls (served at /metrics with the rest, core/metrics.py).

Labels are bounded: provider name, endpoint (create_message, create_message_batch,
get_message, token) and outcome (ok, or the error class's `outcome`). Never a reference,
an id or a patient identifier.
"""

from prometheus_client import Counter, Histogram

PROVIDER_REQUESTS = Counter(
    "notifyadmin_provider_requests_total",
    "HTTP requests made to a message provider, by provider, endpoint and outcome.",
    ["provider", "endpoint", "outcome"],
)
PROVIDER_LATENCY = Histogram(
    "notifyadmin_provider_request_duration_seconds",
    "Time from sending a provider request to reading its answer (or failing), by provider and endpoint.",
    ["provider", "endpoint"],
    buckets=(0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0),
)
PROVIDER_MESSAGES = Counter(
    "notifyadmin_provider_messages_total",
    "Messages in provider send requests, by provider, endpoint and outcome.",
    ["provider", "endpoint", "outcome"],
)
