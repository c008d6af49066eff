"""Demo event intake for `make run`: the appointment events mapped to the demo's published
appointment templates (reminders 7 days and 1 day before), set by the demo operations member,
and a demo client system (a hospital's patient administration system) that may post events.

Its API key is shown once, as every key is: seed_demo writes it to DEMO_CLIENT_KEY_FILE (mode
600, in var/) and prints where. If that file is gone, the demo administrator rotates the key
and writes the new one. Safe to run twice."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

from django.conf import settings

from notifyadmin.accounts.roles import Permission, Role
from notifyadmin.core.demo import DemoContext
from notifyadmin.intake.mappings import mapping_set
from notifyadmin.intake.models import EventMapping, EventType
from notifyadmin.integrations.models import ApiClient
from notifyadmin.integrations.services import api_client_create, api_key_rotate
from templates_app.models import MessageTemplate

DEMO_CLIENT_ID = "demo-pas"
DEMO_CLIENT_NAME = "Northfield patient administration system (demo)"
DEMO_MAPPINGS = {
    EventType.APPOINTMENT_BOOKED: "Appointment booked",
    EventType.APPOINTMENT_RESCHEDULED: "Appointment changed",
    EventType.APPOINTMENT_CANCELLED: "Appointment cancelled",
    EventType.APPOINTMENT_REMINDER: "Appointment reminder",
}
DEMO_REMINDER_OFFSETS_HOURS = (168, 24)


def seed(context: DemoContext) -> None:
    _seed_mappings(context)
    _seed_client(context)


def _seed_mappings(context: DemoContext) -> None:
    if "operations" not in context.people:
        return
    operations = context.actor_for("operations", Role.OPERATIONS)
    mapped = set(EventMapping.objects.filter(organisation=context.organisation).values_list("event_type", flat=True))
    for event_type, name in DEMO_MAPPINGS.items():
        template = MessageTemplate.objects.filter(
            organisation=context.organisation, name=name, published_version__isnull=False
        ).first()
        if event_type in mapped or template is None:
            continue
        offsets = DEMO_REMINDER_OFFSETS_HOURS if event_type == EventType.APPOINTMENT_REMINDER else ()
        mapping_set(actor=operations, event_type=event_type, template=template, reminder_offsets_hours=offsets)


def _seed_client(context: DemoContext) -> None:
    if "admin" not in context.people:
        return
    admin = context.actor_for("admin", Role.ADMINISTRATOR)
    key_file = Path(settings.DEMO_CLIENT_KEY_FILE) if settings.DEMO_CLIENT_KEY_FILE else None
    client = ApiClient.objects.filter(client_id=DEMO_CLIENT_ID).first()
    key = ""
    if client is None:
        client, key = api_client_create(
            actor=admin,
            name=DEMO_CLIENT_NAME,
            client_id=DEMO_CLIENT_ID,
            permissions=[Permission.EVENT_SUBMIT.value],
            reason="Demo: the hospital's patient administration system sends appointment events",
        )
    elif key_file is not None and not key_file.exists():
        _, key = api_key_rotate(
            actor=admin,
            client=client,
            grace=dt.timedelta(0),
            reason="Demo: the key file was removed, so the demo client system gets a new key",
        )
    if key and key_file is not None:
        key_file.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            handle.write(key + "\n")
    context.notes.append(f"Demo client system {DEMO_CLIENT_ID!r} may post appointment events (docs/intake.md):")
    if key_file is not None:
        context.notes.append(f"  its API key is in {key_file}")
    elif key:
        context.notes.append(f"  its API key (shown once): {key}")
