"""Send windows with a controlled clock: a message created at night waits for the morning, and
is sent then, never dropped."""

import datetime as dt

import pytest
import time_machine
from django.test import override_settings

from notifyadmin.accounts.roles import Role
from notifyadmin.core.actor import Actor
from notifyadmin.sending import seams
from notifyadmin.sending.dispatch.engine import dispatch_once
from notifyadmin.sending.models import Message, MessageSource
from notifyadmin.sending.services import MessageRequest, messages_create
from notifyadmin.sending.status import DeferReason, MessageStatus
from templates_app.models import MessageTemplate

from .fakes import ScriptedProvider

pytestmark = pytest.mark.django_db
LONDON_NIGHT = dt.datetime(2026, 12, 1, 21, 30, tzinfo=dt.UTC)  # winter: London is UTC


@pytest.fixture(autouse=True)
def fixed_decisions(monkeypatch):
    monkeypatch.setattr(seams, "contact_decisions_for", lambda ms: {m.id: seams.ChannelPlan(("nhsapp",)) for m in ms})
    monkeypatch.setattr(seams, "payload_for", lambda message, channels: {"body": "Hello"})


def test_a_message_created_at_night_waits_for_the_window_and_is_sent_in_the_morning(
    published_version, patient, make_staff, organisation
):
    MessageTemplate.objects.filter(pk=published_version.template_id).update(
        send_any_time=False, send_window_start=dt.time(8), send_window_end=dt.time(20), sensitivity="routine"
    )
    published_version.template.refresh_from_db()
    desk = Actor.staff(user=make_staff(Role.SERVICE_DESK), role=Role.SERVICE_DESK, organisation=organisation)
    provider = ScriptedProvider()
    with override_settings(DISPATCH_NUDGE_ENABLED=False, DISPATCH_RATE_PER_SECOND=1000, DISPATCH_RATE_BURST=1000):
        with time_machine.travel(LONDON_NIGHT, tick=False):
            (message,) = messages_create(
                actor=desk,
                requests=[MessageRequest(patient=patient, version=published_version)],
                source=MessageSource.MANUAL,
                reason="Test",
            )
            stored = Message.objects.get(id=message.id)
            assert (stored.status, stored.status_reason) == (MessageStatus.DEFERRED, DeferReason.SEND_WINDOW)
            assert stored.send_after == dt.datetime(2026, 12, 2, 8, 0, tzinfo=dt.UTC)
        with time_machine.travel(dt.datetime(2026, 12, 2, 7, 59, tzinfo=dt.UTC), tick=False):
            assert dispatch_once(provider=provider, worker="w").claimed == 0
        with time_machine.travel(dt.datetime(2026, 12, 2, 8, 0, 1, tzinfo=dt.UTC), tick=False):
            assert dispatch_once(provider=provider, worker="w").accepted == 1
    assert list(Message.objects.get(id=message.id).events.values_list("status", flat=True)) == [
        MessageStatus.CREATED,
        MessageStatus.DEFERRED,
        MessageStatus.SENDING,
        MessageStatus.ACCEPTED,
    ]
