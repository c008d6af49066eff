"""The service desk's message pages for one patient: the history (exact content, filters,
pagination, audited with the search reason, bounded queries), the CSV export for a subject
access request, and sending a published template by hand (choose, fill in, preview, confirm)."""

import csv
import datetime as dt
import io
import re
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from notifyadmin.accounts.roles import Role
from notifyadmin.sending.models import Message, MessageEvent, MessageSource
from notifyadmin.sending.status import MessageStatus, NotSentReason
from preferences.models import ContactPoint
from templates_app.models import MessageTemplate, TemplateVersion, VersionStatus
from tests.preferences.factories import add_contact, make_patient
from tests.sending.patient_factories import PLAN, published_reminder

pytestmark = pytest.mark.django_db

REASON = "Patient phoned the service desk"


@pytest.fixture
def version(organisation, make_staff) -> TemplateVersion:
    return published_reminder(organisation=organisation, owner=make_staff())


@pytest.fixture
def patient(organisation):
    patient = make_patient(organisation=organisation, given_name="Sam", family_name="Patient")
    add_contact(patient, ContactPoint.Kind.MOBILE, "07400 123456")
    patient.refresh_from_db()
    return patient


@pytest.fixture
def desk(client_for, patient):
    client = client_for(Role.SERVICE_DESK)
    found = client.post(
        reverse("preferences:patient-find"),
        {"search_by": "nhs_number", "search_value": patient.nhs_number, "reason": REASON, "reason_detail": ""},
    )
    assert found.status_code == 302
    return client


def _message(patient, version, *, status=MessageStatus.QUEUED, reason="", at=None, purged=False, **values):
    at = at or timezone.now()
    message = Message.objects.create(
        organisation=patient.organisation,
        patient=patient,
        template=version.template,
        template_version=version,
        category="appointments",
        personalisation=values or {"clinic": "Eye clinic", "appointment_date": "2026-12-01"},
        personalisation_purged_at=at if purged else None,
        routing_plan_id=PLAN,
        channels=["nhsapp", "sms"],
        send_after=at,
        source=MessageSource.EVENT,
        status=status,
        status_reason=reason,
        status_changed_at=at,
        created_at=at,
    )
    MessageEvent.objects.create(message=message, organisation=patient.organisation, occurred_at=at, status="created")
    if status != MessageStatus.QUEUED:
        MessageEvent.objects.create(
            message=message, organisation=patient.organisation, occurred_at=at, status=status, reason=reason
        )
    return message


def _history(patient):
    return reverse("sending:patient-history", args=[patient.id])


def test_history_shows_each_message_with_content_channels_timeline_and_why_not_sent(desk, patient, version):
    # Given a queued message and one not sent because the patient opted out
    _message(patient, version)
    _message(patient, version, status=MessageStatus.NOT_SENT, reason=NotSentReason.OPTED_OUT)
    # When the service desk opens the history
    response = desk.get(_history(patient))
    # Then each message shows its template, version, channels in order, what it said and why not sent
    body = response.content.decode()
    assert response.status_code == 200
    assert body.count('Appointment reminder <span class="nhsuk-body-s">version 1.2</span>') == 2
    assert "NHS App message, then Text message (SMS)" in body
    assert "Your Eye clinic visit is on Tuesday 1 December 2026." in body
    assert "Not sent</strong>: The patient has opted out of these messages on every channel it could use" in body
    assert "Not sent: The patient has opted out of these messages on every channel it could use" in body
    assert "2 messages." in body
    # And each step of a message's history says what happened, then when, together
    steps = re.findall(
        r'<li class="app-timeline__step"><span class="app-timeline__what">([^<]+)</span> '
        r'<time class="app-timeline__when" datetime="([^"]+)">([^<]+)</time></li>',
        body,
    )
    assert [what for what, _, _ in steps] == [
        "Created",
        "Not sent: The patient has opted out of these messages on every channel it could use",
        "Created",
    ]
    assert all(dt.datetime.fromisoformat(machine) and shown for _, machine, shown in steps)
    assert patient.nhs_number not in body
    # And the view is audited with the reason given at search
    viewed = AuditEvent.objects.get(action="message.history.viewed")
    assert viewed.reason == REASON
    assert viewed.patient_ref == str(patient.id)


def test_purged_personalisation_is_said_not_rendered(desk, patient, version):
    _message(patient, version, purged=True)
    body = desk.get(_history(patient)).content.decode()
    assert "The personal details in this message were removed on" in body
    assert "Eye clinic visit" not in body


def test_history_filters_by_status_in_the_database(desk, patient, version):
    _message(patient, version)
    _message(patient, version, status=MessageStatus.NOT_SENT, reason=NotSentReason.KILL_SWITCH)
    body = desk.get(_history(patient), {"status": "not_sent"}).content.decode()
    assert "1 message match the filters." in body
    assert "Sending was stopped by a kill switch" in body


def test_a_date_that_is_not_real_is_refused_at_its_field(desk, patient, version):
    response = desk.get(_history(patient), {"since": "31/02/2026"})
    assert response.status_code == 400
    assert "Enter a real date, for example 1/12/2026" in response.content.decode()


def test_history_pages_in_the_database_with_bounded_queries(desk, patient, version):
    for _ in range(25):
        _message(patient, version)
    desk.get(_history(patient))  # warm the session and caches
    with CaptureQueriesContext(connection) as few:
        first = desk.get(_history(patient))
    for _ in range(10):
        _message(patient, version)
    with CaptureQueriesContext(connection) as more:
        desk.get(_history(patient))
    assert first.content.decode().count('class="nhsuk-card app-message"') == 20
    assert "Page 1 of 2" in first.content.decode()
    assert len(more.captured_queries) == len(few.captured_queries)
    # Session, staff and role, the patient, the audit event, the filter's templates, the count,
    # the page of messages and their events: the same whatever the number of messages.
    assert len(few.captured_queries) <= 14
    second = desk.get(_history(patient), {"page": "2"}).content.decode()
    assert second.count('class="nhsuk-card app-message"') == 15


def test_export_is_a_csv_of_every_message_and_is_audited(desk, patient, version):
    _message(patient, version, status=MessageStatus.NOT_SENT, reason=NotSentReason.NO_USABLE_CONTACT)
    response = desk.post(reverse("sending:patient-history-export", args=[patient.id]))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert patient.nhs_number not in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][:3] == ["created_at", "template", "version"]
    assert rows[1][1:8] == [
        "Appointment reminder",
        "1.2",
        "Event from another system",
        "NHS App message, Text message (SMS)",
        "Not sent",
        "No usable contact details for any channel",
        "",
    ]
    assert rows[1][8] == "Your Eye clinic visit is on Tuesday 1 December 2026."
    exported = AuditEvent.objects.get(action="message.history.exported")
    assert exported.reason == REASON and exported.details == {"messages": 1}


def test_export_by_get_is_refused(desk, patient):
    assert desk.get(reverse("sending:patient-history-export", args=[patient.id])).status_code == 405


def test_another_organisations_patient_is_not_found(client_for, other_organisation, version):
    stranger = make_patient(organisation=other_organisation)
    desk = client_for(Role.SERVICE_DESK)
    assert desk.get(_history(stranger)).status_code == 404
    assert desk.get(reverse("sending:patient-send", args=[stranger.id])).status_code == 404


def test_roles_without_the_permission_are_refused(client_for, patient):
    designer = client_for(Role.CONTENT_DESIGNER)
    assert designer.get(_history(patient)).status_code == 403
    assert designer.get(reverse("sending:patient-send", args=[patient.id])).status_code == 403


def _send_url(patient, version):
    return f"{reverse('sending:patient-send', args=[patient.id])}?template={version.template_id}"


SEND = {"p_clinic": "Eye clinic", "p_appointment_date": "21/12/2026", "reason": "Corrected appointment letter"}


def test_choose_lists_published_templates(desk, patient, version):
    body = desk.get(reverse("sending:patient-send", args=[patient.id])).content.decode()
    assert f'<option value="{version.template_id}">Appointment reminder</option>' in body


def test_manual_send_previews_then_queues_with_the_staff_identity_and_reason(desk, patient, version):
    # When the service desk fills in the details with a UK date
    preview = desk.post(_send_url(patient, version), SEND)
    # Then they see the message for the channels the contact decision would use, nothing created yet
    body = preview.content.decode()
    assert preview.status_code == 200
    assert "Check the message before you send it" in body
    assert "1. Text message (SMS)" in body and "Eye clinic on Monday 21 December 2026." in body
    assert "<li>NHS App message: does not use the NHS App</li>" in body
    assert not Message.objects.exists()
    # When they confirm
    sent = desk.post(_send_url(patient, version), {**SEND, "confirm": "yes"})
    # Then one queued message exists, attributed to them with the reason, audited, and they land on the history
    assert sent.status_code == 302 and sent["Location"] == _history(patient)
    message = Message.objects.get()
    assert message.status == MessageStatus.QUEUED
    assert message.source == MessageSource.MANUAL
    assert message.authorised_by == desk.user
    assert message.reason == "Corrected appointment letter"
    assert message.personalisation == {"clinic": "Eye clinic", "appointment_date": "2026-12-21"}
    audit = AuditEvent.objects.get(action="message.sent_manually")
    assert audit.reason == "Corrected appointment letter" and audit.target_id == str(message.id)
    history = desk.get(sent["Location"]).content.decode()
    assert "Appointment reminder is queued to send." in history
    assert "<strong>Queued</strong>" in history


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"p_clinic": "A clinic name far too long for it"}, "the value"),
        ({"p_appointment_date": "31/02/2026"}, "Enter the appointment date as a real date, for example 21/12/2026"),
        ({"reason": ""}, "Enter why you are sending this message"),
        ({"p_clinic": ""}, "Enter the clinic"),
    ],
)
def test_invalid_details_are_refused_at_the_field_and_nothing_is_created(desk, patient, version, change, message):
    response = desk.post(_send_url(patient, version), {**SEND, **change, "confirm": "yes"})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Message.objects.exists()
    assert not AuditEvent.objects.filter(action="message.sent_manually").exists()


def test_an_unpublished_or_unknown_template_is_refused_at_the_choice(desk, patient, version):
    TemplateVersion.objects.filter(pk=version.pk).update(status=VersionStatus.RETIRED)
    response = desk.get(_send_url(patient, version))
    assert response.status_code == 400
    assert "Choose a template from the list" in response.content.decode()
    assert desk.get(f"{reverse('sending:patient-send', args=[patient.id])}?template=nope").status_code == 400


def test_export_cells_never_run_as_spreadsheet_formulas(desk, patient, version):
    # Given a template whose name starts like a formula
    MessageTemplate.objects.filter(pk=version.template_id).update(name="=SUM(A1)")
    _message(patient, version)
    # When the history is exported, that cell is text
    export = desk.post(reverse("sending:patient-history-export", args=[patient.id])).content.decode()
    assert list(csv.reader(io.StringIO(export)))[1][1] == "'=SUM(A1)"


def test_a_message_outside_its_send_window_says_when_it_will_be_sent(desk, patient, version):
    # Given a template that sends only in a window that is closed now
    now = timezone.localtime(timezone.now(), ZoneInfo("Europe/London"))
    hour = (now.hour + 2) % 24
    if hour == 23:  # keep the window within one day
        hour = (now.hour - 3) % 24
    start, end = dt.time(hour, 0), dt.time(hour + 1, 0)
    MessageTemplate.objects.filter(pk=version.template_id).update(
        send_any_time=False, send_window_start=start, send_window_end=end
    )
    # When a message is sent by hand
    sent = desk.post(_send_url(patient, version), {**SEND, "confirm": "yes"})
    # Then it waits for the window and the page says so
    message = Message.objects.get()
    assert message.status == MessageStatus.DEFERRED
    history = desk.get(sent["Location"]).content.decode()
    assert "Appointment reminder will be sent when its send window opens, on " in history
