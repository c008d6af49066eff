"""Who, why and how on every historical row.

A `Change` is one service call's change: the `Actor` who made it (a member of staff in a role,
a client system or the system itself), how it reached us (`source`) and why (`reason`). It is
the same actor the audit event records, so the history and the audit trail cannot disagree.

Services call `set_change_meta` on an instance before saving it; the receiver below, connected
in PreferencesConfig.ready, copies the values onto the historical row simple_history creates.
`bulk_create_with_change` does the same for rows written in bulk. This is record-keeping
plumbing, not business logic: it decides nothing.
"""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Iterator, Sequence
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TypeVar

from django.db import models
from simple_history.utils import bulk_create_with_history

from notifyadmin.core.actor import Actor

# Demo seeding writes months of history in a moment; nothing else may backdate a change.
_backdated_to: ContextVar[datetime | None] = ContextVar("preferences_history_backdated_to", default=None)

M = TypeVar("M", bound=models.Model)


@contextlib.contextmanager
def history_backdated(at: datetime) -> Iterator[None]:
    """Record the history rows written inside this block as made at `at` (demo data only; the
    audit events keep the real time)."""
    token = _backdated_to.set(at)
    try:
        yield
    finally:
        _backdated_to.reset(token)


@dataclass(frozen=True)
class Change:
    """One change: who (the actor), how it reached us and why. Every row a service call writes
    shares `change_id`, which is the timeline's unit."""

    actor: Actor
    source: str
    reason: str
    change_id: uuid.UUID = field(default_factory=uuid.uuid4)
    at: datetime | None = field(default_factory=_backdated_to.get)

    @property
    def user(self) -> Any:
        return self.actor.user

    @property
    def role(self) -> str:
        return self.actor.role if self.actor.user is not None else ""

    @property
    def system(self) -> str:
        """The client system's id or the system task's name; empty for a member of staff."""
        return "" if self.actor.user is not None else self.actor.system_name

    def historical_attrs(self) -> dict[str, Any]:
        return {
            "change_id": self.change_id,
            "change_source": self.source,
            "changed_by_role": self.role,
            "changed_by_system": self.system,
        }


def set_change_meta(instance: models.Model, change: Change) -> None:
    instance._change_meta = change  # type: ignore[attr-defined]
    instance._change_reason = change.reason  # type: ignore[attr-defined]
    instance._history_user = change.user  # type: ignore[attr-defined]
    if change.at is not None:
        instance._history_date = change.at  # type: ignore[attr-defined]
    elif hasattr(instance, "_history_date"):
        del instance._history_date


def copy_change_meta(sender: Any, instance: models.Model, history_instance: Any, **kwargs: Any) -> None:
    change: Change | None = getattr(instance, "_change_meta", None)
    if change is None or not hasattr(history_instance, "change_source"):
        return
    for name, value in change.historical_attrs().items():
        setattr(history_instance, name, value)


def bulk_create_with_change(objs: Sequence[M], model: type[M], change: Change) -> list[M]:
    """Insert `objs` and their historical rows in two statements, with the change's who, why and
    source on every historical row (as `set_change_meta` gives a single save)."""
    return list(
        bulk_create_with_history(
            list(objs),
            model,
            default_user=change.user,
            default_change_reason=change.reason,
            default_date=change.at,
            custom_historical_attrs=change.historical_attrs(),
        )
    )
