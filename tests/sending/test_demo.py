"""The demo's message history: every way a message can go, each with its timeline."""

import pytest

from notifyadmin.core.demo import seed_demo
from notifyadmin.sending.models import Message
from notifyadmin.sending.status import MessageStatus

pytestmark = pytest.mark.django_db


def test_the_demo_seeds_a_message_history_once():
    seed_demo(password="demo-test-password")
    seed_demo(password="demo-test-password")
    stories = sorted(
        (m.status, m.status_reason, tuple(m.events.values_list("status", flat=True))) for m in Message.objects.all()
    )
    assert [s[:2] for s in stories] == [
        (MessageStatus.DELIVERED, ""),
        (MessageStatus.FAILED, "permanent_failure"),
        (MessageStatus.NOT_SENT, "opted_out"),
        (MessageStatus.READ, ""),
    ]
    read = next(s for s in stories if s[0] == MessageStatus.READ)
    assert read[2][-4:] == ("sending", "accepted", "delivered", "read")
    assert {m.authorised_by.username for m in Message.objects.select_related("authorised_by")} == {"servicedesk"}


def test_each_demo_story_uses_a_template_with_the_channel_its_receipts_come_by():
    seed_demo(password="demo-test-password")
    failed = Message.objects.select_related("template").get(status=MessageStatus.FAILED)
    assert (failed.template.name, "email" in failed.channels) == ("Screening invitation", True)
    read = Message.objects.get(status=MessageStatus.READ)
    assert "nhsapp" in read.channels
