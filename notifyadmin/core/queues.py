"""Celery queue names. Every queue named here has a consumer in the Procfile (tested)."""

DEFAULT = "default"
AUDIT = "audit"

ALL_QUEUES = (DEFAULT, AUDIT)
