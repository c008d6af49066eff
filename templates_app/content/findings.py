"""Lint findings: the rule catalogue, the finding type and the inputs to linting.

Every rule code is listed in :data:`RULES` with its severity; codes are stable, so
pages, exports and tests can rely on them. Errors block submitting a version;
warnings are shown to the author and reviewers.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from notifyadmin.core.channels import Channel, content_label

from . import readability


class Severity(StrEnum):
    """How much a finding matters: errors block submission."""

    ERROR = "error"
    WARNING = "warning"


RULES: dict[str, Severity] = {
    "content.missing": Severity.ERROR,
    "content.duplicate": Severity.ERROR,
    "content.blank": Severity.ERROR,
    "language.missing": Severity.ERROR,
    "schema.invalid": Severity.ERROR,
    "subject.missing": Severity.ERROR,
    "subject.not_allowed": Severity.ERROR,
    "subject.multiline": Severity.ERROR,
    "template.syntax": Severity.ERROR,
    "placeholder.undeclared": Severity.ERROR,
    "placeholder.unused": Severity.WARNING,
    "placeholder.in_url": Severity.ERROR,
    "placeholder.govuk_style": Severity.WARNING,
    "personal_data.identifying_in_sms": Severity.ERROR,
    "personal_data.identifying_in_nhsapp": Severity.WARNING,
    "length.too_long": Severity.ERROR,
    "length.too_long_with_samples": Severity.ERROR,
    "length.may_exceed": Severity.WARNING,
    "sms.non_gsm": Severity.WARNING,
    "sms.fragments": Severity.WARNING,
    "markdown.heading_level": Severity.ERROR,
    "markdown.heading_space": Severity.ERROR,
    "markdown.quote": Severity.ERROR,
    "markdown.code": Severity.ERROR,
    "markdown.html": Severity.ERROR,
    "markdown.image": Severity.ERROR,
    "markdown.link_unclosed": Severity.ERROR,
    "markdown.link_space": Severity.ERROR,
    "markdown.link_scheme": Severity.ERROR,
    "markdown.italic": Severity.ERROR,
    "markdown.bold_unclosed": Severity.ERROR,
    "readability.reading_age": Severity.WARNING,
    "readability.long_sentence": Severity.WARNING,
    "style.all_caps": Severity.WARNING,
    "style.jargon": Severity.WARNING,
    "link.vague_text": Severity.WARNING,
}


@dataclass(frozen=True, slots=True)
class Finding:
    """One rule broken. ``channel``/``language`` are None for version-wide findings;
    ``part`` is "body" or "subject" when the finding is about one of them."""

    code: str
    severity: Severity
    message: str
    channel: Channel | None = None
    language: str | None = None
    line: int | None = None
    part: str | None = None

    @property
    def check(self) -> str:
        """The check in words: "Personalisation", not "placeholder.undeclared"."""
        return check_label(self.code)

    @property
    def where(self) -> str:
        """Where the finding is, in words: "NHS App message in English, subject, line 3"."""
        if self.channel is None:
            return ""
        parts = [content_label(self.channel, self.language or "en")]
        if self.part == "subject":
            parts.append("subject")
        if self.line:
            parts.append(f"line {self.line}")
        return ", ".join(parts)


# Each check's family (the code's prefix), as content designers name it.
CHECK_LABELS: dict[str, str] = {
    "content": "Content",
    "language": "Languages",
    "length": "Length",
    "link": "Link text",
    "markdown": "Formatting",
    "personal_data": "Personal data",
    "placeholder": "Personalisation",
    "readability": "Readability",
    "schema": "Personalisation fields",
    "sms": "Text message length and cost",
    "style": "Style",
    "subject": "Subject line",
    "template": "Template syntax",
}


def check_label(code: str) -> str:
    """A finding code's check in words ("style.all_caps" -> "Style")."""
    return CHECK_LABELS.get(code.split(".", 1)[0], "Check")


@dataclass(frozen=True, slots=True)
class ChannelContent:
    """The content of one channel in one language."""

    channel: Channel
    language: str
    body: str
    subject: str | None = None


@dataclass(frozen=True, slots=True)
class LintOptions:
    """Thresholds for the warning rules."""

    reading_age_threshold: int = 11
    min_words_for_reading_age: int = readability.MIN_WORDS_FOR_READING_AGE
    max_sentence_words: int = 25
    max_sms_fragments: int = 3


DEFAULT_OPTIONS = LintOptions()


class FindingCollector:
    """Builds findings for one content, filling in channel, language and severity."""

    def __init__(self, channel: Channel, language: str) -> None:
        self.channel = channel
        self.language = language
        self.findings: list[Finding] = []

    def add(
        self,
        code: str,
        message: str,
        *,
        line: int | None = None,
        part: str | None = "body",
    ) -> None:
        """Record a finding of rule ``code``, at ``line`` of ``part`` if given."""
        self.findings.append(Finding(code, RULES[code], message, self.channel, self.language, line, part))
