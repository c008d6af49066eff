"""Celery: every queue has a consumer; a task goes through the real broker and back."""

import os
import re
import time
from pathlib import Path

import pytest
from django.conf import settings

from audit.models import AuditEvent, AuditVerification
from notifyadmin.core.queues import all_queues
from tests.services import missing_service


def test_every_queue_has_a_consumer_in_the_procfile():
    procfile = (Path(settings.BASE_DIR) / "Procfile").read_text()
    worker = next(line for line in procfile.splitlines() if line.startswith("worker:"))
    consumed = set(re.search(r"--queues=(\S+)", worker).group(1).split(","))
    assert set(all_queues()) <= consumed


def test_every_task_is_routed_to_a_known_queue():
    from notifyadmin.celery import app

    app.loader.import_default_modules()
    ours = {name: task for name, task in app.tasks.items() if not name.startswith("celery.")}
    assert ours
    for name, task in ours.items():
        assert (task.queue or settings.CELERY_TASK_DEFAULT_QUEUE) in all_queues(), name


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_the_audit_verification_task_runs_through_redis_and_a_real_worker():
    broker = os.environ.get("CELERY_BROKER_URL", "")
    if not broker.startswith("redis://"):
        missing_service("Redis (set CELERY_BROKER_URL=redis://...)")
    from celery.contrib.testing.worker import start_worker

    from audit.tasks import verify_audit_chain
    from notifyadmin.celery import app

    app.conf.broker_url = broker
    with start_worker(app, queues=list(all_queues()), perform_ping_check=False, shutdown_timeout=10):
        verify_audit_chain.apply_async()
        # The outcome is read from the database, not a result backend: an earlier apply_async in
        # this process (the audit sealer's nudge) fixes the app's backend for good.
        deadline = time.monotonic() + 20
        while not AuditVerification.objects.filter(status="passed").exists() and time.monotonic() < deadline:
            time.sleep(0.1)
    assert AuditVerification.objects.get().status == "passed"
    assert AuditEvent.objects.filter(action="audit.chain.verified", system_client="scheduler").count() == 1
