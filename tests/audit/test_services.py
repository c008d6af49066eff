"""Recording events: the rules `audit_record` enforces, and immutability of events and seals."""

import re

import pytest
from django.db import DatabaseError, connection, transaction

from audit.models import AuditEvent, AuditEventImmutable, AuditSeal
from audit.services import AuditDetailsError, UnknownAuditAction, audit_seal_pending

pytestmark = pytest.mark.django_db


def test_an_event_is_written_with_who_acted_and_is_not_sealed_by_the_writer(actor, record):
    # Given an auditor at work / When they record an event
    event = record(actor, reason="Investigation 42")
    # Then it carries who, how and why, and waits for the sealer: the writer read no chain
    stored = AuditEvent.objects.get()
    assert stored.actor_name == actor.user.display_name
    assert stored.sign_in_session_id == "sid-1"
    assert stored.correlation_id == "corr-12345678"
    assert stored.reason == "Investigation 42"
    assert AuditSeal.objects.count() == 0
    assert event.pk == stored.pk


def test_unregistered_actions_are_refused(actor, record):
    with pytest.raises(UnknownAuditAction, match=re.escape("'made.up' is not registered")):
        record(actor, action="made.up")
    assert AuditEvent.objects.count() == 0


@pytest.mark.parametrize(
    "details",
    [
        {"nhs": "9434765919"},
        {"nhs": "943 476 5919"},
        {"mobile": "07700900123"},
        {"who": "a.person@example.com"},
    ],
)
@pytest.mark.hazard("HAZ-014")
def test_patient_identifiers_are_refused_in_details(actor, record, details):
    with pytest.raises(AuditDetailsError, match="must not contain patient identifiers"):
        record(actor, details=details)
    assert AuditEvent.objects.count() == 0


def test_ids_with_long_digit_runs_are_not_mistaken_for_identifiers(actor, record):
    event = record(actor, details={"staff_user_id": "5e0c1234-5678-4a1b-8123-456789012345", "key": "ab1234567890"})
    assert event.details["staff_user_id"] == "5e0c1234-5678-4a1b-8123-456789012345"


@pytest.mark.hazard("HAZ-013")
def test_the_orm_refuses_to_update_or_delete_events_and_seals(actor, record):
    event = record(actor)
    audit_seal_pending()
    event.reason = "rewritten"
    with pytest.raises(AuditEventImmutable):
        event.save()
    with pytest.raises(AuditEventImmutable):
        event.delete()
    with pytest.raises(AuditEventImmutable):
        AuditEvent.objects.filter(pk=event.pk).update(reason="rewritten")
    with pytest.raises(AuditEventImmutable):
        AuditEvent.objects.all().delete()
    seal = AuditSeal.objects.get()
    seal.hash = "0" * 64
    with pytest.raises(AuditEventImmutable):
        seal.save()
    with pytest.raises(AuditEventImmutable):
        seal.delete()
    with pytest.raises(AuditEventImmutable):
        AuditSeal.objects.update(hash="0" * 64)
    with pytest.raises(AuditEventImmutable):
        AuditSeal.objects.all().delete()
    assert AuditEvent.objects.get().reason == ""
    assert AuditSeal.objects.get().hash != "0" * 64


@pytest.mark.hazard("HAZ-013")
def test_an_event_is_rolled_back_with_the_change_it_records(actor, record):
    with pytest.raises(RuntimeError), transaction.atomic():
        record(actor)
        raise RuntimeError("the change failed")
    assert AuditEvent.objects.count() == 0


@pytest.mark.hazard("HAZ-013")
def test_postgresql_triggers_refuse_update_and_delete_of_events_and_seals(require_postgresql, actor, record):
    record(actor)
    audit_seal_pending()
    seal_hash = AuditSeal.objects.get().hash
    connection.cursor().execute("SET CONSTRAINTS ALL IMMEDIATE")
    for sql in (
        "UPDATE audit_auditevent SET reason = 'x'",
        "DELETE FROM audit_auditevent",
        "UPDATE audit_auditseal SET hash = 'x'",
        "DELETE FROM audit_auditseal",
    ):
        with pytest.raises(DatabaseError, match="audit events are append-only"), transaction.atomic():
            connection.cursor().execute(sql)
    assert AuditSeal.objects.get().hash == seal_hash
    assert AuditEvent.objects.get().reason == ""


def test_committing_nudges_the_sealer_once_per_interval_not_once_per_event(
    actor, record, monkeypatch, settings, django_capture_on_commit_callbacks
):
    from audit.services import recording
    from audit.tasks import seal_audit_chain

    sent: list[int] = []
    monkeypatch.setattr(seal_audit_chain, "apply_async", lambda: sent.append(1))
    monkeypatch.setattr(recording, "_last_nudge", [-float("inf")])
    settings.AUDIT_SEAL_NUDGE_SECONDS = 60
    # Given three events committed one after another
    for _ in range(3):
        with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
            record(actor)
    # Then one sealing task was asked for, not three
    assert sent == [1]


def test_a_broker_that_cannot_be_reached_does_not_undo_the_event(
    actor, record, monkeypatch, caplog, django_capture_on_commit_callbacks
):
    from kombu.exceptions import OperationalError

    from audit.services import recording
    from audit.tasks import seal_audit_chain

    def refuse():
        raise OperationalError("broker down")

    monkeypatch.setattr(seal_audit_chain, "apply_async", refuse)
    monkeypatch.setattr(recording, "_last_nudge", [-float("inf")])
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        record(actor)
    assert AuditEvent.objects.count() == 1
    assert [r.getMessage() for r in caplog.records if r.name == "audit.services.recording"] == [
        "audit sealer nudge not sent; the scheduled run will seal"
    ]
