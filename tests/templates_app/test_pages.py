"""Template pages on the kernel: buttons are exactly the workflow's available actions, refusals
shown in the service's words, bounded content, database pagination without N+1, preview
through version_render."""

import uuid

import pytest
from django.urls import reverse

from notifyadmin.accounts.roles import Role
from templates_app.models import MessageTemplate, TemplateVersion, VersionStatus
from tests.factories import RoleAssignmentFactory
from tests.templates_app.test_views import edit_post, edit_url, field_error

BUTTONS = {
    "Edit draft": "Edit draft</a>",
    "Submit for review": "Submit for review</a>",
    "Review content": "Review content</a>",
    "Clinical sign-off": "Clinical sign-off</a>",
    "Withdraw from review": "Withdraw from review</button>",
    "Publish": "Publish version",
    "Retire": "Retire version",
}
STEPUP_NOTE = (
    "Signing off asks you to confirm your identity (sign in again) if you last signed in more than 5 minutes ago."
)


def working_as(client_for, user, role, organisation):
    """A client for `user` working in `role`, giving them that role too if they lack it."""
    if not user.role_assignments.filter(role=role).exists():
        RoleAssignmentFactory(user=user, organisation=organisation, role=role)
    return client_for(role, user=user)


def detail_page(client, version) -> str:
    response = client.get(reverse("templates_app:version-detail", args=[version.template_id, version.id]))
    assert response.status_code == 200
    return response.content.decode()


def buttons(page: str) -> list[str]:
    return [name for name, marker in BUTTONS.items() if marker in page]


@pytest.mark.parametrize(
    ("state", "who", "role", "expected"),
    [
        (VersionStatus.DRAFT, "designer", Role.CONTENT_DESIGNER, ["Edit draft", "Submit for review"]),
        (VersionStatus.SUBMITTED, "designer", Role.CONTENT_DESIGNER, ["Withdraw from review"]),
        (VersionStatus.SUBMITTED, "designer2", Role.CONTENT_DESIGNER, ["Review content"]),
        (VersionStatus.CONTENT_APPROVED, "cso", Role.CLINICAL_SAFETY_OFFICER, ["Clinical sign-off"]),
        # The author and the content approver, working as clinical safety officers, are not offered sign-off
        (VersionStatus.CONTENT_APPROVED, "designer", Role.CLINICAL_SAFETY_OFFICER, []),
        (VersionStatus.CONTENT_APPROVED, "designer2", Role.CLINICAL_SAFETY_OFFICER, []),
        (VersionStatus.SIGNED_OFF, "designer", Role.CONTENT_DESIGNER, ["Publish"]),
        (VersionStatus.PUBLISHED, "designer2", Role.CONTENT_DESIGNER, ["Retire"]),
        (VersionStatus.PUBLISHED, "cso", Role.CLINICAL_SAFETY_OFFICER, []),
    ],
)
def test_version_page_offers_exactly_the_available_actions(
    version_in, client_for, organisation, request, state, who, role, expected
):
    version = version_in(state)
    page = detail_page(working_as(client_for, request.getfixturevalue(who), role, organisation), version)
    assert buttons(page) == expected
    assert (STEPUP_NOTE in page) is ("Clinical sign-off" in expected)


def test_sign_off_page_tells_the_content_approver_why_and_asks_nothing(version_in, client_for, designer2, organisation):
    version = version_in(VersionStatus.CONTENT_APPROVED)
    client = working_as(client_for, designer2, Role.CLINICAL_SAFETY_OFFICER, organisation)
    response = client.get(reverse("templates_app:version-sign-off", args=[version.template_id, version.id]))
    page = response.content.decode()
    # No step-up redirect, no form: the service's own refusal instead
    assert response.status_code == 200
    assert "You approved this version&#39;s content, so another person must sign it off." in page
    assert 'name="decision"' not in page


def test_content_review_page_tells_the_author_why(version_in, client_for, designer):
    version = version_in(VersionStatus.SUBMITTED)
    client = client_for(Role.CONTENT_DESIGNER, user=designer)
    response = client.get(reverse("templates_app:version-content-review", args=[version.template_id, version.id]))
    page = response.content.decode()
    assert "You wrote this version, so another content designer must review it." in page
    assert 'name="decision"' not in page


# --- Content bounded before parsing (issue 9) ------------------------------------------


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            "{% if appointment_date %}" * 5_000 + "x" + "{% endif %}" * 5_000,
            "The NHS App message is 180,001 characters long. The most allowed is 5,000. "
            "Line 1: The text is 180,001 characters long. A template can hold at most 100,000 characters.",
        ),
        (
            "{%if x%}" * 5_000,
            "The NHS App message is 40,000 characters long. The most allowed is 5,000. "
            "Line 1: Conditions are nested more than 10 deep. Close some with {% endif %} or write the text more simply.",
        ),
        (
            "{{" * 10_000,
            "The NHS App message is 20,000 characters long. The most allowed is 5,000. "
            "Line 1: Brackets are nested more than 10 deep. A placeholder holds only a field name, like {{ name }}.",
        ),
    ],
    ids=["5000-nested-ifs-too-long", "5000-nested-ifs", "10000-braces"],
)
def test_deeply_nested_content_is_a_field_error_not_a_server_error(version_in, designer_client, body, message):
    version = version_in(VersionStatus.DRAFT)
    response = designer_client.post(edit_url(version), edit_post(version, body))
    assert response.status_code == 400
    assert field_error(response.content.decode(), "id_content-nhsapp-en-body") == message
    assert version.contents.get(channel="nhsapp").body.startswith("Your appointment")
    assert TemplateVersion.objects.get(pk=version.pk).lock_version == version.lock_version


@pytest.fixture
def designer_client(client_for, designer):
    return client_for(Role.CONTENT_DESIGNER, user=designer)


# --- Pagination in the database, no N+1 -------------------------------------------------


def make_templates(count, *, organisation, owner):
    for n in range(count):
        template = MessageTemplate.objects.create(
            organisation=organisation,
            name=f"Template {n:03}",
            purpose="appointments",
            owner=owner,
            routing_plan_id=uuid.uuid4(),
            channels=["nhsapp"],
        )
        version = TemplateVersion.objects.create(
            organisation=organisation, template=template, author=owner, channels=["nhsapp"]
        )
        template.published_version = version
        template.save()


def test_template_list_is_paginated_with_a_fixed_number_of_queries(
    designer_client, designer, organisation, django_assert_max_num_queries
):
    make_templates(30, organisation=organisation, owner=designer)
    url = reverse("templates_app:template-list")
    with django_assert_max_num_queries(12):
        first = designer_client.get(url).content.decode()
    assert "Template 024" in first and "Template 025" not in first
    assert 'href="?page=2"' in first
    assert "Page 2 of 2" in first
    second = designer_client.get(url, {"page": "2"}).content.decode()
    assert "Template 025" in second and "Template 029" in second and "Template 024" not in second
    # A page that does not exist gives the nearest one, never an error
    assert "Template 029" in designer_client.get(url, {"page": "99"}).content.decode()
    assert "Template 000" in designer_client.get(url, {"page": "x"}).content.decode()


def test_template_page_paginates_versions_and_history(
    version_in, designer_client, designer, organisation, django_assert_max_num_queries
):
    version = version_in(VersionStatus.WITHDRAWN)
    for _ in range(55):
        TemplateVersion.objects.create(
            organisation=organisation,
            template=version.template,
            author=designer,
            channels=["nhsapp"],
            status=VersionStatus.WITHDRAWN,
        )
    url = reverse("templates_app:template-detail", args=[version.template_id])
    with django_assert_max_num_queries(16):
        page = designer_client.get(url).content.decode()
    assert page.count('class="nhsuk-tag nhsuk-tag--white">Withdrawn') == 20
    assert 'href="?versions_page=2"' in page
    assert 'href="?history_page=2"' in page
    last = designer_client.get(url, {"versions_page": "3"}).content.decode()
    assert last.count('class="nhsuk-tag nhsuk-tag--white">Withdrawn') == 16
    assert "Page 2 of 3" in last


def test_work_queue_reads_a_fixed_number_of_queries(version_in, client_for, cso, django_assert_max_num_queries):
    for n in range(6):
        version_in(VersionStatus.CONTENT_APPROVED, name=f"Template {n}")
    client = client_for(Role.CLINICAL_SAFETY_OFFICER, user=cso)
    with django_assert_max_num_queries(10):
        page = client.get(reverse("templates_app:work-queue")).content.decode()
    assert "Awaiting clinical sign-off (6)" in page


# --- Preview through version_render -------------------------------------------------------


def test_preview_of_a_language_the_version_lacks_says_it_falls_back(version_in, designer_client):
    version = version_in(VersionStatus.SUBMITTED)
    url = reverse("templates_app:version-preview", args=[version.template_id, version.id])
    page = designer_client.get(url, {"channel": "nhsapp", "language": "cy"}).content.decode()
    assert "This version has no Welsh content, so it is shown in English." in page
    assert "Preview: NHS App message, English" in page
    assert designer_client.get(url, {"channel": "nhsapp", "language": "xx"}).status_code == 404
    assert designer_client.get(url, {"channel": "letter", "language": "en"}).status_code == 404


def test_compare_with_a_malformed_id_is_not_found(version_in, designer_client):
    version = version_in(VersionStatus.DRAFT)
    url = reverse("templates_app:version-compare", args=[version.template_id])
    assert designer_client.get(url, {"from": "nonsense", "to": str(version.id)}).status_code == 404


def test_version_page_reads_a_fixed_number_of_queries(version_in, client_for, cso, django_assert_max_num_queries):
    version = version_in(VersionStatus.SUPERSEDED)
    client = client_for(Role.CLINICAL_SAFETY_OFFICER, user=cso)
    with django_assert_max_num_queries(14):
        page = detail_page(client, version)
    assert "Clinical sign-off: Approved" in page and "Content review: Approved" in page
