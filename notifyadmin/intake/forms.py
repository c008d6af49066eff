"""Forms of the intake pages."""

from typing import Any

from django import forms

from templates_app.models import MessageTemplate, RoutingPlan


class MappingForm(forms.Form):
    template = forms.ModelChoiceField(
        label="Template to send",
        queryset=MessageTemplate.objects.none(),
        required=False,
        empty_label="No template (events of this type send nothing)",
        error_messages={"invalid_choice": "Select a template from the list"},
    )
    routing_plan = forms.ModelChoiceField(
        label="Routing plan",
        queryset=RoutingPlan.objects.none(),
        required=False,
        empty_label="The template's own routing plan",
        help_text="Which channels these messages may use, in order. The patient's preferences still decide.",
        error_messages={"invalid_choice": "Select a routing plan from the list"},
    )
    reminder_offsets = forms.CharField(
        label="Reminders: hours before the appointment (optional)",
        max_length=100,
        required=False,
        help_text="Whole hours separated by commas, for example 168, 24 for 7 days and 1 day before.",
    )

    def __init__(self, *args: Any, templates: Any, routing_plans: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, queryset in (("template", templates), ("routing_plan", routing_plans)):
            field = self.fields[name]
            if isinstance(field, forms.ModelChoiceField):
                field.queryset = queryset

    def clean_reminder_offsets(self) -> list[int]:
        text = self.cleaned_data.get("reminder_offsets", "").strip()
        if not text:
            return []
        parts = [part.strip() for part in text.split(",")]
        if not all(part.isascii() and part.isdigit() and len(part) <= 4 for part in parts):
            raise forms.ValidationError("Enter whole numbers of hours separated by commas, for example 168, 24")
        return [int(part) for part in parts]


class EventLogFilterForm(forms.Form):
    event_type = forms.ChoiceField(label="Event type", required=False)
    decision = forms.ChoiceField(label="Decision", required=False)
    client_id = forms.SlugField(label="Client system id", required=False, max_length=64)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from notifyadmin.intake.models import Decision, EventType

        super().__init__(*args, **kwargs)
        self.fields["event_type"].choices = [("", "Any"), *EventType.choices]  # type: ignore[attr-defined]
        self.fields["decision"].choices = [("", "Any"), *Decision.choices]  # type: ignore[attr-defined]
