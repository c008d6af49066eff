"""Forms of the hazard pages. The rules are the services'; forms only shape input."""

from django import forms

from notifyadmin.safety.models import HazardAppStatus

STATUS_ERRORS = {"required": "Choose the new status", "invalid_choice": "Choose open, mitigated, accepted or closed"}


def _required(message: str) -> dict[str, str]:
    return {"required": message}


class HazardStatusForm(forms.Form):
    status = forms.ChoiceField(
        choices=HazardAppStatus.choices, widget=forms.RadioSelect, label="New status", error_messages=STATUS_ERRORS
    )
    reason = forms.CharField(
        widget=forms.Textarea,
        label="Reason for the change",
        max_length=4000,
        error_messages=_required("Enter the reason for the change of status"),
    )


class HazardRaiseForm(forms.Form):
    title = forms.CharField(
        max_length=300,
        label="Title of the hazard",
        error_messages=_required("Enter a title of the hazard you are raising"),
    )
    cause = forms.CharField(
        widget=forms.Textarea,
        max_length=4000,
        label="Cause",
        error_messages=_required("Enter the cause of the hazard you are raising"),
    )
    effect = forms.CharField(
        widget=forms.Textarea,
        max_length=4000,
        label="Effect on the patient",
        error_messages=_required("Enter the effect on the patient of the hazard you are raising"),
    )
