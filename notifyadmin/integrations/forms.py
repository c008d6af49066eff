"""Forms of the administrators' API client pages; limits match the services'."""

from django import forms

from notifyadmin.integrations.permissions import client_permission_choices
from notifyadmin.integrations.services import NAME_MAX_LENGTH, REASON_MAX_LENGTH

GRACE_CHOICES = [
    ("0", "Stop the old key now"),
    ("3600", "1 hour"),
    ("86400", "24 hours"),
    ("604800", "7 days"),
]


class _Reason(forms.Form):
    reason = forms.CharField(
        label="Reason",
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Enter the reason for this change"},
    )


class ApiClientCreateForm(forms.Form):
    name = forms.CharField(
        label="Name of the client system",
        max_length=NAME_MAX_LENGTH,
        help_text="For example: GP SMS gateway",
        error_messages={"required": "Enter the name of the client system"},
    )
    client_id = forms.CharField(
        label="Client id",
        max_length=64,
        help_text="Lower-case letters, digits and hyphens. It starts the key and cannot be changed.",
        error_messages={"required": "Enter a client id"},
    )
    permissions = forms.MultipleChoiceField(
        label="What may this client system do?",
        choices=client_permission_choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one thing this client system may do"},
    )
    reason = forms.CharField(
        label="Reason (optional)",
        max_length=REASON_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class KeyRotateForm(_Reason):
    grace = forms.ChoiceField(
        label="How long should the old key keep working?",
        choices=GRACE_CHOICES,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how long the old key keeps working"},
    )


class ConfirmWithReasonForm(_Reason):
    pass


class PermissionsChangeForm(_Reason):
    permissions = forms.MultipleChoiceField(
        label="What may this client system do?",
        choices=client_permission_choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one thing this client system may do"},
    )
