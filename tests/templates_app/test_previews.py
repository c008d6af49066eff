"""Previews that look like the message: phone, NHS App, email and the A4 letter proof."""

import html
import io
import re

import pytest
from django.test import override_settings
from django.urls import reverse
from pypdf import PdfReader

from notifyadmin.accounts.roles import Role
from templates_app import services
from templates_app.content.schema import PersonalisationField, check_value, validate_schema
from templates_app.models import TemplateVersion, VersionStatus
from tests.templates_app.conftest import SCHEMA, new_template

pytestmark = pytest.mark.django_db


def preview(version, **query):
    return reverse("templates_app:version-preview", args=[version.template_id, version.id]), query


def summary_rows(page: str) -> dict[str, str]:
    pairs = re.findall(
        r'<dt class="nhsuk-summary-list__key">(.*?)</dt><dd class="nhsuk-summary-list__value"[^>]*>(.*?)</dd>', page
    )
    return {html.unescape(key): html.unescape(value) for key, value in pairs}


@pytest.fixture
def designer_client(client_for, designer):
    return client_for(Role.CONTENT_DESIGNER, user=designer)


@pytest.fixture
def every_channel(as_designer):
    """A draft with content for all four channels; the date field has no maximum length."""
    template = new_template(as_designer, "Screening invitation")
    version = template.versions.get()
    schema = [{**SCHEMA[0], "max_length": 0}]
    body = "Your appointment is on {{ appointment_date }}.\n\nReply STOP to opt out."
    services.version_draft_save(
        actor=as_designer,
        version=version,
        lock_version=version.lock_version,
        channels=["nhsapp", "sms", "email", "letter"],
        schema=schema,
        contents=[
            {"channel": "nhsapp", "language": "en", "subject": "", "body": body},
            {"channel": "sms", "language": "en", "subject": "", "body": body},
            {"channel": "email", "language": "en", "subject": "Your screening appointment", "body": body},
            {"channel": "letter", "language": "en", "subject": "", "body": "Dear patient\n\n" + body},
        ],
    )
    return TemplateVersion.objects.get(pk=version.pk)


def test_sms_preview_is_a_phone_with_sender_fragments_and_estimated_cost(every_channel, designer_client):
    url, query = preview(every_channel, channel="sms", language="en")
    page = designer_client.get(url, query).content.decode()
    sender = re.search(r'<span class="app-phone__sender">(.*?)</span>', page).group(1)
    assert sender == every_channel.organisation.name
    text = re.search(r'<p class="app-sms-bubble" id="sms-text">(.*?)</p>', page, re.S).group(1)
    assert text == "Your appointment is on Friday 27 March 2026.\n\nReply STOP to opt out."
    assert summary_rows(page) == {
        "Length": "68 characters",
        "Charged as": "1 text message (fragments)",
        "Characters used": "Standard (GSM-7)",
        "Cost": "Estimated cost: £0.0197 (1 text message charged)",
    }


@override_settings(SMS_PRICE_PER_FRAGMENT_GBP="0.05")
def test_sms_cost_comes_from_the_configured_price(every_channel, designer_client):
    url, query = preview(every_channel, channel="sms", language="en")
    page = designer_client.get(url, query).content.decode()
    assert summary_rows(page)["Cost"] == "Estimated cost: £0.05 (1 text message charged)"


def test_email_preview_has_its_subject_and_html_body(every_channel, designer_client):
    url, query = preview(every_channel, channel="email", language="en")
    page = designer_client.get(url, query).content.decode()
    assert '<dd id="email-subject">Your screening appointment</dd>' in page
    assert "<p>Your appointment is on Friday 27 March 2026.</p>" in page


def test_nhs_app_preview_shows_the_message_as_the_app_does(every_channel, designer_client):
    url, query = preview(every_channel, channel="nhsapp", language="en")
    page = designer_client.get(url, query).content.decode()
    assert 'aria-label="Message as the NHS App shows it"' in page
    assert "<p>Reply STOP to opt out.</p>" in page


@override_settings(LETTER_PRICE_GBP="0.74")
def test_letter_preview_links_the_pdf_proof_and_says_the_estimated_cost(every_channel, designer_client):
    url, query = preview(every_channel, channel="letter", language="en")
    page = designer_client.get(url, query).content.decode()
    pdf_url = reverse("templates_app:version-letter-pdf", args=[every_channel.template_id, every_channel.id])
    assert f'<a href="{pdf_url}?language=en" id="letter-pdf">Open the letter proof (PDF, A4)</a>' in page
    assert '<p id="cost">Estimated cost: £0.74 per letter</p>' in page


def test_letter_proof_is_an_a4_pdf_with_the_rendered_text(every_channel, designer_client):
    url = reverse("templates_app:version-letter-pdf", args=[every_channel.template_id, every_channel.id])
    response = designer_client.get(url, {"language": "en"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    reader = PdfReader(io.BytesIO(response.content))
    box = reader.pages[0].mediabox
    assert (round(float(box.width) / 72 * 25.4), round(float(box.height) / 72 * 25.4)) == (210, 297)
    text = " ".join(reader.pages[0].extract_text().split())
    assert "Dear patient" in text
    assert "Your appointment is on Friday 27 March 2026." in text
    assert every_channel.organisation.name in text


def test_letter_proof_of_a_version_without_a_letter_is_not_found(version_in, designer_client):
    version = version_in(VersionStatus.DRAFT)
    url = reverse("templates_app:version-letter-pdf", args=[version.template_id, version.id])
    assert designer_client.get(url).status_code == 404


def test_a_date_field_needs_no_maximum_length():
    field = PersonalisationField.from_dict({**SCHEMA[0], "max_length": 0})
    assert validate_schema([field]) == []
    assert check_value(field, "2026-12-01") is None
    text = PersonalisationField.from_dict({**SCHEMA[0], "type": "text", "max_length": 0})
    assert [error.message for error in validate_schema([text])] == [
        "Field 1 (appointment_date): the maximum length must be a whole number above 0."
    ]
