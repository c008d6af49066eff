"""Send-pipeline figures: messages from the outbox to "accepted" by the local NHS Notify sandbox,
with dispatcher worker processes on the real database, and beside it the floor: the same
messages posted as pre-built batch requests to the same sandbox.

The sandbox runs in its own process (as in `make run`), so it does not share the dispatchers'
interpreter. Dispatchers are `manage.py dispatch` processes (as many as there are cores), the
same code the Celery task runs, claiming with SKIP LOCKED on PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
import os
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import requests
from django.conf import settings
from django.db import connection
from django.utils import timezone

MESSAGES = int(os.environ.get("BENCH_SEND_MESSAGES", "100000"))
# Messages claimed per pass: the product's own DISPATCH_BATCH_SIZE unless the run says otherwise.
BATCH = int(os.environ.get("BENCH_SEND_BATCH", "0")) or settings.DISPATCH_BATCH_SIZE
WORKERS = int(os.environ.get("BENCH_SEND_WORKERS", str(os.cpu_count() or 2)))
ROOT = Path(__file__).resolve().parents[2]
FREE_TEXT_NHSAPP = "00000000-0000-0000-0000-000000000001"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _sandbox() -> tuple[subprocess.Popen[bytes], str]:
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "notifyadmin.sandboxes.nhs_notify", "--host", "127.0.0.1", "--port", str(port)],
        cwd=ROOT,
        env={**os.environ, "NOTIFY_ENVIRONMENT": "local", "NHS_NOTIFY_SANDBOX_STEP_SECONDS": "3600"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    for _ in range(200):
        try:
            requests.get(f"{url}/_sandbox/", timeout=1)
            return process, url
        except requests.ConnectionError:
            time.sleep(0.05)
    raise RuntimeError("the sandbox did not start")


def _outbox(count: int) -> None:
    """`count` queued messages of one published template to distinct test patients, in bulk."""
    from notifyadmin.accounts.models import Organisation, StaffUser
    from notifyadmin.sending.models import Message, MessageSource
    from notifyadmin.sending.status import MessageStatus
    from preferences.identifiers import lookup_hash
    from preferences.models import ContactPoint, Patient
    from preferences.nhs_number import synthetic_nhs_number
    from templates_app.models import MessageTemplate, TemplateVersion, VersionContent, VersionStatus, content_hash_of

    organisation = Organisation.objects.create(ods_code="RB2", name="Benchmark Send Trust")
    owner = StaffUser.objects.create(username="bench-owner")
    template = MessageTemplate.objects.create(
        organisation=organisation,
        name="Bench",
        purpose="appointments",
        owner=owner,
        routing_plan_id=FREE_TEXT_NHSAPP,
        channels=["nhsapp"],
        send_any_time=True,
        sensitivity="urgent",
    )
    body = "Your appointment is on {{ appointment_date }}. Call us if you cannot come."
    schema = [
        {
            "name": "appointment_date",
            "type": "text",
            "max_length": 40,
            "personal_data": "low",
            "sample_value": "1 December",
        }
    ]
    version = TemplateVersion.objects.create(
        organisation=organisation,
        template=template,
        author=owner,
        major=1,
        minor=0,
        channels=["nhsapp"],
        personalisation_schema=schema,
    )
    VersionContent.objects.create(version=version, channel="nhsapp", language="en", body=body)
    content_hash = content_hash_of(
        channels=["nhsapp"], schema=schema, contents=[{"channel": "nhsapp", "language": "en", "body": body}]
    )
    TemplateVersion.objects.filter(pk=version.pk).update(status=VersionStatus.PUBLISHED, content_hash=content_hash)
    MessageTemplate.objects.filter(pk=template.pk).update(published_version=version)
    numbers, seed = [], 1
    seen: set[str] = set()
    while len(numbers) < count:
        number = synthetic_nhs_number(seed)
        seed += 1
        if number not in seen:
            seen.add(number)
            numbers.append(number)
    patients = [
        Patient(
            organisation=organisation,
            nhs_number=n,
            nhs_number_hash=lookup_hash(kind="nhs_number", normalised=n),
            given_name="Bench",
            family_name="Patient",
        )
        for n in numbers
    ]
    Patient.objects.bulk_create(patients, batch_size=5000)
    ContactPoint.objects.bulk_create(
        [ContactPoint(patient=p, kind="nhsapp", value="enabled", source="other_system") for p in patients],
        batch_size=5000,
    )
    now = timezone.now()
    Message.objects.bulk_create(
        [
            Message(
                organisation=organisation,
                patient=p,
                template=template,
                template_version_id=version.pk,
                category="appointments",
                personalisation={"appointment_date": "Tuesday 1 December 2026"},
                routing_plan_id=FREE_TEXT_NHSAPP,
                channels=["nhsapp"],
                send_after=now - dt.timedelta(seconds=1),
                source=MessageSource.EVENT,
                status=MessageStatus.QUEUED,
                status_changed_at=now,
                created_at=now,
            )
            for p in patients
        ],
        batch_size=5000,
    )


def _vm_hwm_kib(pid: int) -> int:
    """A running process's peak resident memory so far (0 once it has gone)."""
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except (FileNotFoundError, ProcessLookupError):
        return 0
    return 0


def _dispatch(url: str) -> tuple[float, int]:
    """Run WORKERS dispatcher processes until the outbox is empty; (seconds, peak RSS KiB)."""
    from notifyadmin.sending.models import Message
    from notifyadmin.sending.status import MessageStatus

    settings_dict = connection.settings_dict
    database_url = (
        f"postgres://{settings_dict['USER']}@{settings_dict['HOST'] or '127.0.0.1'}:{settings_dict['PORT'] or 5432}/"
        f"{settings_dict['NAME']}"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "notifyadmin.settings.test",
        "DATABASE_URL": database_url,
        "NOTIFY_ENVIRONMENT": "local",
        "NOTIFY_API_BASE_URL": url,
        "DISPATCH_RATE_PER_SECOND": "100000",
        "DISPATCH_RATE_BURST": "100000",
        "DISPATCH_NUDGE_ENABLED": "false",
    }
    started = time.perf_counter()
    workers = [
        subprocess.Popen(
            [sys.executable, "manage.py", "dispatch", "--batch-size", str(BATCH)],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
        )
        for _ in range(WORKERS)
    ]
    # Each dispatcher's own peak RSS (VmHWM), read while it runs. Not ru_maxrss: Linux carries a
    # forked child's high-water mark over from the parent (this process, holding the outbox it
    # built), so that figure is this process's, not the dispatcher's.
    peak_kib = 0
    while any(worker.poll() is None for worker in workers):
        for worker in workers:
            peak_kib = max(peak_kib, _vm_hwm_kib(worker.pid))
        time.sleep(0.1)
    seconds = time.perf_counter() - started
    accepted = Message.objects.filter(status=MessageStatus.ACCEPTED).count()
    if accepted != MESSAGES:
        raise RuntimeError(f"only {accepted} of {MESSAGES} messages were accepted")
    return seconds, peak_kib


def _floor(url: str) -> float:
    """The same number of messages posted as pre-built batch requests: the sandbox's ceiling."""
    from notifyadmin.sending.providers.base import BatchRequest, OutboundMessage
    from notifyadmin.sending.providers.payloads import batch_body_bytes
    from preferences.nhs_number import synthetic_nhs_number

    number = synthetic_nhs_number(1)
    bodies = [
        batch_body_bytes(
            BatchRequest(
                routing_plan_id=FREE_TEXT_NHSAPP,
                message_batch_reference=str(uuid.uuid4()),
                messages=tuple(
                    OutboundMessage(
                        message_reference=str(uuid.uuid4()),
                        nhs_number=number,
                        personalisation={"body": "Your appointment is on Tuesday 1 December 2026."},
                    )
                    for _ in range(BATCH)
                ),
            )
        )
        for _ in range(MESSAGES // BATCH)
    ]
    headers = {"Content-Type": "application/vnd.api+json"}
    started = time.perf_counter()
    with requests.Session() as session:
        for body in bodies:
            response = session.post(f"{url}/v1/message-batches", data=body, headers=headers, timeout=60)
            if response.status_code != 201:
                raise RuntimeError(f"floor request answered {response.status_code}")
    return time.perf_counter() - started


def run(figure) -> None:  # type: ignore[no-untyped-def]
    if connection.vendor != "postgresql":
        print("# sending benchmark skipped: it needs PostgreSQL (set DATABASE_URL)", flush=True)
        return
    _outbox(MESSAGES)
    connection.close()
    sandbox, url = _sandbox()
    try:
        seconds, peak_kib = _dispatch(url)
        figure(f"send_outbox_to_accepted_{MESSAGES}_msgs_{WORKERS}_workers", MESSAGES / seconds, "msgs/s")
        figure("send_dispatcher_peak_rss", peak_kib / 1024, "MiB")
        figure(f"send_floor_prebuilt_batches_{MESSAGES}_msgs", MESSAGES / _floor(url), "msgs/s")
    finally:
        sandbox.terminate()
        sandbox.wait(timeout=10)
