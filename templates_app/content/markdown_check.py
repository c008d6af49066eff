"""The NHS App Markdown subset: checking and HTML previews.

The subset (used for NHS App messages and email bodies):

- headings: ``# Heading`` and ``## Subheading`` (a space after the hashes);
- paragraphs, separated by a blank line; single line breaks are kept;
- bold: ``**text**``;
- links: ``[link text](https://www.nhs.uk/...)``; addresses start with https://,
  or are a single placeholder such as ``{{ booking_url }}``;
- bulleted lists (``- item`` or ``* item``) and numbered lists (``1. item``);
- horizontal rules: a line of ``---`` or ``***``.

Not allowed, each reported with its line: raw HTML tags and comments; images
(``![alt](...)``); italics (``*text*`` or ``_text_``: the NHS service manual advises
against them as hard to read); headings smaller than ``##``; quotes (``>``); code
blocks (```` ``` ````); and broken syntax: a link without its closing ``)``, a link
address with a space in it, an unpaired ``**`` within a paragraph.

Placeholders and conditionals are masked before checking, so ``{{ name }}`` never
looks like broken Markdown.

:func:`to_html` renders previews with the ``markdown`` library, raw HTML escaped,
images shown as text, and links kept only for https, mailto and tel addresses.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from xml.etree import ElementTree

import markdown
from markdown.treeprocessors import Treeprocessor

_TEMPLATE_TAG = re.compile(r"\{\{.*?\}\}|\{%.*?%\}", re.DOTALL)
_HEADING = re.compile(r"(#+)(\s*)")
_HTML_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?/?>|<!--")
_IMAGE = re.compile(r"!\[[^\]\n]*\]\(")
_LINK_START = re.compile(r"\[([^\[\]\n]*)\]\(")
_HORIZONTAL_RULE = re.compile(r"(?:-\s*){3,}|(?:\*\s*){3,}|(?:_\s*){3,}")
_LIST_MARKER = re.compile(r"\s*(?:[-*+]|[0-9]+\.)\s+")
_STAR_ITALIC = re.compile(r"(?<![*\w])\*(?=[^*\s])[^*\n]*?(?<=[^*\s])\*(?![*\w])")
_UNDERSCORE_ITALIC = re.compile(r"(?<![\w_])_(?=[^_\s])[^_\n]*?(?<=[^_\s])_(?![\w_])")

ALLOWED_LINK_PREFIXES = ("https://", "mailto:", "tel:")


@dataclass(frozen=True, slots=True)
class MarkdownLink:
    """A link found in the content: its text, address and 1-based line."""

    line: int
    text: str
    address: str


@dataclass(frozen=True, slots=True)
class MarkdownProblem:
    """Content outside the subset or broken Markdown. ``code`` is stable."""

    code: str
    line: int
    message: str


def mask_template_tags(text: str) -> str:
    """Replace each ``{{ ... }}`` and ``{% ... %}`` with ``{{p}}``, keeping line breaks."""
    return _TEMPLATE_TAG.sub(lambda match: "{{p}}" + "\n" * match.group().count("\n"), text)


def find_links(text: str) -> list[MarkdownLink]:
    """Every complete ``[text](address)`` link, images excluded, with original text."""
    links: list[MarkdownLink] = []
    for line_number, line in enumerate(text.splitlines(), start=1):
        for match in _LINK_START.finditer(line):
            if match.start() > 0 and line[match.start() - 1] == "!":
                continue
            address, closed = _link_address(line, match.end())
            if closed:
                links.append(MarkdownLink(line_number, match.group(1), address.strip()))
    return links


def _link_address(line: str, start: int) -> tuple[str, bool]:
    """The address after ``](`` up to the closing ``)``, skipping over placeholders."""
    position = start
    while position < len(line):
        if line.startswith("{{", position) or line.startswith("{%", position):
            closing = "}}" if line[position + 1] == "{" else "%}"
            end = line.find(closing, position + 2)
            if end == -1:
                return line[start:], False
            position = end + 2
        elif line[position] == ")":
            return line[start:position], True
        else:
            position += 1
    return line[start:], False


def _line_problems(line_number: int, line: str) -> list[MarkdownProblem]:
    problems: list[MarkdownProblem] = []

    def problem(code: str, message: str) -> None:
        problems.append(MarkdownProblem(code, line_number, message))

    stripped = line.strip()
    heading = _HEADING.match(stripped)
    if heading and stripped != "#" * len(stripped):
        hashes, space = heading.groups()
        if len(hashes) > 2:
            problem("markdown.heading_level", "Only # and ## headings can be used.")
        elif not space:
            problem(
                "markdown.heading_space",
                f"Put a space after {hashes} to make a heading.",
            )
    if stripped.startswith(">"):
        problem("markdown.quote", "Quotes (lines starting with >) are not supported.")
    if stripped.startswith(("```", "~~~")):
        problem("markdown.code", "Code blocks are not supported.")
    tag = _HTML_TAG.search(line)
    if tag:
        shown = "<!--" if tag.group() == "<!--" else tag.group()
        problem(
            "markdown.html",
            f"HTML like {shown} is not allowed. Use Markdown, for example **bold** or [link text](https://www.nhs.uk).",
        )
    if _IMAGE.search(line):
        problem("markdown.image", "Images are not allowed.")
    for match in _LINK_START.finditer(line):
        address, closed = _link_address(line, match.end())
        if not closed:
            problem(
                "markdown.link_unclosed",
                "A link is not finished. Write links as [link text](https://www.nhs.uk).",
            )
        elif any(character.isspace() for character in address.strip()):
            problem("markdown.link_space", "A link address must not contain spaces.")
        elif not address.strip().startswith("{{") and not address.strip().startswith(ALLOWED_LINK_PREFIXES):
            problem("markdown.link_scheme", "Link addresses must start with https://.")
    if not _HORIZONTAL_RULE.fullmatch(stripped):
        text = _LIST_MARKER.sub("", line, count=1) if _LIST_MARKER.match(line) else line
        text = text.replace("**", "")
        if _STAR_ITALIC.search(text) or _UNDERSCORE_ITALIC.search(text):
            problem(
                "markdown.italic",
                "Italics are not supported. Use plain text, or **bold** sparingly.",
            )
    return problems


def _bold_problems(lines: list[str]) -> list[MarkdownProblem]:
    """A ``**`` without a partner in the same paragraph."""
    problems: list[MarkdownProblem] = []
    open_line: int | None = None
    for line_number, line in enumerate(lines, start=1):
        if not line.strip():
            if open_line is not None:
                problems.append(_unpaired_bold(open_line))
            open_line = None
            continue
        if _HORIZONTAL_RULE.fullmatch(line.strip()):
            continue
        for _ in range(line.count("**")):
            open_line = line_number if open_line is None else None
    if open_line is not None:
        problems.append(_unpaired_bold(open_line))
    return problems


def _unpaired_bold(line: int) -> MarkdownProblem:
    return MarkdownProblem(
        "markdown.bold_unclosed",
        line,
        "Bold text is not closed. Put ** before and after it.",
    )


def check_markdown(text: str) -> list[MarkdownProblem]:
    """Every way ``text`` leaves the NHS App Markdown subset, in line order."""
    masked = mask_template_tags(text)
    lines = masked.splitlines()
    problems: list[MarkdownProblem] = []
    in_code_block = False
    for line_number, line in enumerate(lines, start=1):
        if in_code_block:
            in_code_block = not line.strip().startswith(("```", "~~~"))
            continue
        problems.extend(_line_problems(line_number, line))
        if line.strip().startswith(("```", "~~~")):
            in_code_block = True
    problems.extend(_bold_problems(lines))
    return sorted(problems, key=lambda problem: problem.line)


class _SafeElements(Treeprocessor):  # type: ignore[misc]  # Markdown ships no stubs
    """Turn images into their alt text and drop unsafe link addresses."""

    def run(self, root: ElementTree.Element) -> None:
        for parent in root.iter():
            for child in list(parent):
                if child.tag == "img":
                    index = list(parent).index(child)
                    span = ElementTree.Element("span")
                    span.text = child.get("alt", "")
                    span.tail = child.tail
                    parent.remove(child)
                    parent.insert(index, span)
                elif child.tag == "a" and not child.get("href", "").startswith(ALLOWED_LINK_PREFIXES):
                    child.attrib.pop("href", None)


def to_html(text: str) -> str:
    """Preview HTML for Markdown ``text``; raw HTML in it is shown escaped, not run."""
    converter = markdown.Markdown(extensions=["sane_lists", "nl2br"])
    converter.preprocessors.deregister("html_block")
    converter.inlinePatterns.deregister("html")
    converter.treeprocessors.register(_SafeElements(converter), "safe_elements", 0)
    html: str = converter.convert(text)
    return html
