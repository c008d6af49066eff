"""`make bench`: measured figures, one line each (`BENCH <name> <value> <unit>`). Not part of
`make test`.

Runs against a throwaway test database (SQLite in memory, or DATABASE_URL's server with a
`test_` prefix), so it never touches real data.
"""

import os

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "notifyadmin.settings.test")
django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402


def main() -> None:
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        from tests.benchmarks import audit_bench, nhs_notify_sandbox, sending_bench

        audit_bench.run()
        nhs_notify_sandbox.run(audit_bench.figure)
        sending_bench.run(audit_bench.figure)
        from tests.benchmarks import intake_bench

        intake_bench.run(audit_bench.figure)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
