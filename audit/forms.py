"""The auditor's filter form. Bad values give a message at the field, never a 500."""

import uuid
from typing import Any

from django import forms

from audit.actions import choices as action_choices
from notifyadmin.accounts.models import Organisation, StaffUser
from notifyadmin.core.forms import DayMonthYearField


class AuditFilterForm(forms.Form):
    organisation = forms.ChoiceField(label="Organisation", required=False)
    actor = forms.ChoiceField(label="Member of staff", required=False)
    action = forms.ChoiceField(label="Action", required=False)
    patient = forms.CharField(
        label="Patient reference",
        required=False,
        max_length=36,
        help_text="The patient's opaque reference, as shown on their record (not their NHS number).",
    )
    date_from = DayMonthYearField(label="Date from", required=False)
    date_to = DayMonthYearField(label="Date to", required=False)

    def __init__(self, *args: Any, organisations: list[Organisation], staff: list[StaffUser], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.organisations = organisations
        choice_fields: dict[str, Any] = self.fields
        choice_fields["organisation"].choices = [("", "All your organisations")] + [
            (str(org.id), f"{org.name} ({org.ods_code})") for org in organisations
        ]
        choice_fields["actor"].choices = [("", "Anyone")] + [(str(user.id), user.display_name) for user in staff]
        choice_fields["action"].choices = [("", "Any action")] + [
            (name, f"{label} ({name})") for name, label in action_choices()
        ]
        for name, noun in (
            ("organisation", "an organisation"),
            ("actor", "a member of staff"),
            ("action", "an action"),
        ):
            self.fields[name].error_messages["invalid_choice"] = f"Choose {noun} from the list"

    def clean_patient(self) -> str:
        value = self.cleaned_data["patient"].strip()
        if not value:
            return ""
        try:
            return str(uuid.UUID(value))
        except ValueError as error:
            raise forms.ValidationError(
                "Enter the patient reference exactly as shown on the patient's record, "
                "for example 3f2b6c1e-8d4a-4f1e-9b7a-2c5d8e9f0a1b"
            ) from error

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        date_from, date_to = cleaned.get("date_from"), cleaned.get("date_to")
        if date_from and date_to and date_to < date_from:
            self.add_error("date_to", "Date to must be the same as or after date from")
        return cleaned

    def selected_organisations(self) -> tuple[Organisation, ...]:
        chosen = self.cleaned_data.get("organisation")
        if chosen:
            return tuple(org for org in self.organisations if str(org.id) == chosen)
        return tuple(self.organisations)
