"""Four-eyes, hash binding, immutability, semantic versions, lint and concurrent edits."""

import datetime as dt

import pytest
from django.utils import timezone

from audit.models import AuditEvent
from notifyadmin.accounts.roles import Role
from templates_app import services
from templates_app.models import (
    ImmutableVersionError,
    LintAcknowledgement,
    TemplateVersion,
    VersionContent,
    VersionStatus,
)
from templates_app.services.versions import STALE_EDIT_MESSAGE
from tests.templates_app.conftest import SCHEMA, contents, ctx


def sign_off(context, version, **overrides):
    arguments = {
        "content_hash": version.content_hash,
        "declaration_confirmed": True,
        "hazard_ids": ("HAZ-001",),
        "authenticated_at": timezone.now(),
    }
    arguments.update(overrides)
    return services.version_sign_off(actor=context, version=version, **arguments)


@pytest.mark.hazard("HAZ-006")
def test_author_cannot_approve_their_own_content(version_in, as_designer):
    version = version_in(VersionStatus.SUBMITTED)
    with pytest.raises(services.TransitionRefused, match="You wrote this version, so another content designer"):
        services.version_content_approve(actor=as_designer, version=version, content_hash=version.content_hash)


@pytest.mark.hazard("HAZ-006")
def test_content_approver_cannot_also_sign_off(version_in, designer2, organisation):
    # Given a version whose content designer2 approved, and designer2 also working as a CSO
    version = version_in(VersionStatus.CONTENT_APPROVED)
    context = ctx(designer2, Role.CLINICAL_SAFETY_OFFICER, organisation)
    with pytest.raises(services.TransitionRefused) as refused:
        sign_off(context, version)
    assert str(refused.value) == "You approved this version's content, so another person must sign it off."


@pytest.mark.hazard("HAZ-006")
def test_author_cannot_sign_off(version_in, designer, organisation):
    version = version_in(VersionStatus.CONTENT_APPROVED)
    with pytest.raises(services.TransitionRefused, match=r"You wrote this version, so you cannot sign it off\."):
        sign_off(ctx(designer, Role.CLINICAL_SAFETY_OFFICER, organisation), version)


@pytest.mark.hazard("HAZ-006")
def test_approval_is_bound_to_the_hash_seen(version_in, as_designer2):
    version = version_in(VersionStatus.SUBMITTED)
    with pytest.raises(services.TransitionRefused, match="The content changed after you opened it"):
        services.version_content_approve(actor=as_designer2, version=version, content_hash="0" * 64)
    assert TemplateVersion.objects.get(pk=version.pk).status == VersionStatus.SUBMITTED


@pytest.mark.hazard("HAZ-006")
def test_sign_off_needs_a_recent_authentication(version_in, as_cso):
    version = version_in(VersionStatus.CONTENT_APPROVED)
    with pytest.raises(services.TransitionRefused, match="Confirm your identity again"):
        sign_off(as_cso, version, authenticated_at=timezone.now() - dt.timedelta(minutes=16))
    with pytest.raises(services.TransitionRefused, match="Confirm your identity again"):
        sign_off(as_cso, version, authenticated_at=None)


@pytest.mark.hazard("HAZ-006")
def test_sign_off_needs_declaration_and_hazards(version_in, as_cso):
    version = version_in(VersionStatus.CONTENT_APPROVED)
    with pytest.raises(services.ContentInvalid) as invalid:
        sign_off(as_cso, version, declaration_confirmed=False, hazard_ids=())
    assert invalid.value.errors == {
        "declaration": ["Confirm the declaration to sign off this version"],
        "hazards": ["Choose the hazards you considered"],
    }


@pytest.mark.hazard("HAZ-006")
def test_sign_off_refuses_a_hazard_not_in_the_log(version_in, as_cso):
    version = version_in(VersionStatus.CONTENT_APPROVED)
    with pytest.raises(services.ContentInvalid) as invalid:
        sign_off(as_cso, version, hazard_ids=("HAZ-001", "HAZ-999"))
    assert invalid.value.errors == {"hazards": ["HAZ-999 is not in the hazard log: choose from the list"]}
    assert TemplateVersion.objects.get(pk=version.pk).status == VersionStatus.CONTENT_APPROVED


@pytest.mark.hazard("HAZ-006")
def test_sign_off_records_the_review_and_audits(version_in, as_cso, cso):
    version = sign_off(as_cso, version_in(VersionStatus.CONTENT_APPROVED), hazard_ids=("HAZ-012", "HAZ-007"))
    review = version.reviews.get(stage="clinical")
    assert (review.reviewer, review.content_hash, review.hazards) == (
        cso,
        version.content_hash,
        "HAZ-007 A campaign that is going wrong cannot be stopped, HAZ-012 An outage of NHS Notify goes unnoticed",
    )
    event = AuditEvent.objects.get(action="template.version.signed_off", target_id=str(version.id))
    assert event.details["hazard_ids"] == ["HAZ-007", "HAZ-012"]


def test_request_changes_returns_a_new_draft_to_the_author(version_in, as_designer2, designer):
    version = version_in(VersionStatus.SUBMITTED)
    draft = services.version_changes_request(
        actor=as_designer2, version=version, content_hash=version.content_hash, comments="Say where to park."
    )
    assert TemplateVersion.objects.get(pk=version.pk).status == VersionStatus.CHANGES_REQUESTED
    assert (draft.status, draft.author, draft.based_on_id, draft.author_comments) == (
        VersionStatus.DRAFT,
        designer,
        version.id,
        "Say where to park.",
    )
    assert [c.body for c in draft.contents.order_by("channel")] == [
        c.body for c in version.contents.order_by("channel")
    ]


@pytest.mark.hazard("HAZ-015")
def test_publishing_supersedes_the_previous_version_and_binds_the_new_one(version_in):
    old = version_in(VersionStatus.SUPERSEDED)
    template = old.template
    template.refresh_from_db()
    assert old.status == VersionStatus.SUPERSEDED
    assert template.published_version.number == "1.1"
    assert template.published_version.status == VersionStatus.PUBLISHED


@pytest.mark.hazard("HAZ-006")
def test_a_new_signed_off_version_is_not_used_until_published(version_in, as_designer, as_designer2, as_cso):
    published = version_in(VersionStatus.PUBLISHED)
    draft = services.version_draft_create(actor=as_designer, template=published.template)
    draft = services.version_submit(actor=as_designer, version=draft)
    draft = services.version_content_approve(actor=as_designer2, version=draft, content_hash=draft.content_hash)
    sign_off(as_cso, draft)
    published.template.refresh_from_db()
    assert published.template.published_version_id == published.id


def test_wording_change_is_minor_and_field_change_is_major(version_in, as_designer):
    published = version_in(VersionStatus.PUBLISHED)
    assert published.number == "1.0"
    draft = services.version_draft_create(actor=as_designer, template=published.template)
    services.version_draft_save(
        actor=as_designer,
        version=draft,
        lock_version=draft.lock_version,
        channels=["nhsapp", "sms"],
        schema=SCHEMA,
        contents=contents(body="Your appointment is on {{ appointment_date }}. Please arrive early."),
    )
    assert services.version_submit(actor=as_designer, version=draft).number == "1.1"
    services.version_withdraw(actor=as_designer, version=draft)
    draft = services.version_draft_create(actor=as_designer, template=published.template, based_on=published)
    schema = [
        *SCHEMA,
        {"name": "clinic", "type": "text", "max_length": 40, "personal_data": "low", "sample_value": "Eye clinic"},
    ]
    services.version_draft_save(
        actor=as_designer,
        version=draft,
        lock_version=draft.lock_version,
        channels=["nhsapp", "sms"],
        schema=schema,
        contents=contents(body="Your {{ clinic }} appointment is on {{ appointment_date }}."),
    )
    assert services.version_submit(actor=as_designer, version=draft).number == "2.0"


def test_channel_change_is_major(version_in, as_designer):
    published = version_in(VersionStatus.PUBLISHED)
    draft = services.version_draft_create(actor=as_designer, template=published.template)
    services.version_draft_save(
        actor=as_designer,
        version=draft,
        lock_version=draft.lock_version,
        channels=["nhsapp"],
        schema=SCHEMA,
        contents=contents(),
    )
    assert services.version_submit(actor=as_designer, version=draft).number == "2.0"


@pytest.mark.hazard("HAZ-006")
@pytest.mark.parametrize("status", [s for s in VersionStatus if s != VersionStatus.DRAFT])
def test_orm_refuses_to_change_content_of_a_submitted_version(version_in, status):
    version = version_in(status)
    with pytest.raises(ImmutableVersionError):
        TemplateVersion.objects.filter(pk=version.pk).update(personalisation_schema=[])
    with pytest.raises(ImmutableVersionError):
        TemplateVersion.objects.filter(pk=version.pk).update(content_hash="x")
    version.channels = ["letter"]
    with pytest.raises(ImmutableVersionError, match="Refused to change channels"):
        version.save()
    with pytest.raises(ImmutableVersionError):
        VersionContent.objects.filter(version=version).update(body="Changed")
    content = version.contents.first()
    content.body = "Changed"
    with pytest.raises(ImmutableVersionError):
        content.save()
    with pytest.raises(ImmutableVersionError):
        content.delete()
    with pytest.raises(ImmutableVersionError):
        VersionContent.objects.bulk_create([VersionContent(version=version, channel="letter", language="en", body="x")])
    fresh = TemplateVersion.objects.get(pk=version.pk)
    assert fresh.personalisation_schema == SCHEMA
    assert fresh.contents.get(channel="nhsapp").body != "Changed"


def test_orm_allows_editing_a_draft(version_in):
    version = version_in(VersionStatus.DRAFT)
    VersionContent.objects.filter(version=version).update(body="Still a draft")
    assert set(version.contents.values_list("body", flat=True)) == {"Still a draft"}


def test_second_save_with_a_stale_lock_is_refused(version_in, as_designer, as_designer2):
    version = version_in(VersionStatus.DRAFT)
    opened_at = version.lock_version
    services.version_draft_save(
        actor=as_designer2,
        version=version,
        lock_version=opened_at,
        channels=["nhsapp", "sms"],
        schema=SCHEMA,
        contents=contents(body="First save of {{ appointment_date }}."),
    )
    with pytest.raises(services.StaleEdit) as stale:
        services.version_draft_save(
            actor=as_designer,
            version=version,
            lock_version=opened_at,
            channels=["nhsapp", "sms"],
            schema=SCHEMA,
            contents=contents(body="Second save of {{ appointment_date }}."),
        )
    assert str(stale.value) == STALE_EDIT_MESSAGE
    assert version.contents.get(channel="nhsapp").body == "First save of {{ appointment_date }}."


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("{{ ''.__class__ }}", "Line 1:"),
        ("Hello\n{% import 'os' as os %}", "Line 2:"),
        ("{{ appointment_date.__init__.__globals__ }}", "Line 1:"),
        ("x" * 5001, "5,001"),
    ],
)
def test_unsafe_or_over_long_content_is_refused_at_its_field(version_in, as_designer, body, message):
    version = version_in(VersionStatus.DRAFT)
    with pytest.raises(services.ContentInvalid) as invalid:
        services.version_draft_save(
            actor=as_designer,
            version=version,
            lock_version=version.lock_version,
            channels=["nhsapp", "sms"],
            schema=SCHEMA,
            contents=contents(body=body),
        )
    assert list(invalid.value.errors) == ["content-nhsapp-en-body"]
    assert message in " ".join(invalid.value.errors["content-nhsapp-en-body"])
    assert version.contents.get(channel="nhsapp").body.startswith("Your appointment")


def test_bad_schema_is_refused_at_its_field(version_in, as_designer):
    version = version_in(VersionStatus.DRAFT)
    schema = [
        SCHEMA[0],
        {**SCHEMA[0], "sample_value": "27 March"},
        {
            "name": "Bad Name",
            "type": "text",
            "max_length": 5,
            "personal_data": "none",
            "sample_value": "too long value",
        },
    ]
    with pytest.raises(services.ContentInvalid) as invalid:
        services.version_draft_save(
            actor=as_designer,
            version=version,
            lock_version=version.lock_version,
            channels=["nhsapp", "sms"],
            schema=schema,
            contents=contents(),
        )
    assert set(invalid.value.errors) >= {"field-1-name", "field-2-name"}
    assert "used by an earlier field" in invalid.value.errors["field-1-name"][0]


@pytest.mark.hazard("HAZ-010")
def test_lint_errors_block_submission(version_in, as_designer):
    version = version_in(VersionStatus.DRAFT)
    findings = services.version_draft_save(
        actor=as_designer,
        version=version,
        lock_version=version.lock_version,
        channels=["nhsapp", "sms"],
        schema=SCHEMA,
        contents=contents(body="Hello {{ nhs_number }} on {{ appointment_date }}"),
    )
    assert "placeholder.undeclared" in {f.code for f in findings}
    with pytest.raises(services.TransitionRefused, match=r"Fix the 1 error\(s\) the checks found before submitting."):
        services.version_submit(actor=as_designer, version=version)


def test_warnings_must_be_acknowledged_and_are_recorded(version_in, as_designer):
    from templates_app.linting import finding_key

    version = version_in(VersionStatus.DRAFT)
    findings = services.version_draft_save(
        actor=as_designer,
        version=version,
        lock_version=version.lock_version,
        channels=["nhsapp", "sms"],
        schema=SCHEMA,
        contents=contents(body="Click here to see your APPOINTMENT on {{ appointment_date }}."),
    )
    warnings = [f for f in findings if f.severity == "warning"]
    assert {"style.all_caps", "link.vague_text"} & {f.code for f in warnings}
    with pytest.raises(services.TransitionRefused, match="Acknowledge each warning before submitting"):
        services.version_submit(actor=as_designer, version=version)
    submitted = services.version_submit(
        actor=as_designer, version=version, acknowledged={finding_key(f) for f in warnings}
    )
    assert submitted.status == VersionStatus.SUBMITTED
    assert LintAcknowledgement.objects.filter(version=version).count() == len(warnings)
    assert AuditEvent.objects.filter(action="template.lint.acknowledged").count() == 1


def test_only_the_author_can_withdraw(version_in, designer2, organisation):
    version = version_in(VersionStatus.SUBMITTED)
    with pytest.raises(services.TransitionRefused, match=r"Only the author can withdraw this version\."):
        services.version_withdraw(actor=ctx(designer2, Role.CONTENT_DESIGNER, organisation), version=version)


def test_another_organisation_cannot_act(version_in, make_staff, other_organisation):
    # Another organisation's version is refused as if it did not exist (a 404 on a page).
    version = version_in(VersionStatus.SUBMITTED)
    outsider = make_staff(Role.CONTENT_DESIGNER, organisation=other_organisation)
    with pytest.raises(services.NotFound, match=r"^Not found in your organisation\.$"):
        services.version_content_approve(
            actor=ctx(outsider, Role.CONTENT_DESIGNER, other_organisation),
            version=version,
            content_hash=version.content_hash,
        )
