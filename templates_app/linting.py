"""Linting a stored version with the content engine, and naming findings for forms.

A finding's key (rule, channel, language, part, line) identifies it across requests, so an
author's acknowledgement of a warning is recorded against exactly that finding.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from notifyadmin.core.channels import Channel
from templates_app.content.findings import ChannelContent, Finding, Severity
from templates_app.content.lint import lint_content, lint_version
from templates_app.content.schema import PersonalisationField

# Content findings that stop a draft being saved at all: the text cannot be stored as a
# template (syntax, template injection), is over NHS Notify's hard limit, or breaks Markdown.
SAVE_BLOCKING_PREFIXES = ("template.syntax", "length.too_long", "markdown.", "subject.multiline")


def fields_of(schema: Iterable[Mapping[str, Any]]) -> list[PersonalisationField]:
    return [PersonalisationField.from_dict(item) for item in schema]


def channel_contents(contents: Iterable[Mapping[str, Any]]) -> list[ChannelContent]:
    return [
        ChannelContent(
            channel=Channel(item["channel"]),
            language=item["language"],
            body=item.get("body", ""),
            subject=item.get("subject") or None,
        )
        for item in contents
    ]


def lint_draft(*, schema: Sequence[Mapping[str, Any]], contents: Sequence[Mapping[str, Any]]) -> list[Finding]:
    return lint_version(contents=channel_contents(contents), schema=fields_of(schema))


def contents_of(version: Any) -> list[dict[str, str]]:
    return [
        {"channel": c.channel, "language": c.language, "subject": c.subject, "body": c.body}
        for c in version.contents.all()
    ]


def lint_stored(version: Any) -> list[Finding]:
    return lint_draft(schema=version.personalisation_schema, contents=contents_of(version))


def finding_key(finding: Finding) -> str:
    return "|".join(
        str(part or "") for part in (finding.code, finding.channel, finding.language, finding.part, finding.line)
    )


def errors_of(findings: Iterable[Finding]) -> list[Finding]:
    return [f for f in findings if f.severity == Severity.ERROR]


def warnings_of(findings: Iterable[Finding]) -> list[Finding]:
    return [f for f in findings if f.severity == Severity.WARNING]


def content_field_name(channel: str, language: str, part: str = "body") -> str:
    """The form field holding one content's body or subject."""
    return f"content-{channel}-{language}-{part}"


def schema_field_name(index: int, attribute: str) -> str:
    return f"field-{index}-{attribute}"


def located(finding: Finding) -> str:
    """The message with its line, for a form field that already names the content."""
    return f"Line {finding.line}: {finding.message}" if finding.line else finding.message


def described(finding: Finding) -> str:
    """The message with where it is in words, for a page that shows every content's findings:
    "NHS App message in English, line 1: ..."."""
    return f"{finding.where}: {finding.message}" if finding.where else finding.message


def save_blocking_errors(
    *, contents: Sequence[Mapping[str, Any]], schema: Sequence[Mapping[str, Any]]
) -> dict[str, list[str]]:
    """Field name -> messages for problems that make a draft unsavable."""
    from templates_app.content.schema import validate_schema

    errors: dict[str, list[str]] = {}
    fields = fields_of(schema)
    for field_error in validate_schema(fields):
        errors.setdefault(schema_field_name(field_error.index, field_error.attribute), []).append(field_error.message)
    for content in channel_contents(contents):
        for finding in lint_content(content=content, schema=fields):
            if finding.code.startswith(SAVE_BLOCKING_PREFIXES):
                name = content_field_name(content.channel, content.language, finding.part or "body")
                errors.setdefault(name, []).append(located(finding))
    return errors
