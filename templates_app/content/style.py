"""Plain-English style checks on prose, with their word lists as data.

The lists follow the NHS digital service manual's content style guide:

- :data:`JARGON`: words and phrases with a plainer alternative. Entries in lower case
  match any case; entries with capitals (acronyms) match only as written.
- :data:`ALLOWED_CAPITALS`: acronyms that may be written in capitals. Any other word
  of 2 or more capital letters is flagged, because whole words in capitals are harder
  to read and read as shouting. Jargon acronyms (like DNA) are reported as jargon only.
- :data:`VAGUE_LINK_TEXTS`: link text that does not say where the link goes.

:func:`prose` turns content into the words a person reads, keeping line numbers, so
the checks never see Markdown or template syntax.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .markdown_check import mask_template_tags

JARGON: dict[str, str] = {
    "commence": "start",
    "utilise": "use",
    "utilize": "use",
    "in order to": "to",
    "facilitate": "help",
    "prior to": "before",
    "DNA": "missed appointment",
    "did not attend": "missed appointment",
    "outpatient department": "clinic",
    "ascertain": "find out",
    "endeavour": "try",
    "in the event of": "if",
    "with regard to": "about",
    "in relation to": "about",
    "obtain": "get",
    "sufficient": "enough",
    "assist": "help",
    "purchase": "buy",
    "subsequently": "later",
    "approximately": "about",
    "terminate": "end",
    "per annum": "a year",
    "e.g.": "for example",
    "i.e.": "that is",
    "attend your appointment": "come to your appointment",
}

ALLOWED_CAPITALS: frozenset[str] = frozenset(
    {
        "NHS", "GP", "SMS", "A&E", "COVID", "UK", "GIG", "ICU", "MMR", "HPV", "BCG",
        "RSV", "HIV", "BMI", "ECG", "MRI", "CT", "PCR", "ID", "PIN", "BSL", "OK", "AM",
        "PM", "IVF", "CPR", "ENT", "ADHD", "NICE", "ICB", "PCN", "ODS", "AAA", "DVT",
        "STI", "TB", "MP", "QR", "URL", "PDF", "NHSUK", "CAMHS", "ME", "IBS",
    }
)  # fmt: skip

VAGUE_LINK_TEXTS: frozenset[str] = frozenset(
    {
        "click here",
        "here",
        "this link",
        "link",
        "click",
        "more",
        "read more",
        "click this link",
    }
)

_CAPITAL_WORD = re.compile(r"(?<![\w&])[A-Z][A-Z&]*[A-Z](?![\w&])")
_MARKDOWN_LINK = re.compile(r"!?\[([^\[\]\n]*)\]\([^)\n]*\)?")
_BARE_URL = re.compile(r"(?:https?://|www\.)\S+")
_LINE_PREFIX = re.compile(r"^\s*(?:#{1,6}\s*|[-*+]\s+|[0-9]+\.\s+|>\s*)")
_VAGUE_PHRASE = re.compile(r"(?<!\w)click here(?!\w)", re.IGNORECASE)


def _jargon_pattern(phrase: str) -> re.Pattern[str]:
    flags = 0 if phrase != phrase.lower() else re.IGNORECASE
    return re.compile(rf"(?<![\w-]){re.escape(phrase)}(?![\w-])", flags)


_JARGON_PATTERNS = [(_jargon_pattern(phrase), plain) for phrase, plain in JARGON.items()]


@dataclass(frozen=True, slots=True)
class StyleIssue:
    """One style problem: 1-based line and a plain message."""

    line: int
    message: str


def prose(text: str, *, markdown: bool) -> str:
    """The readable words of content, one output line per input line.

    Placeholders become ``X`` (one short word), conditionals disappear, web addresses
    are removed, and for Markdown, links become their text and heading, list and
    emphasis markers go.
    """
    text = mask_template_tags(text).replace("{{p}}", "X")
    lines = []
    for line in text.split("\n"):
        if markdown:
            line = _MARKDOWN_LINK.sub(lambda match: match.group(1), line)
            line = _LINE_PREFIX.sub("", line).replace("**", "")
        lines.append(_BARE_URL.sub("", line))
    return "\n".join(lines)


# A keyword the patient sends back ("Reply STOP to opt out"): written in capitals so that it is
# typed exactly, not shouting.
_REPLY_KEYWORD = re.compile(r"\b(?:reply|text|send)\s+(?:with\s+)?([A-Z]{2,})\b", re.IGNORECASE)


def all_caps_issues(text: str) -> list[StyleIssue]:
    """Words in capitals that are neither allowed acronyms, jargon, nor a reply keyword."""
    issues: list[StyleIssue] = []
    for line_number, line in enumerate(text.splitlines(), start=1):
        seen: set[str] = set()
        keywords = {m.start(1) for m in _REPLY_KEYWORD.finditer(line) if m.group(1).isupper()}
        for match in _CAPITAL_WORD.finditer(line):
            if match.start() in keywords:
                continue
            word = match.group()
            letters = word.replace("&", "")
            jargon = word in JARGON or word.lower() in JARGON
            if len(letters) < 2 or word in ALLOWED_CAPITALS or jargon or word in seen:
                continue
            seen.add(word)
            issues.append(
                StyleIssue(
                    line_number,
                    f'"{word}" is in capital letters, which is harder to read. '
                    "Use capitals only for acronyms like NHS.",
                )
            )
    return issues


def jargon_issues(text: str) -> list[StyleIssue]:
    """Each jargon phrase used, with its plain alternative."""
    found: list[tuple[int, int, StyleIssue]] = []
    for line_number, line in enumerate(text.splitlines(), start=1):
        for pattern, plain in _JARGON_PATTERNS:
            match = pattern.search(line)
            if match:
                message = f'Use "{plain}" instead of "{match.group()}".'
                found.append((line_number, match.start(), StyleIssue(line_number, message)))
    return [issue for _line, _column, issue in sorted(found, key=lambda item: item[:2])]


def vague_link_text_issues(links: list[tuple[int, str]]) -> list[StyleIssue]:
    """Links, as (line, text), whose text does not say where they go."""
    return [
        StyleIssue(
            line,
            f'The link text "{text}" does not say where the link goes. '
            'Describe the destination, like "book your appointment".',
        )
        for line, text in links
        if text.strip().strip(".:!").lower() in VAGUE_LINK_TEXTS
    ]


def click_here_issues(text: str) -> list[StyleIssue]:
    """ "Click here" in plain text (for channels without link text)."""
    return [
        StyleIssue(
            line_number,
            'Avoid "click here". Say what the link is for, like "Book your appointment at".',
        )
        for line_number, line in enumerate(text.splitlines(), start=1)
        if _VAGUE_PHRASE.search(line)
    ]
