"""The one vocabulary of channels and languages, with their labels, used by templates,
preferences, the API and the send pipeline alike."""

from django.db import models


class Channel(models.TextChoices):
    """A way NHS Notify reaches a patient, in NHS Notify's own names."""

    NHSAPP = "nhsapp", "NHS App message"
    SMS = "sms", "Text message (SMS)"
    EMAIL = "email", "Email"
    LETTER = "letter", "Letter"


# Shorter labels for table headings and compact places (the preference grid).
CHANNEL_SHORT_LABELS: dict[str, str] = {
    Channel.NHSAPP: "NHS App",
    Channel.SMS: "SMS",
    Channel.EMAIL: "Email",
    Channel.LETTER: "Letter",
}

# The order NHS Notify cascades in when a patient states none: the app first, letter last.
DEFAULT_CHANNEL_ORDER: tuple[str, ...] = (Channel.NHSAPP, Channel.SMS, Channel.EMAIL, Channel.LETTER)


class Language(models.TextChoices):
    """Languages patients may choose and templates may be written in (ISO 639-1 codes), named
    in English. English is always required for template content; the others are optional."""

    ENGLISH = "en", "English"
    WELSH = "cy", "Welsh"
    ARABIC = "ar", "Arabic"
    BENGALI = "bn", "Bengali"
    CHINESE = "zh", "Chinese"
    FRENCH = "fr", "French"
    GUJARATI = "gu", "Gujarati"
    LITHUANIAN = "lt", "Lithuanian"
    POLISH = "pl", "Polish"
    PORTUGUESE = "pt", "Portuguese"
    PUNJABI = "pa", "Punjabi"
    ROMANIAN = "ro", "Romanian"
    SOMALI = "so", "Somali"
    SPANISH = "es", "Spanish"
    TAMIL = "ta", "Tamil"
    TURKISH = "tr", "Turkish"
    URDU = "ur", "Urdu"


def channel_label(code: str, *, short: bool = False) -> str:
    """The label of a channel code; the code itself when unknown (never an error on display)."""
    if short:
        return CHANNEL_SHORT_LABELS.get(code, code)
    return Channel(code).label if code in Channel.values else code


def language_label(code: str) -> str:
    """The English name of a language code; the code itself when unknown."""
    return Language(code).label if code in Language.values else code


def content_label(channel: str, language: str) -> str:
    """How a piece of content is named to people: "NHS App message in English"."""
    return f"{channel_label(channel)} in {language_label(language)}"
