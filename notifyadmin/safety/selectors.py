"""Reading the app's hazard records: the overlay on the log and the CSO's list of hazards.

The CSO's list shows every hazard of the log and every hazard raised in the app, open ones
first (then by id), each with its status as the app last recorded it (the YAML status when the
app recorded none) and its residual risk (raised hazards have none until they join the log).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from notifyadmin.accounts.roles import Permission
from notifyadmin.core.actor import Actor
from notifyadmin.safety.hazard_log import Hazard, HazardStatus, Risk, hazard_log_load
from notifyadmin.safety.models import HazardStatusChange, RaisedHazard
from notifyadmin.safety.overlay import AppOverlay, RaisedEntry, StatusChange


def app_overlay() -> AppOverlay:
    """Every status change (oldest first) and every raised hazard, from the database."""
    changes: dict[str, list[StatusChange]] = defaultdict(list)
    for row in HazardStatusChange.objects.select_related("changed_by").order_by("created_at", "id"):
        changes[row.hazard_id].append(
            StatusChange(row.hazard_id, row.status, row.reason, row.changed_by.display_name, row.created_at)
        )
    raised = []
    for hazard in RaisedHazard.objects.select_related("raised_by").order_by("number"):
        history = tuple(changes.get(hazard.reference, ()))
        raised.append(
            RaisedEntry(
                reference=hazard.reference,
                title=hazard.title,
                cause=hazard.cause,
                effect=hazard.effect,
                by=hazard.raised_by.display_name,
                at=hazard.created_at,
                status=history[-1].status if history else HazardStatus.OPEN,
                history=history,
            )
        )
    return AppOverlay(changes={key: tuple(value) for key, value in changes.items()}, raised=tuple(raised))


@dataclass(frozen=True)
class HazardRow:
    id: str
    title: str
    status: str
    log_status: str | None  # None for a hazard raised in the app
    residual: Risk | None
    history: tuple[StatusChange, ...]
    raised: RaisedEntry | None = None
    hazard: Hazard | None = None


def hazard_rows(*, actor: Actor) -> list[HazardRow]:
    actor.require(Permission.SAFETY_CASE_VIEW)
    overlay = app_overlay()
    rows = []
    for hazard in hazard_log_load():
        latest = overlay.latest(hazard.id)
        rows.append(
            HazardRow(
                id=hazard.id,
                title=hazard.title,
                status=latest.status if latest else hazard.status,
                log_status=hazard.status,
                residual=hazard.residual,
                history=overlay.changes.get(hazard.id, ()),
                hazard=hazard,
            )
        )
    for raised in overlay.raised:
        rows.append(HazardRow(raised.reference, raised.title, raised.status, None, None, raised.history, raised))
    return sorted(rows, key=lambda row: (row.status != HazardStatus.OPEN, row.id.startswith("APP-"), row.id))


def hazard_row(*, actor: Actor, hazard_id: str) -> HazardRow | None:
    return next((row for row in hazard_rows(actor=actor) if row.id == hazard_id), None)
