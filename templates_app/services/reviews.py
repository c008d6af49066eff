"""Content review and clinical sign-off, each bound to the content hash the reviewer saw.

Who may act, from which state, is the workflow table's (templates_app.workflow): the content
approver is not the author; the clinical safety officer is neither the author nor the content
approver. Each service re-reads the version under its lock, checks the table, then checks what
depends on the request (the hash the reviewer saw, the sign-off declaration and hazards, a
recent authentication for sign-off), writes the review and audits, in one transaction.
"Request changes" at either step closes the version and returns a new draft, copied from it,
to the author with the comments.
"""

import datetime as dt
from collections.abc import Sequence

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from audit.services import audit_record
from notifyadmin.core.actor import Actor
from notifyadmin.safety.services import (
    RaisedHazardInput,
    considered_hazard_problems,
    hazard_log_by_id,
    raised_hazard_problems,
    signoff_hazards_record,
)
from templates_app import workflow
from templates_app.models import ReviewDecision, ReviewStage, TemplateVersion, VersionReview
from templates_app.services._transitions import advance, lock_and_check
from templates_app.services.errors import ContentInvalid, TransitionRefused
from templates_app.services.versions import _copy_draft


# How recent the clinical safety officer's authentication must be to sign off: the one
# step-up window, settings.STEPUP_MAX_AGE_SECONDS (read at call time, so a test can change it).
def signoff_stepup_max_age() -> dt.timedelta:
    return dt.timedelta(seconds=settings.STEPUP_MAX_AGE_SECONDS)


SIGNOFF_STEPUP_MAX_AGE = signoff_stepup_max_age()  # at import; kept for pages that show the window

SIGNOFF_DECLARATION = (
    "I have reviewed this version against the hazards listed and I am satisfied that the clinical "
    "risk of sending it is acceptable."
)

HASH_CHANGED_MESSAGE = (
    "The content changed after you opened it, so your decision was not recorded. Review the version again."
)
STEPUP_MESSAGE = "Confirm your identity again before signing off: your last sign-in is too old."


def _check_hash(version: TemplateVersion, content_hash: str) -> None:
    if content_hash != version.content_hash:
        raise TransitionRefused(HASH_CHANGED_MESSAGE)


def _review(
    current: TemplateVersion, actor: Actor, stage: str, decision: str, content_hash: str, /, **fields: object
) -> VersionReview:
    """Record the reviewer's decision, bound to the content hash they saw."""
    return VersionReview.objects.create(
        version=current,
        stage=stage,
        decision=decision,
        reviewer=actor.staff_user,
        reviewer_role=actor.role,
        content_hash=content_hash,
        **fields,
    )


def version_content_approve(
    *, actor: Actor, version: TemplateVersion, content_hash: str, comments: str = ""
) -> TemplateVersion:
    """A second content designer, never the author, approves the content they saw."""
    with transaction.atomic():
        current = lock_and_check(workflow.APPROVE_CONTENT, version=version, actor=actor)
        _check_hash(current, content_hash)
        _review(current, actor, ReviewStage.CONTENT, ReviewDecision.APPROVED, content_hash, comments=comments)
        return advance(
            current,
            workflow.APPROVE_CONTENT,
            actor=actor,
            audit_action="template.version.content_approved",
            stamp="content_approved_at",
            details={"content_hash": str(content_hash)},
        )


def signoff_authentication_fresh(authenticated_at: dt.datetime | None) -> bool:
    """True when the last authentication is within the step-up window."""
    return authenticated_at is not None and timezone.now() - authenticated_at <= signoff_stepup_max_age()


def version_sign_off(
    *,
    actor: Actor,
    version: TemplateVersion,
    content_hash: str,
    declaration_confirmed: bool,
    hazard_ids: Sequence[str],
    authenticated_at: dt.datetime | None,
    comments: str = "",
    raised: RaisedHazardInput | None = None,
) -> TemplateVersion:
    """A clinical safety officer, neither author nor content approver, whose last
    authentication is within STEPUP_MAX_AGE_SECONDS, signs off the content they saw, with the
    declaration and the hazards of the log they considered (at least one, each in the log). A
    hazard they raise (title, cause and effect, all three) is recorded as open. The review, the
    hazards and the audit events are written together or not at all."""
    errors: dict[str, list[str]] = {}
    if not declaration_confirmed:
        errors["declaration"] = ["Confirm the declaration to sign off this version"]
    log = hazard_log_by_id()
    errors.update(considered_hazard_problems(hazard_ids, log=log))
    if raised is not None and not raised.empty:
        errors.update(raised_hazard_problems(raised))
    with transaction.atomic():
        current = lock_and_check(workflow.SIGN_OFF, version=version, actor=actor)
        if not signoff_authentication_fresh(authenticated_at):
            raise TransitionRefused(STEPUP_MESSAGE)
        _check_hash(current, content_hash)
        if errors:
            raise ContentInvalid(errors, "Complete the sign-off before submitting it.")
        chosen = sorted(set(hazard_ids))
        summary = ", ".join(f"{hazard_id} {log[hazard_id].title}" for hazard_id in chosen)
        review = _review(
            current,
            actor,
            ReviewStage.CLINICAL,
            ReviewDecision.APPROVED,
            content_hash,
            comments=comments,
            declaration=SIGNOFF_DECLARATION,
            hazards=summary,
            authenticated_at=authenticated_at,
        )
        signoff_hazards_record(actor=actor, review=review, hazard_ids=chosen, log=log, raised=raised)
        return advance(
            current,
            workflow.SIGN_OFF,
            actor=actor,
            audit_action="template.version.signed_off",
            stamp="signed_off_at",
            reason=f"Hazards considered: {', '.join(chosen)}"[:1000],
            details={"content_hash": str(content_hash), "hazard_ids": chosen},
        )


def version_changes_request(
    *, actor: Actor, version: TemplateVersion, content_hash: str, comments: str
) -> TemplateVersion:
    """Close a version under review and return a new draft, copied from it, to its author.
    Content designers request changes at content review; clinical safety officers at sign-off
    (the transition is chosen by the state of the row as read under its lock)."""
    with transaction.atomic():
        current = TemplateVersion.objects.select_for_update().get(pk=version.pk)
        name = workflow.request_changes_transition(current)
        current = lock_and_check(name, version=current, actor=actor)
        stage = ReviewStage.CLINICAL if name == workflow.REQUEST_CHANGES_AT_SIGN_OFF else ReviewStage.CONTENT
        _check_hash(current, content_hash)
        if not comments.strip():
            raise ContentInvalid(
                {"comments": ["Enter the changes you are asking for"]}, "Enter the changes you are asking for."
            )
        _review(current, actor, stage, ReviewDecision.CHANGES_REQUESTED, content_hash, comments=comments.strip())
        draft = _copy_draft(actor=actor, source=current, author=current.author, comments=comments.strip())
        advance(
            current,
            name,
            actor=actor,
            audit_action="template.version.changes_requested",
            details={"stage": stage, "new_draft_id": str(draft.id)},
        )
        audit_record(
            actor=actor,
            action="template.version.created",
            target_type="template_version",
            target_id=str(draft.id),
            details={"template_id": str(current.template_id), "based_on": str(current.id)},
        )
    return draft
