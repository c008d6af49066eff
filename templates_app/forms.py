"""Forms of the template pages. Services do the rules; forms only shape input."""

from collections.abc import Sequence
from typing import Any, cast

from django import forms

from notifyadmin.core.channels import Channel, channel_label
from templates_app.content.limits import EDITOR_LANGUAGES
from templates_app.content.schema import FIELD_TYPE_LABELS, PERSONAL_DATA_LABELS, FieldType, PersonalDataClass
from templates_app.linting import content_field_name, schema_field_name
from templates_app.models import NotifyEnvironment, Purpose, RoutingPlan, Sensitivity

MIN_FIELD_ROWS = 3


class TemplateCreateForm(forms.Form):
    name = forms.CharField(max_length=120, label="Template name", error_messages={"required": "Enter a template name"})
    purpose = forms.ChoiceField(choices=Purpose.choices, label="Purpose")
    sensitivity = forms.ChoiceField(choices=Sensitivity.choices, label="Clinical sensitivity")
    is_critical = forms.BooleanField(required=False, label="Critical: patients cannot opt out of every channel")
    send_any_time = forms.BooleanField(required=False, label="Send at any time (urgent messages only)")
    send_window_start = forms.TimeField(
        required=False,
        label="Send window start (UK time)",
        initial="08:00",
        error_messages={"invalid": "Enter a time like 08:00"},
    )
    send_window_end = forms.TimeField(
        required=False,
        label="Send window end (UK time)",
        initial="20:00",
        error_messages={"invalid": "Enter a time like 20:00"},
    )
    routing_plan = forms.ChoiceField(
        label="NHS Notify routing plan",
        error_messages={"required": "Choose a routing plan", "invalid_choice": "Choose a routing plan from the list"},
    )
    channels = forms.MultipleChoiceField(
        choices=Channel.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one channel"},
    )

    def __init__(self, *args: Any, plans: Sequence[RoutingPlan], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.plans = {str(plan.id): plan for plan in plans}
        cast(forms.ChoiceField, self.fields["routing_plan"]).choices = [("", "Choose a routing plan")] + [
            (key, f"{plan.name} ({plan.channels_display})") for key, plan in self.plans.items()
        ]

    def clean(self) -> dict[str, Any]:
        """The chosen plan becomes the template's `routing_plan_id`; it must be able to send
        by every channel the template uses."""
        data = super().clean() or {}
        plan = self.plans.get(str(data.pop("routing_plan", "")))
        if plan is not None:
            data["routing_plan_id"] = plan.plan_id
            missing = [c for c in data.get("channels", []) if c not in plan.channels]
            if missing:
                names = " or ".join(channel_label(c) for c in missing)
                self.add_error(
                    "channels",
                    f"The routing plan ‘{plan.name}’ cannot send by {names}: untick it or choose another plan",
                )
        return data


class VersionEditForm(forms.Form):
    """Content per channel x language, and the personalisation schema as numbered rows."""

    lock_version = forms.IntegerField(widget=forms.HiddenInput)
    field_rows = forms.IntegerField(widget=forms.HiddenInput, min_value=0, max_value=50)
    channels = forms.MultipleChoiceField(
        choices=Channel.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one channel"},
    )

    def __init__(
        self,
        *args: Any,
        channels: list[str],
        field_rows: int,
        languages: Sequence[str] = EDITOR_LANGUAGES,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.content_channels = channels
        self.languages = list(dict.fromkeys([*EDITOR_LANGUAGES, *languages]))
        self.rows = max(field_rows, MIN_FIELD_ROWS)
        for channel in channels:
            for language in self.languages:
                if channel == "email":
                    self.fields[content_field_name(channel, language, "subject")] = forms.CharField(
                        required=False, label="Subject", max_length=500
                    )
                self.fields[content_field_name(channel, language)] = forms.CharField(
                    required=False, strip=False, widget=forms.Textarea(attrs={"rows": 6}), label="Message"
                )
        for index in range(self.rows):
            self.fields[schema_field_name(index, "name")] = forms.CharField(required=False, label="Name")
            self.fields[schema_field_name(index, "type")] = forms.ChoiceField(
                required=False,
                label="Type",
                choices=[("", "Choose")] + [(t.value, FIELD_TYPE_LABELS[t]) for t in FieldType],
            )
            self.fields[schema_field_name(index, "max_length")] = forms.IntegerField(
                required=False,
                label="Maximum length",
                min_value=1,
                max_value=100_000,
                error_messages={"invalid": "Enter a whole number"},
            )
            self.fields[schema_field_name(index, "personal_data")] = forms.ChoiceField(
                required=False,
                label="Personal data",
                choices=[(p.value, PERSONAL_DATA_LABELS[p]) for p in PersonalDataClass],
            )
            self.fields[schema_field_name(index, "sample_value")] = forms.CharField(
                required=False, label="Sample value"
            )

    def schema(self) -> list[dict[str, Any]]:
        data = self.cleaned_data
        rows = []
        for index in range(self.rows):
            row = {
                attr: data.get(schema_field_name(index, attr))
                for attr in ("name", "type", "max_length", "personal_data", "sample_value")
            }
            if not (row["name"] or row["sample_value"] or row["type"]):
                continue
            row["max_length"] = row["max_length"] or 0
            rows.append({k: (v if v is not None else "") for k, v in row.items()})
        return rows

    def contents(self) -> list[dict[str, str]]:
        items = []
        for channel in self.content_channels:
            for language in self.languages:
                items.append(
                    {
                        "channel": channel,
                        "language": language,
                        "subject": self.cleaned_data.get(content_field_name(channel, language, "subject"), "") or "",
                        "body": self.cleaned_data.get(content_field_name(channel, language), "") or "",
                    }
                )
        return items


class ContentReviewForm(forms.Form):
    content_hash = forms.CharField(widget=forms.HiddenInput)
    decision = forms.ChoiceField(
        choices=[("approve", "Approve the content"), ("changes", "Request changes")],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose a decision"},
    )
    comments = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 4}), label="Comments")


class SignOffForm(forms.Form):
    content_hash = forms.CharField(widget=forms.HiddenInput)
    decision = forms.ChoiceField(
        choices=[("sign_off", "Sign off"), ("changes", "Request changes")],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose a decision"},
    )
    declaration = forms.BooleanField(required=False, label="I make this declaration")
    # Chosen from the hazard log (choices set per form); the service refuses an empty choice.
    hazards = forms.MultipleChoiceField(
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Hazards you considered",
        error_messages={"invalid_choice": "%(value)s is not in the hazard log: choose from the list"},
    )
    raised_title = forms.CharField(required=False, max_length=300, label="Title")
    raised_cause = forms.CharField(required=False, max_length=4000, widget=forms.Textarea, label="Cause")
    raised_effect = forms.CharField(
        required=False, max_length=4000, widget=forms.Textarea, label="Effect on the patient"
    )
    comments = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 4}), label="Comments")

    def __init__(self, *args: Any, hazard_choices: Sequence[tuple[str, str]] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        hazards = self.fields["hazards"]
        assert isinstance(hazards, forms.MultipleChoiceField)  # noqa: S101 - declared just above
        hazards.choices = list(hazard_choices)


class ConfirmWithReasonForm(forms.Form):
    """A consequential action's confirmation: the reason is recorded in the audit trail."""

    reason = forms.CharField(
        max_length=500,
        label="Why are you doing this?",
        error_messages={
            "required": "Enter the reason, for the audit trail",
            "max_length": "Reason must be 500 characters or fewer",
        },
    )

    def clean_reason(self) -> str:
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError("Enter the reason, for the audit trail")
        return str(reason)


class RoutingPlanForm(forms.Form):
    """An administrator's new routing plan: its name, NHS Notify's id, channels and environment."""

    name = forms.CharField(
        max_length=120, label="Name", error_messages={"required": "Enter the plan's name, as staff will choose it"}
    )
    plan_id = forms.UUIDField(
        label="NHS Notify routing plan id",
        error_messages={
            "required": "Enter the routing plan id NHS Notify gave you",
            "invalid": "Enter the routing plan id as NHS Notify gave it, like 0b0c3c16-8a5e-4b4e-9d1c-1b2f3d4e5f60",
        },
    )
    channels = forms.MultipleChoiceField(
        choices=Channel.choices,
        widget=forms.CheckboxSelectMultiple,
        label="Channels the plan can use",
        error_messages={"required": "Choose the channels the plan can use"},
    )
    environment = forms.ChoiceField(
        choices=NotifyEnvironment.choices,
        label="NHS Notify environment",
        error_messages={"required": "Choose the environment", "invalid_choice": "Choose the environment from the list"},
    )
