"""Reading a body into an `Incoming` event: our own JSON or a FHIR R4 Appointment (alone or in a
Bundle). A tolerant reader: unknown elements and extensions are ignored, a single object where
FHIR wants an array is read as a one-item array. What cannot be interpreted safely is refused
with `Unreadable(element, message)`, naming the element and never echoing a value.

FHIR status -> meaning (the subject's state):
  booked -> booked (rescheduled when the subject was booked before with another start)
  cancelled -> cancelled; noshow -> did not attend; entered-in-error -> withdraw
  proposed, pending, waitlist, arrived, checked-in, fulfilled -> no message (recorded)
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from notifyadmin.intake.models import EventType

NHS_NUMBER_SYSTEM = "https://fhir.nhs.uk/Id/nhs-number"
LEGACY_NHS_NUMBER_SYSTEM = "http://fhir.nhs.net/Id/nhs-number"

# FHIR status -> the subject's state. Booked/cancelled/noshow produce messages.
STATE_BOOKED = "booked"
STATE_CANCELLED = "cancelled"
STATE_NOSHOW = "noshow"
STATE_ENTERED_IN_ERROR = "entered-in-error"
NO_MESSAGE_STATUSES = frozenset({"proposed", "pending", "waitlist", "arrived", "checked-in", "fulfilled"})
FHIR_STATUSES = frozenset({STATE_BOOKED, STATE_CANCELLED, STATE_NOSHOW, STATE_ENTERED_IN_ERROR}) | NO_MESSAGE_STATUSES
STATE_EVENT_TYPES = {
    STATE_BOOKED: EventType.APPOINTMENT_BOOKED,
    STATE_CANCELLED: EventType.APPOINTMENT_CANCELLED,
    STATE_NOSHOW: EventType.APPOINTMENT_DID_NOT_ATTEND,
}
# Our JSON's appointment types -> state (others keep their type as the state).
JSON_TYPE_STATES = {
    EventType.APPOINTMENT_BOOKED: STATE_BOOKED,
    EventType.APPOINTMENT_RESCHEDULED: STATE_BOOKED,
    EventType.APPOINTMENT_CANCELLED: STATE_CANCELLED,
    EventType.APPOINTMENT_DID_NOT_ATTEND: STATE_NOSHOW,
}


def fhir_meaning(status: str) -> str:
    """What an R4 status means here: booked, cancelled, noshow, withdraw or no-message."""
    if status == STATE_ENTERED_IN_ERROR:
        return "withdraw"
    return "no-message" if status in NO_MESSAGE_STATUSES else status


STU3_ONLY_ELEMENTS = ("incomingReferral", "indication", "reason")
SUBJECT_ID_MAX = 200
# Dates and times in messages are the patient's (UK) local time.
LOCAL_TIME = ZoneInfo("Europe/London")


def local_fields(start: dt.datetime | None, end: dt.datetime | None) -> dict[str, str]:
    start_local = start.astimezone(LOCAL_TIME) if start else None
    return {
        "appointment_date": start_local.strftime("%Y-%m-%d") if start_local else "",
        "appointment_time": start_local.strftime("%H:%M") if start_local else "",
        "appointment_end_time": end.astimezone(LOCAL_TIME).strftime("%H:%M") if end else "",
    }


class Unreadable(Exception):
    """The body cannot be interpreted; `element` names where (FHIRPath-like or a JSON field)."""

    def __init__(self, element: str, message: str, *, status_code: int = 400) -> None:
        super().__init__(message)
        self.element = element
        self.message = message
        self.status_code = status_code


@dataclass(frozen=True)
class Incoming:
    """An event as read: what the services need, nothing else."""

    body_format: str  # "json" | "fhir"
    subject_id: str
    state: str  # booked, cancelled, noshow, entered-in-error, a no-message status, or an event type
    source_status: str
    version_key: str
    nhs_number: str | None  # None: the body does not lead to an NHS number
    nhs_number_element: str
    start: dt.datetime | None = None
    fields: Mapping[str, str] = field(default_factory=dict)
    event_type: str = ""  # our JSON's declared type ("" for FHIR: decided from the state)


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _instant(value: Any, element: str) -> dt.datetime | None:
    if value is None:
        return None
    try:
        parsed = dt.datetime.fromisoformat(_text(value).replace("Z", "+00:00"))
    except ValueError as error:
        raise Unreadable(element, f"{element} is not a FHIR instant (date, time and offset).") from error
    if parsed.tzinfo is None:
        raise Unreadable(element, f"{element} has no time zone offset.")
    return parsed.astimezone(dt.UTC)


def version_key_of(*, sequence: Any = None, instant: dt.datetime | None = None) -> str:
    """A sortable key: numbers before timestamps never compare (see services: a key of another
    kind counts as newer, in arrival order)."""
    if sequence is not None:
        return f"n{int(sequence):020d}"
    if instant is not None:
        return "t" + instant.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")
    return ""


def _display(reference: Any) -> str:
    return _text(reference.get("display")) if isinstance(reference, Mapping) else ""


def _codeable_text(concepts: Any) -> str:
    for concept in _as_list(concepts):
        if not isinstance(concept, Mapping):
            continue
        if _text(concept.get("text")):
            return _text(concept["text"])
        for coding in _as_list(concept.get("coding")):
            if isinstance(coding, Mapping) and _text(coding.get("display")):
                return _text(coding["display"])
    return ""


def _nhs_number_in(identifiers: Any) -> tuple[str | None, bool]:
    """(number, legacy-system-seen)."""
    legacy = False
    for identifier in _as_list(identifiers):
        if not isinstance(identifier, Mapping):
            continue
        system = _text(identifier.get("system"))
        if system == NHS_NUMBER_SYSTEM and _text(identifier.get("value")):
            return _text(identifier["value"]), False
        legacy = legacy or system == LEGACY_NHS_NUMBER_SYSTEM
    return None, legacy


def _patient_of(appointment: Mapping[str, Any], resources: Mapping[str, Mapping[str, Any]]) -> tuple[str | None, str]:
    """The NHS number the Appointment's patient participant leads to, and the element read."""
    legacy_seen = False
    patient_seen = False
    for index, participant in enumerate(_as_list(appointment.get("participant"))):
        actor = participant.get("actor") if isinstance(participant, Mapping) else None
        if not isinstance(actor, Mapping):
            continue
        element = f"Appointment.participant[{index}].actor"
        reference = _text(actor.get("reference"))
        number, legacy = _nhs_number_in(actor.get("identifier"))
        legacy_seen = legacy_seen or legacy
        is_patient = actor.get("type") == "Patient" or reference.startswith("Patient/") or number is not None
        target = resources.get(reference) if reference else None
        if reference.startswith("#"):
            target = next(
                (
                    c
                    for c in _as_list(appointment.get("contained"))
                    if isinstance(c, Mapping) and c.get("id") == reference[1:]
                ),
                None,
            )
        if isinstance(target, Mapping) and target.get("resourceType") == "Patient":
            is_patient = True
            if number is None:
                number, legacy = _nhs_number_in(target.get("identifier"))
                legacy_seen = legacy_seen or legacy
                element = f"{element}.reference -> Patient.identifier"
        elif number is not None:
            element = f"{element}.identifier"
        if is_patient:
            patient_seen = True
            if number is not None:
                return number, element
    if legacy_seen:
        raise Unreadable(
            "Appointment.participant.actor.identifier",
            f"The patient's NHS number must use the system {NHS_NUMBER_SYSTEM} "
            "(the old fhir.nhs.net system is STU3's).",
            status_code=422,
        )
    if not patient_seen:
        raise Unreadable("Appointment.participant", "The Appointment has no patient participant.", status_code=422)
    raise Unreadable(
        "Appointment.participant.actor",
        f"The patient participant does not lead to an NHS number ({NHS_NUMBER_SYSTEM}): "
        "send it as the actor's identifier, or the referenced Patient in the same Bundle.",
        status_code=422,
    )


def _refuse_stu3(resource: Mapping[str, Any]) -> None:
    meta_value = resource.get("meta")
    meta: Mapping[str, Any] = meta_value if isinstance(meta_value, Mapping) else {}
    profiles = [_text(p) for p in _as_list(meta.get("profile"))]
    if any("/STU3/" in p for p in profiles) or any(name in resource for name in STU3_ONLY_ELEMENTS):
        raise Unreadable(
            "Appointment",
            "This Appointment is FHIR STU3 (an STU3 profile or element); send a FHIR R4 Appointment.",
            status_code=422,
        )


def fhir_status(resource: Mapping[str, Any]) -> str:
    """The R4 status of an Appointment this service can act on, or Unreadable: not an
    Appointment, STU3, a status outside R4's value set (exactly: "cancelled " is refused), or a
    modifier extension (which could change the meaning)."""
    if resource.get("resourceType") != "Appointment":
        raise Unreadable("resourceType", "Send a FHIR R4 Appointment (or a Bundle holding one).", status_code=422)
    _refuse_stu3(resource)
    status = resource.get("status")
    if not isinstance(status, str) or status not in FHIR_STATUSES:
        raise Unreadable(
            "Appointment.status", "Appointment.status is missing or not an R4 appointment status.", status_code=422
        )
    if _as_list(resource.get("modifierExtension")):
        raise Unreadable(
            "Appointment.modifierExtension",
            "The Appointment has a modifier extension this service does not understand.",
            status_code=422,
        )
    return status


def fhir_appointment(
    resource: Mapping[str, Any], *, resources: Mapping[str, Mapping[str, Any]] | None = None, fallback_id: str = ""
) -> Incoming:
    """Interpret one R4 Appointment; `resources` are a Bundle's entries by fullUrl and Type/id."""
    status = fhir_status(resource)
    subject_id = _text(resource.get("id")) or fallback_id
    if not subject_id:
        raise Unreadable("Appointment.id", "The Appointment has no id.", status_code=422)
    if len(subject_id) > SUBJECT_ID_MAX:
        raise Unreadable("Appointment.id", f"Appointment.id is longer than {SUBJECT_ID_MAX} characters.")
    meta_value = resource.get("meta")
    meta: Mapping[str, Any] = meta_value if isinstance(meta_value, Mapping) else {}
    version_id = _text(meta.get("versionId"))
    if version_id.isascii() and version_id.isdigit() and len(version_id) <= 20:
        version_key = version_key_of(sequence=int(version_id))
    else:
        version_key = version_key_of(instant=_instant(meta.get("lastUpdated"), "Appointment.meta.lastUpdated"))
    start = _instant(resource.get("start"), "Appointment.start")
    end = _instant(resource.get("end"), "Appointment.end")
    if status == STATE_BOOKED and start is None:
        raise Unreadable("Appointment.start", "A booked Appointment needs its start.", status_code=422)
    number, element = _patient_of(resource, resources or {})
    practitioner = location = ""
    for participant in _as_list(resource.get("participant")):
        actor = participant.get("actor") if isinstance(participant, Mapping) else None
        reference = _text(actor.get("reference")) if isinstance(actor, Mapping) else ""
        kind = _text(actor.get("type")) if isinstance(actor, Mapping) else ""
        if (reference.startswith("Practitioner") or kind.startswith("Practitioner")) and not practitioner:
            practitioner = _display(actor)
        if (reference.startswith("Location/") or kind == "Location") and not location:
            location = _display(actor)
    fields = {
        **local_fields(start, end),
        "service_type": _codeable_text(resource.get("serviceType")),
        "location": location,
        "practitioner": practitioner,
    }
    return Incoming(
        body_format="fhir",
        subject_id=subject_id,
        state=status,
        source_status=status,
        version_key=version_key,
        nhs_number=number,
        nhs_number_element=element,
        start=start,
        fields={name: value for name, value in fields.items() if value},
    )


def fhir_read(body: Any) -> Incoming:
    """A FHIR body: an Appointment, or a Bundle with exactly one Appointment whose references
    (urn:uuid: fullUrls or Type/id) resolve within the Bundle."""
    if not isinstance(body, Mapping):
        raise Unreadable("", "Send a FHIR resource (a JSON object).")
    if body.get("resourceType") != "Bundle":
        return fhir_appointment(body)
    resources: dict[str, Mapping[str, Any]] = {}
    appointments: list[tuple[str, Mapping[str, Any]]] = []
    for entry in _as_list(body.get("entry")):
        resource = entry.get("resource") if isinstance(entry, Mapping) else None
        if not isinstance(resource, Mapping):
            continue
        full_url = _text(entry.get("fullUrl"))
        if full_url:
            resources[full_url] = resource
        kind, rid = _text(resource.get("resourceType")), _text(resource.get("id"))
        if kind and rid:
            resources[f"{kind}/{rid}"] = resource
        if kind == "Appointment":
            appointments.append((full_url, resource))
    if len(appointments) != 1:
        raise Unreadable(
            "Bundle.entry", "A Bundle must hold exactly one Appointment; send one per request.", status_code=422
        )
    full_url, appointment = appointments[0]
    return fhir_appointment(appointment, resources=resources, fallback_id=full_url[:SUBJECT_ID_MAX])
