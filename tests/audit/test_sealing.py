"""Sealing: events join the chain in the order the sealer seals them, each exactly once, with
writers never waiting for one another or for the sealer."""

import itertools
import threading

import pytest
from django.db import connections, transaction

from audit.chain import GENESIS_HASH, seal_hash
from audit.models import AuditChainHead, AuditEvent, AuditSeal
from audit.services import audit_chain_verify, audit_record, audit_seal_pending
from notifyadmin.core.actor import Actor


@pytest.mark.hazard("HAZ-013")
@pytest.mark.django_db
def test_the_sealer_chains_pending_events_in_batches(actor, record):
    # Given five events waiting
    events = [record(actor, target_id=str(n)) for n in range(5)]
    # When the sealer runs with batches of two
    run = audit_seal_pending(batch_size=2)
    # Then each is sealed once, in order, each seal linking to the one before
    seals = list(AuditSeal.objects.order_by("position"))
    assert run.sealed == 5
    assert [seal.position for seal in seals] == [1, 2, 3, 4, 5]
    assert [seal.event_id for seal in seals] == [event.pk for event in events]
    assert seals[0].previous_hash == GENESIS_HASH
    assert all(later.previous_hash == earlier.hash for earlier, later in itertools.pairwise(seals))
    assert seals[2].hash == seal_hash(position=3, previous_hash=seals[1].hash, event=events[2])
    head = AuditChainHead.objects.get()
    assert (head.position, head.hash) == (5, seals[-1].hash)
    assert (run.head_position, run.head_hash) == (5, seals[-1].hash)


@pytest.mark.django_db
def test_running_the_sealer_again_seals_nothing_twice(actor, record):
    record(actor)
    audit_seal_pending()
    record(actor)
    assert audit_seal_pending().sealed == 1
    assert audit_seal_pending().sealed == 0
    assert AuditSeal.objects.count() == 2
    assert audit_chain_verify().ok


def _write(organisation_id: object, *, count: int, started: threading.Barrier, errors: list) -> None:
    from notifyadmin.accounts.models import Organisation

    try:
        organisation = Organisation.objects.get(pk=organisation_id)
        started.wait()
        for index in range(count):
            with transaction.atomic():
                audit_record(
                    actor=Actor.system(name="tests", organisation=organisation),
                    action="audit.exported",
                    target_id=str(index),
                )
    except BaseException as error:  # noqa: BLE001 - reported by the test
        errors.append(error)
    finally:
        connections.close_all()


@pytest.mark.hazard("HAZ-013")
@pytest.mark.django_db(transaction=True)
def test_many_writers_and_a_running_sealer_seal_every_event_exactly_once(require_postgresql, organisation):
    # Given eight writers, each on its own connection, and a sealer running all the while
    writers, per_writer = 8, 40
    started = threading.Barrier(writers + 1)
    errors: list[BaseException] = []
    threads = [
        threading.Thread(
            target=_write, args=(organisation.pk,), kwargs={"count": per_writer, "started": started, "errors": errors}
        )
        for _ in range(writers)
    ]
    done = threading.Event()

    def seal_until_done() -> None:
        try:
            while not done.is_set():
                audit_seal_pending(batch_size=7)
        except BaseException as error:  # noqa: BLE001 - reported by the test
            errors.append(error)
        finally:
            connections.close_all()

    sealers = [threading.Thread(target=seal_until_done) for _ in range(2)]
    for thread in threads + sealers:
        thread.start()
    started.wait()
    for thread in threads:
        thread.join()
    done.set()
    for thread in sealers:
        thread.join()
    # When the sealer has caught up
    audit_seal_pending()
    # Then every event is sealed exactly once, positions run 1..N without a gap, and it verifies
    assert errors == []
    total = writers * per_writer
    assert AuditEvent.objects.count() == total
    assert AuditSeal.objects.count() == total
    assert AuditSeal.objects.values("event_id").distinct().count() == total
    assert list(AuditSeal.objects.order_by("position").values_list("position", flat=True)) == list(range(1, total + 1))
    result = audit_chain_verify()
    assert (result.ok, result.checked, result.findings) == (True, total, [])


@pytest.mark.django_db(transaction=True)
def test_an_event_that_commits_late_with_a_lower_sequence_is_sealed_in_a_later_batch(require_postgresql, organisation):
    # Given a transaction that records an event and has not committed yet
    recorded, release, errors = threading.Event(), threading.Event(), []
    late: dict[str, int] = {}

    def slow_request() -> None:
        try:
            with transaction.atomic():
                late["sequence"] = audit_record(
                    actor=Actor.system(name="slow", organisation=organisation), action="audit.exported"
                ).pk
                recorded.set()
                release.wait(timeout=10)
        except BaseException as error:  # noqa: BLE001 - reported by the test
            errors.append(error)
        finally:
            connections.close_all()

    thread = threading.Thread(target=slow_request)
    thread.start()
    assert recorded.wait(timeout=10)
    # And a later event, with a higher sequence, committed and sealed meanwhile
    with transaction.atomic():
        quick = audit_record(actor=Actor.system(name="quick", organisation=organisation), action="audit.exported")
    assert quick.pk > late["sequence"]
    assert audit_seal_pending().sealed == 1
    # When the slow transaction commits and the sealer runs again
    release.set()
    thread.join()
    assert errors == []
    assert audit_seal_pending().sealed == 1
    # Then the late event is sealed after the quick one, not skipped, and the chain verifies
    positions = dict(AuditSeal.objects.values_list("event_id", "position"))
    assert positions == {quick.pk: 1, late["sequence"]: 2}
    assert audit_chain_verify().ok


@pytest.mark.django_db
def test_the_routine_scan_skips_old_sealed_events_but_a_full_scan_finds_a_straggler(actor, record, settings):
    # Given events older than the late-commit horizon, all sealed, and the scan floor moved past them
    settings.AUDIT_LATE_COMMIT_SECONDS = 0
    first = record(actor)
    audit_seal_pending()
    assert AuditChainHead.objects.get().scan_from_sequence == first.pk
    # When an event with a sequence below the floor appears (a transaction that outlived the horizon)
    straggler = AuditEvent.objects.create(
        occurred_at=first.occurred_at, action="audit.exported", sequence=first.pk - 1 if first.pk > 1 else 0
    )
    # Then the routine run does not see it, and the full scan seals it
    assert audit_seal_pending().sealed == 0
    assert audit_seal_pending(full_scan=True).sealed == 1
    assert AuditSeal.objects.get(event=straggler).position == 2
