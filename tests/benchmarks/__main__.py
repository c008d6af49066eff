"""`make bench`: measured figures, one line each. Not part of `make test`.

Runs against a throwaway test database (SQLite in memory, or DATABASE_URL's server with a
`test_` prefix), so it never touches real data.
"""

import os
import time
import tracemalloc
from collections.abc import Callable

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "notifyadmin.settings.test")
django.setup()

from django.db import connection, transaction  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

EVENTS = int(os.environ.get("BENCH_AUDIT_EVENTS", "5000"))


def figure(name: str, value: float, unit: str) -> None:
    print(f"{name}: {value:,.1f} {unit}")


def timed(work: Callable[[], object]) -> float:
    started = time.perf_counter()
    work()
    return time.perf_counter() - started


def main() -> None:
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        run()
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


def run() -> None:
    from audit.selectors import AuditFilter, audit_events_for_export
    from audit.services import audit_chain_verify, audit_record
    from audit.views import _csv_rows
    from notifyadmin.accounts.models import Organisation
    from notifyadmin.core.actor import Actor

    organisation = Organisation.objects.create(ods_code="RB1", name="Benchmark Trust")
    actor = Actor.system(name="benchmark", organisation=organisation)

    def write_events() -> None:
        for index in range(EVENTS):
            with transaction.atomic():
                audit_record(
                    actor=actor,
                    action="auth.signed_out",
                    target_type="staff_user",
                    target_id=str(index),
                    details={"n": index},
                )

    seconds = timed(write_events)
    figure(f"audit_record, {connection.vendor}, one transaction each", EVENTS / seconds, "events/s")

    result = None

    def verify() -> None:
        nonlocal result
        result = audit_chain_verify()

    seconds = timed(verify)
    assert result is not None and result.ok and result.checked == EVENTS
    figure(f"verify_audit_chain, {connection.vendor}", EVENTS / seconds, "events/s")

    rows = 0

    def export() -> None:
        nonlocal rows
        rows = 0
        for _ in _csv_rows(audit_events_for_export(filters=AuditFilter(organisations=(organisation,)))):
            rows += 1

    seconds = timed(export)
    figure(f"audit CSV export, {connection.vendor}", (rows - 1) / seconds, "rows/s")
    # Memory is measured on a second run: tracemalloc slows Python down several times over.
    tracemalloc.start()
    export()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    figure(f"audit CSV export peak Python memory for {rows - 1} rows", peak / 1024 / 1024, "MiB")

    from tests.benchmarks import nhs_notify_sandbox

    nhs_notify_sandbox.run(figure)


if __name__ == "__main__":
    main()
