"""The role-mapping form administrators fill in."""

from django import forms
from django.core.validators import RegexValidator

from notifyadmin.accounts.roles import Role

# Each part of a national RBAC code is a letter and digits (S8000, G8000, R8001). A part of digits
# alone is refused: it is no CIS2 code, and could be a patient identifier (an NHS number, a
# phone number), which may not reach the audit trail.
role_code_validator = RegexValidator(
    r"^[A-Za-z][0-9]{1,10}(:[A-Za-z][0-9]{1,10}){0,4}$",
    "Enter a CIS2 role code in the form S8000:G8000:R8001",
)
activity_code_validator = RegexValidator(
    r"^[Bb][0-9]{4}$", "Enter an activity code in the form B0001, or leave it empty"
)


class RoleMappingForm(forms.Form):
    role_code = forms.CharField(
        label="CIS2 role code",
        max_length=100,
        validators=[role_code_validator],
        error_messages={"required": "Enter a CIS2 role code"},
    )
    activity_code = forms.CharField(
        label="Activity code (optional)", max_length=20, required=False, validators=[activity_code_validator]
    )
    app_role = forms.ChoiceField(
        label="notifyadmin role",
        choices=[("", "Choose a role"), *Role.choices],
        error_messages={"required": "Choose a notifyadmin role", "invalid_choice": "Choose a notifyadmin role"},
    )

    def clean_role_code(self) -> str:
        return self.cleaned_data["role_code"].strip().upper()

    def clean_activity_code(self) -> str:
        return self.cleaned_data["activity_code"].strip().upper()
