"""Content review and clinical sign-off, each bound to the content hash the reviewer saw.

Four-eyes rules: the content approver is not the author; the clinical safety officer is
neither the author nor the content approver. "Request changes" at either step closes the
version and returns a new draft, copied from it, to the author with the comments.
"""

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from audit.services import audit_record
from notifyadmin.accounts.roles import Permission
from notifyadmin.core.actor import Actor
from templates_app.models import ReviewDecision, ReviewStage, TemplateVersion, VersionReview, VersionStatus
from templates_app.services._guards import (
    lock,
    require_permission,
    require_same_organisation,
    require_status,
)
from templates_app.services.errors import ContentInvalid, TransitionRefused
from templates_app.services.versions import _copy_draft

# How recent the clinical safety officer's authentication must be to sign off.
SIGNOFF_STEPUP_MAX_AGE = dt.timedelta(seconds=settings.STEPUP_MAX_AGE_SECONDS)  # the one step-up window

SIGNOFF_DECLARATION = (
    "I have reviewed this version against the hazards listed and I am satisfied that the clinical "
    "risk of sending it is acceptable."
)

HASH_CHANGED_MESSAGE = (
    "The content changed after you opened it, so your decision was not recorded. Review the version again."
)


def _check_hash(version: TemplateVersion, content_hash: str) -> None:
    if content_hash != version.content_hash:
        raise TransitionRefused(HASH_CHANGED_MESSAGE)


def _content_approver_id(version: TemplateVersion) -> object | None:
    review = version.reviews.filter(stage=ReviewStage.CONTENT, decision=ReviewDecision.APPROVED).last()
    return review.reviewer_id if review else None


def version_content_approve(
    *, actor: Actor, version: TemplateVersion, content_hash: str, comments: str = ""
) -> TemplateVersion:
    """A second content designer, never the author, approves the content they saw."""
    require_permission(actor, Permission.TEMPLATE_CONTENT_REVIEW)
    require_same_organisation(actor, version)
    with transaction.atomic():
        current = lock(version)
        require_status(current, {VersionStatus.SUBMITTED}, "approve the content of")
        if current.author_id == actor.user_id:
            raise TransitionRefused("You wrote this version, so another content designer must review it.")
        _check_hash(current, content_hash)
        VersionReview.objects.create(
            version=current,
            stage=ReviewStage.CONTENT,
            decision=ReviewDecision.APPROVED,
            reviewer=actor.staff_user,
            reviewer_role=actor.role,
            content_hash=content_hash,
            comments=comments,
        )
        current.status = VersionStatus.CONTENT_APPROVED
        current.content_approved_at = timezone.now()
        current.save(update_fields=["status", "content_approved_at", "updated_at"])
        audit_record(
            actor=actor,
            action="template.version.content_approved",
            target_type="template_version",
            target_id=str(current.id),
            details={
                "template_id": str(current.template_id),
                "number": current.number,
                "content_hash": str(content_hash),
            },
        )
    return current


def version_sign_off(
    *,
    actor: Actor,
    version: TemplateVersion,
    content_hash: str,
    declaration_confirmed: bool,
    hazards: str,
    authenticated_at: dt.datetime | None,
    comments: str = "",
) -> TemplateVersion:
    """A clinical safety officer, neither author nor content approver, who authenticated in
    the last 15 minutes, signs off the content they saw, with a declaration and hazards."""
    require_permission(actor, Permission.TEMPLATE_CLINICAL_SIGNOFF)
    require_same_organisation(actor, version)
    errors: dict[str, list[str]] = {}
    if not declaration_confirmed:
        errors["declaration"] = ["Confirm the declaration to sign off this version"]
    if not hazards.strip():
        errors["hazards"] = ["Enter the hazard log references you considered"]
    with transaction.atomic():
        current = lock(version)
        require_status(current, {VersionStatus.CONTENT_APPROVED}, "sign off")
        if current.author_id == actor.user_id:
            raise TransitionRefused("You wrote this version, so you cannot sign it off.")
        if _content_approver_id(current) == actor.user_id:
            raise TransitionRefused("You approved this version's content, so another person must sign it off.")
        if authenticated_at is None or timezone.now() - authenticated_at > SIGNOFF_STEPUP_MAX_AGE:
            raise TransitionRefused("Confirm your identity again before signing off: your last sign-in is too old.")
        _check_hash(current, content_hash)
        if errors:
            raise ContentInvalid(errors, "Complete the sign-off before submitting it.")
        VersionReview.objects.create(
            version=current,
            stage=ReviewStage.CLINICAL,
            decision=ReviewDecision.APPROVED,
            reviewer=actor.staff_user,
            reviewer_role=actor.role,
            content_hash=content_hash,
            comments=comments,
            declaration=SIGNOFF_DECLARATION,
            hazards=hazards.strip(),
            authenticated_at=authenticated_at,
        )
        current.status = VersionStatus.SIGNED_OFF
        current.signed_off_at = timezone.now()
        current.save(update_fields=["status", "signed_off_at", "updated_at"])
        audit_record(
            actor=actor,
            action="template.version.signed_off",
            target_type="template_version",
            target_id=str(current.id),
            reason=f"Hazards considered: {hazards.strip()}"[:1000],
            details={
                "template_id": str(current.template_id),
                "number": current.number,
                "content_hash": str(content_hash),
            },
        )
    return current


def version_changes_request(
    *, actor: Actor, version: TemplateVersion, content_hash: str, comments: str
) -> TemplateVersion:
    """Close a version under review and return a new draft, copied from it, to its author.
    Content designers request changes at content review; clinical safety officers at sign-off."""
    if version.status == VersionStatus.CONTENT_APPROVED:
        require_permission(actor, Permission.TEMPLATE_CLINICAL_SIGNOFF)
        stage = ReviewStage.CLINICAL
    else:
        require_permission(actor, Permission.TEMPLATE_CONTENT_REVIEW)
        stage = ReviewStage.CONTENT
    require_same_organisation(actor, version)
    with transaction.atomic():
        current = lock(version)
        require_status(current, {VersionStatus.SUBMITTED, VersionStatus.CONTENT_APPROVED}, "request changes to")
        if current.author_id == actor.user_id:
            raise TransitionRefused("You wrote this version, so another person must review it.")
        if stage == ReviewStage.CLINICAL and _content_approver_id(current) == actor.user_id:
            raise TransitionRefused("You approved this version's content, so another person must review it.")
        _check_hash(current, content_hash)
        if not comments.strip():
            raise ContentInvalid(
                {"comments": ["Enter the changes you are asking for"]}, "Enter the changes you are asking for."
            )
        VersionReview.objects.create(
            version=current,
            stage=stage,
            decision=ReviewDecision.CHANGES_REQUESTED,
            reviewer=actor.staff_user,
            reviewer_role=actor.role,
            content_hash=content_hash,
            comments=comments.strip(),
        )
        current.status = VersionStatus.CHANGES_REQUESTED
        current.save(update_fields=["status", "updated_at"])
        draft = _copy_draft(source=current, author=current.author, comments=comments.strip())
        audit_record(
            actor=actor,
            action="template.version.changes_requested",
            target_type="template_version",
            target_id=str(current.id),
            details={
                "template_id": str(current.template_id),
                "number": current.number,
                "stage": stage,
                "new_draft_id": str(draft.id),
            },
        )
        audit_record(
            actor=actor,
            action="template.version.created",
            target_type="template_version",
            target_id=str(draft.id),
            details={"template_id": str(current.template_id), "based_on": str(current.id)},
        )
    return draft
