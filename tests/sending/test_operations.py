"""The operations view of the send pipeline (/sending/operations/ and the operations home
panel): read-only, the acting organisation's messages only, the breaker as it is."""

import datetime as dt
import re

import pytest
from django.utils import timezone

from notifyadmin.accounts.roles import Role
from notifyadmin.core.actor import Actor
from notifyadmin.core.errors import PermissionRefused
from notifyadmin.sending.models import KillSwitch, Message, OutboundBatch, ProviderState
from notifyadmin.sending.operations import breaker_of, duration_text, operations_home_items, pipeline_state
from notifyadmin.sending.status import MessageStatus
from tests.sending.conftest import FREE_TEXT_NHSAPP_PLAN


def text_of(response) -> str:
    html = response.content.decode()
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


@pytest.fixture
def ops(make_staff, organisation):
    user = make_staff(Role.OPERATIONS, first_name="Aisha", last_name="Begum")
    return Actor.staff(user=user, role=Role.OPERATIONS, organisation=organisation)


def test_duration_text_reads_as_words():
    assert duration_text(30) == "less than a minute"
    assert duration_text(60) == "1 minute"
    assert duration_text(3 * 3600 + 5 * 60) == "3 hours 5 minutes"
    assert duration_text(2 * 86400 + 4 * 3600 + 59) == "2 days 4 hours"


def test_given_nothing_has_happened_when_operations_open_the_page_then_each_empty_part_says_what_would_appear(
    client_for,
):
    response = client_for(Role.OPERATIONS).get("/sending/operations/")

    assert response.status_code == 200
    text = text_of(response)
    assert "No kill switch is on. If one is switched on, it appears here with who did it and why." in text
    assert "NHS Notify : Closed: messages are being sent as usual." in text
    assert "No message is queued. Messages wait here between being checked and being sent." in text
    assert "None. A batch appears here when NHS Notify did not answer in time." in text
    assert "No message has been created today." in text


def test_given_no_operations_role_when_the_page_is_opened_then_it_is_refused(client_for, ops):
    assert client_for(Role.SERVICE_DESK).get("/sending/operations/").status_code == 403
    desk = Actor.staff(user=ops.user, role=Role.SERVICE_DESK, organisation=ops.organisation)
    with pytest.raises(PermissionRefused):
        pipeline_state(actor=desk)


def test_given_a_stopped_and_stuck_pipeline_when_read_then_it_shows_switches_queue_batches_and_breaker(
    ops, organisation, other_organisation, make_messages, make_staff
):
    now = timezone.now()
    KillSwitch.objects.create(
        organisation=organisation, reason="Wrong clinic address", set_by=ops.user, set_at=now - dt.timedelta(minutes=5)
    )
    messages = make_messages(2, status=MessageStatus.QUEUED)
    Message.objects.filter(pk=messages[0].pk).update(status_changed_at=now - dt.timedelta(hours=2, minutes=10))
    make_messages(1, status=MessageStatus.DELIVERED)
    for organisation_of_batch in (organisation, other_organisation):
        OutboundBatch.objects.create(
            organisation=organisation_of_batch,
            routing_plan_id=FREE_TEXT_NHSAPP_PLAN,
            status=OutboundBatch.Status.UNKNOWN,
            message_count=1,
        )
    ProviderState.objects.create(provider="nhs_notify", consecutive_failures=5, opened_at=now - dt.timedelta(seconds=5))

    state = pipeline_state(actor=ops, now=now)

    assert [switch.reason for switch in state.kill_switches] == ["Wrong clinic address"]
    assert {item.status: item.count for item in state.today if item.count} == {"queued": 2, "delivered": 1}
    assert state.today_total == 3
    assert state.oldest_queued_age == "2 hours 10 minutes"
    assert state.batches_waiting == 1  # the other organisation's is not counted
    assert [(breaker.label, breaker.state) for breaker in state.breakers] == [("NHS Notify", "open")]
    assert state.breakers[0].description.startswith("Open since ")
    assert "after 5 failed requests in a row. Nothing is sent to NHS Notify until " in state.breakers[0].description

    items = operations_home_items(ops)
    assert [item.text for item in items] == [
        "Sending stopped for your organisation",
        "Sending to NHS Notify is paused after failed requests",
        "1 batch waiting to be sent again",
        "Messages queued",
    ]
    assert items[0].href == "/sending/kill-switches/"
    assert items[0].note.startswith("by Aisha Begum, ")
    assert items[0].note.endswith(": Wrong clinic address")
    assert items[3].note.startswith("oldest 2 hours")


def test_breaker_states_in_words(settings):
    settings.CIRCUIT_COOL_OFF_SECONDS = 30
    now = timezone.now()
    closed = breaker_of(None, "nhs_notify", now=now)
    assert (closed.state, closed.description) == ("closed", "Closed: messages are being sent as usual.")
    failing = breaker_of(ProviderState(provider="nhs_notify", consecutive_failures=2), "nhs_notify", now=now)
    assert failing.description == "Closed: messages are being sent as usual. 2 failed requests in a row so far."
    probing = breaker_of(
        ProviderState(provider="nhs_notify", consecutive_failures=6, opened_at=now - dt.timedelta(minutes=1)),
        "nhs_notify",
        now=now,
    )
    assert probing.state == "probing"
    assert probing.description.endswith(
        "after 6 failed requests in a row. The wait is over: the next request is a trial, and it closes again "
        "if that request succeeds."
    )


def test_given_an_open_breaker_when_operations_open_their_home_then_the_panel_shows_it(client_for, ops):
    ProviderState.objects.create(provider="nhs_notify", consecutive_failures=5, opened_at=timezone.now())
    client = client_for(Role.OPERATIONS, user=ops.user)

    text = text_of(client.get("/"))

    assert "Sending today" in text
    assert "Sending to NHS Notify is paused after failed requests" in text
    assert "Everything is running as usual" not in text


def test_given_everything_running_when_operations_open_their_home_then_the_panel_says_so(client_for):
    text = text_of(client_for(Role.OPERATIONS).get("/"))

    assert (
        "Everything is running as usual: no kill switch is on, NHS Notify is accepting messages and no message is "
        "waiting in the queue. Anything stopped or stuck will appear here."
    ) in text
    assert "See the state of sending" in text
