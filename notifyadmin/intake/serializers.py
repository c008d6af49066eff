"""Our own JSON event body and the answer, as the OpenAPI schema states them."""

from typing import Any

from rest_framework import serializers

from notifyadmin.intake.models import Decision, EventType
from notifyadmin.intake.reading import JSON_TYPE_STATES, SUBJECT_ID_MAX, Incoming, local_fields, version_key_of

NHS_NUMBER_PATTERN = r"^[0-9][0-9 ]{8,14}[0-9]$"


class AppointmentDetailsSerializer(serializers.Serializer):  # type: ignore[type-arg]
    start = serializers.DateTimeField(required=False, help_text="With its offset.")
    end = serializers.DateTimeField(required=False)
    service_type = serializers.CharField(required=False, max_length=200)
    location = serializers.CharField(required=False, max_length=200)
    practitioner = serializers.CharField(required=False, max_length=200)


class EventSerializer(serializers.Serializer):  # type: ignore[type-arg]
    """Send exactly one of `sequence` or `occurred_at`: the source's version of this subject."""

    type = serializers.ChoiceField(
        choices=EventType.choices, error_messages={"invalid_choice": "Choose a known event type."}
    )
    subject_id = serializers.RegexField(
        r"^[\x21-\x7e]+$",
        max_length=SUBJECT_ID_MAX,
        help_text="Your id of the appointment (or result, invitation...), unique within your system.",
        error_messages={"invalid": "subject_id must be visible ASCII characters."},
    )
    sequence = serializers.IntegerField(required=False, min_value=0, max_value=10**19)
    occurred_at = serializers.DateTimeField(required=False)
    nhs_number = serializers.RegexField(
        NHS_NUMBER_PATTERN,
        max_length=16,
        error_messages={"invalid": "Enter an NHS number of 10 digits (0 to 9)."},
    )
    appointment = AppointmentDetailsSerializer(required=False)
    personalisation = serializers.DictField(
        child=serializers.CharField(max_length=1000, allow_blank=True),
        required=False,
        help_text="Values for the template's own fields (at most 50); only those its schema asks for are used.",
    )

    def validate_personalisation(self, value: dict[str, str]) -> dict[str, str]:
        if len(value) > 50:
            raise serializers.ValidationError("Send at most 50 personalisation values.")
        return value

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if ("sequence" in attrs) == ("occurred_at" in attrs):
            raise serializers.ValidationError({"sequence": ["Send exactly one of sequence or occurred_at."]})
        needs_start = attrs["type"] in (EventType.APPOINTMENT_BOOKED, EventType.APPOINTMENT_RESCHEDULED)
        if needs_start and not attrs.get("appointment", {}).get("start"):
            raise serializers.ValidationError({"appointment.start": ["Send the appointment's start."]})
        return attrs


def incoming_from_json(data: dict[str, Any]) -> Incoming:
    details = data.get("appointment", {})
    start = details.get("start")
    end = details.get("end")
    fields = dict(data.get("personalisation", {}))
    fields.update(
        {
            **local_fields(start, end),
            "service_type": details.get("service_type", ""),
            "location": details.get("location", ""),
            "practitioner": details.get("practitioner", ""),
        }
    )
    return Incoming(
        body_format="json",
        subject_id=data["subject_id"],
        state=JSON_TYPE_STATES.get(data["type"], data["type"]),
        source_status=data["type"],
        version_key=version_key_of(sequence=data.get("sequence"), instant=data.get("occurred_at")),
        nhs_number=data["nhs_number"],
        nhs_number_element="nhs_number",
        start=start,
        fields={name: value for name, value in fields.items() if value},
        event_type=data["type"],
    )


class EventAcceptedSerializer(serializers.Serializer):  # type: ignore[type-arg]
    event_id = serializers.UUIDField()
    decision = serializers.ChoiceField(choices=Decision.choices)
    detail = serializers.CharField()
    message_ids = serializers.ListField(child=serializers.UUIDField())
    withdrawn = serializers.IntegerField(help_text="Messages not yet sent that this event withdrew.")


class OperationOutcomeIssueSerializer(serializers.Serializer):  # type: ignore[type-arg]
    severity = serializers.CharField()
    code = serializers.CharField()
    diagnostics = serializers.CharField()
    expression = serializers.ListField(child=serializers.CharField(), required=False)


class OperationOutcomeSerializer(serializers.Serializer):  # type: ignore[type-arg]
    """A FHIR R4 OperationOutcome: the answer to a refused FHIR body."""

    resourceType = serializers.CharField(help_text="Always OperationOutcome.")  # noqa: N815 (FHIR's name)
    id = serializers.CharField(required=False, help_text="The correlation id.")
    issue = OperationOutcomeIssueSerializer(many=True)
