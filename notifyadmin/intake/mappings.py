"""Event mappings (event type -> template, channel plan, reminder offsets) and the event log's
reads. Only a template with a published version can be mapped; every change is audited."""

from __future__ import annotations

from collections.abc import Sequence

from django.db import transaction
from django.db.models import QuerySet

from audit.services import audit_record
from notifyadmin.accounts.roles import Permission
from notifyadmin.core.actor import Actor
from notifyadmin.core.errors import InvalidInput, NotFound
from notifyadmin.intake.models import Decision, EventMapping, EventType, IntakeEvent
from templates_app.models import MessageTemplate, RoutingPlan
from templates_app.services.routing_plans import routing_plans_offered

MAX_REMINDERS = 5
MAX_OFFSET_HOURS = 24 * 60


def mappable_templates(*, actor: Actor) -> QuerySet[MessageTemplate]:
    actor.require(Permission.EVENT_MAPPING_MANAGE)
    return MessageTemplate.objects.filter(
        organisation=actor.acting_organisation, published_version__isnull=False
    ).order_by("name")


def mappable_routing_plans(*, actor: Actor) -> QuerySet[RoutingPlan]:
    """The routing plans a mapping may use instead of its template's: the organisation's active
    plans of the running environment."""
    actor.require(Permission.EVENT_MAPPING_MANAGE)
    return routing_plans_offered(organisation=actor.acting_organisation)


def mappings_list(*, actor: Actor) -> dict[str, EventMapping]:
    actor.require(Permission.EVENT_MAPPING_MANAGE)
    rows = EventMapping.objects.filter(organisation=actor.acting_organisation).select_related(
        "template", "routing_plan", "updated_by"
    )
    return {row.event_type: row for row in rows}


def mapping_set(
    *,
    actor: Actor,
    event_type: str,
    template: MessageTemplate | None,
    routing_plan: RoutingPlan | None = None,
    reminder_offsets_hours: Sequence[int] = (),
) -> EventMapping | None:
    """Map `event_type` to `template` (None removes the mapping). `routing_plan` (None: the
    template's own) must be able to send by at least one of the published version's channels.
    Offsets apply to reminders."""
    actor.require(Permission.EVENT_MAPPING_MANAGE)
    if event_type not in EventType.values:
        raise NotFound("There is no such event type.")
    offsets = sorted(set(reminder_offsets_hours), reverse=True)
    if any(not 1 <= hours <= MAX_OFFSET_HOURS for hours in offsets) or len(offsets) > MAX_REMINDERS:
        raise InvalidInput(
            {"reminder_offsets": [f"Enter up to {MAX_REMINDERS} offsets, each 1 to {MAX_OFFSET_HOURS} hours."]}
        )
    if offsets and event_type != EventType.APPOINTMENT_REMINDER:
        raise InvalidInput({"reminder_offsets": ["Reminder offsets belong to the appointment reminder mapping."]})
    with transaction.atomic():
        existing = (
            EventMapping.objects.select_for_update()
            .filter(organisation=actor.acting_organisation, event_type=event_type)
            .first()
        )
        if template is None:
            if existing is not None:
                existing.delete()
                audit_record(
                    actor=actor,
                    action="event_mapping.removed",
                    target_type="event_mapping",
                    target_id=event_type,
                    patient_ref="",
                    reason="",
                    details={"event_type": event_type},
                )
            return None
        actor.require_organisation(template)
        if template.published_version is None:
            raise InvalidInput({"template": ["Choose a template with a published version."]})
        if routing_plan is not None:
            if not mappable_routing_plans(actor=actor).filter(pk=routing_plan.pk).exists():
                raise InvalidInput({"routing_plan": ["Choose a routing plan from the list."]})
            if not set(routing_plan.channels) & set(template.published_version.channels):
                raise InvalidInput(
                    {
                        "routing_plan": [
                            f"“{routing_plan.name}” cannot send by any channel “{template.name}” has. "
                            "Choose another routing plan, or the template's own."
                        ]
                    }
                )
        mapping = existing or EventMapping(organisation=actor.acting_organisation, event_type=event_type)
        mapping.template = template
        mapping.routing_plan = routing_plan
        mapping.reminder_offsets_hours = offsets
        mapping.updated_by = actor.user
        mapping.save()
        audit_record(
            actor=actor,
            action="event_mapping.changed",
            target_type="event_mapping",
            target_id=event_type,
            patient_ref="",
            reason="",
            details={
                "event_type": event_type,
                "template_id": str(template.id),
                "routing_plan": routing_plan.name if routing_plan else "",
                "reminder_offsets_hours": offsets,
            },
        )
    return mapping


def events_list(
    *, actor: Actor, event_type: str = "", decision: str = "", client_id: str = ""
) -> QuerySet[IntakeEvent]:
    """The organisation's events, newest first, filtered."""
    actor.require(Permission.EVENT_LOG_VIEW)
    rows = IntakeEvent.objects.filter(organisation=actor.acting_organisation).select_related(
        "client", "subject", "patient"
    )
    if event_type:
        rows = rows.filter(event_type=event_type)
    if decision:
        rows = rows.filter(decision=decision)
    if client_id:
        rows = rows.filter(client__client_id=client_id)
    return rows


def events_unmapped(*, actor: Actor) -> QuerySet[IntakeEvent]:
    """Events answered "accepted: no template mapped" (for the mapping page's list)."""
    actor.require(Permission.EVENT_MAPPING_MANAGE)
    return IntakeEvent.objects.filter(
        organisation=actor.acting_organisation, decision=Decision.NO_MAPPING
    ).select_related("client")
