"""The patient page made for a phone call: the caller's date of birth and postcode hidden and
revealed deliberately (audited), channels the patient cannot receive today flagged on the grid,
a revealed mobile number in UK format, and links to the message history and manual send."""

import datetime as dt

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from notifyadmin.accounts.roles import Role
from preferences.models import Patient
from preferences.selectors import patient_timeline

pytestmark = pytest.mark.django_db
REASON = "Patient phoned the service desk"


@pytest.fixture
def desk(client_for, desk_user, patient):
    client = client_for(Role.SERVICE_DESK, user=desk_user)
    client.post(
        reverse("preferences:patient-find"),
        {"search_by": "nhs_number", "search_value": patient.nhs_number, "reason": REASON, "reason_detail": ""},
    )
    return client


@pytest.fixture
def caller(patient):
    Patient.objects.filter(pk=patient.pk).update(date_of_birth=dt.date(1968, 3, 14), postcode="LS1 4AP")
    return patient


def test_date_of_birth_and_postcode_are_hidden_until_revealed(desk, caller):
    body = desk.get(reverse("preferences:patient-detail", args=[caller.id])).content.decode()
    assert "Hidden" in body and "LS1 4AP" not in body and "1968" not in body
    assert not AuditEvent.objects.filter(action="patient.identity.revealed").exists()


def test_revealing_them_shows_uk_style_and_is_audited_with_the_search_reason(desk, caller):
    response = desk.post(reverse("preferences:identity-reveal", args=[caller.id]))
    body = response.content.decode()
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    assert '<strong class="app-revealed">14 March 1968</strong>' in body
    assert '<strong class="app-revealed">LS1 4AP</strong>' in body
    event = AuditEvent.objects.get(action="patient.identity.revealed")
    assert event.reason == REASON and event.patient_ref == str(caller.id)


def test_reveal_is_refused_by_get_and_for_roles_without_reveal(desk, caller, client_for):
    assert desk.get(reverse("preferences:identity-reveal", args=[caller.id])).status_code == 405
    auditor = client_for(Role.AUDITOR)
    assert auditor.post(reverse("preferences:identity-reveal", args=[caller.id])).status_code == 403


def test_a_revealed_mobile_is_in_uk_format(desk, patient):
    mobile = patient.contact_points.get(kind="mobile")
    body = desk.post(reverse("preferences:contact-reveal", args=[patient.id, mobile.id])).content.decode()
    assert '<strong class="app-revealed">07400 123456</strong>' in body


def test_the_grid_flags_channels_the_patient_cannot_receive_today(desk, patient):
    # Given a patient with a mobile and an email but no NHS App and no postal address
    body = desk.get(reverse("preferences:patient-detail", args=[patient.id])).content.decode()
    # Then the NHS App and letter columns say why, once each, and each of their boxes says so too
    assert body.count("<strong>Cannot receive today:</strong> does not use the NHS App") == 1
    assert body.count("<strong>Cannot receive today:</strong> no postal address") == 1
    assert "<strong>Cannot receive today:</strong> no mobile" not in body
    assert "Appointments by NHS App (cannot receive today)" in body
    assert "Appointments by SMS</span>" in body


def test_the_page_links_to_messages_and_send(desk, patient):
    body = desk.get(reverse("preferences:patient-detail", args=[patient.id])).content.decode()
    assert f'href="{reverse("sending:patient-history", args=[patient.id])}">Messages sent to the patient' in body
    assert f'href="{reverse("sending:patient-send", args=[patient.id])}">Send a message' in body


def test_revert_states_its_effect_asks_why_and_records_the_reason(desk, patient):
    # Given a change that stopped prescription texts
    before = patient_timeline(patient=patient)[0].change_id
    data = {
        f"pref__{p.category}__{p.channel}": "on"
        for p in patient.preferences.filter(allowed=True).exclude(category="prescriptions", channel="sms")
    }
    data.update(first_channel="nhsapp", source="phone_call", reason="Patient asked", lock_version=patient.lock_version)
    assert desk.post(reverse("preferences:preferences-change", args=[patient.id]), data).status_code == 302
    url = reverse("preferences:patient-revert", args=[patient.id]) + f"?to={before}"
    # When the desk opens the revert page, it says what going back does in plain words
    body = desk.get(url).content.decode()
    assert "1 setting will change back, as listed below." in body
    assert "Prescriptions by SMS" in body
    # When they confirm with a reason, the reason is recorded in the audit trail and the timeline
    patient.refresh_from_db()
    done = desk.post(
        url, {"source": "phone_call", "reason": "Changed by mistake", "lock_version": patient.lock_version}
    )
    assert done.status_code == 302
    assert AuditEvent.objects.get(action="patient.reverted").reason == "Changed by mistake"
    assert patient_timeline(patient=patient)[0].reason == "Changed by mistake"
