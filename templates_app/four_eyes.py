"""Four-eyes, shown rather than only enforced: when the workflow's guards stop this person (the
author may not review or sign off their own version; the content approver may not also sign it
off), the version page says why and names who can, instead of offering the action."""

from __future__ import annotations

from dataclasses import dataclass

from notifyadmin.accounts.models import StaffUser
from notifyadmin.accounts.roles import Role, roles_for
from notifyadmin.core.actor import Actor
from notifyadmin.core.errors import TransitionRefused
from templates_app import workflow
from templates_app.models import TemplateVersion

# Transitions a four-eyes guard can stop, with how the page names the work.
GUARDED = ((workflow.APPROVE_CONTENT, "review its content"), (workflow.SIGN_OFF, "sign it off"))
# Enough names to find a colleague; the rest are counted, not listed.
MAX_NAMES = 5


@dataclass(frozen=True)
class NotYou:
    """Why this person may not do `work` on a version, and who in the organisation can."""

    step: str
    reason: str
    work: str
    role_label: str
    names: list[str]
    more: int

    @property
    def who(self) -> str:
        """For example "Asha Patel or Tom Okafor can review its content."."""
        if not self.names:
            return f"No other {self.role_label.lower()} in your organisation can {self.work} yet: ask an administrator."
        people = self.names + ([f"{self.more} other{'s' if self.more > 1 else ''}"] if self.more else [])
        listed = people[0] if len(people) == 1 else ", ".join(people[:-1]) + " or " + people[-1]
        return f"{listed} can {self.work}."


def _excluded(version: TemplateVersion, name: str) -> set[object]:
    excluded: set[object] = {version.author_id}
    if name == workflow.SIGN_OFF:
        excluded.add(workflow.content_approver_id(version))
    return excluded


def not_you(version: TemplateVersion, actor: Actor) -> list[NotYou]:
    """For each guarded step this person holds the permission for, and the version is at, but a
    four-eyes guard refuses them: the guard's reason and who else in the organisation can."""
    found = []
    for name, work in GUARDED:
        transition = workflow.VERSION_WORKFLOW[name]
        if version.status not in transition.sources or not actor.can(transition.permission):
            continue
        refusal = workflow.VERSION_WORKFLOW.refusal(name, version, actor)
        if refusal is None or refusal.error is not TransitionRefused:
            continue
        roles = sorted(roles_for(transition.permission))
        colleagues = (
            StaffUser.objects.filter(
                is_active=True,
                role_assignments__organisation_id=version.organisation_id,
                role_assignments__role__in=roles,
            )
            .exclude(pk__in=[pk for pk in _excluded(version, name) if pk is not None])
            .distinct()
            .order_by("last_name", "first_name", "username")
        )
        total = colleagues.count()
        names = [person.display_name for person in colleagues[:MAX_NAMES]]
        found.append(
            NotYou(
                step=name,
                reason=refusal.reason,
                work=work,
                role_label=" or ".join(Role(role).label for role in roles),
                names=names,
                more=max(total - len(names), 0),
            )
        )
    return found


def who_can_instead(version: TemplateVersion, actor: Actor, step: str) -> str:
    """Who can do `step` when a four-eyes guard stops this person, in a sentence; "" otherwise."""
    return next((stop.who for stop in not_you(version, actor) if stop.step == step), "")
