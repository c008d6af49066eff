"""The auditor's forms. Bad values give a message at the field, never a 500.

The filter is a GET form whose values are opaque (ids, action codes, dates): the patient is
filtered by their opaque reference only. An NHS number is typed only into the patient lookup,
a POST form, so it never reaches a URL.
"""

import re
import uuid
from typing import Any

from django import forms

from audit.actions import choices as action_choices
from audit.selectors import StaffChoice
from notifyadmin.accounts.models import Organisation
from notifyadmin.core.forms import DayMonthYearField

# Every query parameter the filter understands; the export refuses any other.
KNOWN_FILTER_PARAMETERS = frozenset(
    {
        "organisation",
        "actor",
        "action",
        "patient",
        *(f"{name}_{part}" for name in ("date_from", "date_to") for part in ("day", "month", "year")),
    }
)


class AuditFilterForm(forms.Form):
    organisation = forms.ChoiceField(label="Organisation", required=False)
    actor = forms.ChoiceField(label="Member of staff", required=False)
    action = forms.ChoiceField(label="Action", required=False)
    patient = forms.CharField(label="Patient reference", required=False, max_length=36)
    date_from = DayMonthYearField(label="Date from", required=False)
    date_to = DayMonthYearField(label="Date to", required=False)

    def __init__(self, *args: Any, organisations: list[Organisation], staff: list[StaffChoice], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.organisations = organisations
        choice_fields: dict[str, Any] = self.fields
        choice_fields["organisation"].choices = [("", "All your organisations")] + [
            (str(org.id), f"{org.name} ({org.ods_code})") for org in organisations
        ]
        choice_fields["actor"].choices = [("", "Anyone")] + [(choice.user_id, choice.label) for choice in staff]
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
                "Find the patient by NHS number below: the patient filter takes only the reference it finds"
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

    def applied(self) -> dict[str, str]:
        """The filters in use, as cleaned values (never the raw query): for the export's audit
        event and for links that keep the filters."""
        applied = {}
        for name in ("organisation", "actor", "action", "patient"):
            if self.cleaned_data.get(name):
                applied[name] = str(self.cleaned_data[name])
        for name in ("date_from", "date_to"):
            if self.cleaned_data.get(name):
                applied[name] = self.cleaned_data[name].isoformat()
        return applied


def unknown_parameters(names: list[str]) -> list[str]:
    return sorted(name for name in names if name not in KNOWN_FILTER_PARAMETERS)


class PatientLookupForm(forms.Form):
    """Find a patient for the filter by NHS number (POST only)."""

    nhs_number = forms.CharField(
        label="NHS number",
        max_length=20,
        help_text="10 digits, for example 485 777 3456. The filter then uses the patient's reference.",
        error_messages={"required": "Enter the patient's NHS number", "max_length": "NHS number must be 10 digits"},
    )

    def clean_nhs_number(self) -> str:
        value = re.sub(r"[\s-]", "", self.cleaned_data["nhs_number"])
        if not (value.isascii() and value.isdigit() and len(value) == 10):
            raise forms.ValidationError("NHS number must be 10 digits")
        return value
