"""Event intake figure: events accepted per second through POST /api/v1/events over real HTTP,
against gunicorn with 2 workers on the benchmark's PostgreSQL test database.

Each event is a distinct appointment booked (a confirmation and two reminders created), sent by
CLIENTS concurrent HTTP clients, each request with its own Idempotency-Key. PostgreSQL only: an
SQLite in-memory database cannot be shared with the gunicorn workers.
"""

import os
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests
from django.conf import settings
from django.db import connection

EVENTS = int(os.environ.get("BENCH_INTAKE_EVENTS", "600"))
CLIENTS = 8
NHS_NUMBER = "9990548609"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _seed() -> str:
    from notifyadmin.accounts.models import Organisation
    from notifyadmin.accounts.roles import Permission
    from notifyadmin.intake.models import EventMapping, EventType
    from tests.factories import StaffUserFactory
    from tests.intake.conftest import DATE_FIELD, TIME_FIELD, make_patient, make_template
    from tests.integrations.helpers import issue_key

    organisation = Organisation.objects.create(ods_code="RX9", name="Intake Benchmark Trust")
    owner = StaffUserFactory()
    make_patient(organisation, NHS_NUMBER)
    booked = make_template(organisation, owner, "Booked", [DATE_FIELD, TIME_FIELD])
    reminder = make_template(organisation, owner, "Reminder", [DATE_FIELD])
    EventMapping.objects.create(organisation=organisation, event_type=EventType.APPOINTMENT_BOOKED, template=booked)
    EventMapping.objects.create(
        organisation=organisation,
        event_type=EventType.APPOINTMENT_REMINDER,
        template=reminder,
        reminder_offsets_hours=[168, 24],
    )
    return issue_key(organisation, client_id="bench-pas", permissions=(Permission.EVENT_SUBMIT.value,))


def _gunicorn(port: int) -> subprocess.Popen[bytes]:
    db = connection.settings_dict
    url = f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "notifyadmin.settings.test",
        "DATABASE_URL": url,
        "DISPATCH_NUDGE_ENABLED": "0",
    }
    command = [
        str(Path(sys.executable).parent / "gunicorn"),
        "notifyadmin.wsgi:application",
        "--workers",
        "2",
        "--bind",
        f"127.0.0.1:{port}",
        "--log-level",
        "warning",
    ]
    return subprocess.Popen(command, env=env, cwd=settings.BASE_DIR)


def _wait_until_up(base: str) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            requests.get(f"{base}/api/v1/events", timeout=10)
            return
        except requests.RequestException:
            time.sleep(0.2)
    raise RuntimeError("gunicorn did not start within 60 seconds")


def run(figure: Callable[[str, float, str], None]) -> None:
    if connection.vendor != "postgresql":
        print("intake_events_http needs PostgreSQL (set DATABASE_URL): not measured", flush=True)
        return
    key = _seed()
    port = _free_port()
    server = _gunicorn(port)
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(base)
        sessions = [requests.Session() for _ in range(CLIENTS)]
        for session in sessions:
            session.headers.update({"Authorization": f"Bearer {key}", "Content-Type": "application/json"})

        def send(index: int) -> int:
            body = {
                "type": "appointment_booked",
                "subject_id": f"bench-{index}",
                "sequence": 1,
                "nhs_number": NHS_NUMBER,
                "appointment": {"start": "2099-05-01T09:30:00+00:00"},
            }
            response = sessions[index % CLIENTS].post(
                f"{base}/api/v1/events", json=body, headers={"Idempotency-Key": str(uuid.uuid4())}, timeout=30
            )
            return response.status_code

        for warm in range(CLIENTS):  # each worker's first request loads the app
            send(EVENTS + warm)
        started = time.perf_counter()
        with ThreadPoolExecutor(CLIENTS) as pool:
            statuses = list(pool.map(send, range(EVENTS)))
        seconds = time.perf_counter() - started
        if statuses.count(202) != EVENTS:
            raise RuntimeError(f"not every event was accepted: {sorted(set(statuses))}")
        figure("intake_events_http", EVENTS / seconds, "events/s")
    finally:
        server.terminate()
        server.wait(timeout=30)
