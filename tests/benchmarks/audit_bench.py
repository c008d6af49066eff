"""Audit trail figures: `audit_record` throughput with 1 and 8 concurrent writers, sealing,
verification and CSV export.

Each writer is a thread with its own database connection. Each event is written in its own
transaction together with a little other work, as a real request has: a read of the
organisation before, and a short pause after (`REQUEST_WORK_SECONDS`, a stand-in for the rest
of the request's queries and rendering inside the same transaction), then commit. A design that
holds a global lock from `audit_record` until commit makes every writer wait out that work.
"""

import os
import threading
import time
import tracemalloc
from collections.abc import Callable

from django.db import connection, connections, transaction

EVENTS_PER_RUN = int(os.environ.get("BENCH_AUDIT_EVENTS", "1600"))
REQUEST_WORK_SECONDS = float(os.environ.get("BENCH_REQUEST_WORK_SECONDS", "0.002"))


def figure(name: str, value: float, unit: str) -> None:
    print(f"BENCH {name} {value:.1f} {unit}", flush=True)


def timed(work: Callable[[], object]) -> float:
    started = time.perf_counter()
    work()
    return time.perf_counter() - started


def _writers(*, count: int, events: int, organisation_id: object) -> float:
    """Run `count` threads writing `events` events between them; the elapsed seconds."""
    from audit.services import audit_record
    from notifyadmin.accounts.models import Organisation
    from notifyadmin.core.actor import Actor

    per_writer = events // count
    start = threading.Barrier(count + 1)
    errors: list[BaseException] = []

    def write(writer: int) -> None:
        try:
            start.wait()
            for index in range(per_writer):
                with transaction.atomic():
                    organisation = Organisation.objects.get(pk=organisation_id)
                    audit_record(
                        actor=Actor.system(name="benchmark", organisation=organisation),
                        action="auth.signed_out",
                        target_type="staff_user",
                        target_id=f"{writer}-{index}",
                        details={"n": index},
                    )
                    time.sleep(REQUEST_WORK_SECONDS)
        except BaseException as error:  # noqa: BLE001 - reported by the main thread
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=write, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    start.wait()
    started = time.perf_counter()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    if errors:
        raise errors[0]
    return elapsed


def run() -> None:
    from audit.selectors import AuditFilter, audit_events_for_export
    from audit.services import audit_chain_verify

    try:
        from audit.views.export import csv_rows
    except ImportError:  # the code before the sealer (the baseline run)
        from audit.views import _csv_rows as csv_rows  # type: ignore[attr-defined,no-redef]
    from notifyadmin.accounts.models import Organisation

    organisation = Organisation.objects.create(ods_code="RB1", name="Benchmark Trust")
    for count in (1, 8):
        seconds = _writers(count=count, events=EVENTS_PER_RUN, organisation_id=organisation.pk)
        figure(f"audit_record_{count}_writer{'s' if count > 1 else ''}", EVENTS_PER_RUN / seconds, "events/s")

    total = EVENTS_PER_RUN * 2
    seal = _sealer()
    if seal is not None:
        figure("audit_seal", total / timed(seal), "events/s")

    result = None

    def verify() -> None:
        nonlocal result
        result = audit_chain_verify()

    seconds = timed(verify)
    assert result is not None and result.ok and result.checked == total, result
    figure("audit_chain_verify", total / seconds, "events/s")

    rows = 0

    def export() -> None:
        nonlocal rows
        rows = 0
        for _ in csv_rows(audit_events_for_export(filters=AuditFilter(organisations=(organisation,)))):
            rows += 1

    seconds = timed(export)
    figure("audit_csv_export", (rows - 1) / seconds, "rows/s")
    # Memory is measured on a second run: tracemalloc slows Python down several times over.
    tracemalloc.start()
    export()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    figure(f"audit_csv_export_peak_memory_{rows - 1}_rows", peak / 1024 / 1024, "MiB")
    print(f"# database: {connection.vendor}; request work per event: {REQUEST_WORK_SECONDS * 1000:g} ms", flush=True)


def _sealer() -> Callable[[], object] | None:
    try:
        from audit.services import audit_seal_pending
    except ImportError:  # before the sealer existed (the baseline run)
        return None
    return lambda: audit_seal_pending(batch_size=1000)
