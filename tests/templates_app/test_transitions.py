"""Every transition x every role x every state x author / content approver / someone else,
driven by the workflow table: allowed, or refused with its exact reason; and the page's
`available_actions` offers the action exactly when the service allows it.

The four-eyes expectations are written out here, not read from the table, so that a table
that lost a guard fails this test.
"""

import datetime as dt
import uuid

import pytest
from django.utils import timezone

from notifyadmin.accounts.roles import PERMISSIONS, Role
from notifyadmin.core.actor import Actor
from notifyadmin.core.errors import PermissionRefused, TransitionRefused
from templates_app import services, workflow
from templates_app.models import (
    MessageTemplate,
    ReviewDecision,
    ReviewStage,
    TemplateVersion,
    VersionContent,
    VersionReview,
    VersionStatus,
    content_hash_of,
)
from templates_app.workflow import VERSION_WORKFLOW, available_actions
from tests.templates_app.conftest import SCHEMA, contents

S = VersionStatus
# States in which a content approver exists (the version passed content review).
APPROVED_STATES = {S.CONTENT_APPROVED, S.SIGNED_OFF, S.PUBLISHED, S.RETIRED, S.SUPERSEDED}
CASES = [(state, who) for state in S for who in ("someone else", "author", "content approver")]
CASES = [(state, who) for state, who in CASES if who != "content approver" or state in APPROVED_STATES]


def _edit(actor, version):
    services.version_draft_save(
        actor=actor,
        version=version,
        lock_version=version.lock_version,
        channels=["nhsapp", "sms"],
        schema=SCHEMA,
        contents=contents(body="New wording for {{ appointment_date }}."),
    )
    return TemplateVersion.objects.get(pk=version.pk)


def _request_changes(actor, version):
    services.version_changes_request(
        actor=actor, version=version, content_hash=version.content_hash, comments="Simpler"
    )
    return TemplateVersion.objects.get(pk=version.pk)


def _sign_off(actor, version):
    return services.version_sign_off(
        actor=actor,
        version=version,
        content_hash=version.content_hash,
        declaration_confirmed=True,
        hazard_ids=("HAZ-004",),
        authenticated_at=timezone.now(),
    )


# Each service, and the transition of the table it makes from a given state.
SERVICES = {
    "edit": (_edit, lambda state: workflow.EDIT),
    "submit": (lambda a, v: services.version_submit(actor=a, version=v), lambda state: workflow.SUBMIT),
    "withdraw": (lambda a, v: services.version_withdraw(actor=a, version=v), lambda state: workflow.WITHDRAW),
    "approve content": (
        lambda a, v: services.version_content_approve(actor=a, version=v, content_hash=v.content_hash),
        lambda state: workflow.APPROVE_CONTENT,
    ),
    "request changes": (
        _request_changes,
        lambda state: (
            workflow.REQUEST_CHANGES_AT_SIGN_OFF if state == S.CONTENT_APPROVED else workflow.REQUEST_CHANGES_AT_REVIEW
        ),
    ),
    "sign off": (_sign_off, lambda state: workflow.SIGN_OFF),
    "publish": (lambda a, v: services.version_publish(actor=a, version=v), lambda state: workflow.PUBLISH),
    "retire": (lambda a, v: services.version_retire(actor=a, version=v), lambda state: workflow.RETIRE),
}

# Four-eyes: (transition, who) -> the refusal, written out independently of the table.
FOUR_EYES = {
    (workflow.WITHDRAW, "someone else"): "Only the author can withdraw this version.",
    (workflow.WITHDRAW, "content approver"): "Only the author can withdraw this version.",
    (workflow.APPROVE_CONTENT, "author"): "You wrote this version, so another content designer must review it.",
    (workflow.REQUEST_CHANGES_AT_REVIEW, "author"): "You wrote this version, so another person must review it.",
    (workflow.REQUEST_CHANGES_AT_SIGN_OFF, "author"): "You wrote this version, so another person must review it.",
    (workflow.REQUEST_CHANGES_AT_SIGN_OFF, "content approver"): (
        "You approved this version's content, so another person must review it."
    ),
    (workflow.SIGN_OFF, "author"): "You wrote this version, so you cannot sign it off.",
    (workflow.SIGN_OFF, "content approver"): "You approved this version's content, so another person must sign it off.",
}

VERBS = {
    workflow.EDIT: "edit this version",
    workflow.SUBMIT: "submit this version",
    workflow.WITHDRAW: "withdraw this version",
    workflow.APPROVE_CONTENT: "approve the content of this version",
    workflow.REQUEST_CHANGES_AT_REVIEW: "request changes to this version at content review",
    workflow.REQUEST_CHANGES_AT_SIGN_OFF: "request changes to this version at sign-off",
    workflow.SIGN_OFF: "sign off this version",
    workflow.PUBLISH: "publish this version",
    workflow.RETIRE: "retire this version",
}


@pytest.fixture
def version_at(organisation, make_staff):
    """A version put straight into `state` (no services: thousands of cases stay quick), with
    its author and, once past content review, its content approver."""

    def make(state: VersionStatus) -> tuple[TemplateVersion, object, object]:
        author = make_staff(Role.CONTENT_DESIGNER)
        approver = make_staff(Role.CONTENT_DESIGNER)
        template = MessageTemplate.objects.create(
            organisation=organisation,
            name=f"Template {uuid.uuid4()}",
            purpose="appointments",
            owner=author,
            routing_plan_id=uuid.uuid4(),
            channels=["nhsapp", "sms"],
        )
        version = TemplateVersion.objects.create(
            organisation=organisation,
            template=template,
            author=author,
            channels=["nhsapp", "sms"],
            personalisation_schema=SCHEMA,
        )
        VersionContent.objects.bulk_create(VersionContent(version=version, **item) for item in contents())
        if state != S.DRAFT:
            version.major, version.minor, version.status = 1, 0, state
            version.content_hash = content_hash_of(channels=version.channels, schema=SCHEMA, contents=contents())
            version.submitted_at = timezone.now() - dt.timedelta(hours=1)
            version.save()
        if state in APPROVED_STATES:
            VersionReview.objects.create(
                version=version,
                stage=ReviewStage.CONTENT,
                decision=ReviewDecision.APPROVED,
                reviewer=approver,
                reviewer_role=Role.CONTENT_DESIGNER,
                content_hash=version.content_hash,
            )
        if state == S.PUBLISHED:
            template.published_version = version
            template.save()
        return TemplateVersion.objects.get(pk=version.pk), author, approver

    return make


def test_the_table_is_the_documented_workflow():
    assert VERSION_WORKFLOW.table() == [
        ("edit", ("draft",), "draft", "template.edit"),
        ("submit", ("draft",), "submitted", "template.edit"),
        ("withdraw", ("submitted",), "withdrawn", "template.edit"),
        ("approve_content", ("submitted",), "content_approved", "template.content_review"),
        ("request_changes_at_review", ("submitted",), "changes_requested", "template.content_review"),
        ("request_changes_at_sign_off", ("content_approved",), "changes_requested", "template.clinical_signoff"),
        ("sign_off", ("content_approved",), "signed_off", "template.clinical_signoff"),
        ("publish", ("signed_off",), "published", "template.publish"),
        ("supersede", ("published",), "superseded", "template.publish"),
        ("retire", ("published",), "retired", "template.publish"),
    ]
    assert VERSION_WORKFLOW.terminal_states == {S.SUPERSEDED, S.RETIRED, S.WITHDRAWN, S.CHANGES_REQUESTED}


@pytest.mark.hazard("HAZ-006", "HAZ-015")
@pytest.mark.parametrize(("state", "who"), CASES, ids=[f"{s.value}-{w.replace(' ', '_')}" for s, w in CASES])
@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize("service_name", list(SERVICES))
def test_transition_by_role_from_state(service_name, role, state, who, version_at, make_staff, organisation):
    # Given a version in `state`, and its author, its content approver or someone else working in `role`
    version, author, approver = version_at(state)
    person = {"author": author, "content approver": approver}.get(who) or make_staff(role)
    actor = Actor.staff(user=person, role=role, organisation=organisation)
    service, transition_of = SERVICES[service_name]
    name = transition_of(state)
    transition = VERSION_WORKFLOW[name]
    if role not in PERMISSIONS[transition.permission]:
        expected = (PermissionRefused, f"Your current role ({role.label}) cannot do this.")
    elif state not in transition.sources:
        expected = (TransitionRefused, f"You cannot {VERBS[name]} when it is {state.label.lower()}.")
    elif (name, who) in FOUR_EYES:
        expected = (TransitionRefused, FOUR_EYES[(name, who)])
    else:
        expected = None
    # Then the page offers the action exactly when the service allows it
    assert (name in available_actions(version, actor)) is (expected is None)
    # When they try it
    if expected is None:
        # Then the version moves to the table's target state
        assert service(actor, version).status == transition.target
        assert TemplateVersion.objects.get(pk=version.pk).status == transition.target
    else:
        # Then it is refused with the exact reason, and nothing changed
        with pytest.raises(expected[0]) as refused:
            service(actor, version)
        assert str(refused.value) == expected[1]
        assert TemplateVersion.objects.get(pk=version.pk).status == state


def test_supersede_is_an_effect_of_publishing_never_a_button(version_at, organisation):
    published, author, _ = version_at(S.PUBLISHED)
    actor = Actor.staff(user=author, role=Role.CONTENT_DESIGNER, organisation=organisation)
    assert VERSION_WORKFLOW.allows(workflow.SUPERSEDE, published, actor)
    assert available_actions(published, actor) == [workflow.RETIRE]


def test_another_organisation_is_refused_as_not_found(version_at, make_staff, other_organisation):
    from notifyadmin.core.errors import NotFound

    version, _, _ = version_at(S.SUBMITTED)
    outsider = make_staff(Role.CONTENT_DESIGNER, organisation=other_organisation)
    actor = Actor.staff(user=outsider, role=Role.CONTENT_DESIGNER, organisation=other_organisation)
    assert available_actions(version, actor) == []
    with pytest.raises(NotFound) as refused:
        services.version_content_approve(actor=actor, version=version, content_hash=version.content_hash)
    assert str(refused.value) == "Not found in your organisation."
