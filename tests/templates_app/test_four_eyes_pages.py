"""Four-eyes shown: the author is told why they may not review and who can, instead of a form."""

import html
import re

import pytest
from django.urls import reverse

from notifyadmin.accounts.roles import Role
from templates_app.models import VersionStatus
from tests.factories import RoleAssignmentFactory

pytestmark = pytest.mark.django_db


def detail(version):
    return reverse("templates_app:version-detail", args=[version.template_id, version.id])


def not_you_notes(page: str) -> list[str]:
    notes = re.findall(r'<div class="nhsuk-inset-text app-not-you">.*?<p>(.*?)</p></div>', page, re.S)
    return [" ".join(html.unescape(note).split()) for note in notes]


def test_the_author_is_told_who_can_review_instead_of_being_offered_it(version_in, client_for, designer):
    # Given a submitted version written by Priya Shah, and Tom Okafor another content designer
    version = version_in(VersionStatus.SUBMITTED)
    # When Priya opens it
    page = client_for(Role.CONTENT_DESIGNER, user=designer).get(detail(version)).content.decode()
    # Then the page says why not and who can, and offers no review
    assert not_you_notes(page) == [
        "You wrote this version, so another content designer must review it. Tom Okafor can review its content."
    ]
    assert reverse("templates_app:version-content-review", args=[version.template_id, version.id]) not in page


def test_another_content_designer_is_offered_the_review_and_no_note(version_in, client_for, designer2):
    version = version_in(VersionStatus.SUBMITTED)
    page = client_for(Role.CONTENT_DESIGNER, user=designer2).get(detail(version)).content.decode()
    assert not_you_notes(page) == []
    assert reverse("templates_app:version-content-review", args=[version.template_id, version.id]) in page


def test_when_nobody_else_can_review_the_page_says_to_ask_an_administrator(version_in, client_for, designer, designer2):
    version = version_in(VersionStatus.SUBMITTED)
    designer2.is_active = False
    designer2.save(update_fields=["is_active"])
    page = client_for(Role.CONTENT_DESIGNER, user=designer).get(detail(version)).content.decode()
    assert not_you_notes(page) == [
        "You wrote this version, so another content designer must review it. No other content designer in "
        "your organisation can review its content yet: ask an administrator."
    ]


def test_a_clinical_safety_officer_who_did_not_write_it_is_offered_sign_off(version_in, client_for, cso):
    version = version_in(VersionStatus.CONTENT_APPROVED)
    page = client_for(Role.CLINICAL_SAFETY_OFFICER, user=cso).get(detail(version)).content.decode()
    assert not_you_notes(page) == []
    assert reverse("templates_app:version-sign-off", args=[version.template_id, version.id]) in page


def test_an_author_who_is_also_a_clinical_safety_officer_is_told_who_can_sign_off(
    version_in, client_for, designer, make_staff, organisation
):
    # Given the author also holds the clinical safety officer role, and Helen Marsh is another one
    RoleAssignmentFactory(user=designer, organisation=organisation, role=Role.CLINICAL_SAFETY_OFFICER)
    version = version_in(VersionStatus.CONTENT_APPROVED)
    # When the author opens it working as clinical safety officer
    page = client_for(Role.CLINICAL_SAFETY_OFFICER, user=designer).get(detail(version)).content.decode()
    # Then sign-off is not offered, and Helen Marsh is named
    assert not_you_notes(page) == ["You wrote this version, so you cannot sign it off. Helen Marsh can sign it off."]
    assert reverse("templates_app:version-sign-off", args=[version.template_id, version.id]) not in page


def test_checks_are_named_in_words_with_the_content_they_are_in(version_in, client_for, designer, as_designer):
    # Given a draft whose NHS App message shouts
    from templates_app import services
    from tests.templates_app.conftest import SCHEMA

    version = version_in(VersionStatus.DRAFT)
    services.version_draft_save(
        actor=as_designer,
        version=version,
        lock_version=version.lock_version,
        channels=["nhsapp", "sms"],
        schema=SCHEMA,
        contents=[
            {
                "channel": "nhsapp",
                "language": "en",
                "subject": "",
                "body": "URGENT: see you on {{ appointment_date }}.",
            },
            {
                "channel": "sms",
                "language": "en",
                "subject": "",
                "body": "Reply STOP to opt out. {{ appointment_date }}",
            },
        ],
    )
    # When its author opens it
    page = client_for(Role.CONTENT_DESIGNER, user=designer).get(detail(version)).content.decode()
    findings = [
        " ".join(html.unescape(f).split()) for f in re.findall(r'<span class="app-finding">(.*?)</span>', page, re.S)
    ]
    # Then the finding says the check and where in words, with no code
    assert (
        'Style. NHS App message in English, line 1: "URGENT" is in capital letters, which is harder to read. '
        "Use capitals only for acronyms like NHS." in findings
    )
    assert not any("STOP" in finding for finding in findings)
    assert "style.all_caps" not in page
    assert "<h1>Draft</h1>" in page
