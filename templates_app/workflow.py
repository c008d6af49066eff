"""The template version workflow, as a table (notifyadmin.core.workflow).

Each row says from which states a transition may start, where it leads, the permission it
needs and the guards it must pass. Services call `VERSION_WORKFLOW.check(name, version, actor)`
on the row re-read under its lock; the version page and the work queues show exactly
`available_actions(version, actor)`, so a button is offered exactly when the service allows it.

Four-eyes rules are guards: the author may not approve the content, request changes or sign
off; the content approver may not also sign off (nor send it back at sign-off); only the
author may withdraw. Publishing supersedes the version published before (`supersede`, an
effect of publishing, never offered as a button).

Checks that depend on the request rather than on who may act stay in the services: the
content hash the reviewer saw, the sign-off declaration and hazards, and the freshness of the
clinical safety officer's authentication (step-up).
"""

from __future__ import annotations

from typing import Any

from notifyadmin.accounts.roles import Permission
from notifyadmin.core.actor import Actor
from notifyadmin.core.workflow import Transition, Workflow
from templates_app.models import ReviewDecision, ReviewStage, TemplateVersion, VersionStatus

S = VersionStatus


def content_approver_id(version: TemplateVersion) -> Any:
    """Who approved the version's content (the latest approval), or None. Reads prefetched
    reviews when a selector prefetched them, so a queue of versions costs one query."""
    approvals = [
        review
        for review in version.reviews.all()
        if review.stage == ReviewStage.CONTENT and review.decision == ReviewDecision.APPROVED
    ]
    return max(approvals, key=lambda review: review.created_at).reviewer_id if approvals else None


def _author_may_not(reason: str) -> Any:
    def guard(version: TemplateVersion, actor: Actor) -> str | None:
        return reason if actor.is_user(version.author_id) else None

    guard.__name__ = "author_may_not"
    return guard


def _approver_may_not(reason: str) -> Any:
    def guard(version: TemplateVersion, actor: Actor) -> str | None:
        return reason if actor.is_user(content_approver_id(version)) else None

    guard.__name__ = "content_approver_may_not"
    return guard


def _only_the_author(version: TemplateVersion, actor: Actor) -> str | None:
    return None if actor.is_user(version.author_id) else "Only the author can withdraw this version."


AUTHOR_MAY_NOT_REVIEW = "You wrote this version, so another content designer must review it."
AUTHOR_MAY_NOT_SEND_BACK = "You wrote this version, so another person must review it."
AUTHOR_MAY_NOT_SIGN_OFF = "You wrote this version, so you cannot sign it off."
APPROVER_MAY_NOT_SIGN_OFF = "You approved this version's content, so another person must sign it off."
APPROVER_MAY_NOT_SEND_BACK = "You approved this version's content, so another person must review it."

EDIT = "edit"
SUBMIT = "submit"
WITHDRAW = "withdraw"
APPROVE_CONTENT = "approve_content"
REQUEST_CHANGES_AT_REVIEW = "request_changes_at_review"
REQUEST_CHANGES_AT_SIGN_OFF = "request_changes_at_sign_off"
SIGN_OFF = "sign_off"
PUBLISH = "publish"
SUPERSEDE = "supersede"
RETIRE = "retire"

_NOT_AUTHOR_REVIEW = _author_may_not(AUTHOR_MAY_NOT_REVIEW)
_NOT_AUTHOR_SEND_BACK = _author_may_not(AUTHOR_MAY_NOT_SEND_BACK)
_NOT_AUTHOR_SIGN_OFF = _author_may_not(AUTHOR_MAY_NOT_SIGN_OFF)
_NOT_APPROVER_SIGN_OFF = _approver_may_not(APPROVER_MAY_NOT_SIGN_OFF)
_NOT_APPROVER_SEND_BACK = _approver_may_not(APPROVER_MAY_NOT_SEND_BACK)

P = Permission
# fmt: off
# name, button label, from states, to state, permission, guards, verb in "You cannot <verb> when it is <state>."
_TABLE: list[tuple[str, str, set[str], str, Permission, tuple[Any, ...], str]] = [
    (EDIT, "Edit draft", {S.DRAFT}, S.DRAFT, P.TEMPLATE_EDIT, (), "edit this version"),
    (SUBMIT, "Submit for review", {S.DRAFT}, S.SUBMITTED, P.TEMPLATE_EDIT, (), "submit this version"),
    (WITHDRAW, "Withdraw from review", {S.SUBMITTED}, S.WITHDRAWN, P.TEMPLATE_EDIT, (_only_the_author,),
     "withdraw this version"),
    (APPROVE_CONTENT, "Approve the content", {S.SUBMITTED}, S.CONTENT_APPROVED, P.TEMPLATE_CONTENT_REVIEW,
     (_NOT_AUTHOR_REVIEW,), "approve the content of this version"),
    (REQUEST_CHANGES_AT_REVIEW, "Request changes", {S.SUBMITTED}, S.CHANGES_REQUESTED, P.TEMPLATE_CONTENT_REVIEW,
     (_NOT_AUTHOR_SEND_BACK,), "request changes to this version at content review"),
    (REQUEST_CHANGES_AT_SIGN_OFF, "Request changes", {S.CONTENT_APPROVED}, S.CHANGES_REQUESTED,
     P.TEMPLATE_CLINICAL_SIGNOFF, (_NOT_AUTHOR_SEND_BACK, _NOT_APPROVER_SEND_BACK),
     "request changes to this version at sign-off"),
    (SIGN_OFF, "Clinical sign-off", {S.CONTENT_APPROVED}, S.SIGNED_OFF, P.TEMPLATE_CLINICAL_SIGNOFF,
     (_NOT_AUTHOR_SIGN_OFF, _NOT_APPROVER_SIGN_OFF), "sign off this version"),
    (PUBLISH, "Publish", {S.SIGNED_OFF}, S.PUBLISHED, P.TEMPLATE_PUBLISH, (), "publish this version"),
    (SUPERSEDE, "Supersede", {S.PUBLISHED}, S.SUPERSEDED, P.TEMPLATE_PUBLISH, (), "supersede this version"),
    (RETIRE, "Retire", {S.PUBLISHED}, S.RETIRED, P.TEMPLATE_PUBLISH, (), "retire this version"),
]
# fmt: on

VERSION_WORKFLOW = Workflow(
    "template version",
    [
        Transition(name, label, frozenset(sources), target, permission, guards, verb=verb)
        for name, label, sources, target, permission, guards, verb in _TABLE
    ],
    state_labels=dict(VersionStatus.choices),
)

# Transitions that happen only as the effect of another (publishing supersedes): never a button.
EFFECTS: frozenset[str] = frozenset({SUPERSEDE})


def available_actions(version: TemplateVersion, actor: Actor) -> list[str]:
    """The names of the transitions `actor` may take on `version` now, in table order: what the
    version page offers, what the work queues list, and exactly what the services allow."""
    return [t.name for t in VERSION_WORKFLOW.available_actions(version, actor) if t.name not in EFFECTS]


def request_changes_transition(version: TemplateVersion) -> str:
    """Changes are requested at content review before approval, at sign-off after it."""
    return REQUEST_CHANGES_AT_SIGN_OFF if version.status == S.CONTENT_APPROVED else REQUEST_CHANGES_AT_REVIEW
