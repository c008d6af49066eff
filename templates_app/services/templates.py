"""Creating templates."""

import datetime as dt
import uuid

from django.db import IntegrityError, transaction

from audit.services import audit_record
from notifyadmin.accounts.models import StaffUser
from notifyadmin.accounts.roles import Permission
from notifyadmin.core.actor import Actor
from notifyadmin.core.history import attributed
from templates_app.models import MessageTemplate, Sensitivity, VersionContent
from templates_app.services.errors import ContentInvalid
from templates_app.services.versions import blank_draft


def send_window_errors(
    *, sensitivity: str, send_any_time: bool, start: dt.time | None, end: dt.time | None
) -> dict[str, list[str]]:
    """Rule: only urgent messages may be sent at any time; otherwise the window has a start
    before its end (UK local time)."""
    if send_any_time:
        if sensitivity != Sensitivity.URGENT:
            return {"send_any_time": ["Only urgent messages can be sent at any time: choose a send window"]}
        return {}
    if start is None or end is None:
        return {"send_window_start": ["Enter the start and end of the send window"]}
    if start >= end:
        return {"send_window_end": ["The send window must end after it starts"]}
    return {}


def template_create(
    *,
    actor: Actor,
    name: str,
    purpose: str,
    sensitivity: str,
    is_critical: bool,
    send_any_time: bool,
    send_window_start: dt.time | None,
    send_window_end: dt.time | None,
    routing_plan_id: uuid.UUID,
    channels: list[str],
    owner: StaffUser | None = None,
) -> MessageTemplate:
    """Create a template and its first, empty draft version (authored by the creator)."""
    actor.require(Permission.TEMPLATE_EDIT)
    errors = send_window_errors(
        sensitivity=sensitivity, send_any_time=send_any_time, start=send_window_start, end=send_window_end
    )
    if not channels:
        errors["channels"] = ["Choose at least one channel"]
    if MessageTemplate.objects.filter(organisation=actor.acting_organisation, name=name).exists():
        errors["name"] = ["A template with this name already exists in your organisation"]
    if errors:
        raise ContentInvalid(errors)
    window = {"send_window_start": send_window_start, "send_window_end": send_window_end} if not send_any_time else {}
    try:
        with transaction.atomic():
            template = attributed(
                MessageTemplate(
                    organisation=actor.acting_organisation,
                    name=name,
                    purpose=purpose,
                    sensitivity=sensitivity,
                    is_critical=is_critical,
                    send_any_time=send_any_time,
                    owner=owner or actor.staff_user,
                    routing_plan_id=routing_plan_id,
                    channels=sorted(channels),
                    **window,
                ),
                actor,
            )
            template.save(force_insert=True)
            version = blank_draft(actor=actor, template=template)
            VersionContent.objects.bulk_create(
                VersionContent(version=version, channel=channel, language="en") for channel in template.channels
            )
            audit_record(
                actor=actor,
                action="template.created",
                target_type="message_template",
                target_id=str(template.id),
                details={"name": name, "purpose": purpose, "sensitivity": sensitivity, "channels": template.channels},
            )
            audit_record(
                actor=actor,
                action="template.version.created",
                target_type="template_version",
                target_id=str(version.id),
                details={"template_id": str(template.id), "based_on": None},
            )
    except IntegrityError as error:
        raise ContentInvalid({"name": ["A template with this name already exists in your organisation"]}) from error
    return template
