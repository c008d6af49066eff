"""The workflow-table mechanism: one answer for services (check) and pages (available actions)."""

from dataclasses import dataclass

import pytest

from notifyadmin.accounts.roles import Permission, Role
from notifyadmin.core.actor import Actor
from notifyadmin.core.errors import NotFound, PermissionRefused, TransitionRefused
from notifyadmin.core.workflow import Transition, Workflow

pytestmark = pytest.mark.django_db

STATES = {"open": "Open", "closed": "Closed", "archived": "Archived"}


@dataclass
class Thing:
    status: str
    organisation_id: object
    author_id: object = None


def _not_the_author(thing: Thing, actor: Actor) -> str | None:
    return "You opened this, so someone else must close it." if actor.is_user(thing.author_id) else None


FLOW = Workflow(
    "things",
    [
        Transition("close", "Close", frozenset({"open"}), "closed", Permission.TEMPLATE_EDIT, (_not_the_author,)),
        Transition("archive", "Archive", frozenset({"closed"}), "archived", Permission.AUDIT_VIEW),
    ],
    state_labels=STATES,
)


@pytest.fixture
def designer(make_staff, organisation):
    return Actor.staff(user=make_staff(Role.CONTENT_DESIGNER), role=Role.CONTENT_DESIGNER, organisation=organisation)


def test_available_actions_are_exactly_what_check_allows(designer, organisation, make_staff):
    thing = Thing(status="open", organisation_id=organisation.pk)
    assert [t.name for t in FLOW.available_actions(thing, designer)] == ["close"]
    assert FLOW.check("close", thing, designer).target == "closed"
    with pytest.raises(PermissionRefused):
        FLOW.check("archive", thing, designer)


def test_the_state_is_checked_in_plain_words(designer, organisation):
    thing = Thing(status="closed", organisation_id=organisation.pk)
    with pytest.raises(TransitionRefused) as refused:
        FLOW.check("close", thing, designer)
    assert str(refused.value) == "You cannot close when it is closed."
    assert FLOW.available_actions(thing, designer) == []


def test_a_guard_refuses_with_its_reason_and_hides_the_action(designer, organisation):
    thing = Thing(status="open", organisation_id=organisation.pk, author_id=designer.user_id)
    with pytest.raises(TransitionRefused) as refused:
        FLOW.check("close", thing, designer)
    assert str(refused.value) == "You opened this, so someone else must close it."
    assert FLOW.available_actions(thing, designer) == []


def test_another_organisations_object_is_not_found(designer, other_organisation):
    thing = Thing(status="open", organisation_id=other_organisation.pk)
    with pytest.raises(NotFound):
        FLOW.check("close", thing, designer)


def test_terminal_states_and_the_table():
    assert FLOW.terminal_states == frozenset({"archived"})
    assert FLOW.table() == [
        ("close", ("open",), "closed", "template.edit"),
        ("archive", ("closed",), "archived", "audit.view"),
    ]


def test_a_table_naming_an_unknown_state_is_refused_at_import():
    with pytest.raises(ValueError, match="unknown states"):
        Workflow(
            "bad", [Transition("x", "X", frozenset({"nowhere"}), "open", Permission.HOME_VIEW)], state_labels=STATES
        )
