"""Forms for the service desk pages. Values typed in a search are never re-displayed on error."""

from typing import Any, cast

from django import forms
from django.conf import settings

from notifyadmin.core.channels import CHANNEL_SHORT_LABELS, Channel, Language, language_label
from preferences.limits import (
    CONTACT_VALUE_MAX_LENGTH,
    NAME_MAX_LENGTH,
    REASON_MAX_LENGTH,
    SEARCH_REASON_DETAIL_MAX_LENGTH,
    SEARCH_VALUE_MAX_LENGTH,
    VERIFIED_HOW_MAX_LENGTH,
)
from preferences.models import AccessibleFormat, ChangeSource, ContactPoint
from preferences.policies import Policy

OTHER_REASON = "other"
STAFF_SOURCES = [(value, label) for value, label in ChangeSource.choices if value != ChangeSource.OTHER_SYSTEM_API]


class ReasonFieldsMixin(forms.Form):
    """The reason and how the change reached us, required for every change."""

    source = forms.ChoiceField(
        label="How did this change reach us?",
        choices=[("", "Select"), *STAFF_SOURCES],
        error_messages={"required": "Select how this change reached us"},
    )
    reason = forms.CharField(
        label="Reason for the change",
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Enter the reason for this change"},
    )
    lock_version = forms.IntegerField(widget=forms.HiddenInput)


class PatientFindForm(forms.Form):
    search_by = forms.ChoiceField(
        label="Search by",
        choices=[("nhs_number", "NHS number"), ("mobile", "Mobile phone number"), ("email", "Email address")],
        error_messages={"required": "Select what to search by"},
    )
    search_value = forms.CharField(
        label="NHS number, mobile phone number or email address",
        max_length=SEARCH_VALUE_MAX_LENGTH,
        error_messages={"required": "Enter the NHS number, mobile phone number or email address"},
    )
    reason = forms.ChoiceField(
        label="Why do you need to find this patient?",
        choices=[],
        error_messages={"required": "Select why you need to find this patient"},
    )
    reason_detail = forms.CharField(
        label="More detail (optional unless you chose 'Another reason')",
        max_length=SEARCH_REASON_DETAIL_MAX_LENGTH,
        required=False,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["reason"]).choices = (
            [("", "Select a reason")]
            + [(reason, reason) for reason in settings.PATIENT_SEARCH_REASONS]
            + [(OTHER_REASON, "Another reason")]
        )

    def clean(self) -> dict[str, Any]:
        data = cast(dict[str, Any], super().clean())
        reason, detail = data.get("reason"), (data.get("reason_detail") or "").strip()
        if reason == OTHER_REASON and not detail:
            self.add_error("reason_detail", "Enter the reason you need to find this patient")
        elif reason:
            data["full_reason"] = detail if reason == OTHER_REASON else (f"{reason}: {detail}" if detail else reason)
        return data


def cell_name(category: str, channel: str) -> str:
    return f"pref__{category}__{channel}"


class PreferencesForm(ReasonFieldsMixin):
    no_non_essential = forms.BooleanField(label="No non-essential messages", required=False)
    first_channel = forms.ChoiceField(label="Channel to try first", choices=list(CHANNEL_SHORT_LABELS.items()))

    def __init__(self, *args: Any, policies: dict[str, Policy], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.policies = policies
        for category in policies:
            for channel in Channel.values:
                self.fields[cell_name(category, channel)] = forms.BooleanField(required=False)

    def cells(self) -> dict[tuple[str, str], bool]:
        return {(c, ch): bool(self.cleaned_data.get(cell_name(c, ch))) for c in self.policies for ch in Channel.values}

    def channel_order(self, current: list[str]) -> list[str]:
        first = self.cleaned_data["first_channel"]
        return [first] + [channel for channel in (current or Channel.values) if channel != first]


class RevertForm(ReasonFieldsMixin):
    pass


class ContactPointAddForm(ReasonFieldsMixin):
    kind = forms.ChoiceField(
        label="Kind of contact detail",
        choices=[("", "Select"), *ContactPoint.Kind.choices],
        error_messages={"required": "Select the kind of contact detail"},
    )
    value = forms.CharField(
        label="Mobile number, email address or postal address",
        required=False,
        max_length=CONTACT_VALUE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="For a postal address, one line each, ending with the postcode. Leave empty for the NHS App.",
    )
    contact_source = forms.ChoiceField(
        label="Where did this contact detail come from?",
        choices=[("", "Select"), *ContactPoint.Source.choices],
        error_messages={"required": "Select where this contact detail came from"},
    )


class ContactPointStatusForm(ReasonFieldsMixin):
    status = forms.ChoiceField(
        label="New status",
        choices=[("", "Select"), *ContactPoint.Status.choices],
        error_messages={"required": "Select the new status"},
    )
    verified_how = forms.CharField(
        label="How was it verified? (if verified)", required=False, max_length=VERIFIED_HOW_MAX_LENGTH
    )


class PatientDetailsForm(ReasonFieldsMixin):
    preferred_name = forms.CharField(label="Preferred name", required=False, max_length=NAME_MAX_LENGTH)
    language = forms.ChoiceField(
        label="Language",
        choices=Language.choices,
        error_messages={
            "required": "Select the patient's language",
            "invalid_choice": "Select the patient's language from the list",
        },
    )
    accessible_formats = forms.MultipleChoiceField(
        label="Accessible formats", required=False, choices=AccessibleFormat.choices
    )

    def __init__(self, *args: Any, current_language: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # A language stored before the list existed stays valid until someone changes it.
        if current_language and current_language not in Language.values:
            field = cast(forms.ChoiceField, self.fields["language"])
            field.choices = [(current_language, language_label(current_language)), *Language.choices]
