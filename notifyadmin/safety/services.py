"""Recording hazards in the app: those considered at sign-off, those raised, status changes.

Rules:
- Hazards considered at sign-off are chosen from the hazard log (docs/safety/hazards/); an id
  that is not in the log is refused, naming it. At least one must be chosen.
- A raised hazard needs a title, a cause and an effect; it is open until triaged.
- A status change needs HAZARD_MANAGE (clinical safety officers) and a reason. It is an overlay
  on the YAML log: the log file is not touched, the change and every earlier one are kept.
- The traceability rule holds in the app too: a log hazard is "mitigated" or "closed" only when
  every one of its controls is implemented and names tests; a hazard raised in the app has no
  controls yet, so it cannot be marked mitigated (its YAML file, with controls and tests, comes first).
Every record is audited in the same transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import transaction

from audit.services import audit_record
from notifyadmin.accounts.roles import Permission
from notifyadmin.core.actor import Actor
from notifyadmin.core.errors import InvalidInput, NotFound
from notifyadmin.safety.hazard_log import Hazard, HazardStatus, hazard_log_load
from notifyadmin.safety.models import HazardAppStatus, HazardStatusChange, RaisedHazard, SignOffHazard

if TYPE_CHECKING:
    from templates_app.models import VersionReview

RAISED_PREFIX = "APP-"
TITLE_MAX = 300
TEXT_MAX = 4000


@dataclass(frozen=True)
class RaisedHazardInput:
    title: str
    cause: str
    effect: str

    @property
    def empty(self) -> bool:
        return not (self.title.strip() or self.cause.strip() or self.effect.strip())


def hazard_log_by_id() -> dict[str, Hazard]:
    return {hazard.id: hazard for hazard in hazard_log_load()}


def raised_hazard_problems(raised: RaisedHazardInput, *, prefix: str = "raised_") -> dict[str, list[str]]:
    """Field errors for a raised hazard: all three fields are needed, within their lengths."""
    errors: dict[str, list[str]] = {}
    for field, label, limit in (
        ("title", "a title", TITLE_MAX),
        ("cause", "the cause", TEXT_MAX),
        ("effect", "the effect on the patient", TEXT_MAX),
    ):
        value = getattr(raised, field).strip()
        if not value:
            errors[f"{prefix}{field}"] = [f"Enter {label} of the hazard you are raising"]
        elif len(value) > limit:
            errors[f"{prefix}{field}"] = [f"The hazard's {field} must be {limit} characters or fewer"]
    return errors


def considered_hazard_problems(hazard_ids: Sequence[str], *, log: dict[str, Hazard]) -> dict[str, list[str]]:
    if not hazard_ids:
        return {"hazards": ["Choose the hazards you considered"]}
    unknown = sorted(set(hazard_ids) - set(log))
    if unknown:
        return {"hazards": [f"{', '.join(unknown)} is not in the hazard log: choose from the list"]}
    return {}


def _next_number() -> int:
    # Serialise numbering: the row with the highest number is locked while the next is written.
    latest = RaisedHazard.objects.select_for_update().order_by("-number").first()
    return (latest.number if latest else 0) + 1


def _raise(*, actor: Actor, raised: RaisedHazardInput, review: VersionReview | None) -> RaisedHazard:
    hazard = RaisedHazard.objects.create(
        number=_next_number(),
        title=raised.title.strip(),
        cause=raised.cause.strip(),
        effect=raised.effect.strip(),
        organisation=actor.acting_organisation,
        raised_by=actor.staff_user,
        review=review,
    )
    audit_record(
        actor=actor,
        action="safety.hazard.raised",
        target_type="hazard",
        target_id=hazard.reference,
        details={"title": hazard.title, "review_id": str(review.pk) if review else ""},
    )
    return hazard


def signoff_hazards_record(
    *,
    actor: Actor,
    review: VersionReview,
    hazard_ids: Sequence[str],
    log: dict[str, Hazard],
    raised: RaisedHazardInput | None = None,
) -> list[SignOffHazard]:
    """Inside the sign-off's transaction: the hazards considered (already checked against the
    log) and any hazard raised, each audited."""
    actor.require(Permission.TEMPLATE_CLINICAL_SIGNOFF)
    rows = [
        SignOffHazard.objects.create(review=review, hazard_id=hazard_id, hazard_title=log[hazard_id].title)
        for hazard_id in sorted(set(hazard_ids))
    ]
    audit_record(
        actor=actor,
        action="safety.hazards.considered",
        target_type="version_review",
        target_id=str(review.pk),
        details={"hazard_ids": [row.hazard_id for row in rows]},
    )
    if raised is not None and not raised.empty:
        _raise(actor=actor, raised=raised, review=review)
    return rows


def hazard_raise(*, actor: Actor, raised: RaisedHazardInput) -> RaisedHazard:
    """A clinical safety officer raises a hazard outside a sign-off; it is open until triaged."""
    actor.require(Permission.HAZARD_MANAGE)
    errors = raised_hazard_problems(raised, prefix="")
    if errors:
        raise InvalidInput(errors, "Complete the hazard before raising it.")
    with transaction.atomic():
        return _raise(actor=actor, raised=raised, review=None)


def _raised_by_reference(reference: str) -> RaisedHazard | None:
    digits = reference.removeprefix(RAISED_PREFIX)
    if not reference.startswith(RAISED_PREFIX) or not digits.isdigit():
        return None
    return RaisedHazard.objects.filter(number=int(digits)).first()


def mitigation_refusal(hazard: Hazard) -> str:
    """Why the hazard may not be mitigated or closed, or "" when every control is implemented and tested."""
    untested = [c.id for c in hazard.controls if not c.implemented or not c.tests]
    if not hazard.controls:
        return f"{hazard.id} has no controls in the log: add controls and their tests to its YAML file first"
    if untested:
        which = (
            f"control {untested[0]} is planned or names no test"
            if len(untested) == 1
            else f"controls {', '.join(untested)} are planned or name no test"
        )
        return (
            f"{hazard.id} cannot be marked mitigated or closed: {which}. "
            "Implement and test every control first, or record it as accepted"
        )
    return ""


def hazard_status_change(*, actor: Actor, hazard_id: str, status: str, reason: str) -> HazardStatusChange:
    """A clinical safety officer gives a hazard a status in the app, with a reason (audited)."""
    actor.require(Permission.HAZARD_MANAGE)
    errors: dict[str, list[str]] = {}
    if status not in HazardAppStatus.values:
        errors["status"] = ["Choose open, mitigated, accepted or closed"]
    reason = reason.strip()
    if not reason:
        errors["reason"] = ["Enter the reason for the change of status"]
    elif len(reason) > TEXT_MAX:
        errors["reason"] = [f"The reason must be {TEXT_MAX} characters or fewer"]
    log = hazard_log_by_id()
    hazard = log.get(hazard_id)
    raised = None if hazard else _raised_by_reference(hazard_id)
    if hazard is None and raised is None:
        raise NotFound("There is no hazard with that id in the log or raised in the app.")
    if not errors and status in (HazardStatus.MITIGATED, HazardStatus.CLOSED) and hazard is not None:
        refusal = mitigation_refusal(hazard)
        if refusal:
            errors["status"] = [refusal]
    if not errors and status == HazardStatus.MITIGATED and raised is not None:
        errors["status"] = [
            f"{hazard_id} was raised in the app and has no controls yet: write its YAML file in the hazard "
            "log, with controls and their tests, before marking it mitigated"
        ]
    if errors:
        raise InvalidInput(errors, "The status was not changed.")
    with transaction.atomic():
        previous = HazardStatusChange.objects.filter(hazard_id=hazard_id).order_by("-created_at", "-id").first()
        change = HazardStatusChange.objects.create(
            hazard_id=hazard_id,
            status=status,
            reason=reason,
            organisation=actor.acting_organisation,
            changed_by=actor.staff_user,
        )
        audit_record(
            actor=actor,
            action="safety.hazard.status_changed",
            target_type="hazard",
            target_id=hazard_id,
            reason=reason[:1000],
            details={
                "from": previous.status if previous else (hazard.status if hazard else HazardStatus.OPEN),
                "to": status,
            },
        )
    return change
