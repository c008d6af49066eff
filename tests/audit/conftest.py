"""Audit fixtures: an auditor actor, a one-line event writer, and raw-SQL tampering."""

from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection

from audit.models import AuditEvent
from audit.services import audit_record
from notifyadmin.accounts.roles import Role
from notifyadmin.core.actor import Actor


@pytest.fixture
def actor(make_staff, organisation) -> Actor:
    user = make_staff(Role.AUDITOR)
    return Actor.staff(
        user=user,
        role=Role.AUDITOR,
        organisation=organisation,
        sign_in_session_id="sid-1",
        correlation_id="corr-12345678",
    )


@pytest.fixture
def record() -> Callable[..., AuditEvent]:
    def write(actor: Actor, **overrides: Any) -> AuditEvent:
        fields: dict[str, Any] = {
            "action": "audit.exported",
            "target_type": "report",
            "target_id": "1",
            "details": {"n": 1},
        }
        fields.update(overrides)
        return audit_record(actor=actor, **fields)

    return write


def tamper(sql: str, params: list[Any], *, tables: tuple[str, ...] = ("audit_auditevent", "audit_auditseal")) -> None:
    """Change stored rows behind the application's back, as someone with SQL access would: on
    PostgreSQL with the append-only triggers (and foreign keys) of `tables` disabled for it."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            for table in tables:
                cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER ALL")
        cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            for table in tables:
                cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER ALL")
