"""Channels, languages and the content limits NHS Notify enforces.

Limits are NHS Notify's published maximums, in characters of the content as sent:
NHS App 5,000, SMS 918 (6 fragments of 153 GSM-7 characters), email 100,000 and
letter 15,000. Django ``TextChoices`` can wrap these enums later.
"""

from __future__ import annotations

from enum import StrEnum


class Channel(StrEnum):
    """A channel a template version has content for."""

    NHSAPP = "nhsapp"
    SMS = "sms"
    EMAIL = "email"
    LETTER = "letter"


class Language(StrEnum):
    """Languages with a known code. Content may use other ISO 639-1 codes too."""

    ENGLISH = "en"
    WELSH = "cy"


LANGUAGE_NAMES: dict[str, str] = {Language.ENGLISH: "English", Language.WELSH: "Welsh"}

# Every channel a version has content for must have content in these languages.
REQUIRED_LANGUAGES: frozenset[str] = frozenset({Language.ENGLISH})

CHANNEL_MAX_CHARACTERS: dict[Channel, int] = {
    Channel.NHSAPP: 5_000,
    Channel.SMS: 918,
    Channel.EMAIL: 100_000,
    Channel.LETTER: 15_000,
}

CHANNEL_NAMES: dict[Channel, str] = {
    Channel.NHSAPP: "NHS App message",
    Channel.SMS: "text message",
    Channel.EMAIL: "email",
    Channel.LETTER: "letter",
}

# Channels whose body is written in the NHS App Markdown subset (see markdown_check).
MARKDOWN_CHANNELS: frozenset[Channel] = frozenset({Channel.NHSAPP, Channel.EMAIL})

# Only email has a subject line.
SUBJECT_CHANNELS: frozenset[Channel] = frozenset({Channel.EMAIL})


def language_name(code: str) -> str:
    """The English name of a language code, or the code itself when unknown."""
    return LANGUAGE_NAMES.get(code, code)
