"""The service desk's pages over the Django test client: find with a reason, view (audited),
reveal (audited), change with reason and source, stale form, timeline, compare, revert, and
isolation between organisations."""

import re
import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from audit.models import AuditEvent
from notifyadmin.accounts.roles import Role
from preferences.models import Patient, Preference
from preferences.selectors import patient_timeline
from tests.preferences.conftest import EMAIL, MOBILE, NHS_NUMBER
from tests.preferences.factories import add_contact, make_patient

pytestmark = pytest.mark.django_db
FIND = "preferences:patient-find"


def _find(client, value=NHS_NUMBER, search_by="nhs_number", reason="Patient phoned the service desk", detail=""):
    return client.post(
        reverse(FIND), {"search_by": search_by, "search_value": value, "reason": reason, "reason_detail": detail}
    )


def _grid_post(patient, **overrides):
    data = {f"pref__{p.category}__{p.channel}": "on" for p in Preference.objects.filter(patient=patient, allowed=True)}
    data.update(first_channel="nhsapp", source="phone_call", reason="Patient asked", lock_version=patient.lock_version)
    for key, value in overrides.items():
        if value is None:
            data.pop(key, None)
        else:
            data[key] = value
    return data


@pytest.fixture
def desk(client_for, desk_user):
    return client_for(Role.SERVICE_DESK, user=desk_user)


def test_find_by_nhs_number_with_a_reason_opens_the_patient_page_by_opaque_id(desk, patient):
    response = _find(desk, value="999 000 0018", detail="asked about letters")

    assert response.status_code == 302
    assert response["Location"] == reverse("preferences:patient-detail", args=[patient.id])
    page = desk.get(response["Location"])
    assert page.status_code == 200
    body = page.content.decode()
    assert "*** *** 0018" in body and NHS_NUMBER not in body and MOBILE not in body and EMAIL not in body
    viewed = AuditEvent.objects.get(action="patient.viewed")
    assert viewed.reason == "Patient phoned the service desk: asked about letters"
    assert viewed.patient_ref == str(patient.id)


def test_every_view_of_a_patient_page_is_audited(desk, patient):
    _find(desk)
    for _ in range(3):
        desk.get(reverse("preferences:patient-detail", args=[patient.id]))
    desk.get(reverse("preferences:patient-timeline", args=[patient.id]))
    assert AuditEvent.objects.filter(action="patient.viewed", patient_ref=str(patient.id)).count() == 4


def test_opening_a_patient_page_without_a_reason_sends_you_to_find_first(desk, patient):
    response = desk.get(reverse("preferences:patient-detail", args=[patient.id]))
    assert response.status_code == 302 and response["Location"] == reverse(FIND)
    assert not AuditEvent.objects.filter(action="patient.viewed").exists()


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"search_value": "9990000017"}, "search_value", "This is not a valid NHS number: check it and try again"),
        (
            {"search_value": "999 0000 018"},
            "search_value",
            "Enter the NHS number as 10 digits, or in groups of 3, 3 and 4 digits",
        ),
        (
            {"search_by": "mobile", "search_value": "020 7946 0000"},
            "search_value",
            "Enter a mobile phone number: text messages cannot be sent to a landline",
        ),
        ({"reason": ""}, "reason", "Select why you need to find this patient"),
        ({"reason": "other"}, "reason_detail", "Enter the reason you need to find this patient"),
    ],
)
def test_bad_searches_get_a_clear_message_and_the_value_is_not_echoed(desk, patient, data, field, message):
    payload = {
        "search_by": "nhs_number",
        "search_value": NHS_NUMBER,
        "reason": "Patient wrote to us",
        "reason_detail": "",
        **data,
    }
    response = desk.post(reverse(FIND), payload)
    assert response.status_code == 400
    body = response.content.decode()
    assert message in body
    assert payload["search_value"] not in body


def test_not_found_is_plain_and_says_nothing_of_other_organisations(desk, patient, other_organisation):
    make_patient(organisation=other_organisation, nhs_number="9990000026")
    response = _find(desk, value="9990000026")
    assert response.status_code == 200
    assert "No patient found." in response.content.decode()
    assert "organisation" not in response.content.decode().split("<main")[1].lower()


def test_the_find_page_hint_is_the_configured_one(desk, settings):
    # Given a hint configured for this place (locally it names a demo patient)
    settings.PATIENT_SEARCH_HINT = "For example, 999 000 0018 (Margaret Holloway, a demo patient)."

    response = desk.get(reverse(FIND))

    assert response.status_code == 200
    hint = re.search(
        r'<div class="nhsuk-hint" id="id_search_value-hint"\s*>(.*?)</div>', response.content.decode(), re.S
    )
    assert hint is not None
    assert " ".join(hint.group(1).split()) == "For example, 999 000 0018 (Margaret Holloway, a demo patient)."


def test_a_patient_without_contact_details_is_told_how_to_add_them(desk, organisation):
    # Given a patient with no contact details at all
    make_patient(organisation=organisation, nhs_number="9990010013")

    # When the service desk opens their page
    response = _find(desk, value="9990010013")
    page = desk.get(response["Location"]).content.decode()

    # Then the empty list says what would appear there and how
    assert (
        '<td class="nhsuk-table__cell" colspan="5">No contact details recorded. Add the mobile, email or address '
        "the patient gives you: they appear here, and messages can then reach them.</td>"
    ) in page


def test_another_organisations_patient_id_is_404(desk, other_organisation):
    theirs = make_patient(organisation=other_organisation, nhs_number="9990000026")
    for name in ("preferences:patient-detail", "preferences:patient-timeline"):
        assert desk.get(reverse(name, args=[theirs.id])).status_code == 404
    assert desk.post(reverse("preferences:preferences-change", args=[theirs.id]), {}).status_code == 404


def test_other_roles_cannot_find_patients(client_for):
    assert client_for(Role.CONTENT_DESIGNER).get(reverse(FIND)).status_code == 403


def test_reveal_is_a_post_that_shows_the_value_and_is_audited(desk, patient):
    _find(desk)
    point = patient.contact_points.get(kind="mobile")
    url = reverse("preferences:contact-reveal", args=[patient.id, point.id])
    assert desk.get(url).status_code == 405

    response = desk.post(url)

    assert response.status_code == 200
    assert "07400 123456" in response.content.decode()  # shown in UK format
    event = AuditEvent.objects.get(action="patient.contact.revealed")
    assert (event.target_id, event.reason, event.details) == (
        str(point.id),
        "Patient phoned the service desk",
        {"kind": "mobile"},
    )


def test_reveal_asks_for_step_up_when_required_then_works_once_fresh(desk, patient, settings):
    settings.CONTACT_REVEAL_REQUIRES_STEPUP = True
    _find(desk)
    point = patient.contact_points.get(kind="mobile")
    url = reverse("preferences:contact-reveal", args=[patient.id, point.id])

    response = desk.post(url)

    detail = reverse("preferences:patient-detail", args=[patient.id])
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('accounts:stepup')}?next={detail.replace('/', '%2F')}"
    assert not AuditEvent.objects.filter(action="patient.contact.revealed").exists()
    session = desk.session
    session["reauthenticated_at"] = int(time.time())
    session.save()
    assert "07400 123456" in desk.post(url).content.decode()
    assert AuditEvent.objects.filter(action="patient.contact.revealed").count() == 1


def test_change_sms_preference_with_reason_tops_the_timeline_with_my_name(desk, patient, desk_user):
    _find(desk)
    response = desk.post(
        reverse("preferences:preferences-change", args=[patient.id]),
        _grid_post(patient, pref__prescriptions__sms=None, reason="Prefers email"),
    )
    assert response.status_code == 302
    assert Preference.objects.get(patient=patient, category="prescriptions", channel="sms").allowed is False
    timeline = desk.get(reverse("preferences:patient-timeline", args=[patient.id])).content.decode()
    top = patient_timeline(patient=patient)[0]
    assert (top.who, top.reason, top.source) == ("Gareth Lloyd", "Prefers email", "Phone call")
    assert "Prescriptions by SMS: allowed → not allowed" in timeline


def test_change_without_reason_keeps_what_was_entered(desk, patient):
    _find(desk)
    response = desk.post(
        reverse("preferences:preferences-change", args=[patient.id]),
        _grid_post(patient, pref__prescriptions__sms=None, reason="", source=""),
    )
    body = response.content.decode()
    assert response.status_code == 400
    assert "Enter the reason for this change" in body and "Select how this change reached us" in body
    assert 'id="id_pref__prescriptions__sms" name="pref__prescriptions__sms" type="checkbox" value="on">' in body
    assert Preference.objects.get(patient=patient, category="prescriptions", channel="sms").allowed is True


@pytest.mark.hazard("HAZ-008")
def test_closing_last_critical_channel_is_refused_with_the_reason(desk, patient):
    _find(desk)
    data = _grid_post(
        patient,
        pref__appointments__nhsapp=None,
        pref__appointments__sms=None,
        pref__appointments__email=None,
        pref__appointments__letter=None,
    )
    response = desk.post(reverse("preferences:preferences-change", args=[patient.id]), data)
    assert response.status_code == 400
    assert "Appointments is a critical category: at least one channel must stay open" in response.content.decode()


def test_stale_form_is_refused_and_keeps_the_entered_values(desk, patient):
    _find(desk)
    stale = _grid_post(patient, pref__prescriptions__email=None, reason="Second thoughts")
    desk.post(
        reverse("preferences:preferences-change", args=[patient.id]), _grid_post(patient, pref__prescriptions__sms=None)
    )

    response = desk.post(reverse("preferences:preferences-change", args=[patient.id]), stale)

    body = response.content.decode()
    assert response.status_code == 400
    assert "Someone else changed this patient&#39;s details since you opened this page." in body
    assert "Second thoughts" in body
    assert Preference.objects.get(patient=patient, category="prescriptions", channel="email").allowed is True
    assert Preference.objects.get(patient=patient, category="prescriptions", channel="sms").allowed is False


def test_compare_and_revert_from_the_timeline(desk, patient):
    _find(desk)
    before = patient_timeline(patient=patient)[0].change_id
    desk.post(
        reverse("preferences:preferences-change", args=[patient.id]), _grid_post(patient, pref__prescriptions__sms=None)
    )
    after = patient_timeline(patient=patient)[0].change_id

    compare = desk.get(reverse("preferences:patient-compare", args=[patient.id]), {"earlier": before, "later": after})
    assert compare.status_code == 200
    assert "Prescriptions by SMS" in compare.content.decode()

    revert_url = reverse("preferences:patient-revert", args=[patient.id]) + f"?to={before}"
    assert desk.get(revert_url).status_code == 200
    patient.refresh_from_db()
    missing_reason = desk.post(revert_url, {"source": "phone_call", "reason": "", "lock_version": patient.lock_version})
    assert missing_reason.status_code == 400
    done = desk.post(
        revert_url, {"source": "phone_call", "reason": "Changed by mistake", "lock_version": patient.lock_version}
    )
    assert done.status_code == 302
    assert Preference.objects.get(patient=patient, category="prescriptions", channel="sms").allowed is True
    assert patient_timeline(patient=patient)[0].reason == "Changed by mistake"


def test_add_a_mobile_with_reason_and_landline_refused_without_echo(desk, patient):
    _find(desk)
    url = reverse("preferences:contact-add", args=[patient.id])
    assert desk.get(url).status_code == 200
    base = {
        "kind": "mobile",
        "contact_source": "patient",
        "source": "phone_call",
        "reason": "New phone",
        "lock_version": patient.lock_version,
    }

    refused = desk.post(url, {**base, "value": "020 7946 0000"})

    assert refused.status_code == 400
    body = refused.content.decode()
    assert "Enter a mobile phone number: text messages cannot be sent to a landline" in body
    assert "020 7946 0000" not in body
    added = desk.post(url, {**base, "value": "07700 123456"})
    assert added.status_code == 302
    assert patient.contact_points.filter(kind="mobile", value="+447700123456", source="patient").exists()
    event = AuditEvent.objects.filter(action="contact_point.changed", reason="New phone").get()
    assert event.details["change"] == "added"


@pytest.mark.hazard("HAZ-009")
def test_mark_a_contact_detail_bounced(desk, patient):
    _find(desk)
    point = patient.contact_points.get(kind="email")
    url = reverse("preferences:contact-status", args=[patient.id, point.id])
    response = desk.post(
        url,
        {
            "status": "bounced",
            "source": "phone_call",
            "reason": "Patient says inbox closed",
            "lock_version": patient.lock_version,
        },
    )
    assert response.status_code == 302
    point.refresh_from_db()
    assert point.status == "bounced"
    assert patient_timeline(patient=patient)[0].reason == "Patient says inbox closed"


@pytest.mark.hazard("HAZ-005")
def test_change_preferred_name_language_and_formats(desk, patient):
    _find(desk)
    url = reverse("preferences:patient-details", args=[patient.id])
    assert desk.get(url).status_code == 200
    response = desk.post(
        url,
        {
            "preferred_name": "Sammy",
            "language": "cy",
            "accessible_formats": ["large_print"],
            "source": "letter",
            "reason": "Letter from patient",
            "lock_version": patient.lock_version,
        },
    )
    assert response.status_code == 302
    patient.refresh_from_db()
    assert (patient.preferred_name, patient.language, patient.accessible_formats) == ("Sammy", "cy", ["large_print"])
    top = patient_timeline(patient=patient)[0]
    assert "Preferred name: Not set → Sammy" in top.items and top.source == "Letter"


def _preferences_queries(client, url):
    """The page's status and its queries of the preferences tables, by table (sessions, sign-in
    and the audit trail's own queries are not this page's to count)."""
    with CaptureQueriesContext(connection) as captured:
        status = client.get(url).status_code
    tables = [re.search(r'FROM "(preferences_\w+)"', q["sql"]) for q in captured.captured_queries]
    return status, sorted(match.group(1) for match in tables if match)


def test_the_patient_page_reads_each_thing_once(desk, patient):
    # Before: 20 queries in all, of which 8 on the preferences tables (policies read three times,
    # the grid twice). Now 16 in all (17 on PostgreSQL, with the audit lock), 4 of them here.
    _find(desk)

    status, tables = _preferences_queries(desk, reverse("preferences:patient-detail", args=[patient.id]))

    assert status == 200
    assert tables == [
        "preferences_categorypolicy",
        "preferences_contactpoint",
        "preferences_patient",
        "preferences_preference",
    ]


def test_the_revert_page_reads_history_once(desk, patient):
    # Before: 19 queries in all, the three history tables read four times (12). Now 10, once each.
    _find(desk)
    change_id = patient_timeline(patient=patient)[0].change_id

    status, tables = _preferences_queries(
        desk, reverse("preferences:patient-revert", args=[patient.id]) + f"?to={change_id}"
    )

    assert status == 200
    assert tables == [
        "preferences_historicalcontactpoint",
        "preferences_historicalpatient",
        "preferences_historicalpreference",
        "preferences_patient",
    ]


def test_the_patient_page_says_how_we_would_contact_them_and_why_not(desk, patient):
    _find(desk)
    desk.post(
        reverse("preferences:preferences-change", args=[patient.id]),
        _grid_post(patient, pref__appointments__sms=None),
    )

    body = desk.get(reverse("preferences:patient-detail", args=[patient.id])).content.decode()

    assert "How we would contact them" in body
    assert "Email</td>" in body  # appointments: email only
    assert "SMS: opted out of text messages about appointments" in body
    assert "NHS App: does not use the NHS App" in body
    assert "Letter: no postal address" in body


def test_one_reason_for_every_channel_is_said_once(desk, patient):
    # Given a patient who asked for no non-essential messages
    _find(desk)
    desk.post(reverse("preferences:preferences-change", args=[patient.id]), _grid_post(patient, no_non_essential="on"))

    body = desk.get(reverse("preferences:patient-detail", args=[patient.id])).content.decode()

    # Then a non-essential category says the reason once, for every channel
    row = re.search(r'<th scope="row" class="nhsuk-table__header">Service updates</th>(.*?)</tr>', body, re.S)
    assert row is not None
    cells = [
        " ".join(cell.split()) for cell in re.findall(r'<td class="nhsuk-table__cell">(.*?)</td>', row.group(1), re.S)
    ]
    assert cells == [
        "<strong>Not contacted</strong>",
        "Every channel: asked for no non-essential messages (service updates)",
    ]


def test_the_language_is_chosen_from_the_list(desk, patient):
    _find(desk)
    url = reverse("preferences:patient-details", args=[patient.id])
    base = {"preferred_name": "", "source": "letter", "reason": "Letter", "lock_version": patient.lock_version}

    refused = desk.post(url, {**base, "language": "klingon"})

    assert refused.status_code == 400
    assert "Select the patient&#39;s language from the list" in refused.content.decode()
    assert re.search(r'<option value="cy"\s*>Welsh</option>', desk.get(url).content.decode())
    assert desk.post(url, {**base, "language": "pl"}).status_code == 302
    patient.refresh_from_db()
    assert patient.language == "pl"


def test_a_language_stored_before_the_list_existed_stays_valid(desk, patient):
    Patient.objects.filter(pk=patient.pk).update(language="en-GB")
    patient.refresh_from_db()
    _find(desk)
    url = reverse("preferences:patient-details", args=[patient.id])

    response = desk.post(
        url,
        {
            "preferred_name": "Sammy",
            "language": "en-GB",
            "source": "letter",
            "reason": "Letter from patient",
            "lock_version": patient.lock_version,
        },
    )

    assert response.status_code == 302
    patient.refresh_from_db()
    assert (patient.preferred_name, patient.language) == ("Sammy", "en-GB")


def test_a_contact_point_of_another_patient_is_404_on_the_status_page(desk, patient, organisation):
    other = make_patient(organisation=organisation)
    theirs = add_contact(other, "email", "other@example.com")
    _find(desk)

    response = desk.get(reverse("preferences:contact-status", args=[patient.id, theirs.id]))

    assert response.status_code == 404
