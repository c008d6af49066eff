"""Review and sign-off show the message a patient would read beside its source, in words, not
codes (issue 12, item 5); the author is told why they may not decide and who can (item 4)."""

import html
import re

import pytest
from django.urls import reverse

from notifyadmin.accounts.roles import Role
from templates_app import linting, services
from templates_app.models import VersionStatus
from tests.templates_app.conftest import SCHEMA, new_template

pytestmark = pytest.mark.django_db

SHOUTING = "URGENT: your appointment is on {{ appointment_date }}."


def review_url(version):
    return reverse("templates_app:version-content-review", args=[version.template_id, version.id])


def sign_off_url(version):
    return reverse("templates_app:version-sign-off", args=[version.template_id, version.id])


def text(fragment: str) -> str:
    words = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", fragment)).split())
    return re.sub(r" ([.,:])", r"\1", words)


def side_by_side(page: str) -> list[tuple[str, str, str]]:
    """(heading, as written, as received) for each content shown on the page."""
    blocks = re.findall(
        r'<h3 class="nhsuk-heading-s">(.*?)</h3>\s*<div class="nhsuk-grid-row app-side-by-side">(.*?)'
        r'<h4 class="nhsuk-heading-xs">As the patient receives it, with the sample values</h4>(.*?)</div>\s*</div>',
        page,
        re.S,
    )
    return [
        (text(heading), text(written.replace('<h4 class="nhsuk-heading-xs">As written</h4>', "")), text(received))
        for heading, written, received in blocks
    ]


@pytest.fixture
def submitted_with_a_warning(as_designer):
    """A submitted version whose NHS App message shouts, the warning acknowledged by its author."""
    version = new_template(as_designer).versions.get()
    services.version_draft_save(
        actor=as_designer,
        version=version,
        lock_version=version.lock_version,
        channels=["nhsapp", "sms"],
        schema=SCHEMA,
        contents=[
            {"channel": "nhsapp", "language": "en", "subject": "", "body": SHOUTING},
            {
                "channel": "sms",
                "language": "en",
                "subject": "",
                "body": "Your appointment is on {{ appointment_date }}.",
            },
        ],
    )
    warnings = linting.warnings_of(linting.lint_stored(version))
    return services.version_submit(
        actor=as_designer, version=version, acknowledged={linting.finding_key(w) for w in warnings}
    )


def test_content_review_shows_each_message_beside_its_source_in_words(client_for, designer2, submitted_with_a_warning):
    # Given a submitted version, when another content designer opens its review
    response = client_for(Role.CONTENT_DESIGNER, user=designer2).get(review_url(submitted_with_a_warning))
    page = response.content.decode()

    # Then each channel's source is beside the message it makes with the sample values
    assert response.status_code == 200
    assert side_by_side(page) == [
        (
            "NHS App message, English",
            SHOUTING,
            "URGENT: your appointment is on Friday 27 March 2026.",
        ),
        (
            "Text message (SMS), English",
            "Your appointment is on {{ appointment_date }}.",
            "Your appointment is on Friday 27 March 2026. "
            "44 characters. Estimated cost: £0.0197 (1 text message charged).",
        ),
    ]
    # And the schema and the acknowledged warning are in words, with no stored codes
    fields = text(page.split("<thead")[1].split("</table>")[0])
    assert "appointment_date Type Date Maximum length 10 Personal data Low: does not identify the patient" in fields
    acknowledged = re.findall(
        r"<h2 class=\"nhsuk-heading-m\">Warnings the author acknowledged</h2>\s*<ul[^>]*>(.*?)</ul>", page, re.S
    )
    assert [text(item) for item in re.findall(r"<li>(.*?)</li>", acknowledged[0])] == [
        'Style: NHS App message in English, line 1: "URGENT" is in capital letters, which is harder to read. '
        "Use capitals only for acronyms like NHS."
    ]
    for code in ("style.all_caps", "nhsapp (en)", ">low<", ">date<", "content_approved", "submitted<"):
        assert code not in page
    assert '<input class="nhsuk-radios__input" id="id_decision" name="decision" type="radio" value="approve"' in page


def test_the_warnings_to_acknowledge_at_submission_are_in_words(client_for, designer, as_designer):
    # Given a draft whose NHS App message shouts
    version = new_template(as_designer).versions.get()
    services.version_draft_save(
        actor=as_designer,
        version=version,
        lock_version=version.lock_version,
        channels=["nhsapp"],
        schema=SCHEMA,
        contents=[{"channel": "nhsapp", "language": "en", "subject": "", "body": SHOUTING}],
    )

    # When its author opens the submit page
    url = reverse("templates_app:version-submit", args=[version.template_id, version.id])
    page = client_for(Role.CONTENT_DESIGNER, user=designer).get(url).content.decode()

    # Then the warning to acknowledge says the check and where in words, not "nhsapp (en)"
    labels = re.findall(r'<label class="nhsuk-label nhsuk-checkboxes__label" for="ack-\d+">(.*?)</label>', page, re.S)
    assert [text(label) for label in labels] == [
        'Style. NHS App message in English, line 1: "URGENT" is in capital letters, which is harder to read. '
        "Use capitals only for acronyms like NHS."
    ]
    assert "nhsapp (en)" not in page


def test_sign_off_shows_each_message_beside_its_source(client_for, cso, version_in):
    version = version_in(VersionStatus.CONTENT_APPROVED)

    page = client_for(Role.CLINICAL_SAFETY_OFFICER, user=cso).get(sign_off_url(version)).content.decode()

    assert [(heading, received) for heading, _, received in side_by_side(page)] == [
        (
            "NHS App message, English",
            "Your appointment is on Friday 27 March 2026. Call the clinic if you cannot come.",
        ),
        (
            "Text message (SMS), English",
            "Your appointment is on Friday 27 March 2026. "
            "44 characters. Estimated cost: £0.0197 (1 text message charged).",
        ),
    ]


def test_a_letter_under_review_links_its_pdf_proof_and_says_the_cost_is_estimated(
    client_for, designer2, as_designer, settings
):
    settings.LETTER_PRICE_GBP = "0.74"
    version = new_template(as_designer).versions.get()
    services.version_draft_save(
        actor=as_designer,
        version=version,
        lock_version=version.lock_version,
        channels=["letter"],
        schema=SCHEMA,
        contents=[
            {
                "channel": "letter",
                "language": "en",
                "subject": "",
                "body": "Dear patient\n\nSee you on {{ appointment_date }}.",
            }
        ],
    )
    version = services.version_submit(actor=as_designer, version=version)

    page = client_for(Role.CONTENT_DESIGNER, user=designer2).get(review_url(version)).content.decode()

    [(heading, _, received)] = side_by_side(page)
    assert heading == "Letter, English"
    assert received == (
        "Dear patient See you on Friday 27 March 2026. Open the letter proof (PDF, A4). Estimated cost: £0.74 per letter."
    )
    pdf = reverse("templates_app:version-letter-pdf", args=[version.template_id, version.id])
    assert f'<a href="{pdf}?language=en">Open the letter proof (PDF, A4)</a>' in page


def test_the_author_is_not_shown_the_review_form_and_is_told_who_can(client_for, designer, version_in):
    # Given a version Priya Shah wrote, awaiting content review
    version = version_in(VersionStatus.SUBMITTED)

    # When Priya opens its review page
    page = client_for(Role.CONTENT_DESIGNER, user=designer).get(review_url(version)).content.decode()

    # Then there is no form: the page says why not and who can review it
    assert 'name="decision"' not in page
    callout = re.search(r'<div class="nhsuk-warning-callout">.*?<p>(.*?)</p></div>', page, re.S)
    assert callout is not None
    assert text(callout.group(1)) == (
        "You wrote this version, so another content designer must review it. Tom Okafor can review its content."
    )
