"""Receiving an event: find the patient, serialise on the subject, decide, create or withdraw
messages through the send pipeline. Everything happens in one transaction: an event is
recorded with its decision and messages, or (refused) nothing is.

Ordering rules (docs/intake.md):
- the subject row (client system + its id) is locked for the whole decision, so events of one
  subject are serialised, never raced;
- an event older than the subject's version never changes its state; a message it would have
  produced is recorded as "not sent: superseded by a newer event";
- the same version again with the same body changes nothing; with another body it is refused
  (409): the source contradicts itself;
- a newer event whose state differs withdraws every message of the subject not yet sent
  (reason: appointment cancelled for a cancellation, else superseded), then creates its own;
- a booked appointment schedules its reminders (the reminder mapping's offsets) as messages
  due before the start: rescheduling withdraws and replaces them, any other state withdraws them.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone

from notifyadmin.core.actor import Actor
from notifyadmin.intake.models import Decision, EventMapping, EventSubject, EventType, IntakeEvent
from notifyadmin.intake.reading import (
    NO_MESSAGE_STATUSES,
    STATE_BOOKED,
    STATE_CANCELLED,
    STATE_ENTERED_IN_ERROR,
    STATE_EVENT_TYPES,
    Incoming,
    Unreadable,
    local_fields,
)
from notifyadmin.sending.models import Message, MessageSource
from notifyadmin.sending.services import MessageRequest, messages_create, messages_withdraw
from notifyadmin.sending.status import NotSentReason
from preferences.identifiers import lookup_hash
from preferences.models import Patient
from preferences.nhs_number import InvalidNhsNumber, nhs_number_normalise
from templates_app.models import TemplateVersion

SUBJECT_TYPE = "intake"
UNKNOWN_PATIENT = "No patient with this NHS number is registered with your organisation."


def body_hash(body: Any) -> str:
    canonical = json.dumps(body, sort_keys=True, cls=DjangoJSONEncoder)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _patient(actor: Actor, incoming: Incoming) -> Patient:
    try:
        digits = nhs_number_normalise(incoming.nhs_number or "")
    except InvalidNhsNumber as error:
        raise Unreadable(incoming.nhs_number_element, f"{error}.".replace("..", "."), status_code=422) from error
    found = Patient.objects.filter(
        organisation=actor.acting_organisation, nhs_number_hash=lookup_hash(kind="nhs_number", normalised=digits)
    ).first()
    if found is None:
        raise Unreadable(incoming.nhs_number_element, UNKNOWN_PATIENT, status_code=422)
    return found


def _locked_subject(actor: Actor, source_id: str) -> EventSubject:
    subject, _ = EventSubject.objects.get_or_create(
        client=actor.client, source_id=source_id, defaults={"organisation": actor.acting_organisation}
    )
    return EventSubject.objects.select_for_update().get(pk=subject.pk)


def _is_older(incoming_key: str, subject_key: str) -> bool | None:
    """True older, False newer, None the same version. Keys of different kinds (or none) cannot
    be compared: the later arrival counts as newer."""
    if not incoming_key or not subject_key or incoming_key[0] != subject_key[0]:
        return False
    if incoming_key == subject_key:
        return None
    return incoming_key < subject_key


def _mappings(actor: Actor, event_types: Sequence[str]) -> dict[str, tuple[EventMapping, TemplateVersion]]:
    """The organisation's mappings of these event types (one read), each with its template's
    published version; a type with no mapping, or whose template has none published, is absent."""
    found: dict[str, tuple[EventMapping, TemplateVersion]] = {}
    for mapping in EventMapping.objects.filter(
        organisation=actor.acting_organisation, event_type__in=event_types
    ).select_related("template__published_version", "routing_plan"):
        version = mapping.template.published_version
        if version is not None:
            version.template = mapping.template  # the version's template is this one: no second read
            found[mapping.event_type] = (mapping, version)
    return found


def _personalisation(version: TemplateVersion, fields: Mapping[str, str]) -> dict[str, str]:
    """Only the fields the version's schema asks for."""
    wanted = {str(item.get("name", "")) for item in version.personalisation_schema}
    return {name: value for name, value in fields.items() if name in wanted}


def _requests(
    actor: Actor, *, patient: Patient, subject: EventSubject, event_type: str, incoming: Incoming, now: dt.datetime
) -> tuple[list[MessageRequest], bool]:
    """The messages an event means (with the booking's reminders), and whether a mapping existed."""
    # A booking (or a new time) brings its reminders when the appointment's start is known.
    start = incoming.start if event_type in (EventType.APPOINTMENT_BOOKED, EventType.APPOINTMENT_RESCHEDULED) else None
    mappings = _mappings(actor, [event_type] if start is None else [event_type, EventType.APPOINTMENT_REMINDER])
    found = mappings.get(event_type)
    if found is None:
        return [], False
    requests = [
        MessageRequest(
            patient=patient,
            version=found[1],
            personalisation=_personalisation(found[1], incoming.fields),
            subject_type=SUBJECT_TYPE,
            subject_id=str(subject.id),
            routing_plan=found[0].routing_plan,
        )
    ]
    if start is not None:
        reminder = mappings.get(EventType.APPOINTMENT_REMINDER)
        if reminder is not None:
            for hours in sorted(set(reminder[0].reminder_offsets_hours), reverse=True):
                due = start - dt.timedelta(hours=int(hours))
                if due > now:
                    requests.append(
                        MessageRequest(
                            patient=patient,
                            version=reminder[1],
                            personalisation=_personalisation(reminder[1], incoming.fields),
                            send_after=due,
                            subject_type=SUBJECT_TYPE,
                            subject_id=str(subject.id),
                            routing_plan=reminder[0].routing_plan,
                        )
                    )
    return requests, True


def _meaning(subject: EventSubject, incoming: Incoming) -> str:
    """The event type this event means for the subject as it stands ("" : no message)."""
    if incoming.event_type and incoming.state not in STATE_EVENT_TYPES:
        return incoming.event_type  # our JSON's non-appointment types
    if incoming.state == STATE_BOOKED:
        if subject.state == STATE_BOOKED and subject.start is not None:
            return EventType.APPOINTMENT_RESCHEDULED if incoming.start != subject.start else ""
        return EventType.APPOINTMENT_BOOKED
    return STATE_EVENT_TYPES.get(incoming.state, "")


def event_receive(*, actor: Actor, incoming: Incoming, raw_body: Any) -> IntakeEvent:
    """Record one event and act on it (see the module docstring). Raises Unreadable (nothing
    stored) for an unknown patient or a contradicting version."""
    from notifyadmin.accounts.roles import Permission

    actor.require(Permission.EVENT_SUBMIT)
    now = timezone.now()
    with transaction.atomic():
        patient = _patient(actor, incoming)
        subject = _locked_subject(actor, incoming.subject_id)
        digest = body_hash(raw_body)
        older = _is_older(incoming.version_key, subject.version_key)
        event = IntakeEvent(
            organisation=actor.acting_organisation,
            client=actor.client,
            subject=subject,
            patient=patient,
            source_status=incoming.source_status,
            body_format=incoming.body_format,
            version_key=incoming.version_key,
            raw_body=raw_body,
            received_at=now,
        )
        if incoming.state == EventType.APPOINTMENT_REMINDER:
            # A reminder never changes the subject, so its version is not compared.
            _reminder(actor, event, subject, patient, incoming, now)
        elif older is None:
            if digest != subject.body_hash:
                raise Unreadable(
                    "meta.versionId" if incoming.body_format == "fhir" else "sequence",
                    "This version of the subject was already received with different content.",
                    status_code=409,
                )
            event.event_type = subject.state
            event.decision, event.decision_detail = Decision.NO_CHANGE, "This version was already processed."
        elif older:
            _superseded(actor, event, subject, patient, incoming, now)
        else:
            _newer(actor, event, subject, patient, incoming, digest, now)
        event.save()
    return event


def _create(actor: Actor, requests: list[MessageRequest]) -> list[Message]:
    return messages_create(actor=actor, requests=requests, source=MessageSource.EVENT) if requests else []


def _reminder(
    actor: Actor, event: IntakeEvent, subject: EventSubject, patient: Patient, incoming: Incoming, now: dt.datetime
) -> None:
    """A client's own "reminder due": sent while the appointment is (or may be) booked; it never
    changes the subject's state."""
    event.event_type = EventType.APPOINTMENT_REMINDER
    if subject.state and subject.state != STATE_BOOKED:
        event.decision, event.decision_detail = Decision.NO_MESSAGE, "The appointment is no longer booked."
        return
    if incoming.start is None and subject.start is not None:
        # The appointment's own date and time, as last booked, when the reminder does not say.
        incoming = replace(incoming, fields={**local_fields(subject.start, None), **incoming.fields})
    requests, mapped = _requests(
        actor, patient=patient, subject=subject, event_type=EventType.APPOINTMENT_REMINDER, incoming=incoming, now=now
    )
    _record(event, _create(actor, requests), mapped)


def _record(event: IntakeEvent, messages: list[Message], mapped: bool) -> None:
    event.message_ids = [str(m.id) for m in messages]
    if not mapped:
        event.decision, event.decision_detail = Decision.NO_MAPPING, "No template is mapped to this event type."
    else:
        event.decision = Decision.MESSAGES_CREATED
        event.decision_detail = f"{len(messages)} message(s) created."


def _superseded(
    actor: Actor, event: IntakeEvent, subject: EventSubject, patient: Patient, incoming: Incoming, now: dt.datetime
) -> None:
    """An older event: the message it would have produced is recorded, not sent."""
    meaning = STATE_EVENT_TYPES.get(incoming.state, incoming.event_type)
    event.event_type = meaning
    requests, _ = _requests(actor, patient=patient, subject=subject, event_type=meaning, incoming=incoming, now=now)
    requests = requests[:1]  # never reminders for a state that no longer holds
    messages = _create(actor, requests)
    if messages:
        from notifyadmin.sending.dispatch.store import transition_bulk

        transition_bulk(
            ids=[m.id for m in messages],
            transition="not_send",
            reason=NotSentReason.SUPERSEDED,
            detail="A newer event for this subject was already processed.",
        )
    event.message_ids = [str(m.id) for m in messages]
    event.decision = Decision.SUPERSEDED
    event.decision_detail = "A newer event for this subject was already processed; nothing sent."


def _newer(
    actor: Actor,
    event: IntakeEvent,
    subject: EventSubject,
    patient: Patient,
    incoming: Incoming,
    digest: str,
    now: dt.datetime,
) -> None:
    meaning = _meaning(subject, incoming)
    event.event_type = meaning or incoming.event_type
    changed = meaning != "" or incoming.state != subject.state
    if changed and subject.state:
        reason = NotSentReason.APPOINTMENT_CANCELLED if incoming.state == STATE_CANCELLED else NotSentReason.SUPERSEDED
        if incoming.state == STATE_ENTERED_IN_ERROR:
            reason = NotSentReason.WITHDRAWN
        event.withdrawn_count = messages_withdraw(
            actor=actor,
            subject_type=SUBJECT_TYPE,
            subject_id=str(subject.id),
            reason_code=reason,
            detail="A newer event for this subject changed what should be sent.",
        )
    elif incoming.state == STATE_ENTERED_IN_ERROR:
        event.withdrawn_count = 0
    if incoming.state == STATE_ENTERED_IN_ERROR:
        event.decision = Decision.WITHDRAWN
        event.decision_detail = f"Entered in error: {event.withdrawn_count} message(s) not yet sent were withdrawn."
    elif incoming.state in NO_MESSAGE_STATUSES:
        event.decision = Decision.NO_MESSAGE
        event.decision_detail = f"No message for the status {incoming.state}."
    elif not meaning:
        event.decision, event.decision_detail = Decision.NO_CHANGE, "The appointment's start did not change."
    else:
        requests, mapped = _requests(
            actor, patient=patient, subject=subject, event_type=meaning, incoming=incoming, now=now
        )
        _record(event, _create(actor, requests), mapped)
    subject.state = incoming.state
    subject.version_key = incoming.version_key
    subject.body_hash = digest
    if incoming.start is not None and incoming.state == STATE_BOOKED:
        subject.start = incoming.start
    subject.ever_booked = subject.ever_booked or incoming.state == STATE_BOOKED
    subject.save()


def events_purge_raw_bodies(*, now: dt.datetime | None = None) -> int:
    """Drop raw bodies older than the personalisation retention; returns how many."""
    cutoff = (now or timezone.now()) - dt.timedelta(days=settings.PERSONALISATION_RETENTION_DAYS)
    return IntakeEvent.objects.filter(received_at__lt=cutoff, raw_body__isnull=False).update(raw_body=None)
