"""Creating messages: the one way into the outbox, for manual sends, events and campaigns alike.

Rules enforced here, at creation (the dispatcher checks again at send time):
- the actor may send (the permission of the source) and patient and template are of the
  actor's organisation;
- the template version is the template's published version, fixed on the message;
- the personalisation fits the version's schema (refused for a manual send; recorded as "not
  sent: invalid personalisation" for bulk sources, so nothing vanishes without a trace);
- a message due outside its template's send window waits for the window, never dropped.
Rows and their first events are written in bulk; the dispatcher is nudged after commit.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from audit.services import audit_record
from notifyadmin.accounts.roles import Permission
from notifyadmin.core.actor import Actor, ActorKind
from notifyadmin.core.errors import InvalidInput, TransitionRefused
from notifyadmin.sending.models import Message, MessageEvent, MessageSource, Priority
from notifyadmin.sending.status import DeferReason, MessageStatus, NotSentReason
from notifyadmin.sending.windows import window_next_opening
from preferences.models import Patient
from templates_app.models import RoutingPlan, TemplateVersion, VersionStatus
from templates_app.rendering import personalisation_errors

SOURCE_PERMISSIONS: dict[str, Permission] = {
    MessageSource.MANUAL: Permission.MESSAGE_SEND,
    MessageSource.EVENT: Permission.EVENT_SUBMIT,
    MessageSource.CAMPAIGN: Permission.MESSAGE_DISPATCH,
}
# (MessageSource.TEST is made by self_tests.self_test_create, with Permission.MESSAGE_SEND_TEST.)


@dataclass(frozen=True)
class MessageRequest:
    patient: Patient
    version: TemplateVersion
    personalisation: Mapping[str, str] = field(default_factory=dict)
    send_after: dt.datetime | None = None
    priority: int = Priority.NORMAL
    subject_type: str = ""
    subject_id: str = ""
    # Instead of the template's routing plan (an event mapping's choice): the plan's id, and its
    # channels the version has, in the plan's order.
    routing_plan: RoutingPlan | None = None


def _routing(request: MessageRequest) -> tuple[uuid.UUID, list[str]]:
    version, plan = request.version, request.routing_plan
    channels = [channel for channel in plan.channels if channel in version.channels] if plan else []
    if plan is None or not channels:
        return version.template.routing_plan_id, list(version.channels)
    return plan.plan_id, channels


def messages_create(
    *,
    actor: Actor,
    requests: Sequence[MessageRequest],
    source: str,
    reason: str = "",
    refuse_invalid: bool = False,
) -> list[Message]:
    """Create messages in bulk. Invalid personalisation refuses the whole call when
    `refuse_invalid` (a person is waiting for the answer), else is recorded as not sent."""
    if source not in SOURCE_PERMISSIONS:
        # A test to oneself has no patient: self_tests.self_test_create makes it.
        raise ValueError(f"messages_create does not make {str(source)!r} messages")
    actor.require(SOURCE_PERMISSIONS[source])
    organisation = actor.acting_organisation
    for request in requests:
        actor.require_organisation(request.patient)
        actor.require_organisation(request.version)
    now = timezone.now()
    messages: list[Message] = []
    events: list[MessageEvent] = []
    for request in requests:
        version = request.version
        template = version.template
        if version.status != VersionStatus.PUBLISHED or template.published_version_id != version.id:
            raise TransitionRefused("Only the published version of a template can be sent.")
        problems = personalisation_errors(version=version, values=request.personalisation)
        if problems and refuse_invalid:
            raise InvalidInput({f"personalisation.{name}": msgs for name, msgs in problems.items()})
        due = max(request.send_after or now, now)
        opening = window_next_opening(
            at=due,
            start=template.send_window_start,
            end=template.send_window_end,
            any_time=template.send_any_time,
        )
        status: str
        reason_code: str
        if problems:
            status, reason_code, detail = (
                MessageStatus.NOT_SENT,
                NotSentReason.INVALID_PERSONALISATION,
                "Problems with: " + ", ".join(sorted(problems)),
            )
        elif opening is not None:
            status, reason_code, detail = MessageStatus.DEFERRED, DeferReason.SEND_WINDOW, ""
            due = opening
        else:
            status, reason_code, detail = MessageStatus.QUEUED, "", ""
        routing_plan_id, channels = _routing(request)
        message = Message(
            id=uuid.uuid4(),
            organisation=organisation,
            patient=request.patient,
            template=template,
            template_version=version,
            category=template.purpose,
            language=request.patient.language or "en",
            personalisation=dict(request.personalisation),
            routing_plan_id=routing_plan_id,
            channels=channels,
            sensitivity=template.sensitivity,
            priority=request.priority,
            send_after=due,
            source=source,
            **authorisation_of(actor),
            reason=reason,
            subject_type=request.subject_type,
            subject_id=request.subject_id,
            status=status,
            status_reason=reason_code,
            status_detail=detail,
            status_changed_at=now,
            created_at=now,
        )
        messages.append(message)
        events.append(creation_event(message, now, "", MessageStatus.CREATED))
        if status != MessageStatus.CREATED:
            detail_text = detail or (f"until {due.isoformat()}" if status == MessageStatus.DEFERRED else "")
            events.append(creation_event(message, now, MessageStatus.CREATED, status, reason_code, detail_text))
    with transaction.atomic():
        Message.objects.bulk_create(messages, batch_size=2000)
        MessageEvent.objects.bulk_create(events, batch_size=4000)
        if source == MessageSource.MANUAL:
            for message in messages:
                audit_record(
                    actor=actor,
                    action="message.sent_manually",
                    target_type="message",
                    target_id=str(message.id),
                    patient_ref=str(message.patient_id),
                    reason=reason,
                    details={"template_id": str(message.template_id), "version_id": str(message.template_version_id)},
                )
        if any(m.status == MessageStatus.QUEUED for m in messages):
            transaction.on_commit(dispatcher_nudge)
    return messages


def authorisation_of(actor: Actor) -> dict[str, object]:
    """Who or what authorised a message, as its fields: the staff member in their role with their
    CIS2 ids, or the client system or task (every way into the outbox records the same)."""
    return {
        "correlation_id": actor.correlation_id,
        "authorised_by": actor.user,
        "authorised_role": actor.role,
        "authorised_cis2_uid": actor.cis2_uid,
        "authorised_session_id": actor.sign_in_session_id,
        "authorised_system": actor.system_name if actor.kind != ActorKind.STAFF else "",
    }


def creation_event(
    message: Message, at: dt.datetime, from_status: str, status: str, reason: str = "", detail: str = ""
) -> MessageEvent:
    """The event row of a message's status at creation (written in bulk with the messages)."""
    return MessageEvent(
        message=message,
        organisation_id=message.organisation_id,
        occurred_at=at,
        from_status=from_status,
        status=status,
        reason=reason,
        detail=detail[:300],
    )


def dispatcher_nudge() -> None:
    """Wake the dispatcher for newly queued messages (run after commit)."""
    from notifyadmin.sending.tasks import dispatch_nudge

    dispatch_nudge()


WITHDRAWABLE_STATUSES = (MessageStatus.CREATED, MessageStatus.DEFERRED, MessageStatus.QUEUED)


def messages_withdraw(*, actor: Actor, subject_type: str, subject_id: str, reason_code: str, detail: str = "") -> int:
    """Move every message of the subject not yet sent (created, deferred, queued) to not sent
    with `reason_code` (a NotSentReason), with its event; a message already with the dispatcher
    or NHS Notify is left as it is. Returns how many moved."""
    actor.require(SOURCE_PERMISSIONS[MessageSource.EVENT])
    from notifyadmin.sending.dispatch.store import transition_bulk

    ids = list(
        Message.objects.filter(
            organisation=actor.acting_organisation,
            subject_type=subject_type,
            subject_id=subject_id,
            status__in=WITHDRAWABLE_STATUSES,
        ).values_list("id", flat=True)
    )
    return len(transition_bulk(ids=ids, transition="not_send", reason=reason_code, detail=detail))
