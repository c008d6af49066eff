from typing import cast

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.validators import ProhibitNullCharactersValidator

from notifyadmin.core.forms import control_character_in

USERNAME_MAX_LENGTH = 150  # StaffUser.username's column


def username_problem(value: str) -> str | None:
    """Why a typed username cannot be anyone's, or None. Checked before the username reaches
    django-axes (which records it) or a database look-up (which would fail on a NUL)."""
    if len(value) > USERNAME_MAX_LENGTH:
        return f"Username must be {USERNAME_MAX_LENGTH} characters or fewer"
    if control_character_in(value):
        return "Username must not contain control characters"
    return None


class SignInForm(AuthenticationForm):
    """Django's sign-in form, with the username refused at the field when it is too long or holds
    control characters: Django sets the field's max_length after its validators are built, so
    without this any string reached authenticate(), django-axes and the database."""

    error_messages = {
        "invalid_login": "Enter a correct username and password. Both are case-sensitive.",
        "inactive": "This account is not active. Ask your administrator.",
    }

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["username"].error_messages["required"] = "Enter your username"
        self.fields["password"].error_messages["required"] = "Enter your password"
        # One message for every control character, NUL included (Django's own NUL check says
        # "Null characters are not allowed.", which names no field).
        username = self.fields["username"]
        username.validators = [v for v in username.validators if not isinstance(v, ProhibitNullCharactersValidator)]

    def clean_username(self) -> str:
        # Runs before clean(), which authenticates only when a cleaned username is present.
        username = self.cleaned_data["username"]
        problem = username_problem(username)
        if problem:
            raise forms.ValidationError(problem, code="invalid_username")
        return username


class SwitchRoleForm(forms.Form):
    assignment = forms.ChoiceField(
        label="Which role do you want to work in?",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose a role", "invalid_choice": "Choose one of your roles"},
    )

    def __init__(self, *args: object, assignments: list, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        cast(forms.ChoiceField, self.fields["assignment"]).choices = [
            (str(a.id), f"{a.get_role_display()}, {a.organisation.name} ({a.organisation.ods_code})")
            for a in assignments
        ]
