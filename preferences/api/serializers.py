"""Request and response shapes of the preferences API, with the rules the schema states.

Text limits are the forms' (so API and pages refuse the same input). An absent field is never
read as a value: optional fields are `required=False` without defaults, and bodies are JSON
only. NHS numbers are ASCII digits (spaces allowed); `[0-9]` in these patterns is ASCII-only.
"""

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from notifyadmin.core.categories import MessageCategory
from preferences.forms import ContactPointAddForm, PreferencesForm
from preferences.models import ChangeSource, Channel, ContactPoint, LawfulBasis, Patient
from preferences.nhs_number import nhs_number_mask
from preferences.selectors import contact_mask, preference_grid

# The same limits as the service desk's forms.
REASON_MAX_LENGTH: int = PreferencesForm.base_fields["reason"].max_length  # type: ignore[attr-defined]
CONTACT_VALUE_MAX_LENGTH: int = ContactPointAddForm.base_fields["value"].max_length  # type: ignore[attr-defined]
NHS_NUMBER_PATTERN = r"^[0-9][0-9 ]{8,14}[0-9]$"
MOBILE_PATTERN = r"^\+?[0-9][0-9 ]{6,18}[0-9]$"
# A reason must hold something other than spaces.
NON_BLANK = r"\S"


def _choice(choices: list[tuple[str, str]], what: str, **kwargs: Any) -> serializers.ChoiceField:
    # Our own message: DRF's default would echo the submitted value.
    return serializers.ChoiceField(
        choices=choices, error_messages={"invalid_choice": f"Choose a valid {what}."}, **kwargs
    )


def _nhs_number(**kwargs: Any) -> serializers.RegexField:
    return serializers.RegexField(
        NHS_NUMBER_PATTERN,
        max_length=16,
        error_messages={"invalid": "Enter an NHS number of 10 digits (0 to 9)."},
        help_text="10 digits, spaces allowed. Sent in the body only, never in a URL.",
        **kwargs,
    )


def _reason(**kwargs: Any) -> serializers.RegexField:
    return serializers.RegexField(
        NON_BLANK,
        max_length=REASON_MAX_LENGTH,
        error_messages={"invalid": "Enter the reason for this change.", "blank": "Enter the reason for this change."},
        **kwargs,
    )


# --- Requests ------------------------------------------------------------------------------


class LookupByNhsNumberSerializer(serializers.Serializer):  # type: ignore[type-arg]
    nhs_number = _nhs_number()


class LookupByPatientIdSerializer(serializers.Serializer):  # type: ignore[type-arg]
    patient_id = serializers.UUIDField(error_messages={"invalid": "Send a valid patient_id."})


class PatientLookupSerializer(serializers.Serializer):  # type: ignore[type-arg]
    """Exactly one of nhs_number or patient_id (the schema says so with oneOf)."""

    nhs_number = _nhs_number(required=False)
    patient_id = serializers.UUIDField(required=False, error_messages={"invalid": "Send a valid patient_id."})

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if ("nhs_number" in attrs) == ("patient_id" in attrs):
            raise serializers.ValidationError("Send either nhs_number or patient_id, not both.")
        return attrs


class CellSerializer(serializers.Serializer):  # type: ignore[type-arg]
    category = _choice(MessageCategory.choices, "category")
    channel = _choice(Channel.choices, "channel")
    allowed = serializers.BooleanField()


class ContactPointChangeSerializer(serializers.Serializer):  # type: ignore[type-arg]
    id = serializers.UUIDField(required=False, help_text="An existing contact point, to change its status.")
    kind = _choice(ContactPoint.Kind.choices, "kind of contact point", required=False)
    value = serializers.CharField(required=False, write_only=True, max_length=CONTACT_VALUE_MAX_LENGTH)
    status = _choice(ContactPoint.Status.choices, "status", required=False)


class ChangeSerializer(serializers.Serializer):  # type: ignore[type-arg]
    # DRF pops declared fields off the class, so this does not shadow Field.source at run time.
    source = _choice(  # type: ignore[assignment]
        ChangeSource.choices,
        "source",
        required=False,
        help_text="How the change reached you; other_system_api if absent.",
    )
    reason = _reason()
    preferences = CellSerializer(  # type: ignore[call-arg]
        many=True, required=False, max_length=len(MessageCategory) * len(Channel)
    )
    no_non_essential = serializers.BooleanField(required=False)
    channel_order = serializers.ListField(
        child=_choice(Channel.choices, "channel"), required=False, min_length=1, max_length=len(Channel)
    )
    contact_point = ContactPointChangeSerializer(required=False)


class OptOutByPatientIdSerializer(serializers.Serializer):  # type: ignore[type-arg]
    patient_id = serializers.UUIDField()
    channel = _choice(Channel.choices, "channel", required=False, help_text="sms if absent.")
    reason = _reason(required=False, help_text="'Patient replied STOP' if absent.")


class OptOutByNhsNumberSerializer(OptOutByPatientIdSerializer):
    patient_id = None  # type: ignore[assignment]
    nhs_number = _nhs_number()


class OptOutByMobileSerializer(OptOutByPatientIdSerializer):
    patient_id = None  # type: ignore[assignment]
    mobile = serializers.RegexField(
        MOBILE_PATTERN,
        max_length=20,
        help_text="The number the STOP reply came from.",
        error_messages={"invalid": "Enter a UK mobile number in digits (0 to 9)."},
    )


class OptOutSerializer(serializers.Serializer):  # type: ignore[type-arg]
    """Exactly one of patient_id, nhs_number or mobile (oneOf in the schema)."""

    patient_id = serializers.UUIDField(required=False, error_messages={"invalid": "Send a valid patient_id."})
    nhs_number = _nhs_number(required=False)
    mobile = serializers.RegexField(
        MOBILE_PATTERN,
        max_length=20,
        required=False,
        error_messages={"invalid": "Enter a UK mobile number in digits (0 to 9)."},
    )
    channel = _choice(Channel.choices, "channel", required=False)
    reason = _reason(required=False)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if sum(name in attrs for name in ("patient_id", "nhs_number", "mobile")) != 1:
            raise serializers.ValidationError("Send exactly one of patient_id, nhs_number or mobile.")
        return attrs


# --- Responses -----------------------------------------------------------------------------


class ChannelStateSerializer(serializers.Serializer):  # type: ignore[type-arg]
    allowed = serializers.BooleanField(help_text="The patient's (or the default) choice.")
    effective = serializers.BooleanField(help_text="Whether this channel may be used, all rules applied.")


class CategoryStateSerializer(serializers.Serializer):  # type: ignore[type-arg]
    is_critical = serializers.BooleanField()
    lawful_basis = serializers.ChoiceField(choices=LawfulBasis.choices)
    channels = serializers.DictField(child=ChannelStateSerializer(), help_text="Keyed by channel.")


class ContactPointOutSerializer(serializers.Serializer):  # type: ignore[type-arg]
    id = serializers.UUIDField()
    kind = serializers.ChoiceField(choices=ContactPoint.Kind.choices)
    masked = serializers.SerializerMethodField()
    status = serializers.ChoiceField(choices=ContactPoint.Status.choices)
    source = serializers.ChoiceField(choices=ContactPoint.Source.choices)  # type: ignore[assignment]

    @extend_schema_field(OpenApiTypes.STR)
    def get_masked(self, point: ContactPoint) -> str:
        return contact_mask(point.kind, point.value)


class PatientPreferencesSerializer(serializers.Serializer):  # type: ignore[type-arg]
    patient_id = serializers.UUIDField(source="id")
    nhs_number_masked = serializers.SerializerMethodField()
    preferred_name = serializers.CharField()
    language = serializers.CharField()
    accessible_formats = serializers.ListField(child=serializers.CharField())
    no_non_essential = serializers.BooleanField()
    channel_order = serializers.ListField(child=serializers.ChoiceField(choices=Channel.choices))
    preferences = serializers.SerializerMethodField()
    contact_points = ContactPointOutSerializer(many=True, source="contact_points.all")

    @extend_schema_field(OpenApiTypes.STR)
    def get_nhs_number_masked(self, patient: Patient) -> str:
        return nhs_number_mask(patient.nhs_number)

    @extend_schema_field(serializers.DictField(child=CategoryStateSerializer(), help_text="Keyed by category."))
    def get_preferences(self, patient: Patient) -> dict[str, Any]:
        rows = preference_grid(patient=patient)
        return {
            row.policy.category: CategoryStateSerializer(
                {
                    "is_critical": row.policy.is_critical,
                    "lawful_basis": row.policy.lawful_basis,
                    "channels": {channel: {"allowed": a, "effective": e} for channel, a, e in row.cells},
                }
            ).data
            for row in rows
        }


class OptOutResultSerializer(PatientPreferencesSerializer):
    critical_categories_kept_open = serializers.SerializerMethodField(
        help_text="Critical categories left open on this channel because it is their last open channel."
    )

    patients_opted_out = serializers.SerializerMethodField(
        help_text="How many patients were opted out: a STOP from a mobile opts out every patient with that number."
    )

    @extend_schema_field(serializers.ListField(child=serializers.ChoiceField(choices=MessageCategory.choices)))
    def get_critical_categories_kept_open(self, patient: Patient) -> list[str]:
        return list(self.context.get("kept_open", []))

    @extend_schema_field(serializers.IntegerField(min_value=1))
    def get_patients_opted_out(self, patient: Patient) -> int:
        return int(self.context.get("opted_out", 1))
