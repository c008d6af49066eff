"""Celery queue names. Apps register the queues their tasks use (notifyadmin.core.registry.QUEUES)
from AppConfig.ready; every registered queue has a consumer in the Procfile (tested)."""

from notifyadmin.core.registry import QUEUES

DEFAULT = "default"
AUDIT = "audit"


def all_queues() -> tuple[str, ...]:
    return tuple(QUEUES.keys())
