"""Verification: every kind of tampering is named, a chain cut short at its end shows against
the recorded verification, and a verification runs as a task with progress."""

from datetime import timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from audit.chain import seal_hash
from audit.models import AuditEvent, AuditSeal, AuditVerification
from audit.services import (
    audit_chain_verify,
    audit_seal_pending,
    audit_verification_request,
    audit_verification_run,
)
from audit.services import verification as verification_module
from audit.tasks import verify_audit_chain
from notifyadmin.core.actor import Actor
from tests.audit.conftest import tamper

pytestmark = pytest.mark.django_db


@pytest.fixture
def sealed(actor, record):
    """Four events, sealed at positions 1 to 4."""
    events = [record(actor, target_id=str(n)) for n in range(4)]
    audit_seal_pending()
    assert audit_chain_verify().ok
    return events


def kinds(result) -> list[tuple[str, int | None]]:
    return [(finding.kind, finding.position) for finding in result.findings]


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
@pytest.mark.hazard("HAZ-013")
def test_altering_any_stored_event_is_named_at_its_position(sealed, column, value):
    tamper(f"UPDATE audit_auditevent SET {column} = %s WHERE sequence = %s", [value, sealed[2].pk])  # noqa: S608
    result = audit_chain_verify()
    assert not result.ok
    altered = [f for f in result.findings if f.kind == "altered"]
    assert len(altered) == 1
    assert altered[0].position == 3
    assert altered[0].message == (
        f"The event at position 3 ({sealed[2].id}, {AuditEvent.objects.get(pk=sealed[2].pk).action}) does not "
        "match its seal: it was altered after it was recorded."
    )


def test_rehashing_an_altered_event_is_caught_by_the_next_link(sealed):
    forged = AuditEvent.objects.get(pk=sealed[1].pk)
    forged.reason = "forged"
    seal = AuditSeal.objects.get(position=2)
    tamper("UPDATE audit_auditevent SET reason = 'forged' WHERE sequence = %s", [sealed[1].pk])
    tamper(
        "UPDATE audit_auditseal SET hash = %s WHERE position = 2",
        [seal_hash(position=2, previous_hash=seal.previous_hash, event=forged)],
    )
    result = audit_chain_verify()
    assert kinds(result) == [("link", 3)]
    assert result.findings[0].message == (
        "The seal at position 3 does not link to the seal before it: a seal was altered, or a forged one inserted."
    )


@pytest.mark.hazard("HAZ-013")
def test_removing_an_event_and_its_seal_leaves_a_gap(sealed):
    tamper("DELETE FROM audit_auditseal WHERE position = 2", [])
    tamper("DELETE FROM audit_auditevent WHERE sequence = %s", [sealed[1].pk])
    result = audit_chain_verify()
    assert kinds(result) == [("gap", 2)]
    assert result.findings[0].message == ("Positions 2 to 2 are missing: sealed events and their seals were removed.")


def test_removing_an_event_but_not_its_seal_is_named(require_postgresql, sealed):
    # Foreign keys refuse this too, so the test disables every trigger on the events table.
    tamper("DELETE FROM audit_auditevent WHERE sequence = %s", [sealed[1].pk], tables=("audit_auditevent",))
    result = audit_chain_verify()
    assert kinds(result) == [("removed", 2)]
    assert result.findings[0].message == "The event sealed at position 2 has been removed."


def test_a_forged_seal_inserted_at_the_end_is_caught_by_its_link(actor, record, sealed):
    forged = record(actor, reason="forged")
    tamper(
        "INSERT INTO audit_auditseal (position, event_id, previous_hash, hash, sealed_at) VALUES (5, %s, %s, %s, %s)",
        [forged.pk, "f" * 64, seal_hash(position=5, previous_hash="f" * 64, event=forged), timezone.now()],
    )
    assert kinds(audit_chain_verify()) == [("link", 5)]


def test_an_inserted_event_with_a_backdated_time_is_named_once_sealed(actor, record, sealed):
    # Given someone inserts an event that claims to have happened two hours ago
    forged = record(actor, reason="backdated")
    tamper(
        "UPDATE audit_auditevent SET occurred_at = %s WHERE sequence = %s",
        [timezone.now() - timedelta(hours=2), forged.pk],
    )
    # When the sealer seals it (it cannot tell) and the chain is verified
    audit_seal_pending()
    result = audit_chain_verify()
    # Then it is named: it arrived after events more than the late-commit horizon younger
    assert kinds(result) == [("backdated", 5)]
    assert "was sealed after events more than 60 minutes later: it was inserted with a backdated time." in (
        result.findings[0].message
    )


@pytest.mark.hazard("HAZ-013")
def test_events_left_unsealed_too_long_are_reported(actor, record):
    with time_machine.travel(timezone.now() - timedelta(minutes=11)):
        record(actor)
    record(actor)
    result = audit_chain_verify()
    assert kinds(result) == [("unsealed", None)]
    assert result.findings[0].message.startswith(
        "1 event not in the chain after more than 10 minutes (the oldest from "
    )


@pytest.mark.hazard("HAZ-013")
def test_a_removed_tail_shows_against_the_sealer_head_and_the_recorded_verification(actor, sealed):
    # Given a recorded verification of the four sealed events
    system = Actor.system(name="tests")
    first = audit_verification_run(verification=audit_verification_request(actor=system), actor=system)
    assert (first.status, first.checked, first.head_position) == ("passed", 4, 4)
    # When the last two events and their seals are removed (with the verification's own event)
    tamper("DELETE FROM audit_auditseal WHERE position >= 3", [])
    tamper("DELETE FROM audit_auditevent WHERE sequence >= %s", [sealed[2].pk])
    # Then nothing inside the chain is broken, but its end is missing against both records
    result = audit_chain_verify(previous=AuditVerification.objects.get(pk=first.pk))
    assert kinds(result) == [("tail", 3), ("tail", 3)]
    assert result.findings[1].message.endswith("found it ending at 4: events were removed from the end.")
    assert (result.checked, result.head_position) == (2, 2)


def test_a_rewritten_tail_shows_as_a_different_hash_at_the_recorded_head(actor, record, sealed):
    system = Actor.system(name="tests")
    first = audit_verification_run(verification=audit_verification_request(actor=system), actor=system)
    recorded = AuditVerification.objects.get(pk=first.pk)
    tamper("UPDATE audit_auditseal SET hash = %s WHERE position = %s", ["e" * 64, recorded.head_position])
    findings = audit_chain_verify(previous=recorded).findings
    assert findings[-1].kind == "tail"
    assert findings[-1].message.startswith(f"The seal at position {recorded.head_position} no longer has the hash")


def test_the_verify_task_seals_then_verifies_with_progress_and_records_the_result(actor, record, monkeypatch):
    # Given five events not yet sealed, a verification requested, and progress written every two seals
    for n in range(5):
        record(actor, target_id=str(n))
    monkeypatch.setattr(verification_module, "CHUNK", 2)
    writes: list[dict] = []
    real_update = verification_module._update

    def spy(verification, **fields):
        writes.append(fields)
        real_update(verification, **fields)

    monkeypatch.setattr(verification_module, "_update", spy)
    requested = audit_verification_request(actor=actor)
    assert requested.status == "queued"
    # When the task runs it
    assert verify_audit_chain(str(requested.pk), actor=actor.to_payload()) is True
    # Then it sealed first, reported progress as it went, and recorded the result and an event
    assert writes[0]["status"] == "running"
    assert writes[0]["total"] == 5
    assert [w["checked"] for w in writes[1:-1]] == [2, 4, 5]
    done = AuditVerification.objects.get(pk=requested.pk)
    assert (done.status, done.checked, done.head_position, done.findings) == ("passed", 5, 5, [])
    assert done.head_hash == AuditSeal.objects.get(position=5).hash
    assert done.requested_by == actor.user
    event = AuditEvent.objects.get(action="audit.chain.verified")
    assert event.actor == actor.user
    assert event.details == {"events_checked": 5, "head_position": 5, "head_hash": done.head_hash, "findings": 0}
    # And running it again changes nothing
    assert verify_audit_chain(str(requested.pk), actor=actor.to_payload()) is True
    assert AuditEvent.objects.filter(action="audit.chain.verified").count() == 1


def test_the_nightly_task_records_its_own_verification(actor, record):
    record(actor)
    assert verify_audit_chain() is True
    run = AuditVerification.objects.get()
    assert (run.requested_by_name, run.status, run.checked) == ("The system (scheduler)", "passed", 1)


def test_a_failed_verification_is_recorded_as_such(actor, sealed):
    tamper("UPDATE audit_auditevent SET reason = 'x' WHERE sequence = %s", [sealed[0].pk])
    assert verify_audit_chain() is False
    run = AuditVerification.objects.get()
    assert run.status == "failed"
    assert [finding["kind"] for finding in run.findings] == ["altered"]
    assert AuditEvent.objects.filter(action="audit.chain.verification_failed").count() == 1


def test_verify_command_lists_what_it_finds(sealed, capsys):
    call_command("verify_audit_chain")
    assert "Audit chain intact: 4 events verified, head 4 " in capsys.readouterr().out
    tamper("UPDATE audit_auditevent SET reason = 'x' WHERE sequence = %s", [sealed[1].pk])
    with pytest.raises(CommandError, match=r"- The event at position 2 .* does not match its seal"):
        call_command("verify_audit_chain")


def test_sealing_while_the_chain_is_read_is_not_mistaken_for_a_removed_tail(actor, record, sealed, monkeypatch):
    # Given the sealer extends the chain while verification is reading it
    record(actor)
    real_chunks = verification_module._seal_chunks

    def chunks_then_seal():
        yield from real_chunks()
        audit_seal_pending()

    monkeypatch.setattr(verification_module, "_seal_chunks", chunks_then_seal)
    # Then the chain read (4 seals) is intact: the head moved on, it did not fall behind
    result = audit_chain_verify()
    assert (result.ok, result.checked, result.findings) == (True, 4, [])
