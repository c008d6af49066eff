"""A permanent failure or hard bounce of an email or text message marks that contact point
bounced, in the patient's preference history with source "delivery bounce", so that the
contact decision stops choosing it and the service desk sees why. A test a member of staff
sent to themselves has no patient: its bounce changes nothing."""

from __future__ import annotations

import logging
from collections.abc import Sequence

from notifyadmin.accounts.roles import Permission
from notifyadmin.core.actor import Actor
from notifyadmin.sending.models import Message
from preferences.models import ChangeSource, ContactPoint
from preferences.services import PreferenceError, contact_point_status_change

logger = logging.getLogger("notifyadmin.sending.bounces")

CHANNEL_KINDS = {"email": ContactPoint.Kind.EMAIL, "sms": ContactPoint.Kind.MOBILE}
RECEIPTS_ACTOR_NAME = "sending.receipts"


def bounces_record(*, bounced: Sequence[tuple[str, str]]) -> int:
    """Mark bounced the patient's current contact point of each bounced channel; returns how many."""
    marked = 0
    messages = {
        str(m.id): m for m in Message.objects.filter(id__in=[ref for ref, _ in bounced]).select_related("patient")
    }
    for reference, channel in bounced:
        message = messages.get(reference)
        kind = CHANNEL_KINDS.get(channel)
        patient = message.patient if message is not None else None
        if patient is None or kind is None:
            continue
        actor = Actor.system(
            name=RECEIPTS_ACTOR_NAME,
            organisation=patient.organisation,
            permissions=frozenset({Permission.PREFERENCE_CHANGE}),
        )
        points = ContactPoint.objects.filter(patient=patient, kind=kind).exclude(
            status__in=[ContactPoint.Status.BOUNCED, ContactPoint.Status.INVALID]
        )
        for point in points:
            try:
                contact_point_status_change(
                    contact_point=point,
                    status=ContactPoint.Status.BOUNCED,
                    source=ChangeSource.DELIVERY_BOUNCE,
                    reason=f"NHS Notify reported a permanent failure of the {channel} channel",
                    actor=actor,
                )
            except PreferenceError:
                continue
            marked += 1
    if marked:
        logger.info("contact points marked bounced by delivery receipts", extra={"count": marked})
    return marked
