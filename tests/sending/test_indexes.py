"""The message table is rewritten on every status change, so it keeps only the indexes its
queries use, and the status-bound ones are partial. These tests hold the dispatcher's own
queries to those partial indexes: if a query stops matching an index's condition, PostgreSQL
silently falls back to reading the whole table of sent messages."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from notifyadmin.sending.dispatch.recovery import leases_reap
from notifyadmin.sending.dispatch.store import claim_due

pytestmark = pytest.mark.django_db


def _plan(sql: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN " + sql)
        return "\n".join(row[0] for row in cursor.fetchall())


def _last_message_query(run) -> str:  # type: ignore[no-untyped-def]
    with CaptureQueriesContext(connection) as queries:
        run()
    return next(q["sql"] for q in queries if "sending_message" in q["sql"])


def test_the_claim_reads_the_partial_index_of_waiting_messages(require_postgresql):
    sql = _last_message_query(lambda: claim_due(limit=100, worker="w", lease=dt.timedelta(seconds=60)))
    assert "Index Scan using message_due on sending_message" in _plan(sql)


def test_the_lease_reaper_reads_the_partial_index_of_held_messages(require_postgresql):
    sql = _last_message_query(leases_reap)
    assert "using message_lease on sending_message" in _plan(sql)


def test_the_message_table_has_only_the_indexes_its_queries_use(require_postgresql):
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname FROM pg_indexes WHERE tablename = 'sending_message' ORDER BY indexname")
        names = [row[0] for row in cursor.fetchall()]
    assert names == [
        "message_due",
        "message_lease",
        "message_notify_id",
        "message_org_status",
        "message_patient_history",
        "message_subject",
        "message_tests_of_staff",
        "sending_message_batch_id_dfe6b153",
        "sending_message_pkey",
    ]
