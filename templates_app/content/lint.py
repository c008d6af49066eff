"""Content rules for a template version, reported as findings with stable codes.

Every rule and its severity is listed in :data:`RULES`. Errors block submitting a
version; warnings are shown to the author and reviewers. Decisions worth knowing:

- Identifying personal data: an error in SMS (the text shows on lock screens and
  shared phones) and a warning in the NHS App (the push notification is generic and
  the message is read after login, but data should still be minimised).
- Placeholders inside web addresses are errors (addresses are logged, shared and
  kept in browser history), except a ``url`` field that is the whole link address.
- Length is checked on the raw content (error), with the sample values (error) and
  with every field at its maximum length (warning, an estimate: conditionals take
  their first branch). SMS length is the billable count (extension characters 2).
- Readability (reading age, jargon) is checked for English only; sentence length
  and capitals for every language. Reading age is skipped under 30 words.
- Placeholder rules skip content with syntax problems, and "declared but unused" is
  skipped when any content has them, to avoid misleading follow-on findings.
"""

from __future__ import annotations

from collections.abc import Sequence

from notifyadmin.core.channels import Channel, language_label

from . import markdown_check, rules
from .findings import (
    DEFAULT_OPTIONS,
    RULES,
    ChannelContent,
    Finding,
    FindingCollector,
    LintOptions,
    Severity,
)
from .limits import MARKDOWN_CHANNELS, REQUIRED_LANGUAGES, channel_in_sentence
from .rendering import check_template
from .schema import PersonalisationField, validate_schema

__all__ = [
    "DEFAULT_OPTIONS",
    "RULES",
    "ChannelContent",
    "Finding",
    "LintOptions",
    "Severity",
    "lint_content",
    "lint_version",
]


def _lint_content(
    content: ChannelContent,
    fields: Sequence[PersonalisationField],
    options: LintOptions,
) -> tuple[list[Finding], set[str], bool]:
    """Findings, the names used, and whether the content had syntax problems."""
    out = FindingCollector(Channel(content.channel), content.language)
    fields_by_name = {field.name: field for field in fields}
    parts = [("body", content.body)]
    if rules.subject_rules(out, content.subject):
        parts.append(("subject", content.subject or ""))

    used: set[str] = set()
    has_syntax_problems = False
    renderable = True
    for part, text in parts:
        problems = check_template(text)
        for problem in problems:
            out.add("template.syntax", problem.message, line=problem.line, part=part)
        rules.govuk_style_rules(out, text, part=part)
        rules.prose_rules(out, text, part=part, options=options)
        if problems:
            has_syntax_problems, renderable = True, False
            continue
        part_used = rules.placeholder_rules(out, text, fields_by_name, part=part)
        used |= part_used
        if part == "body" and part_used - set(fields_by_name):
            renderable = False

    body = content.body
    if not body.strip():
        out.add("content.blank", f"The {channel_in_sentence(out.channel)} has no text.")
    rules.url_rules(out, body, fields_by_name)
    rules.link_text_rules(out, body)
    if out.channel in MARKDOWN_CHANNELS:
        for markdown_problem in markdown_check.check_markdown(body):
            out.add(
                markdown_problem.code,
                markdown_problem.message,
                line=markdown_problem.line,
            )
    rules.length_rules(out, body, fields, renderable)
    if out.channel is Channel.SMS:
        rules.sms_rules(out, body, fields, renderable, options)

    ordered = sorted(out.findings, key=lambda f: (f.part != "subject", f.line or 0))
    return ordered, used, has_syntax_problems


def lint_content(
    *,
    content: ChannelContent,
    schema: Sequence[PersonalisationField],
    options: LintOptions = DEFAULT_OPTIONS,
) -> list[Finding]:
    """Every finding for one channel's content in one language (see :data:`RULES`).

    Subject findings come first, then body findings by line, whole-text findings
    (no line) before line findings.
    """
    findings, _used, _broken = _lint_content(content, schema, options)
    return findings


def lint_version(
    *,
    contents: Sequence[ChannelContent],
    schema: Sequence[PersonalisationField],
    options: LintOptions = DEFAULT_OPTIONS,
) -> list[Finding]:
    """Every finding for a whole version: version-wide findings, then each content's.

    Version-wide rules: there is content; each (channel, language) appears once;
    every channel has content in each required language; the schema is valid;
    every declared field is used somewhere.
    """
    findings: list[Finding] = []
    if not contents:
        findings.append(
            Finding(
                "content.missing",
                RULES["content.missing"],
                "Add content for at least one channel.",
            )
        )
    for error in validate_schema(schema):
        findings.append(Finding("schema.invalid", RULES["schema.invalid"], error.message))

    seen: set[tuple[str, str]] = set()
    for content in contents:
        key = (content.channel, content.language)
        if key in seen:
            findings.append(
                Finding(
                    "content.duplicate",
                    RULES["content.duplicate"],
                    f"There is more than one {language_label(content.language)} "
                    f"{channel_in_sentence(content.channel)}.",
                    Channel(content.channel),
                    content.language,
                )
            )
        seen.add(key)

    for channel in Channel:
        languages = {content.language for content in contents if content.channel == channel}
        if not languages:
            continue
        for language in sorted(REQUIRED_LANGUAGES - languages):
            findings.append(
                Finding(
                    "language.missing",
                    RULES["language.missing"],
                    f"The {channel_in_sentence(channel)} has no {language_label(language)} content. "
                    f"{language_label(language)} is required.",
                    channel,
                    language,
                )
            )

    used: set[str] = set()
    any_broken = False
    content_findings: list[Finding] = []
    for content in contents:
        found, content_used, broken = _lint_content(content, schema, options)
        content_findings.extend(found)
        used |= content_used
        any_broken = any_broken or broken

    if contents and not any_broken:
        for field in schema:
            if field.name and field.name not in used:
                findings.append(
                    Finding(
                        "placeholder.unused",
                        RULES["placeholder.unused"],
                        f"The field {field.name} is not used in any content. "
                        f"Remove it, or use it as {{{{ {field.name} }}}}.",
                    )
                )
    return findings + content_findings
