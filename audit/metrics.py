"""Audit chain figures for /metrics, read from the database when Prometheus scrapes: how many
events wait to be sealed and how old the oldest is (alert when it passes
AUDIT_UNSEALED_ALERT_SECONDS: the sealer is not running), and the last verification's result."""

from collections.abc import Iterator

from django.db import DatabaseError
from django.utils import timezone
from prometheus_client import REGISTRY
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

_NAMES = {
    "notifyadmin_audit_unsealed_events": "Audit events not yet sealed into the hash chain.",
    "notifyadmin_audit_oldest_unsealed_seconds": "Age of the oldest audit event not yet sealed (0 when none).",
    "notifyadmin_audit_last_verification_passed": (
        "1 when the last finished audit chain verification found the chain intact, else 0."
    ),
    "notifyadmin_audit_last_verification_timestamp_seconds": "When the last audit chain verification finished.",
}


class AuditChainCollector(Collector):
    def describe(self) -> Iterator[GaugeMetricFamily]:
        # Names without values: registering must not query the database (apps are not ready).
        for name, documentation in _NAMES.items():
            yield GaugeMetricFamily(name, documentation)

    def collect(self) -> Iterator[GaugeMetricFamily]:
        from audit.models import AuditEvent, AuditVerification

        try:
            unsealed = AuditEvent.objects.filter(seal__isnull=True)
            count = unsealed.count()
            oldest = unsealed.order_by("sequence").values_list("occurred_at", flat=True).first()
            last = (
                AuditVerification.objects.filter(finished_at__isnull=False)
                .order_by("-finished_at")
                .values_list("status", "finished_at")
                .first()
            )
        except DatabaseError:
            # No figures rather than a failed scrape; /readyz reports the database.
            return
        yield GaugeMetricFamily(
            "notifyadmin_audit_unsealed_events", "Audit events not yet sealed into the hash chain.", value=count
        )
        yield GaugeMetricFamily(
            "notifyadmin_audit_oldest_unsealed_seconds",
            "Age of the oldest audit event not yet sealed (0 when none).",
            value=(timezone.now() - oldest).total_seconds() if oldest else 0.0,
        )
        if last is not None and last[1] is not None:
            yield GaugeMetricFamily(
                "notifyadmin_audit_last_verification_passed",
                "1 when the last finished audit chain verification found the chain intact, else 0.",
                value=1.0 if last[0] == "passed" else 0.0,
            )
            yield GaugeMetricFamily(
                "notifyadmin_audit_last_verification_timestamp_seconds",
                "When the last audit chain verification finished (Unix time).",
                value=last[1].timestamp(),
            )


_COLLECTOR = AuditChainCollector()


def register_chain_metrics() -> None:
    try:
        REGISTRY.register(_COLLECTOR)
    except ValueError:  # already registered: ready() can run more than once (tests)
        return
