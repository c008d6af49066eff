"""Workflows as tables: each transition is data (from which states, to which state, the
permission it needs and the guards it must pass), and one function answers both "may this
actor do this now?" for the service and "which actions does this actor have?" for the page.

A service checks with `workflow.check(name, obj, actor)` after locking the row, then writes;
a page shows exactly `workflow.available_actions(obj, actor)`, so a button is offered exactly
when the service would allow the action. A guard returns the reason it refuses, or None.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from notifyadmin.accounts.roles import Permission
from notifyadmin.core.actor import Actor, permission_refusal
from notifyadmin.core.errors import NotFound, PermissionRefused, TransitionRefused

Guard = Callable[[Any, Actor], str | None]


@dataclass(frozen=True)
class Transition:
    name: str
    label: str
    sources: frozenset[str]
    target: str
    permission: Permission
    guards: tuple[Guard, ...] = ()
    # How the refusal names the action ("You cannot <verb> when ..."); the label lowercased by default.
    verb: str = ""

    @property
    def action(self) -> str:
        return self.verb or self.label.lower()


@dataclass(frozen=True)
class Refusal:
    reason: str
    error: type[Exception]


class Workflow:
    """A named set of transitions over the `state_attr` of some model."""

    def __init__(
        self,
        name: str,
        transitions: Iterable[Transition],
        *,
        state_labels: dict[str, str],
        state_attr: str = "status",
    ) -> None:
        self.name = name
        self.transitions: dict[str, Transition] = {}
        for transition in transitions:
            if transition.name in self.transitions:
                raise ValueError(f"{name}: transition {transition.name!r} is declared twice")
            unknown = (set(transition.sources) | {transition.target}) - set(state_labels)
            if unknown:
                raise ValueError(f"{name}.{transition.name}: unknown states {sorted(unknown)}")
            self.transitions[transition.name] = transition
        self.state_labels = state_labels
        self.state_attr = state_attr

    def __getitem__(self, name: str) -> Transition:
        return self.transitions[name]

    @property
    def terminal_states(self) -> frozenset[str]:
        """States no transition leaves: final."""
        leaving = {source for t in self.transitions.values() for source in t.sources}
        return frozenset(set(self.state_labels) - leaving)

    def sources_into(self, name: str) -> frozenset[str]:
        return self.transitions[name].sources

    def state_of(self, obj: Any) -> str:
        return str(getattr(obj, self.state_attr))

    def refusal(self, name: str, obj: Any, actor: Actor) -> Refusal | None:
        """Why `actor` may not take transition `name` on `obj` now, or None when they may.
        Checked in a fixed order: permission, organisation, state, then the guards."""
        transition = self.transitions[name]
        if not actor.can(transition.permission):
            return Refusal(permission_refusal(actor), PermissionRefused)
        if getattr(obj, "organisation_id", None) is not None and (
            actor.organisation is None or obj.organisation_id != actor.organisation.pk
        ):
            return Refusal("Not found in your organisation.", NotFound)
        state = self.state_of(obj)
        if state not in transition.sources:
            label = self.state_labels.get(state, state).lower()
            return Refusal(f"You cannot {transition.action} when it is {label}.", TransitionRefused)
        for guard in transition.guards:
            reason = guard(obj, actor)
            if reason:
                return Refusal(reason, TransitionRefused)
        return None

    def allows(self, name: str, obj: Any, actor: Actor) -> bool:
        return self.refusal(name, obj, actor) is None

    def check(self, name: str, obj: Any, actor: Actor) -> Transition:
        """Raise the refusal (PermissionRefused, NotFound or TransitionRefused), else return
        the transition. Call it on the row as re-read under its lock."""
        refusal = self.refusal(name, obj, actor)
        if refusal is not None:
            raise refusal.error(refusal.reason)
        return self.transitions[name]

    def available_actions(self, obj: Any, actor: Actor) -> list[Transition]:
        """The transitions `actor` may take on `obj` now, in declaration order."""
        return [t for t in self.transitions.values() if self.refusal(t.name, obj, actor) is None]

    def table(self) -> list[tuple[str, tuple[str, ...], str, str]]:
        """(transition, from states, to state, permission) rows, for documentation and tests."""
        return [(t.name, tuple(sorted(t.sources)), t.target, t.permission.value) for t in self.transitions.values()]
