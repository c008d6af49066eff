"""Routing plans an organisation may send with: configured by administrators, chosen (never
typed) when a template is created.

Rules: an administrator (integration configuration, `API_CLIENT_MANAGE`) adds a plan for their
own organisation: a name, NHS Notify's plan id, the channels it can use (cascade order) and
the environment it belongs to. A name and a plan id are each used once per organisation and
environment. Every change is audited. Templates are offered the active plans of the running
environment (`settings.NOTIFY_ENVIRONMENT`).
"""

import uuid
from collections.abc import Sequence

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import QuerySet

from audit.services import audit_record
from notifyadmin.accounts.models import Organisation
from notifyadmin.accounts.roles import Permission
from notifyadmin.core.actor import Actor
from notifyadmin.core.channels import Channel
from notifyadmin.core.errors import InvalidInput
from templates_app.models import NotifyEnvironment, RoutingPlan


def routing_plans_offered(*, organisation: Organisation) -> QuerySet[RoutingPlan]:
    """The active plans of `organisation` in the running environment, by name."""
    return RoutingPlan.objects.filter(
        organisation=organisation, environment=settings.NOTIFY_ENVIRONMENT, is_active=True
    ).order_by("name")


def routing_plans_of(*, actor: Actor) -> QuerySet[RoutingPlan]:
    """Every plan of the actor's organisation (administrators' list), by environment and name."""
    actor.require(Permission.API_CLIENT_MANAGE)
    return RoutingPlan.objects.filter(organisation=actor.acting_organisation).order_by("environment", "name")


def routing_plan_create(
    *, actor: Actor, name: str, plan_id: uuid.UUID, channels: Sequence[str], environment: str
) -> RoutingPlan:
    """Add a routing plan for the actor's organisation (audited)."""
    actor.require(Permission.API_CLIENT_MANAGE)
    organisation = actor.acting_organisation
    errors: dict[str, list[str]] = {}
    name = name.strip()
    if not name:
        errors["name"] = ["Enter the plan's name"]
    if not channels:
        errors["channels"] = ["Choose the channels the plan can use"]
    elif any(channel not in Channel.values for channel in channels) or len(set(channels)) != len(channels):
        errors["channels"] = ["Choose each channel at most once, from the list"]
    if environment not in NotifyEnvironment.values:
        errors["environment"] = ["Choose the NHS Notify environment the plan belongs to"]
    existing = RoutingPlan.objects.filter(organisation=organisation, environment=environment)
    if name and existing.filter(name=name).exists():
        errors.setdefault("name", []).append("A routing plan with this name already exists in that environment")
    if existing.filter(plan_id=plan_id).exists():
        errors["plan_id"] = ["This routing plan id is already configured in that environment"]
    if errors:
        raise InvalidInput(errors)
    try:
        with transaction.atomic():
            plan = RoutingPlan.objects.create(
                organisation=organisation, name=name, plan_id=plan_id, channels=list(channels), environment=environment
            )
            audit_record(
                actor=actor,
                action="template.routing_plan.created",
                target_type="routing_plan",
                target_id=str(plan.id),
                details={"name": name, "plan_id": str(plan_id), "channels": list(channels), "environment": environment},
            )
    except IntegrityError as error:  # a concurrent create of the same name or id
        raise InvalidInput({"plan_id": ["This routing plan is already configured in that environment"]}) from error
    return plan
