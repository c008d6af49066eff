"""The content limits NHS Notify enforces, per channel of the one vocabulary
(notifyadmin.core.channels), and how a channel is named inside a sentence.

Limits are NHS Notify's published maximums, in characters of the content as sent:
NHS App 5,000, SMS 918 (6 fragments of 153 GSM-7 characters), email 100,000 and
letter 15,000.
"""

from __future__ import annotations

import re

from notifyadmin.core.channels import Channel, Language, channel_label

# Every channel a version has content for must have content in these languages.
REQUIRED_LANGUAGES: frozenset[str] = frozenset({Language.ENGLISH})

# The languages the editor offers for every channel; content in any other language of the
# vocabulary is kept and shown too (see templates_app.forms).
EDITOR_LANGUAGES: tuple[str, ...] = (Language.ENGLISH, Language.WELSH)

CHANNEL_MAX_CHARACTERS: dict[Channel, int] = {
    Channel.NHSAPP: 5_000,
    Channel.SMS: 918,
    Channel.EMAIL: 100_000,
    Channel.LETTER: 15_000,
}

# Channels whose body is written in the NHS App Markdown subset (see markdown_check).
MARKDOWN_CHANNELS: frozenset[Channel] = frozenset({Channel.NHSAPP, Channel.EMAIL})

# Only email has a subject line.
SUBJECT_CHANNELS: frozenset[Channel] = frozenset({Channel.EMAIL})

# Channels whose preview is HTML (Markdown rendered); the others are plain text.
HTML_CHANNELS: frozenset[Channel] = MARKDOWN_CHANNELS

_ABBREVIATION = re.compile(r"\s*\([^)]*\)$")


def channel_in_sentence(channel: str) -> str:
    """The channel's label as it reads mid-sentence: "text message", "email", but
    "NHS App message" (a name keeps its capitals; the "(SMS)" gloss is dropped)."""
    label = _ABBREVIATION.sub("", channel_label(channel))
    first = label.split(" ", 1)[0]
    return label if first.isupper() else label[:1].lower() + label[1:]
