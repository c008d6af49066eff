"""The pipeline over real HTTP against the local NHS Notify sandbox: the decisions and rendering
are the real ones, the receipts arrive as signed callbacks, and the sandbox's own record shows
each message accepted exactly once, whatever the faults."""

import datetime as dt
import time

import pytest
from django.test import override_settings
from django.utils import timezone

from notifyadmin.accounts.roles import Role
from notifyadmin.core.actor import Actor
from notifyadmin.sandboxes.nhs_notify import SandboxConfig, Timings, start_sandbox
from notifyadmin.sending.dispatch.engine import dispatch_once
from notifyadmin.sending.dispatch.recovery import batches_retry_due, leases_reap
from notifyadmin.sending.models import Message, MessageSource
from notifyadmin.sending.providers.nhs_notify import NhsNotifyProvider, Timeouts
from notifyadmin.sending.services import MessageRequest, messages_create
from notifyadmin.sending.status import TERMINAL_STATUSES, MessageStatus
from preferences.models import ContactPoint
from preferences.nhs_number import synthetic_nhs_number
from templates_app import services as template_services
from templates_app.models import TemplateVersion
from tests.preferences.factories import add_contact, make_patient
from tests.templates_app.conftest import contents

KEY, APP = "e2e-callback-key", "e2e-application"
FREE_TEXT_NHSAPP = "00000000-0000-0000-0000-000000000001"


@pytest.fixture
def published(make_staff, organisation):
    """A template published through the real workflow, sent on the free-text NHS App plan."""
    people = {
        role: Actor.staff(user=make_staff(role), role=role, organisation=organisation)
        for role in (Role.CONTENT_DESIGNER, Role.CLINICAL_SAFETY_OFFICER)
    }
    designer, cso = people[Role.CONTENT_DESIGNER], people[Role.CLINICAL_SAFETY_OFFICER]
    reviewer = Actor.staff(
        user=make_staff(Role.CONTENT_DESIGNER), role=Role.CONTENT_DESIGNER, organisation=organisation
    )
    template = template_services.template_create(
        actor=designer,
        name="Appointment reminder",
        purpose="appointments",
        sensitivity="urgent",
        is_critical=True,
        send_any_time=True,
        send_window_start=None,
        send_window_end=None,
        routing_plan_id=FREE_TEXT_NHSAPP,
        channels=["nhsapp", "sms"],
    )
    version = template.versions.get()
    schema = [
        {
            "name": "appointment_date",
            "type": "date",
            "max_length": 10,
            "personal_data": "low",
            "sample_value": "2026-12-01",
        }
    ]
    template_services.version_draft_save(
        actor=designer,
        version=version,
        lock_version=version.lock_version,
        channels=["nhsapp", "sms"],
        schema=schema,
        contents=contents(),
    )
    version = template_services.version_submit(actor=designer, version=version)
    version = template_services.version_content_approve(
        actor=reviewer, version=version, content_hash=version.content_hash
    )
    version = template_services.version_sign_off(
        actor=cso,
        version=version,
        content_hash=version.content_hash,
        declaration_confirmed=True,
        hazard_ids=("HAZ-001",),
        authenticated_at=timezone.now(),
    )
    template_services.version_publish(actor=designer, version=version)
    return TemplateVersion.objects.select_related("template").get(pk=version.pk)


def _patients(organisation, numbers):
    patients = []
    for number in numbers:
        patient = make_patient(organisation=organisation, nhs_number=number)
        add_contact(patient, ContactPoint.Kind.NHSAPP, "enabled")
        add_contact(patient, ContactPoint.Kind.MOBILE, "07400 000001")
        patients.append(patient)
    return patients


def _create(published, patients, make_staff, organisation):
    desk = Actor.staff(user=make_staff(Role.SERVICE_DESK), role=Role.SERVICE_DESK, organisation=organisation)
    requests = [
        MessageRequest(patient=p, version=published, personalisation={"appointment_date": "2026-12-01"})
        for p in patients
    ]
    return messages_create(actor=desk, requests=requests, source=MessageSource.MANUAL, reason="Corrected letter")


def _provider(sandbox, read_timeout=5.0):
    return NhsNotifyProvider(
        environment="local",
        base_url=sandbox.url,
        timeouts=Timeouts(connect=1.0, read=read_timeout, batch_read=read_timeout),
    )


@pytest.mark.django_db(transaction=True)
def test_a_message_reaches_read_through_the_sandbox_and_its_signed_receipts(
    live_server, published, make_staff, organisation
):
    # Given a patient who reads NHS App messages, and the sandbox calling this app back
    (patient,) = _patients(organisation, ["9990548609"])
    sandbox = start_sandbox(
        SandboxConfig(timings=Timings(step=0), callback_url=live_server.url, callback_api_key=KEY, application_id=APP),
        environ={},
    )
    try:
        with override_settings(NOTIFY_CALLBACK_API_KEY=KEY, NOTIFY_APPLICATION_ID=APP, DISPATCH_NUDGE_ENABLED=False):
            (message,) = _create(published, [patient], make_staff, organisation)
            # When the dispatcher runs
            result = dispatch_once(provider=_provider(sandbox), worker="e2e")
            assert result.accepted == 1
            sandbox.wait_idle(timeout=15)
            deadline = time.monotonic() + 15
            while Message.objects.get(id=message.id).status != MessageStatus.READ and time.monotonic() < deadline:
                time.sleep(0.05)
    finally:
        sandbox.stop()
    # Then the receipts moved it to read, and its history says how
    stored = Message.objects.get(id=message.id)
    assert stored.status == MessageStatus.READ
    assert stored.notify_message_id != ""
    # (With instant timings a receipt may overtake the provider's answer: then "accepted" is
    # never recorded, because the message had already moved on.)
    history = list(stored.events.values_list("status", flat=True))
    assert history[:3] == [MessageStatus.CREATED, MessageStatus.QUEUED, MessageStatus.SENDING]
    assert history[-1] == MessageStatus.READ
    report = sandbox.accepted()
    assert (report["total"], report["acceptedMoreThanOnce"]) == (1, [])


@pytest.mark.django_db(transaction=True)
def test_a_retry_storm_accepts_every_message_exactly_once(published, make_staff, organisation):
    # Given 60 messages and a sandbox answering 429, 5xx, timeouts and accepted-then-dropped
    patients = _patients(organisation, [synthetic_nhs_number(seed * 7919) for seed in range(60)])
    messages = _create(published, patients, make_staff, organisation)
    sandbox = start_sandbox(SandboxConfig(timings=Timings(step=0)), environ={})
    sandbox.faults(
        rate_429=0.2,
        retry_after_429=0,
        rate_5xx=0.15,
        error_statuses=[500, 502, 504],
        rate_timeout=0.1,
        timeout_seconds=0.6,
        rate_drop=0.15,
        seed=7,
    )
    provider = _provider(sandbox, read_timeout=0.3)
    try:
        with override_settings(
            DISPATCH_BATCH_SIZE=7,
            DISPATCH_BACKOFF_BASE_SECONDS=0.0,
            CIRCUIT_COOL_OFF_SECONDS=0.0,
            DISPATCH_MAX_ATTEMPTS=100,
            DISPATCH_NUDGE_ENABLED=False,
            DISPATCH_RATE_PER_SECOND=1000,
            DISPATCH_RATE_BURST=1000,
        ):
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                dispatch_once(provider=provider, worker="storm")
                batches_retry_due(provider=provider)
                Message.objects.filter(status=MessageStatus.SENDING).update(lease_expires_at=timezone.now())
                leases_reap()
                Message.objects.filter(status=MessageStatus.QUEUED).update(
                    send_after=timezone.now() - dt.timedelta(seconds=1)
                )
                if not Message.objects.exclude(status=MessageStatus.ACCEPTED).exists():
                    break
            sandbox.faults(rate_429=0, rate_5xx=0, rate_timeout=0, rate_drop=0)
    finally:
        sandbox.stop()
    # Then every message is accepted, and the sandbox accepted each exactly once
    statuses = set(Message.objects.filter(id__in=[m.id for m in messages]).values_list("status", flat=True))
    assert statuses == {MessageStatus.ACCEPTED}
    report = sandbox.accepted()
    assert report["acceptedMoreThanOnce"] == []
    assert sorted(m["messageReference"] for m in report["messages"]) == sorted(str(m.id) for m in messages)
    # And the storm really happened: refusals, server errors, and retries answered "already accepted"
    log = sandbox.state.store.request_report()["counts"]
    for status in ("429", "425", "422", "201", "dropped"):
        assert log.get(f"POST /v1/message-batches {status}", 0) > 0, status
    assert sum(log.get(f"POST /v1/message-batches {status}", 0) for status in ("500", "502", "504")) > 0
    assert MessageStatus.ACCEPTED not in TERMINAL_STATUSES
