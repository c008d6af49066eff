"""Forms of the service desk's patient pages: filtering the message history and sending a
published template to one patient by hand. Dates are typed UK style (21/12/2026)."""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from django import forms

from notifyadmin.sending.status import MessageStatus
from templates_app.content.schema import FieldType, PersonalisationField

UK_DATE_FORMATS = ["%d/%m/%Y", "%d/%m/%y", "%d %B %Y", "%d %b %Y", "%Y-%m-%d"]


class HistoryFilterForm(forms.Form):
    status = forms.ChoiceField(label="Status", required=False)
    template = forms.ChoiceField(label="Template", required=False)
    since = forms.DateField(
        label="Sent on or after", required=False, input_formats=UK_DATE_FORMATS, help_text="For example, 1/12/2026"
    )
    until = forms.DateField(
        label="Sent on or before", required=False, input_formats=UK_DATE_FORMATS, help_text="For example, 31/12/2026"
    )

    def __init__(self, *args: Any, templates: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["status"]).choices = [("", "Any status"), *MessageStatus.choices]
        cast(forms.ChoiceField, self.fields["template"]).choices = [("", "Any template"), *templates]
        for name in ("since", "until"):
            self.fields[name].error_messages["invalid"] = "Enter a real date, for example 1/12/2026"

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        since, until = data.get("since"), data.get("until")
        if since and until and since > until:
            self.add_error("until", "The second date must be the same as or after the first")
        return data


class ChooseTemplateForm(forms.Form):
    template = forms.ChoiceField(
        label="Template",
        error_messages={"required": "Choose the template to send", "invalid_choice": "Choose a template from the list"},
    )

    def __init__(self, *args: Any, templates: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["template"]).choices = [("", "Choose a template"), *templates]


def field_name(personalisation_field: str) -> str:
    return f"p_{personalisation_field}"


class PersonalisationForm(forms.Form):
    """One input per field of a version's personalisation schema. Dates are typed UK style and
    stored ISO (what the schema checks); lengths are checked by the schema. `leading` and
    `trailing` name the form's own fields, shown before and after the schema's."""

    leading: tuple[str, ...] = ()
    trailing: tuple[str, ...] = ()

    def __init__(self, *args: Any, schema: list[PersonalisationField], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.schema = schema
        for item in schema:
            label = item.name.replace("_", " ").capitalize()
            if item.type == FieldType.DATE:
                self.fields[field_name(item.name)] = forms.DateField(
                    label=label,
                    input_formats=UK_DATE_FORMATS,
                    help_text="For example, 21/12/2026",
                    error_messages={
                        "required": f"Enter the {label.lower()}",
                        "invalid": f"Enter the {label.lower()} as a real date, for example 21/12/2026",
                    },
                )
            else:
                self.fields[field_name(item.name)] = forms.CharField(
                    label=label,
                    help_text=f"Up to {item.max_length} characters. For example, {item.sample_value}"
                    if item.max_length
                    else f"For example, {item.sample_value}",
                    error_messages={"required": f"Enter the {label.lower()}"},
                    strip=True,
                )
        self.order_fields([*self.leading, *(field_name(item.name) for item in schema), *self.trailing])

    def personalisation(self) -> dict[str, str]:
        """The values as the schema wants them (dates ISO)."""
        values: dict[str, str] = {}
        for item in self.schema:
            value = self.cleaned_data[field_name(item.name)]
            values[item.name] = value.isoformat() if isinstance(value, dt.date) else str(value)
        return values

    def add_schema_errors(self, errors: dict[str, list[str]]) -> None:
        """Put the refusals on the inputs they concern: "personalisation.<name>" (or a bare
        schema name) on that field's input, the form's own field names on those fields."""
        for key, messages in errors.items():
            name = key.removeprefix("personalisation.")
            if key == name and name in self.fields:
                target: str | None = name
            else:
                target = field_name(name) if field_name(name) in self.fields else None
            for message in messages:
                self.add_error(target, message)


class ManualSendForm(PersonalisationForm):
    """The personalisation and the reason for sending a published template to one patient."""

    trailing = ("reason",)
    reason = forms.CharField(
        label="Why are you sending this message?",
        max_length=500,
        widget=forms.Textarea,
        error_messages={"required": "Enter why you are sending this message"},
    )
