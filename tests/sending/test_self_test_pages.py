"""The pages for sending a test to yourself: test contact details, the send page (prefilled,
preview, send), your test messages, the link on the version page, and every refusal a clear
page with nothing written."""

import re

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from notifyadmin.accounts.roles import Role
from notifyadmin.sending.models import Message, MessageSource, StaffTestContact
from notifyadmin.sending.status import MessageStatus
from tests.sending.self_test_factories import draft_reminder, single_channel_plans

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(organisation, make_staff):
    single_channel_plans(organisation)
    return draft_reminder(organisation=organisation, owner=make_staff(), welsh=True)


@pytest.fixture
def designer(client_for):
    return client_for(Role.CONTENT_DESIGNER)


def _save_contact(client, **values):
    data = {"nhs_number": "999 054 8609", "mobile": "07400 000001", "email": "delivered@example.com", **values}
    return client.post(reverse("sending:test-contact"), data)


def _text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def _send_url(version) -> str:
    return reverse("sending:self-test", args=[version.id])


FILLED = {"channel": "sms", "language": "en", "p_clinic": "Eye clinic", "p_appointment_date": "21/12/2026"}


@pytest.mark.parametrize("role", [Role.SERVICE_DESK, Role.OPERATIONS, Role.AUDITOR, Role.ADMINISTRATOR])
def test_roles_without_the_permission_are_refused_every_page(client_for, draft, role):
    client = client_for(role)
    for url in (reverse("sending:self-tests"), reverse("sending:test-contact"), _send_url(draft)):
        assert client.get(url).status_code == 403
    assert client.post(_send_url(draft), {**FILLED, "confirm": "yes"}).status_code == 403
    assert _save_contact(client).status_code == 403
    assert (Message.objects.count(), StaffTestContact.objects.count()) == (0, 0)


def test_another_organisations_version_is_not_found(client_for, draft, other_organisation):
    client = client_for(Role.CONTENT_DESIGNER, organisation=other_organisation)
    _save_contact(client)
    assert client.get(_send_url(draft)).status_code == 404
    assert client.post(_send_url(draft), {**FILLED, "confirm": "yes"}).status_code == 404
    assert Message.objects.count() == 0


def test_the_version_page_links_to_sending_a_test_only_for_those_who_may(client_for, draft):
    url = reverse("templates_app:version-detail", args=[draft.template_id, draft.id])
    link = f'href="{_send_url(draft)}">Send a test to yourself</a>'
    for role, shown in ((Role.CONTENT_DESIGNER, True), (Role.CLINICAL_SAFETY_OFFICER, True), (Role.OPERATIONS, False)):
        page = client_for(role).get(url)
        assert page.status_code == 200
        assert (link in page.content.decode()) is shown, role


def test_without_test_contact_details_the_page_says_how_to_add_them(designer, draft):
    # Given a designer with no test contact details
    page = designer.get(_send_url(draft))
    # Then the page tells them to add them, with a link that brings them back here
    assert page.status_code == 200
    contact_url = f"{reverse('sending:test-contact')}?version={draft.id}"
    assert f'href="{contact_url}"' in page.content.decode()
    assert "Add your test contact details" in _text(page)
    assert 'name="channel"' not in page.content.decode()
    # And posting a test anyway sends nothing
    assert designer.post(_send_url(draft), {**FILLED, "confirm": "yes"}).status_code == 200
    assert Message.objects.count() == 0
    # When they add them from that link, they come back to the test
    saved = designer.post(contact_url, {"nhs_number": "9990548609", "mobile": "", "email": ""})
    assert (saved.status_code, saved["Location"]) == (302, _send_url(draft))
    assert StaffTestContact.objects.get(user=designer.user).nhs_number == "9990548609"


def test_contact_details_are_refused_field_by_field(designer):
    page = _save_contact(designer, nhs_number="943 476 5919", email="me@nhs.net")
    assert page.status_code == 400
    text = _text(page)
    assert "Enter an NHS number from the range reserved for testing (999 000 0000 to 999 999 9999)" in text
    assert "Enter an email address at example.com: this environment sends only to test recipients" in text
    assert 'href="#id_nhs_number"' in text and 'href="#id_email"' in text
    assert StaffTestContact.objects.count() == 0
    assert not AuditEvent.objects.filter(action="message.test_contact.changed").exists()


def test_fill_in_preview_and_send_a_test_of_a_draft(designer, draft):
    # Given a designer with test contact details
    _save_contact(designer)
    # When they open the send page, it is prefilled with the version's sample values
    page = designer.get(_send_url(draft))
    html = page.content.decode()
    assert page.status_code == 200
    assert 'name="p_clinic" type="text" spellcheck="false" value="Eye clinic"' in html
    assert 'name="p_appointment_date" type="text" spellcheck="false" value="01/12/2026"' in html
    assert "This version is not published: a test is the only way it can be sent." in _text(page)
    # And the version has English and Welsh, so the language is offered
    assert '<option value="cy">Welsh</option>' in html
    # When they preview it
    preview = designer.post(_send_url(draft), FILLED)
    text = _text(preview)
    assert preview.status_code == 200
    assert "Check the test before you send it" in text
    assert "Eye clinic on Monday 21 December 2026." in text
    assert 'Sent to</dt><dd class="nhsuk-summary-list__value">07400 000001' in text
    assert Message.objects.count() == 0
    # And send it
    sent = designer.post(_send_url(draft), {**FILLED, "confirm": "yes"})
    assert (sent.status_code, sent["Location"]) == (302, reverse("sending:self-tests"))
    message = Message.objects.get()
    assert (message.source, message.status, message.patient_id, message.authorised_by) == (
        MessageSource.TEST,
        MessageStatus.QUEUED,
        None,
        designer.user,
    )
    # Then their test messages list it, with its status and where it went
    listing = designer.get(reverse("sending:self-tests"), follow=True)
    text = _text(listing)
    assert "Your test of Clinic reminder is queued to send by text message (sms)." in text
    assert "Clinic reminder, draft" in text
    assert '<strong class="app-test-status">Queued</strong>' in text
    assert "Eye clinic on Monday 21 December 2026." in text


def test_a_test_in_welsh(designer, draft):
    _save_contact(designer)
    preview = designer.post(_send_url(draft), {**FILLED, "channel": "nhsapp", "language": "cy"})
    assert preview.status_code == 200
    assert "Eich apwyntiad Eye clinic: Monday 21 December 2026." in _text(preview)
    designer.post(_send_url(draft), {**FILLED, "channel": "nhsapp", "language": "cy", "confirm": "yes"})
    assert Message.objects.get().language == "cy"


@pytest.mark.parametrize(
    ("changes", "error", "anchor"),
    [
        ({"p_clinic": ""}, "Enter the clinic", "#id_p_clinic"),
        ({"p_appointment_date": "31/02/2026"}, "Enter the appointment date as a real date", "#id_p_appointment_date"),
        ({"channel": "letter"}, "Choose a channel this version has", "#id_channel"),
        ({"channel": ""}, "Choose the channel to send the test by", "#id_channel"),
        ({"language": "fr"}, "Choose a language this version is written in", "#id_language"),
    ],
)
def test_bad_input_gets_a_clear_error_and_nothing_is_sent(designer, draft, changes, error, anchor):
    _save_contact(designer)
    audit_before = AuditEvent.objects.count()
    page = designer.post(_send_url(draft), {**FILLED, **changes, "confirm": "yes"})
    assert page.status_code == 400
    text = _text(page)
    assert error in text
    assert f'href="{anchor}"' in text
    assert Message.objects.count() == 0
    assert AuditEvent.objects.count() == audit_before


def test_a_channel_needing_a_detail_they_have_not_given_says_which(designer, draft):
    _save_contact(designer, email="")
    page = designer.post(_send_url(draft), {**FILLED, "channel": "email", "confirm": "yes"})
    assert page.status_code == 400
    assert "Add your email address to your test contact details to test a email" in _text(page)
    assert Message.objects.count() == 0


def test_your_test_messages_shows_only_your_own(client_for, draft, organisation):
    # Given two designers who each sent a test
    first, second = client_for(Role.CONTENT_DESIGNER), client_for(Role.CONTENT_DESIGNER)
    for client in (first, second):
        _save_contact(client)
        client.post(_send_url(draft), {**FILLED, "confirm": "yes"})
    assert Message.objects.count() == 2
    # Then each sees one test: their own
    for client in (first, second):
        text = _text(client.get(reverse("sending:self-tests")))
        assert text.count("app-test-message") == 1


def test_the_home_page_leads_to_your_test_messages_for_those_who_may(client_for):
    link = f'href="{reverse("sending:self-tests")}"'
    assert link in client_for(Role.CLINICAL_SAFETY_OFFICER).get("/").content.decode()
    assert link not in client_for(Role.SERVICE_DESK).get("/").content.decode()
