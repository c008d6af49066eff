"""Sending a test to yourself: who may, what is kept, which versions, and that a test is never
a patient's message (self_tests.py)."""

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from audit.models import AuditEvent
from notifyadmin.accounts.roles import Role
from notifyadmin.core.actor import Actor
from notifyadmin.core.errors import InvalidInput, NotFound, PermissionRefused, TransitionRefused
from notifyadmin.sending.bounces import bounces_record
from notifyadmin.sending.history_services import history_export
from notifyadmin.sending.models import Message, MessageEvent, MessageSource, StaffTestContact
from notifyadmin.sending.retention import personalisation_purge
from notifyadmin.sending.selectors import HistoryFilter, message_history, self_tests_recent
from notifyadmin.sending.self_tests import self_test_create, staff_test_contact_save
from notifyadmin.sending.services import MessageRequest, messages_create
from notifyadmin.sending.status import MessageStatus
from tests.preferences.factories import make_patient
from tests.sending.patient_factories import published_reminder
from tests.sending.self_test_factories import VALUES, draft_reminder, single_channel_plans, staff_who_tests

pytestmark = pytest.mark.django_db

OUTSIDE_PRODUCTION_NHS = (
    "Enter an NHS number from the range reserved for testing (999 000 0000 to 999 999 9999): "
    "this environment sends only to test recipients"
)


@pytest.fixture
def draft(organisation, make_staff):
    single_channel_plans(organisation)
    return draft_reminder(organisation=organisation, owner=make_staff())


def _send(actor, version, channel="sms", language="en", values=VALUES):
    return self_test_create(actor=actor, version=version, channel=channel, language=language, personalisation=values)


# --- who may ---------------------------------------------------------------------------


@pytest.mark.parametrize("role", list(Role))
def test_only_content_designers_and_clinical_safety_officers_send_tests(role, draft, make_staff, organisation):
    # Given a member of staff in one role
    actor = staff_who_tests(make_staff, organisation, role, contact=False)
    allowed = role in (Role.CONTENT_DESIGNER, Role.CLINICAL_SAFETY_OFFICER)
    # When they keep test contact details and send a test of the draft
    if allowed:
        staff_test_contact_save(actor=actor, nhs_number="9990548609", mobile="07400000001")
        message = _send(actor, draft)
        # Then it is queued as their test
        assert (message.source, message.status, message.authorised_by) == (
            MessageSource.TEST,
            MessageStatus.QUEUED,
            actor.user,
        )
    else:
        # Then they are refused, and nothing is written
        with pytest.raises(PermissionRefused):
            staff_test_contact_save(actor=actor, nhs_number="9990548609")
        with pytest.raises(PermissionRefused):
            _send(actor, draft)
        assert (StaffTestContact.objects.count(), Message.objects.count()) == (0, 0)


def test_another_organisations_version_is_not_found(draft, make_staff, other_organisation):
    # Given a content designer of another organisation, with test contact details
    actor = staff_who_tests(make_staff, other_organisation)
    # When they try to test this organisation's draft, then it does not exist for them
    with pytest.raises(NotFound):
        _send(actor, draft)
    assert Message.objects.count() == 0


# --- test contact details --------------------------------------------------------------


def test_contact_details_are_normalised_like_a_patients_and_the_change_is_audited(make_staff, organisation):
    # Given a content designer
    actor = staff_who_tests(make_staff, organisation, contact=False)
    # When they save their test contact details as people write them
    contact = staff_test_contact_save(
        actor=actor, nhs_number="999 054 8609", mobile="07400 000 001", email=" Delivered@Example.com "
    )
    # Then they are kept normalised, and the change is audited naming the fields, never the values
    assert (contact.nhs_number, contact.mobile, contact.email) == (
        "9990548609",
        "+447400000001",
        "delivered@example.com",
    )
    event = AuditEvent.objects.get(action="message.test_contact.changed")
    assert (event.actor, event.details) == (actor.user, {"fields": ["email", "mobile", "nhs_number"], "added": True})
    assert "9990548609" not in str(event.details)
    # And saving the same again changes nothing and records nothing
    staff_test_contact_save(actor=actor, nhs_number="9990548609", mobile="+447400000001", email="delivered@example.com")
    assert AuditEvent.objects.filter(action="message.test_contact.changed").count() == 1
    # And removing the email is recorded as a change of that field
    staff_test_contact_save(actor=actor, nhs_number="9990548609", mobile="+447400000001")
    latest = AuditEvent.objects.filter(action="message.test_contact.changed").order_by("-sequence").first()
    assert latest.details == {"fields": ["email"], "added": False}
    assert StaffTestContact.objects.get(user=actor.user).email == ""


@pytest.mark.hazard("HAZ-011")
def test_outside_production_only_test_recipients_are_kept(make_staff, organisation):
    # Given a content designer outside production (the test settings are "local")
    actor = staff_who_tests(make_staff, organisation, contact=False)
    # When they give a real-looking NHS number, a mobile outside the catalogue and a real domain
    with pytest.raises(InvalidInput) as refused:
        staff_test_contact_save(actor=actor, nhs_number="943 476 5919", mobile="07400 123456", email="me@nhs.net")
    # Then each field is refused with what to enter instead, and nothing is saved or audited
    assert refused.value.errors == {
        "nhs_number": [OUTSIDE_PRODUCTION_NHS],
        "mobile": [
            "Enter one of the test mobile numbers (07400000001, 07400000002, 07400000003): this environment "
            "sends only to test recipients"
        ],
        "email": ["Enter an email address at example.com: this environment sends only to test recipients"],
    }
    assert StaffTestContact.objects.count() == 0
    assert not AuditEvent.objects.filter(action="message.test_contact.changed").exists()


def test_invalid_contact_details_are_refused_with_the_patient_validators_messages(make_staff, organisation):
    actor = staff_who_tests(make_staff, organisation, contact=False)
    with pytest.raises(InvalidInput) as refused:
        staff_test_contact_save(actor=actor, nhs_number="999 054 8608", mobile="0113 496 0000", email="not an email")
    assert refused.value.errors == {
        "nhs_number": ["This is not a valid NHS number: check it and try again"],
        "mobile": ["Enter a mobile phone number: text messages cannot be sent to a landline"],
        "email": ["Enter an email address in the correct format, like name@example.com"],
    }
    with pytest.raises(InvalidInput) as refused:
        staff_test_contact_save(actor=actor, nhs_number="")
    assert refused.value.errors == {"nhs_number": ["Enter an NHS number"]}
    assert StaffTestContact.objects.count() == 0


def test_in_production_their_own_real_details_are_kept(make_staff, organisation, settings):
    actor = staff_who_tests(make_staff, organisation, contact=False)
    settings.NOTIFY_ENVIRONMENT = "production"
    contact = staff_test_contact_save(actor=actor, nhs_number="9434765919", mobile="07123 456789", email="me@nhs.net")
    assert (contact.nhs_number, contact.mobile, contact.email) == ("9434765919", "+447123456789", "me@nhs.net")


# --- which versions, and what is checked -------------------------------------------------


def test_a_draft_can_be_tested_and_the_test_is_recorded_attributed_and_audited(draft, make_staff, organisation):
    # Given a clinical safety officer with test contact details, and a draft never published
    actor = staff_who_tests(make_staff, organisation, Role.CLINICAL_SAFETY_OFFICER)
    # When they send a test of it by text message
    message = _send(actor, draft)
    # Then it is queued now for their own mobile, on the plan that sends by SMS alone
    stored = Message.objects.get(id=message.id)
    assert stored.patient_id is None
    assert (stored.status, stored.channels, str(stored.routing_plan_id)) == (
        MessageStatus.QUEUED,
        ["sms"],
        "00000000-0000-0000-0000-000000000003",
    )
    assert stored.test_recipient == {"nhs_number": "9990548609", "sms": "+447400000001"}
    assert (stored.template_version_id, stored.tested_lock_version) == (draft.id, draft.lock_version)
    assert stored.personalisation == VALUES
    assert (stored.authorised_role, stored.authorised_session_id, stored.authorised_cis2_uid) == (
        Role.CLINICAL_SAFETY_OFFICER,
        "session-1",
        actor.cis2_uid,
    )
    assert list(MessageEvent.objects.filter(message=stored).values_list("from_status", "status")) == [
        ("", MessageStatus.CREATED),
        (MessageStatus.CREATED, MessageStatus.QUEUED),
    ]
    event = AuditEvent.objects.get(action="message.test_sent")
    assert (event.target_id, event.patient_ref, event.actor) == (str(stored.id), "", actor.user)
    assert event.details == {
        "template_id": str(draft.template_id),
        "version_id": str(draft.id),
        "version_status": "draft",
        "channel": "sms",
        "language": "en",
    }
    # And it is among their own recent tests
    assert [view.message.id for view in self_tests_recent(actor=actor)] == [stored.id]


@pytest.mark.hazard("HAZ-015")
def test_a_patient_message_still_needs_the_published_version(draft, make_staff, organisation):
    # Given the same draft and a patient
    patient = make_patient(organisation=organisation, nhs_number="9990548609")
    desk = Actor.staff(user=make_staff(Role.SERVICE_DESK), role=Role.SERVICE_DESK, organisation=organisation)
    # When the service desk tries to send the draft to the patient, then it is refused
    with pytest.raises(TransitionRefused, match=r"^Only the published version of a template can be sent\.$"):
        messages_create(
            actor=desk,
            requests=[MessageRequest(patient=patient, version=draft, personalisation=VALUES)],
            source=MessageSource.MANUAL,
            reason="Trying a draft",
        )
    # And the outbox makes tests only through the test service
    with pytest.raises(ValueError, match="does not make 'test' messages"):
        messages_create(actor=desk, requests=[], source=MessageSource.TEST)
    assert Message.objects.count() == 0


@pytest.mark.parametrize(
    ("channel", "language", "values", "errors"),
    [
        (
            "sms",
            "en",
            {"appointment_date": "2026-12-21"},
            {"personalisation.clinic": ["Field 1 (clinic): no value was given."]},
        ),
        ("letter", "en", VALUES, {"channel": ["Choose a channel this version has"]}),
        ("sms", "cy", VALUES, {"language": ["Choose a language this version is written in"]}),
    ],
)
def test_bad_input_is_refused_naming_the_field_and_nothing_is_written(
    draft, make_staff, organisation, channel, language, values, errors
):
    actor = staff_who_tests(make_staff, organisation)
    before = AuditEvent.objects.count()
    with pytest.raises(InvalidInput) as refused:
        _send(actor, draft, channel=channel, language=language, values=values)
    assert refused.value.errors == errors
    assert (Message.objects.count(), MessageEvent.objects.count(), AuditEvent.objects.count()) == (0, 0, before)


def test_a_letter_cannot_be_sent_as_a_test(organisation, make_staff):
    single_channel_plans(organisation)
    version = draft_reminder(organisation=organisation, owner=make_staff(), channels=("nhsapp", "letter"))
    with pytest.raises(InvalidInput) as refused:
        _send(staff_who_tests(make_staff, organisation), version, channel="letter")
    assert refused.value.errors == {"channel": ["A letter cannot be sent as a test: choose another channel"]}


def test_without_test_contact_details_or_the_channels_detail_nothing_is_sent(draft, make_staff, organisation):
    # Given a designer with no test contact details yet
    actor = staff_who_tests(make_staff, organisation, contact=False)
    with pytest.raises(TransitionRefused, match=r"^Add your test contact details before you send a test\.$"):
        _send(actor, draft)
    # And once they have only an NHS number, an email test asks for their email address
    staff_test_contact_save(actor=actor, nhs_number="9990548609")
    with pytest.raises(InvalidInput) as refused:
        _send(actor, draft, channel="email")
    assert refused.value.errors == {"channel": ["Add your email address to your test contact details to test a email"]}
    # But the NHS App goes to the NHS number
    assert _send(actor, draft, channel="nhsapp").test_recipient == {"nhs_number": "9990548609"}


def test_a_channel_without_a_single_channel_routing_plan_is_refused(organisation, make_staff):
    single_channel_plans(organisation, channels=("nhsapp",))
    version = draft_reminder(organisation=organisation, owner=make_staff())
    with pytest.raises(InvalidInput) as refused:
        _send(staff_who_tests(make_staff, organisation), version, channel="sms")
    assert refused.value.errors == {
        "channel": [
            "Your organisation has no routing plan that sends by text message (sms) alone, so a test cannot go "
            "by it: ask an administrator to add one"
        ]
    }


def test_contact_details_no_longer_safe_here_are_refused(draft, make_staff, organisation, settings):
    # Given details kept in production, then used in an environment that sends only to test recipients
    actor = staff_who_tests(make_staff, organisation, contact=False)
    settings.NOTIFY_ENVIRONMENT = "production"
    staff_test_contact_save(actor=actor, nhs_number="9434765919", mobile="07123456789")
    settings.NOTIFY_ENVIRONMENT = "local"
    with pytest.raises(TransitionRefused, match="not test recipients this environment may send to"):
        _send(actor, draft)
    assert Message.objects.count() == 0


# --- never a patient's message ------------------------------------------------------------


def test_a_test_never_appears_in_a_patients_history_or_export(draft, make_staff, organisation):
    # Given a patient whose NHS number is the one the designer tests with, and a message to them
    patient = make_patient(organisation=organisation, nhs_number="9990548609")
    published = published_reminder(organisation=organisation, owner=make_staff())
    desk = Actor.staff(user=make_staff(Role.SERVICE_DESK), role=Role.SERVICE_DESK, organisation=organisation)
    (sent,) = messages_create(
        actor=desk,
        requests=[MessageRequest(patient=patient, version=published, personalisation=VALUES)],
        source=MessageSource.MANUAL,
        reason="Corrected letter",
    )
    # When the designer sends two tests
    designer = staff_who_tests(make_staff, organisation)
    _send(designer, draft)
    _send(designer, draft, channel="nhsapp")
    # Then the patient's history, export and message count hold only the patient's message
    page = message_history(actor=desk, patient=patient, filters=HistoryFilter())
    assert [view.message.id for view in page.object_list] == [sent.id]
    export = history_export(actor=desk, patient=patient, reason="Subject access request")
    assert len(export.strip().splitlines()) == 2  # the header and the one message
    assert "Test sent" not in export
    assert patient.messages.count() == 1


@pytest.mark.hazard("HAZ-015")
def test_the_database_refuses_a_test_with_a_patient_and_a_patient_message_without_one(draft, make_staff, organisation):
    designer = staff_who_tests(make_staff, organisation)
    message = _send(designer, draft)
    patient = make_patient(organisation=organisation)
    with pytest.raises(IntegrityError), transaction.atomic():
        Message.objects.filter(id=message.id).update(patient=patient)
    with pytest.raises(IntegrityError), transaction.atomic():
        Message.objects.filter(id=message.id).update(source=MessageSource.MANUAL)


def test_a_bounce_of_a_test_changes_no_patient(draft, make_staff, organisation):
    message = _send(staff_who_tests(make_staff, organisation), draft)
    assert bounces_record(bounced=[(str(message.id), "sms")]) == 0


def test_retention_purges_a_tests_copy_of_the_contact_details(draft, make_staff, organisation):
    message = _send(staff_who_tests(make_staff, organisation), draft)
    Message.objects.filter(id=message.id).update(
        status=MessageStatus.READ, created_at=timezone.now() - timezone.timedelta(days=400)
    )
    assert personalisation_purge() == 1
    stored = Message.objects.get(id=message.id)
    assert (stored.personalisation, stored.test_recipient) == ({}, {})
