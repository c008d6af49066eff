import re

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction

from audit.models import AuditEvent, AuditEventImmutable
from audit.services import (
    GENESIS_HASH,
    AuditDetailsError,
    UnknownAuditAction,
    audit_chain_verify,
    audit_record,
    event_hash,
)
from notifyadmin.accounts.roles import Role
from notifyadmin.core.actor import Actor

pytestmark = pytest.mark.django_db


@pytest.fixture
def actor(make_staff, organisation):
    user = make_staff(Role.AUDITOR)
    return Actor.staff(
        user=user,
        role=Role.AUDITOR,
        organisation=organisation,
        sign_in_session_id="sid-1",
        correlation_id="corr-12345678",
    )


def record(actor, **overrides):
    fields = {"action": "audit.exported", "target_type": "report", "target_id": "1", "details": {"n": 1}}
    fields.update(overrides)
    return audit_record(actor=actor, **fields)


@pytest.mark.hazard("HAZ-013")
def test_events_form_a_hash_chain(actor):
    first = record(actor)
    second = record(actor, reason="Investigation 42")
    assert first.previous_hash == GENESIS_HASH
    assert second.previous_hash == first.event_hash
    assert second.event_hash == event_hash(second)
    assert second.actor_name == actor.user.display_name
    assert second.sign_in_session_id == "sid-1"
    assert second.correlation_id == "corr-12345678"


def test_unregistered_actions_are_refused(actor):
    with pytest.raises(UnknownAuditAction, match=re.escape("'made.up' is not registered")):
        record(actor, action="made.up")
    assert AuditEvent.objects.count() == 0


@pytest.mark.hazard("HAZ-014")
@pytest.mark.parametrize(
    "details",
    [
        {"nhs": "9434765919"},
        {"nhs": "943 476 5919"},
        {"mobile": "07700900123"},
        {"who": "a.person@example.com"},
    ],
)
def test_patient_identifiers_are_refused_in_details(actor, details):
    with pytest.raises(AuditDetailsError, match="must not contain patient identifiers"):
        record(actor, details=details)
    assert AuditEvent.objects.count() == 0


def test_ids_with_long_digit_runs_are_not_mistaken_for_identifiers(actor):
    event = record(actor, details={"staff_user_id": "5e0c1234-5678-4a1b-8123-456789012345", "key": "ab1234567890"})
    assert event.details["staff_user_id"] == "5e0c1234-5678-4a1b-8123-456789012345"


@pytest.mark.hazard("HAZ-013")
def test_the_orm_refuses_to_update_or_delete_events(actor):
    event = record(actor)
    event.reason = "rewritten"
    with pytest.raises(AuditEventImmutable):
        event.save()
    with pytest.raises(AuditEventImmutable):
        event.delete()
    with pytest.raises(AuditEventImmutable):
        AuditEvent.objects.filter(pk=event.pk).update(reason="rewritten")
    with pytest.raises(AuditEventImmutable):
        AuditEvent.objects.all().delete()
    assert AuditEvent.objects.get().reason == ""


@pytest.mark.hazard("HAZ-013")
def test_an_event_is_rolled_back_with_the_change_it_records(actor):
    with pytest.raises(RuntimeError), transaction.atomic():
        record(actor)
        raise RuntimeError("the change failed")
    assert AuditEvent.objects.count() == 0


def _tamper(sql: str, params: list) -> None:
    """Change stored events behind the application's back, as an attacker with SQL access would."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER USER")
        cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE audit_auditevent ENABLE TRIGGER USER")


@pytest.mark.hazard("HAZ-013")
@pytest.mark.parametrize(
    "column, value",
    [
        ("reason", "nothing to see"),
        ("action", "auth.signed_out"),
        ("actor_role", "administrator"),
        ("details", '{"n": 2}'),
        ("patient_ref", "someone-else"),
        ("occurred_at", "2020-01-01 00:00:00+00:00"),
    ],
)
def test_altering_any_stored_event_breaks_the_chain_at_that_event(actor, column, value):
    events = [record(actor) for _ in range(4)]
    assert audit_chain_verify().ok
    _tamper(f"UPDATE audit_auditevent SET {column} = %s WHERE sequence = %s", [value, events[2].sequence])  # noqa: S608
    result = audit_chain_verify()
    assert not result.ok
    assert result.first_failure.sequence == events[2].sequence
    assert result.problem == "its content does not match its stored hash: the event was altered"


@pytest.mark.hazard("HAZ-013")
def test_removing_an_event_breaks_the_chain_at_the_next(actor):
    events = [record(actor) for _ in range(3)]
    _tamper("DELETE FROM audit_auditevent WHERE sequence = %s", [events[1].sequence])
    result = audit_chain_verify()
    assert result.first_failure.sequence == events[2].sequence
    assert "does not match" in result.problem


def test_rehashing_an_altered_event_is_still_caught_by_the_next_link(actor):
    events = [record(actor) for _ in range(3)]
    forged = AuditEvent.objects.get(pk=events[1].pk)
    forged.reason = "forged"
    _tamper(
        "UPDATE audit_auditevent SET reason = %s, event_hash = %s WHERE sequence = %s",
        ["forged", event_hash(forged), events[1].sequence],
    )
    assert audit_chain_verify().first_failure.sequence == events[2].sequence


def test_verify_command_names_the_first_failing_event(actor, capsys):
    events = [record(actor) for _ in range(3)]
    call_command("verify_audit_chain")
    assert "Audit chain intact: 3 events verified." in capsys.readouterr().out
    _tamper("UPDATE audit_auditevent SET reason = 'x' WHERE sequence = %s", [events[1].sequence])
    with pytest.raises(CommandError, match=f"Audit chain broken at event {events[1].sequence} "):
        call_command("verify_audit_chain")


@pytest.mark.hazard("HAZ-013")
def test_postgresql_trigger_refuses_update_and_delete(require_postgresql, actor):
    from django.db import DatabaseError

    event = record(actor)
    connection.cursor().execute("SET CONSTRAINTS ALL IMMEDIATE")
    for sql in ("UPDATE audit_auditevent SET reason = 'x'", "DELETE FROM audit_auditevent"):
        with pytest.raises(DatabaseError, match="audit events are append-only"), transaction.atomic():
            connection.cursor().execute(sql)
    assert AuditEvent.objects.get().event_hash == event.event_hash
