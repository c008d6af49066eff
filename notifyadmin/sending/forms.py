"""Forms of the sending pages."""

from typing import Any

from django import forms

from notifyadmin.accounts.models import Organisation
from templates_app.models import MessageTemplate


class KillSwitchSetForm(forms.Form):
    template = forms.ModelChoiceField(
        label="What do you want to stop?",
        queryset=MessageTemplate.objects.none(),
        required=False,
        empty_label="Every message from your organisation",
        error_messages={"invalid_choice": "Select a template from the list"},
    )
    reason = forms.CharField(
        label="Why must sending stop?",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter why sending must stop"},
    )

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["template"]
        if isinstance(field, forms.ModelChoiceField):
            field.queryset = MessageTemplate.objects.filter(organisation=organisation).order_by("name")


class KillSwitchClearForm(forms.Form):
    reason = forms.CharField(
        label="Why can sending start again?",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter why sending can start again"},
    )
