"""`attributed`: name the acting member of staff in the history row a save or delete writes
(django-simple-history). Used by every service that changes a model with history."""

from typing import TypeVar

from notifyadmin.core.actor import Actor

Recorded = TypeVar("Recorded")


def attributed(instance: Recorded, actor: Actor) -> Recorded:
    """Name `actor` in the history row the instance's next save (or delete) writes: their member
    of staff, or nobody when a system acts. Without it the history would name whoever the
    request belongs to, and nobody at all outside a request (a command, a task, the demo's
    seeding, Django admin actions routed through services), so "Helen Marsh signed off version
    1.2" would read "The system ..."."""
    instance._history_user = actor.user  # type: ignore[attr-defined]
    return instance
