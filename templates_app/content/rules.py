"""The individual content rules used by :mod:`lint`, one function per rule group.

Each function adds findings to a :class:`~.findings.FindingCollector`; the rules and
their decisions are described in :mod:`lint`.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

from notifyadmin.core.channels import Channel, Language

from . import markdown_check, readability, style
from .findings import FindingCollector, LintOptions
from .limits import CHANNEL_MAX_CHARACTERS, MARKDOWN_CHANNELS, SUBJECT_CHANNELS, channel_in_sentence
from .rendering import placeholder_lines, render
from .schema import FieldType, PersonalDataClass, PersonalisationField, sample_values
from .sms import sms_info

_BARE_URL = re.compile(r"(?:https?://|www\.)(?:\{\{.*?\}\}|\{%.*?%\}|[^\s{])+")
_PLACEHOLDER = re.compile(r"\{\{\s*([A-Za-z_][A-Za-z0-9_]*)?.*?\}\}")
_SOLE_PLACEHOLDER = re.compile(r"\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}")
_GOVUK_PLACEHOLDER = re.compile(r"\(\(\s*([^()\n]+?)\s*\)\)")


_CHARACTER_NAMES = {"\t": "tab", "\v": "vertical tab", "\u2028": "line separator"}


def _character_name(character: str) -> str:
    if character.isprintable() and not character.isspace():
        return character
    name = _CHARACTER_NAMES.get(character) or unicodedata.name(character, "")
    name = name or "control character"
    return f"U+{ord(character):04X} ({name.lower()})"


def _safe_length(field: PersonalisationField) -> int:
    valid = isinstance(field.max_length, int) and not isinstance(field.max_length, bool)
    return max(field.max_length, 0) if valid else 0


def length_rules(
    out: FindingCollector,
    body: str,
    fields: Sequence[PersonalisationField],
    renderable: bool,
) -> None:
    """Raw length (error), length with samples (error), length at maximum field lengths (warning)."""
    channel = out.channel
    limit = CHANNEL_MAX_CHARACTERS[channel]
    name = channel_in_sentence(channel)

    def measure(text: str) -> int:
        return sms_info(text).characters if channel is Channel.SMS else len(text)

    raw_length = measure(body)
    if raw_length > limit:
        out.add(
            "length.too_long",
            f"The {name} is {raw_length:,} characters long. The most allowed is {limit:,}.",
        )
        return
    if not renderable:
        return
    sample_length = measure(render(body, sample_values(fields)))
    if sample_length > limit:
        out.add(
            "length.too_long_with_samples",
            f"With the sample values the {name} is {sample_length:,} characters long. The most allowed is {limit:,}.",
        )
        return
    longest = measure(render(body, {field.name: "x" * _safe_length(field) for field in fields}))
    if longest > limit:
        out.add(
            "length.may_exceed",
            f"With every field at its maximum length the {name} could be {longest:,} characters "
            f"long, more than the {limit:,} allowed. Shorten the text or the fields' maximum lengths.",
        )


def sms_rules(
    out: FindingCollector,
    body: str,
    fields: Sequence[PersonalisationField],
    renderable: bool,
    options: LintOptions,
) -> None:
    """Non-GSM characters in the raw text, and fragments of the sample render (warnings)."""
    info = sms_info(body)
    if info.non_gsm_characters:
        first_line = next(
            number
            for number, line in enumerate(body.splitlines() or [body], start=1)
            if any(character in info.non_gsm_characters for character in line)
        )
        shown = ", ".join(_character_name(character) for character in info.non_gsm_characters)
        out.add(
            "sms.non_gsm",
            f"These characters are not in the GSM character set: {shown}. They make the text "
            "message use UCS-2, which fits 67 characters in a fragment instead of 153.",
            line=first_line,
        )
    sent = sms_info(render(body, sample_values(fields))) if renderable else info
    if sent.fragments > options.max_sms_fragments:
        out.add(
            "sms.fragments",
            f"The text message is {sent.fragments} fragments ({sent.characters} characters, "
            f"{sent.encoding}). Keep it to {options.max_sms_fragments} or fewer: each fragment is charged.",
        )


def url_rules(out: FindingCollector, body: str, fields_by_name: dict[str, PersonalisationField]) -> None:
    """Placeholders inside bare web addresses or Markdown link addresses (errors)."""
    lines = body.splitlines()
    for line_number, line in enumerate(lines, start=1):
        for match in _BARE_URL.finditer(line):
            names = [name for name in _PLACEHOLDER.findall(match.group()) if name]
            if "{{" in match.group() or "{%" in match.group():
                out.add("placeholder.in_url", _in_url_message(names), line=line_number)
    if out.channel not in MARKDOWN_CHANNELS:
        return
    for link in markdown_check.find_links(body):
        address = link.address
        if not address.startswith(("{{", "{%")):
            continue
        sole = _SOLE_PLACEHOLDER.fullmatch(address)
        field = fields_by_name.get(sole.group(1)) if sole else None
        if field is None or field.type != FieldType.URL:
            names = [name for name in _PLACEHOLDER.findall(address) if name]
            out.add("placeholder.in_url", _in_url_message(names), line=link.line)


def _in_url_message(names: list[str]) -> str:
    shown = ", ".join(f"{{{{ {name} }}}}" for name in dict.fromkeys(names)) or "A placeholder"
    return (
        f"{shown} is inside a web address. Web addresses are logged and shared, so they must "
        "not carry personal details. Use a url field for the whole address instead."
    )


def placeholder_rules(
    out: FindingCollector,
    source: str,
    fields_by_name: dict[str, PersonalisationField],
    *,
    part: str,
) -> set[str]:
    """Undeclared placeholders and identifying data in SMS or NHS App; returns the names used."""
    used = placeholder_lines(source)
    for name, line in used.items():
        field = fields_by_name.get(name)
        if field is None:
            out.add(
                "placeholder.undeclared",
                f"{{{{ {name} }}}} is not a personalisation field. Add it to the fields or correct the name.",
                line=line,
                part=part,
            )
        elif field.personal_data == PersonalDataClass.IDENTIFYING and part == "body":
            if out.channel is Channel.SMS:
                out.add(
                    "personal_data.identifying_in_sms",
                    f"{{{{ {name} }}}} holds identifying personal data, which must not be sent by "
                    "text message: others can see texts on lock screens and shared phones.",
                    line=line,
                )
            elif out.channel is Channel.NHSAPP:
                out.add(
                    "personal_data.identifying_in_nhsapp",
                    f"{{{{ {name} }}}} holds identifying personal data. Include it in an NHS App "
                    "message only if the patient needs it.",
                    line=line,
                )
    return set(used)


def prose_rules(out: FindingCollector, text: str, *, part: str, options: LintOptions) -> None:
    """Capitals and jargon (body and subject), long sentences and reading age (body)."""
    words = style.prose(text, markdown=out.channel in MARKDOWN_CHANNELS and part == "body")
    english = out.language == Language.ENGLISH
    for issue in style.all_caps_issues(words):
        out.add("style.all_caps", issue.message, line=issue.line, part=part)
    if english:
        for issue in style.jargon_issues(words):
            out.add("style.jargon", issue.message, line=issue.line, part=part)
    if part != "body":
        return
    for sentence in readability.sentences(words):
        if sentence.word_count > options.max_sentence_words:
            opening = " ".join(readability.words(sentence.text)[:6])
            out.add(
                "readability.long_sentence",
                f'The sentence starting "{opening}" has {sentence.word_count} words. '
                f"Keep sentences to {options.max_sentence_words} words or fewer.",
                line=sentence.line,
            )
    if english and len(readability.words(words)) >= options.min_words_for_reading_age:
        age = readability.reading_age(words)
        if age is not None and age > options.reading_age_threshold:
            out.add(
                "readability.reading_age",
                f"The reading age is about {age}. Aim for {options.reading_age_threshold} or under: "
                "use shorter sentences and everyday words.",
            )


def link_text_rules(out: FindingCollector, body: str) -> None:
    """Link text that does not say where it goes ("click here" in plain channels)."""
    if out.channel in MARKDOWN_CHANNELS:
        links = [(link.line, link.text) for link in markdown_check.find_links(body)]
        issues = style.vague_link_text_issues(links)
    else:
        issues = style.click_here_issues(body)
    for issue in issues:
        out.add("link.vague_text", issue.message, line=issue.line)


def govuk_style_rules(out: FindingCollector, text: str, *, part: str) -> None:
    """GOV.UK Notify ``((name))`` placeholders."""
    for line_number, line in enumerate(text.splitlines(), start=1):
        for match in _GOVUK_PLACEHOLDER.finditer(line):
            out.add(
                "placeholder.govuk_style",
                f"(({match.group(1)})) is GOV.UK Notify style. Write placeholders as {{{{ {match.group(1)} }}}}.",
                line=line_number,
                part=part,
            )


def subject_rules(out: FindingCollector, subject: str | None) -> bool:
    """Subject present and single-line for email, absent elsewhere."""
    """Whether the subject should be checked further."""
    if out.channel in SUBJECT_CHANNELS:
        if subject is None or not subject.strip():
            out.add("subject.missing", "Add a subject line.", part="subject")
            return False
        if "\n" in subject.strip() or "\r" in subject.strip():
            out.add(
                "subject.multiline",
                "The subject must be a single line.",
                part="subject",
            )
        return True
    if subject:
        out.add(
            "subject.not_allowed",
            f"A {channel_in_sentence(out.channel)} has no subject line. Remove it.",
            part="subject",
        )
    return False
