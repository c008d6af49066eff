"""Kill switches: operations stop an organisation's sends, or one template's, until cleared.

Rules: only operations (KILL_SWITCH_MANAGE) set or clear one, having confirmed their identity
within the step-up window, with a reason; one active switch per organisation and per
template; each change audited. The dispatcher re-checks active switches immediately before
every provider call (dispatch/engine.py), so a switch set between claim and call still holds.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone

from audit.services import audit_record
from notifyadmin.accounts.roles import Permission
from notifyadmin.core.actor import Actor
from notifyadmin.core.errors import InvalidInput, NotFound, TransitionRefused
from notifyadmin.sending.models import KillSwitch, Message
from templates_app.models import MessageTemplate

STEPUP_REFUSAL = "Confirm your identity again before changing a kill switch."


def _require_fresh(authenticated_at: dt.datetime | None) -> None:
    window = dt.timedelta(seconds=settings.STEPUP_MAX_AGE_SECONDS)
    if authenticated_at is None or timezone.now() - authenticated_at > window:
        raise TransitionRefused(STEPUP_REFUSAL)


def kill_switches_active(*, actor: Actor) -> QuerySet[KillSwitch]:
    actor.require(Permission.KILL_SWITCH_MANAGE)
    return (
        KillSwitch.objects.filter(organisation=actor.acting_organisation, cleared_at__isnull=True)
        .select_related("template", "set_by")
        .order_by("-set_at")
    )


def kill_switches_recent(*, actor: Actor, limit: int = 20) -> QuerySet[KillSwitch]:
    actor.require(Permission.KILL_SWITCH_MANAGE)
    return (
        KillSwitch.objects.filter(organisation=actor.acting_organisation, cleared_at__isnull=False)
        .select_related("template", "set_by", "cleared_by")
        .order_by("-cleared_at")[:limit]
    )


def kill_switch_set(
    *, actor: Actor, reason: str, authenticated_at: dt.datetime | None, template: MessageTemplate | None = None
) -> KillSwitch:
    """Stop sends for the actor's organisation (template None) or for one of its templates."""
    actor.require(Permission.KILL_SWITCH_MANAGE)
    if template is not None:
        actor.require_organisation(template)
    if not reason.strip():
        raise InvalidInput({"reason": ["Enter why sending must stop"]})
    _require_fresh(authenticated_at)
    try:
        with transaction.atomic():
            switch = KillSwitch.objects.create(
                organisation=actor.acting_organisation,
                template=template,
                reason=reason.strip(),
                set_by=actor.staff_user,
                set_at=timezone.now(),
            )
            audit_record(
                actor=actor,
                action="kill_switch.set",
                target_type="kill_switch",
                target_id=str(switch.id),
                reason=switch.reason,
                details={"template_id": str(template.id) if template else None},
            )
    except IntegrityError as error:
        scope = "this template" if template else "your organisation"
        raise TransitionRefused(f"Sending is already stopped for {scope}.") from error
    return switch


def kill_switch_clear(*, actor: Actor, switch_id: Any, reason: str, authenticated_at: dt.datetime | None) -> KillSwitch:
    actor.require(Permission.KILL_SWITCH_MANAGE)
    if not reason.strip():
        raise InvalidInput({"reason": ["Enter why sending can start again"]})
    _require_fresh(authenticated_at)
    with transaction.atomic():
        switch = (
            KillSwitch.objects.select_for_update()
            .filter(id=switch_id, organisation=actor.acting_organisation, cleared_at__isnull=True)
            .first()
        )
        if switch is None:
            raise NotFound("That kill switch is not active in your organisation.")
        switch.cleared_by = actor.staff_user
        switch.cleared_at = timezone.now()
        switch.clear_reason = reason.strip()
        switch.save(update_fields=["cleared_by", "cleared_at", "clear_reason"])
        audit_record(
            actor=actor,
            action="kill_switch.cleared",
            target_type="kill_switch",
            target_id=str(switch.id),
            reason=switch.clear_reason,
            details={"template_id": str(switch.template_id) if switch.template_id else None},
        )
    return switch


def active_kill_switches(organisation_ids: set[object]) -> tuple[set[str], set[str]]:
    """(organisation ids stopped, template ids stopped): one query."""
    organisations: set[str] = set()
    templates: set[str] = set()
    rows = KillSwitch.objects.filter(organisation_id__in=organisation_ids, cleared_at__isnull=True).values_list(
        "organisation_id", "template_id"
    )
    for organisation_id, template_id in rows:
        if template_id is None:
            organisations.add(str(organisation_id))
        else:
            templates.add(str(template_id))
    return organisations, templates


def stopped_by_kill_switch(messages: Sequence[Message]) -> list[Message]:
    organisations, templates = active_kill_switches({m.organisation_id for m in messages})
    return [m for m in messages if str(m.organisation_id) in organisations or str(m.template_id) in templates]
