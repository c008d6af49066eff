"""The app's records as plain data for the safety case: Django-free, so `case.py` and the
renderer take them whether they come from the database (the app, `make safety-case` with a
database) or nowhere (a fresh clone without one)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field


@dataclass(frozen=True)
class StatusChange:
    hazard_id: str
    status: str
    reason: str
    by: str
    at: dt.datetime


@dataclass(frozen=True)
class RaisedEntry:
    reference: str
    title: str
    cause: str
    effect: str
    by: str
    at: dt.datetime
    status: str  # the latest status given in the app, "open" until then
    history: tuple[StatusChange, ...] = ()


@dataclass(frozen=True)
class AppOverlay:
    """Status changes by hazard id (oldest first) and the hazards raised in the app."""

    changes: dict[str, tuple[StatusChange, ...]] = field(default_factory=dict)
    raised: tuple[RaisedEntry, ...] = ()

    def latest(self, hazard_id: str) -> StatusChange | None:
        history = self.changes.get(hazard_id, ())
        return history[-1] if history else None


EMPTY_OVERLAY = AppOverlay()
