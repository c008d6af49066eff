"""Drafting and submitting versions.

Rules: a version is edited only while it is a draft, by a content designer, and never by two
people at once (optimistic locking on ``lock_version``); any change to a submitted version is
a new draft based on it. Submission computes the semantic version (major when personalisation
fields or channels change, minor for wording), fixes the content hash, and needs no lint errors
and every lint warning acknowledged.
"""

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone

from audit.services import audit_record
from notifyadmin.accounts.roles import Permission
from notifyadmin.core.actor import Actor
from notifyadmin.core.history import attributed
from templates_app import linting, workflow
from templates_app.models import (
    LintAcknowledgement,
    MessageTemplate,
    TemplateVersion,
    VersionContent,
    VersionStatus,
    content_hash_of,
)
from templates_app.services._transitions import advance, lock_and_check
from templates_app.services.errors import ContentInvalid, StaleEdit, TransitionRefused

STALE_EDIT_MESSAGE = (
    "Someone else saved this draft while you were editing it. Your changes have not been saved: "
    "they are still in the form below. Open the draft again to see their changes, then add yours."
)


def blank_draft(*, actor: Actor, template: MessageTemplate) -> TemplateVersion:
    """An empty draft of `template` by `actor`, with the template's channels."""
    draft = attributed(
        TemplateVersion(
            organisation=template.organisation,
            template=template,
            author=actor.staff_user,
            channels=template.channels,
        ),
        actor,
    )
    draft.save(force_insert=True)
    return draft


def _copy_draft(*, actor: Actor, source: TemplateVersion, author: Any, comments: str = "") -> TemplateVersion:
    """A new draft of `source` for `author`, started by `actor` (the author, or a reviewer who
    asked for changes)."""
    draft = attributed(
        TemplateVersion(
            organisation=source.organisation,
            template=source.template,
            author=author,
            based_on=source,
            channels=list(source.channels),
            personalisation_schema=list(source.personalisation_schema),
            author_comments=comments,
        ),
        actor,
    )
    draft.save(force_insert=True)
    VersionContent.objects.bulk_create(
        VersionContent(version=draft, channel=c.channel, language=c.language, subject=c.subject, body=c.body)
        for c in source.contents.all()
    )
    return draft


def version_draft_create(
    *, actor: Actor, template: MessageTemplate, based_on: TemplateVersion | None = None
) -> TemplateVersion:
    """Start a new draft, copied from ``based_on`` (default: the published version, else the newest).
    A template has at most one draft at a time."""
    actor.require(Permission.TEMPLATE_EDIT)
    actor.require_organisation(template)
    with transaction.atomic():
        MessageTemplate.objects.select_for_update().get(pk=template.pk)
        if template.versions.filter(status=VersionStatus.DRAFT).exists():
            raise TransitionRefused("This template already has a draft: edit that draft instead.")
        source = based_on or template.published_version or template.versions.order_by("-created_at").first()
        if source is None:
            draft = blank_draft(actor=actor, template=template)
        else:
            if source.template_id != template.id:
                raise TransitionRefused("That version belongs to another template.")
            draft = _copy_draft(actor=actor, source=source, author=actor.staff_user)
        audit_record(
            actor=actor,
            action="template.version.created",
            target_type="template_version",
            target_id=str(draft.id),
            details={"template_id": str(template.id), "based_on": str(source.id) if source else None},
        )
    return draft


def _clean_contents(channels: Sequence[str], contents: Iterable[Mapping[str, str]]) -> list[dict[str, str]]:
    """Keep content for the version's channels; drop optional languages left blank."""
    kept = []
    for item in contents:
        if item["channel"] not in channels:
            continue
        body, subject = item.get("body", ""), item.get("subject", "")
        if item["language"] != "en" and not body.strip() and not subject.strip():
            continue
        kept.append({"channel": item["channel"], "language": item["language"], "subject": subject, "body": body})
    return kept


def version_draft_save(
    *,
    actor: Actor,
    version: TemplateVersion,
    lock_version: int,
    channels: Sequence[str],
    schema: Sequence[Mapping[str, Any]],
    contents: Iterable[Mapping[str, str]],
) -> list[linting.Finding]:
    """Save a draft's channels, schema and content; returns its lint findings.

    Refuses (saving nothing) when someone else saved since ``lock_version``, or when the
    content cannot be stored: invalid schema, template syntax or injection, over-long content,
    broken Markdown. Other lint findings are returned to show, and block only submission.
    """
    workflow.VERSION_WORKFLOW.check(workflow.EDIT, version, actor)
    if not channels:
        raise ContentInvalid({"channels": ["Choose at least one channel"]})
    cleaned = _clean_contents(channels, contents)
    schema_list = [dict(field) for field in schema]
    errors = linting.save_blocking_errors(contents=cleaned, schema=schema_list)
    if errors:
        raise ContentInvalid(errors)
    with transaction.atomic():
        current = lock_and_check(workflow.EDIT, version=version, actor=actor)
        updated = TemplateVersion.objects.filter(pk=current.pk, lock_version=lock_version).update(
            lock_version=F("lock_version") + 1,
            channels=sorted(channels),
            personalisation_schema=schema_list,
            updated_at=timezone.now(),
        )
        if not updated:
            raise StaleEdit(STALE_EDIT_MESSAGE)
        current.contents.all().delete()
        VersionContent.objects.bulk_create(VersionContent(version=current, **item) for item in cleaned)
        current.refresh_from_db()
        version.lock_version = current.lock_version
        findings = linting.lint_stored(current)
        audit_record(
            actor=actor,
            action="template.version.saved",
            target_type="template_version",
            target_id=str(current.id),
            details={
                "template_id": str(current.template_id),
                "lock_version": current.lock_version,
                "lint_errors": len(linting.errors_of(findings)),
                "lint_warnings": len(linting.warnings_of(findings)),
            },
        )
    return findings


def _field_shape(schema: Iterable[Mapping[str, Any]]) -> list[tuple[Any, ...]]:
    # Sample values are examples, not part of the contract with client systems.
    return [(f.get("name"), f.get("type"), f.get("max_length"), f.get("personal_data")) for f in schema]


def next_number(version: TemplateVersion) -> tuple[int, int]:
    """Major when personalisation fields or channels differ from ``based_on``; minor otherwise."""
    numbered = TemplateVersion.objects.filter(template_id=version.template_id, major__isnull=False)
    top_major = numbered.aggregate(top=Max("major"))["top"] or 0
    base = version.based_on
    if base is None or base.major is None:
        return top_major + 1, 0
    if sorted(base.channels) != sorted(version.channels) or _field_shape(base.personalisation_schema) != _field_shape(
        version.personalisation_schema
    ):
        return top_major + 1, 0
    top_minor = numbered.filter(major=base.major).aggregate(top=Max("minor"))["top"] or 0
    return base.major, top_minor + 1


def version_submit(*, actor: Actor, version: TemplateVersion, acknowledged: Iterable[str] = ()) -> TemplateVersion:
    """Submit a draft for content review: no lint errors, every warning acknowledged (the
    acknowledgements are recorded), number and content hash fixed from here on."""
    acknowledged = set(acknowledged)
    with transaction.atomic():
        current = lock_and_check(workflow.SUBMIT, version=version, actor=actor)
        findings = linting.lint_stored(current)
        if linting.errors_of(findings):
            raise TransitionRefused(
                f"Fix the {len(linting.errors_of(findings))} error(s) the checks found before submitting."
            )
        warnings = linting.warnings_of(findings)
        missing = [w for w in warnings if linting.finding_key(w) not in acknowledged]
        if missing:
            raise TransitionRefused(f"Acknowledge each warning before submitting: {len(missing)} not acknowledged.")
        contents = linting.contents_of(current)
        current.major, current.minor = next_number(current)
        current.content_hash = content_hash_of(
            channels=current.channels, schema=current.personalisation_schema, contents=contents
        )
        attributed(current, actor).save(update_fields=["major", "minor", "content_hash"])
        for warning in warnings:
            LintAcknowledgement.objects.create(
                version=current,
                key=linting.finding_key(warning),
                code=warning.code,
                message=linting.described(warning),
                acknowledged_by=actor.staff_user,
            )
        if warnings:
            audit_record(
                actor=actor,
                action="template.lint.acknowledged",
                target_type="template_version",
                target_id=str(current.id),
                details={"codes": sorted({w.code for w in warnings}), "count": len(warnings)},
            )
        advance(
            current,
            workflow.SUBMIT,
            actor=actor,
            audit_action="template.version.submitted",
            stamp="submitted_at",
            details={"content_hash": str(current.content_hash)},
        )
    return current


def version_withdraw(*, actor: Actor, version: TemplateVersion) -> TemplateVersion:
    """The author takes a submitted version back before anyone has reviewed it."""
    with transaction.atomic():
        current = lock_and_check(workflow.WITHDRAW, version=version, actor=actor)
        return advance(current, workflow.WITHDRAW, actor=actor, audit_action="template.version.withdrawn")
