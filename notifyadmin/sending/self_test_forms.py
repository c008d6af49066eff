"""Forms of the "send a test to yourself" pages: one's own test contact details, and a test of
a version (channel, language, personalisation). The values are validated by the services
(self_tests.py), which name the field at fault; these forms only bound their length."""

from __future__ import annotations

from typing import Any, cast

from django import forms

from notifyadmin.core.channels import channel_label, language_label
from notifyadmin.sending.patient_forms import PersonalisationForm
from preferences.limits import CONTACT_VALUE_MAX_LENGTH, EMAIL_MAX_LENGTH


def _text(label: str, *, max_length: int, required: bool, hint: str, example: str) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        max_length=max_length,
        help_text=hint,
        error_messages={
            "required": f"Enter your {label.lower()}",
            "max_length": f"Enter a {label.lower()} like {example}",
        },
    )


class StaffTestContactForm(forms.Form):
    nhs_number = _text(
        "Test NHS number",
        max_length=20,
        required=True,
        hint="NHS App messages go to the NHS App account of this NHS number. Text messages and emails are "
        "sent with it too.",
        example="999 054 8609",
    )
    mobile = _text(
        "Mobile phone number",
        max_length=CONTACT_VALUE_MAX_LENGTH,
        required=False,
        hint="Optional. Needed to test text messages.",
        example="07400 000001",
    )
    email = _text(
        "Email address",
        max_length=EMAIL_MAX_LENGTH,
        required=False,
        hint="Optional. Needed to test emails.",
        example="delivered@example.com",
    )


class SelfTestForm(PersonalisationForm):
    """The channel, the language (offered when the version has several) and the values."""

    leading = ("channel", "language")
    channel = forms.ChoiceField(
        label="Channel",
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose the channel to send the test by",
            "invalid_choice": "Choose a channel this version has",
        },
    )
    language = forms.ChoiceField(
        label="Language",
        error_messages={
            "required": "Choose the language of the test",
            "invalid_choice": "Choose a language this version is written in",
        },
    )

    def __init__(self, *args: Any, channels: list[str], languages: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["channel"]).choices = [(c, channel_label(c)) for c in channels]
        cast(forms.ChoiceField, self.fields["language"]).choices = [(code, language_label(code)) for code in languages]
        if len(channels) == 1:
            self.fields["channel"].initial = channels[0]
        if languages:
            self.fields["language"].initial = languages[0]
        self.several_languages = len(languages) > 1
        if not self.several_languages:
            # One language: nothing to choose, so it travels hidden (an error links to the page).
            self.fields["language"].widget = forms.HiddenInput()
