"""The auditor's home page panels: recent activity in their organisation, and the latest
verifications of the chain (registered from AuditConfig.ready)."""

from django.urls import reverse

from audit.actions import label_of
from audit.models import AuditEvent, AuditVerification
from notifyadmin.core.actor import Actor
from notifyadmin.core.jinja import london_time
from notifyadmin.core.registry import HomeItem

RECENT = 5


def recent_activity(actor: Actor) -> list[HomeItem]:
    if actor.organisation is None:
        return []
    events = AuditEvent.objects.filter(organisation=actor.organisation).order_by("-sequence")[:RECENT]
    return [
        HomeItem(
            text=f"{label_of(event.action)}, by {event.actor_name or event.system_client or 'someone unknown'}",
            href=f"{reverse('audit:event-list')}?action={event.action}",
            note=london_time(event.occurred_at),
        )
        for event in events
    ]


def latest_verifications(actor: Actor) -> list[HomeItem]:
    items = []
    for verification in AuditVerification.objects.order_by("-requested_at")[:3]:
        outcome = verification.get_status_display()
        if verification.finished and verification.status != "error":
            outcome += f": {verification.checked} events checked"
        items.append(
            HomeItem(
                text=outcome,
                href=reverse("audit:verification", kwargs={"verification_id": verification.pk}),
                note=f"{london_time(verification.requested_at)}, {verification.requested_by_name}",
            )
        )
    return items
