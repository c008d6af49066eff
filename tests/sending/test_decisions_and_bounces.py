"""The dispatcher asks preferences for the contact decision (it re-implements none of it), and
a hard bounce reported by NHS Notify marks the patient's contact point bounced."""

import pytest

from notifyadmin.sending import seams
from notifyadmin.sending.models import Message
from notifyadmin.sending.status import MessageStatus, NotSentReason
from preferences.models import ContactPoint
from preferences.services import preferences_change
from tests.preferences.factories import SETUP, add_contact, make_patient, system_actor

from .test_callbacks import CHANNEL_URL, _keys, channel_item, post  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db


@pytest.fixture
def patient_with_contacts(organisation):
    patient = make_patient(organisation=organisation, nhs_number="9990000050")
    add_contact(patient, ContactPoint.Kind.MOBILE, "07400 000003")
    add_contact(patient, ContactPoint.Kind.EMAIL, "hard-bounce@example.com")
    return patient


def _message_for(patient, make_messages, **changes):
    (message,) = make_messages(1)
    Message.objects.filter(id=message.id).update(patient=patient, **changes)
    return Message.objects.select_related("patient").get(id=message.id)


def test_usable_channels_come_in_the_patients_order(patient_with_contacts, make_messages):
    message = _message_for(patient_with_contacts, make_messages, channels=["email", "sms"])
    plan = seams.contact_decisions_for([message])[message.id]
    assert plan.channels == ("sms", "email")


def test_opted_out_of_every_channel_is_not_sent_as_opted_out(patient_with_contacts, make_messages):
    patient = patient_with_contacts
    preferences_change(
        actor=system_actor(patient.organisation),
        patient=patient,
        expected_lock_version=None,
        cells={("prescriptions", "sms"): False, ("prescriptions", "email"): False},
        **SETUP,
    )
    message = _message_for(patient, make_messages, category="prescriptions", channels=["sms", "email"])
    plan = seams.contact_decisions_for([message])[message.id]
    assert (plan.channels, plan.reason_code) == ((), NotSentReason.OPTED_OUT)


def test_no_usable_contact_detail_is_not_sent_with_the_reason(organisation, make_messages):
    patient = make_patient(organisation=organisation, nhs_number="9990000069")
    message = _message_for(patient, make_messages, channels=["sms", "email"])
    plan = seams.contact_decisions_for([message])[message.id]
    assert (plan.channels, plan.reason_code) == ((), NotSentReason.NO_USABLE_CONTACT)
    assert plan.detail == "no mobile number; no email address"


def test_a_hard_bounce_marks_the_email_bounced_in_the_preference_history(patient_with_contacts, make_messages):
    message = _message_for(patient_with_contacts, make_messages, status=MessageStatus.ACCEPTED)
    response = post(CHANNEL_URL, {"data": [channel_item(message.id, "email", "failed", "permanent_failure")]})
    assert response.status_code == 202
    email = ContactPoint.objects.get(patient=patient_with_contacts, kind=ContactPoint.Kind.EMAIL)
    assert email.status == ContactPoint.Status.BOUNCED
    latest = email.history.order_by("-history_date").first()
    assert (latest.change_source, latest.changed_by_system) == ("delivery_bounce", "sending.receipts")
    mobile = ContactPoint.objects.get(patient=patient_with_contacts, kind=ContactPoint.Kind.MOBILE)
    assert mobile.status == ContactPoint.Status.UNVERIFIED
