"""The dispatcher sends a test like any other message (batched, exactly once), to the staff
member's own contact details: it skips the template's publication, its send window and the
patient's preferences, and keeps kill switches, the environment's safety line and rendering."""

import datetime as dt
import time

import pytest
from django.test import override_settings
from django.utils import timezone

from notifyadmin.accounts.roles import Role
from notifyadmin.core.actor import Actor
from notifyadmin.sandboxes.nhs_notify import SandboxConfig, Timings, start_sandbox
from notifyadmin.sending.dispatch.engine import dispatch_once
from notifyadmin.sending.dispatch.recovery import batches_retry_due
from notifyadmin.sending.kill_switches import kill_switch_set
from notifyadmin.sending.models import Message, OutboundBatch
from notifyadmin.sending.providers.base import ContactDetails
from notifyadmin.sending.providers.nhs_notify import NhsNotifyProvider, Timeouts
from notifyadmin.sending.self_tests import self_test_create
from notifyadmin.sending.status import MessageStatus, NotSentReason
from notifyadmin.sending.windows import window_next_opening
from templates_app.models import MessageTemplate, TemplateVersion
from tests.sending.self_test_factories import VALUES, draft_reminder, single_channel_plans, staff_who_tests

from .fakes import ScriptedProvider

pytestmark = pytest.mark.django_db

KEY, APP = "self-test-callback-key", "self-test-application"


@pytest.fixture(autouse=True)
def fast_settings():
    with override_settings(
        DISPATCH_RATE_PER_SECOND=10_000,
        DISPATCH_RATE_BURST=10_000,
        DISPATCH_BACKOFF_BASE_SECONDS=0.0,
        DISPATCH_NUDGE_ENABLED=False,
    ):
        yield


@pytest.fixture
def draft(organisation, make_staff):
    single_channel_plans(organisation)
    version = draft_reminder(organisation=organisation, owner=make_staff())
    # A window that is always shut: a patient's message would wait; a test does not.
    MessageTemplate.objects.filter(pk=version.template_id).update(
        send_any_time=False, send_window_start=dt.time(0, 0), send_window_end=dt.time(0, 0)
    )
    return version


def _test(make_staff, organisation, version, channel="sms"):
    actor = staff_who_tests(make_staff, organisation)
    return self_test_create(actor=actor, version=version, channel=channel, language="en", personalisation=VALUES)


def test_a_draft_test_is_sent_once_to_the_staff_members_own_details(draft, make_staff, organisation):
    # Given a test by text message of a draft whose template's send window is shut
    message = _test(make_staff, organisation, draft)
    template = MessageTemplate.objects.get(pk=draft.template_id)
    shut = window_next_opening(
        at=timezone.now(), start=template.send_window_start, end=template.send_window_end, any_time=False
    )
    assert shut is not None  # a patient's message would be deferred now
    provider = ScriptedProvider()
    # When the dispatcher runs
    result = dispatch_once(provider=provider, worker="w1")
    # Then it is accepted, in one batch on the SMS-only plan, addressed to the designer's details
    assert (result.claimed, result.accepted, result.not_sent, result.deferred) == (1, 1, 0, 0)
    assert Message.objects.get(id=message.id).status == MessageStatus.ACCEPTED
    (request,) = provider.requests
    assert request.routing_plan_id == "00000000-0000-0000-0000-000000000003"
    (outbound,) = request.messages
    assert outbound.message_reference == str(message.id)
    assert outbound.nhs_number == "9990548609"
    assert outbound.contact_details == ContactDetails(sms="+447400000001")
    assert outbound.personalisation["sms_body"] == "Eye clinic on Monday 21 December 2026."
    assert Message.objects.get(id=message.id).planned_channels == ["sms"]
    # And a second pass sends nothing again
    assert dispatch_once(provider=provider, worker="w1").claimed == 0
    assert dict(provider.accepted) == {str(message.id): 1}


def test_an_identical_retry_after_an_unknown_outcome_goes_to_the_same_details(draft, make_staff, organisation):
    # Given a test whose first attempt's answer was lost after NHS Notify accepted it
    message = _test(make_staff, organisation, draft, channel="email")
    provider = ScriptedProvider(script=["accept-then-drop"])
    dispatch_once(provider=provider, worker="w1")
    # When the batch is retried
    OutboundBatch.objects.update(next_attempt_at=timezone.now())
    batches_retry_due(provider=provider)
    # Then the retry was the same request, and it is accepted once
    first, second = provider.requests
    assert first == second
    assert first.messages[0].contact_details == ContactDetails(email="delivered@example.com")
    assert Message.objects.get(id=message.id).status == MessageStatus.ACCEPTED
    assert dict(provider.accepted) == {str(message.id): 1}


def test_a_kill_switch_stops_a_test(draft, make_staff, organisation):
    message = _test(make_staff, organisation, draft)
    operations = Actor.staff(user=make_staff(Role.OPERATIONS), role=Role.OPERATIONS, organisation=organisation)
    kill_switch_set(actor=operations, reason="Incident", authenticated_at=timezone.now())
    provider = ScriptedProvider()
    dispatch_once(provider=provider, worker="w1")
    stored = Message.objects.get(id=message.id)
    assert (stored.status, stored.status_reason) == (MessageStatus.NOT_SENT, NotSentReason.KILL_SWITCH)
    assert provider.requests == []


@pytest.mark.hazard("HAZ-011")
def test_outside_production_a_test_to_anyone_but_a_test_recipient_is_not_sent(draft, make_staff, organisation):
    # Given a test whose recorded details are not test recipients (as if altered in the database)
    message = _test(make_staff, organisation, draft)
    Message.objects.filter(id=message.id).update(test_recipient={"nhs_number": "9434765919", "sms": "+447700900123"})
    provider = ScriptedProvider()
    dispatch_once(provider=provider, worker="w1")
    stored = Message.objects.get(id=message.id)
    assert (stored.status, stored.status_reason) == (MessageStatus.NOT_SENT, NotSentReason.NOT_A_TEST_RECIPIENT)
    assert provider.requests == []


def test_a_test_whose_draft_was_edited_after_it_is_not_sent(draft, make_staff, organisation):
    message = _test(make_staff, organisation, draft)
    TemplateVersion.objects.filter(pk=draft.pk).update(lock_version=draft.lock_version + 1)
    provider = ScriptedProvider()
    dispatch_once(provider=provider, worker="w1")
    stored = Message.objects.get(id=message.id)
    assert (stored.status, stored.status_reason) == (MessageStatus.NOT_SENT, NotSentReason.DRAFT_CHANGED)
    assert provider.requests == []


def test_personalisation_that_no_longer_fits_is_not_sent(draft, make_staff, organisation):
    message = _test(make_staff, organisation, draft)
    Message.objects.filter(id=message.id).update(personalisation={"clinic": "Eye clinic"})
    dispatch_once(provider=ScriptedProvider(), worker="w1")
    stored = Message.objects.get(id=message.id)
    assert (stored.status, stored.status_reason) == (MessageStatus.NOT_SENT, NotSentReason.INVALID_PERSONALISATION)


# The sandbox's receipts reach the live server's threads while the test reads: PostgreSQL (CI).
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_sandbox_receives_a_test_exactly_once_and_its_receipts_move_it_on(
    live_server, draft, make_staff, organisation
):
    # Given a test by text message, and the local NHS Notify sandbox calling this app back
    sandbox = start_sandbox(
        SandboxConfig(timings=Timings(step=0), callback_url=live_server.url, callback_api_key=KEY, application_id=APP),
        environ={},
    )
    try:
        with override_settings(NOTIFY_CALLBACK_API_KEY=KEY, NOTIFY_APPLICATION_ID=APP):
            message = _test(make_staff, organisation, draft)
            provider = NhsNotifyProvider(
                environment="local", base_url=sandbox.url, timeouts=Timeouts(connect=1.0, read=5.0, batch_read=5.0)
            )
            # When the dispatcher runs (a timed-out answer on a loaded machine is resent as it was)
            assert dispatch_once(provider=provider, worker="self-test").claimed == 1
            deadline = time.monotonic() + 30
            while Message.objects.get(id=message.id).status != MessageStatus.DELIVERED and time.monotonic() < deadline:
                OutboundBatch.objects.filter(status=OutboundBatch.Status.UNKNOWN).update(next_attempt_at=timezone.now())
                batches_retry_due(provider=provider)
                time.sleep(0.1)
            sandbox.wait_idle()
            # Then the sandbox accepted it once, with the staff member's NHS number and mobile
            report = sandbox.accepted()
            assert (report["total"], report["acceptedMoreThanOnce"]) == (1, [])
            (record,) = sandbox.state.store.messages.values()
            assert (record.reference, record.nhs_number, record.contact) == (
                str(message.id),
                "9990548609",
                {"sms": "+447400000001"},
            )
    finally:
        sandbox.stop()
    # And its receipts moved it to delivered by text message
    stored = Message.objects.get(id=message.id)
    assert stored.status == MessageStatus.DELIVERED
    history = list(stored.events.values_list("status", flat=True))
    assert history[:3] == [MessageStatus.CREATED, MessageStatus.QUEUED, MessageStatus.SENDING]
    assert history[-1] == MessageStatus.DELIVERED
    assert stored.events.filter(channel="sms", channel_status="delivered").exists()
