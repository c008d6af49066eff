"""`version_render`: the one way a template version becomes a message, used by preview, manual
send and the dispatcher alike.

Rules:
- `values` are checked against the version's personalisation schema first: every field has a
  text value that fits its type and maximum length, and nothing else is given. A refusal is a
  `PersonalisationInvalid` naming each field at fault, never repeating a value (real values may
  identify a patient).
- The subject (email only) and body are rendered with the sandboxed, restricted renderer
  (templates_app.content.rendering). Content that cannot be rendered (a draft whose text
  breaks the syntax or uses a placeholder the schema lacks) is `ContentUnrenderable`.
- Date fields show in UK style ("Tuesday 1 December 2026"), as patients read them; SMS cost
  comes from the configured price (settings.SMS_PRICE_PER_FRAGMENT_GBP) and is an estimate.
- A language the version has no content in falls back to English, and the result says so.
  A channel the version has no content for is `ContentMissing` (a NotFound).
- Compiled templates are cached per (version id, content hash, channel, language) in a
  bounded LRU, so rendering thousands of messages of one version compiles it once. A
  submitted version's content never changes (its hash is fixed); a draft's key carries its
  `lock_version`, which every save increments, so a draft is never served stale.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from typing import Any

from django.conf import settings

from notifyadmin.core.channels import Channel, Language, channel_label, language_label
from notifyadmin.core.errors import DomainError, InvalidInput, NotFound
from templates_app.content import rendering as content_rendering
from templates_app.content.limits import HTML_CHANNELS, SUBJECT_CHANNELS
from templates_app.content.markdown_check import to_html
from templates_app.content.rendering import CompiledTemplate, RenderError, TemplateSyntaxProblem
from templates_app.content.schema import FieldType, PersonalisationField, validate_values
from templates_app.content.sms import DEFAULT_PRICE_PER_FRAGMENT, SmsInfo, sms_info
from templates_app.models import TemplateVersion, VersionContent

# How many (version, channel, language) compilations are kept: a dispatcher works through a
# few versions at a time; previews of drafts come and go.
COMPILED_CACHE_SIZE = 512


class PersonalisationInvalid(InvalidInput):
    """Values refused field by field (`errors` maps a field name to its problems)."""


class ContentUnrenderable(DomainError):
    """The version's own content cannot be rendered (only a draft can be in this state)."""


class ContentMissing(NotFound):
    """The version has no content for the channel asked for."""


@dataclass(frozen=True)
class RenderedMessage:
    """One message as it would be sent. `language` is the language rendered, which differs
    from `requested_language` when the version had no content in it (English is used)."""

    version_id: uuid.UUID
    content_hash: str
    channel: str
    language: str
    requested_language: str
    subject: str
    body: str
    html: str | None
    sms: SmsInfo | None

    @property
    def language_fell_back(self) -> bool:
        return self.language != self.requested_language

    @property
    def fallback_note(self) -> str:
        if not self.language_fell_back:
            return ""
        return (
            f"This version has no {language_label(self.requested_language)} content, "
            f"so it is shown in {language_label(self.language)}."
        )


@dataclass(frozen=True)
class _Compiled:
    language: str
    subject: CompiledTemplate | None
    body: CompiledTemplate


def _cache_key_hash(version: TemplateVersion) -> str:
    return version.content_hash or f"draft:{version.lock_version}"


@lru_cache(maxsize=COMPILED_CACHE_SIZE)
def _compiled(version_id: uuid.UUID, content_hash: str, channel: str, language: str) -> _Compiled:
    """Load and compile one content of a version (the hash is part of the key, not used here)."""
    contents = {
        item.language: item
        for item in VersionContent.objects.filter(
            version_id=version_id, channel=channel, language__in={language, Language.ENGLISH}
        )
    }
    content = contents.get(language) or contents.get(Language.ENGLISH)
    if content is None:
        raise ContentMissing(f"This version has no {channel_label(channel).lower()} content.")
    try:
        subject = (
            content_rendering.compile_template(content.subject)
            if channel in SUBJECT_CHANNELS and content.subject
            else None
        )
        body = content_rendering.compile_template(content.body)
    except TemplateSyntaxProblem as problem:
        raise ContentUnrenderable(f"This content cannot be rendered: {problem}") from problem
    return _Compiled(language=content.language, subject=subject, body=body)


def clear_compiled_cache() -> None:
    _compiled.cache_clear()
    _SUBMITTED_FIELDS.clear()


def compiled_cache_info() -> Any:
    return _compiled.cache_info()


def _fields(version: TemplateVersion) -> tuple[PersonalisationField, ...]:
    """The version's schema as fields. A submitted version's (it has a content hash) never
    changes, so it is read once per version; a draft's is read every time."""
    if version.content_hash:
        return _submitted_fields(version.id, version.content_hash, version.personalisation_schema)
    return tuple(PersonalisationField.from_dict(item) for item in version.personalisation_schema)


# Bounded like the compiled cache: emptied when full (a dispatcher works through few versions).
_SUBMITTED_FIELDS: dict[tuple[uuid.UUID, str], tuple[PersonalisationField, ...]] = {}


def _submitted_fields(version_id: uuid.UUID, content_hash: str, schema: list[Any]) -> tuple[PersonalisationField, ...]:
    key = (version_id, content_hash)
    fields = _SUBMITTED_FIELDS.get(key)
    if fields is None:
        if len(_SUBMITTED_FIELDS) >= COMPILED_CACHE_SIZE:
            _SUBMITTED_FIELDS.clear()
        fields = _SUBMITTED_FIELDS[key] = tuple(PersonalisationField.from_dict(item) for item in schema)
    return fields


def personalisation_errors(*, version: TemplateVersion, values: Any) -> dict[str, list[str]]:
    """Field name -> problems of `values` against the version's schema ({} when they fit)."""
    if not isinstance(values, Mapping):
        return {"": ["Personalisation must be a set of named values."]}
    errors: dict[str, list[str]] = {}
    for error in validate_values(_fields(version), values):
        errors.setdefault(error.name, []).append(error.message)
    return errors


def version_render(
    *, version: TemplateVersion, channel: str, language: str, values: Mapping[str, str], html: bool = True
) -> RenderedMessage:
    """Render `version` for `channel` in `language` (falling back to English) with `values`,
    after checking them against the version's personalisation schema. `html=False` skips the
    HTML form (the dispatcher sends NHS Notify the Markdown, which it renders itself)."""
    if channel not in Channel.values:
        raise ContentMissing("There is no such channel.")
    errors = personalisation_errors(version=version, values=values)
    if errors:
        raise PersonalisationInvalid(errors)
    compiled = _compiled(version.id, _cache_key_hash(version), channel, language)
    shown = display_values(version=version, values=values)
    try:
        subject = compiled.subject.render(shown) if compiled.subject else ""
        body = compiled.body.render(shown)
    except RenderError as error:
        # The schema lacks a placeholder the text uses: a draft not yet fit to submit.
        raise ContentUnrenderable(f"This content cannot be rendered: {error}") from error
    return RenderedMessage(
        version_id=version.id,
        content_hash=version.content_hash,
        channel=channel,
        language=compiled.language,
        requested_language=language,
        subject=subject,
        body=body,
        html=to_html(body) if html and channel in HTML_CHANNELS else None,
        sms=sms_info(body, price_per_fragment=sms_price_per_fragment()) if channel == Channel.SMS else None,
    )


def uk_date(value: str) -> str:
    """An ISO date as patients read it in the UK: "2026-12-01" -> "Tuesday 1 December 2026"."""
    day = dt.date.fromisoformat(value)
    return f"{day:%A} {day.day} {day:%B %Y}"


def display_values(*, version: TemplateVersion, values: Mapping[str, str]) -> dict[str, str]:
    """The values as the message shows them: date fields in UK style, the rest as given.
    Assumes `values` passed `personalisation_errors` (a date field holds a real ISO date)."""
    dates = {field.name for field in _fields(version) if field.type == FieldType.DATE}
    return {name: uk_date(value) if name in dates else value for name, value in values.items()}


def sms_price_per_fragment() -> Decimal:
    """The configured price of one SMS fragment (settings.SMS_PRICE_PER_FRAGMENT_GBP): an estimate."""
    return Decimal(str(getattr(settings, "SMS_PRICE_PER_FRAGMENT_GBP", DEFAULT_PRICE_PER_FRAGMENT)))


def letter_price() -> Decimal:
    """The configured price of one letter (settings.LETTER_PRICE_GBP): an estimate."""
    return Decimal(str(getattr(settings, "LETTER_PRICE_GBP", "0.68")))


def sample_values_of(version: TemplateVersion) -> dict[str, str]:
    """The schema's sample values by field name: what previews render with."""
    return {field.name: field.sample_value for field in _fields(version)}
