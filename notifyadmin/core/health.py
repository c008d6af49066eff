"""Liveness and readiness checks for the load balancer and the orchestrator."""

from dataclasses import dataclass

from django.conf import settings
from django.db import connection
from kombu import Connection


@dataclass(frozen=True)
class CheckResult:
    name: str
    ok: bool
    detail: str = ""


def check_database() -> CheckResult:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as error:  # noqa: BLE001 - any failure means "not ready"; the type is reported
        return CheckResult("database", False, type(error).__name__)
    return CheckResult("database", True)


def check_broker() -> CheckResult:
    timeout = settings.READINESS_TIMEOUT_SECONDS
    try:
        with Connection(
            settings.CELERY_BROKER_URL,
            transport_options=settings.CELERY_BROKER_TRANSPORT_OPTIONS,
            connect_timeout=timeout,
        ) as broker:
            broker.ensure_connection(max_retries=1, timeout=timeout)
    except Exception as error:  # noqa: BLE001 - any failure means "not ready"; the type is reported
        return CheckResult("broker", False, type(error).__name__)
    return CheckResult("broker", True)


def readiness() -> list[CheckResult]:
    return [check_database(), check_broker()]
