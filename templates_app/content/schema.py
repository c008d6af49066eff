"""Personalisation schema: the fields a template version may use, and their rules.

Rules for a field:

- ``name`` is lowercase snake_case (``[a-z][a-z0-9]*`` parts joined by single
  underscores), at most 50 characters, unique within the schema, and not a word the
  template syntax reserves (``if``, ``not``, ``true`` ...).
- ``type`` is one of :class:`FieldType`.
- ``max_length`` is a whole number above zero (a date needs none: its form bounds it).
- ``personal_data`` is one of :class:`PersonalDataClass`.
- ``sample_value`` is not blank, fits ``max_length`` and matches its type:

  ===============  ====================================================
  text             any text
  date             ISO ``YYYY-MM-DD`` and a real date, like 2026-03-03
  time             24-hour ``HH:MM``, like 09:30
  clinic_code      3 to 10 capital letters or digits, like RJ1AB
  url              ``https://`` followed by a host name
  number           digits only, like 42
  phone_number     UK number: 0 then 9 or 10 digits, spaces allowed
  email_address    one @, a domain with a dot, no spaces
  ===============  ====================================================

The same value rules apply to real personalisation before sending, because NHS Notify
does not check values on the request: a bad value only fails the message later
(:func:`validate_values`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any
from urllib.parse import urlsplit

from .rendering import RESERVED_NAMES

MAX_NAME_LENGTH = 50

_NAME_PATTERN = re.compile(r"[a-z][a-z0-9]*(?:_[a-z0-9]+)*")
_DATE_PATTERN = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_TIME_PATTERN = re.compile(r"(?:[01][0-9]|2[0-3]):[0-5][0-9]")
_CLINIC_CODE_PATTERN = re.compile(r"[A-Z0-9]{3,10}")
_NUMBER_PATTERN = re.compile(r"[0-9]+")
_PHONE_PATTERN = re.compile(r"0[0-9]{9,10}")
_EMAIL_PATTERN = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
_HOST_PATTERN = re.compile(r"[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")


class FieldType(StrEnum):
    """What kind of value a personalisation field holds."""

    TEXT = "text"
    DATE = "date"
    TIME = "time"
    CLINIC_CODE = "clinic_code"
    URL = "url"
    NUMBER = "number"
    PHONE_NUMBER = "phone_number"
    EMAIL_ADDRESS = "email_address"


class PersonalDataClass(StrEnum):
    """How sensitive a field's values are.

    ``identifying`` values (an NHS number, a name with a date of birth, a clinic that
    reveals a condition) must not appear where others may see them, such as SMS.
    """

    NONE = "none"
    LOW = "low"
    IDENTIFYING = "identifying"


# What staff read for each type and class, in the editor and on every page that shows a schema.
FIELD_TYPE_LABELS = {
    FieldType.TEXT: "Text",
    FieldType.DATE: "Date",
    FieldType.TIME: "Time",
    FieldType.CLINIC_CODE: "Clinic code",
    FieldType.URL: "Web address",
    FieldType.NUMBER: "Number",
    FieldType.PHONE_NUMBER: "Phone number",
    FieldType.EMAIL_ADDRESS: "Email address",
}
PERSONAL_DATA_LABELS = {
    PersonalDataClass.NONE: "None",
    PersonalDataClass.LOW: "Low: does not identify the patient",
    PersonalDataClass.IDENTIFYING: "Identifying: never in a text message",
}


@dataclass(frozen=True, slots=True)
class PersonalisationField:
    """One field of a version's personalisation schema."""

    name: str
    type: str
    max_length: int
    personal_data: str
    sample_value: str

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> PersonalisationField:
        """Build a field from stored JSON; missing keys become empty values."""
        return cls(
            name=str(data.get("name", "")),
            type=str(data.get("type", "")),
            max_length=data.get("max_length", 0),
            personal_data=str(data.get("personal_data", "")),
            sample_value=str(data.get("sample_value", "")),
        )

    @property
    def type_label(self) -> str:
        return FIELD_TYPE_LABELS.get(self.type, self.type)  # type: ignore[call-overload]

    @property
    def personal_data_label(self) -> str:
        return PERSONAL_DATA_LABELS.get(self.personal_data, self.personal_data)  # type: ignore[call-overload]

    @property
    def max_length_label(self) -> str:
        """ "No limit" where none is set (a date needs none)."""
        return str(self.max_length) if self.max_length else "No limit"

    def to_dict(self) -> dict[str, Any]:
        """The field as JSON-ready data, the inverse of :meth:`from_dict`."""
        return {
            "name": self.name,
            "type": self.type,
            "max_length": self.max_length,
            "personal_data": self.personal_data,
            "sample_value": self.sample_value,
        }


@dataclass(frozen=True, slots=True)
class FieldError:
    """A problem with one field.

    ``index`` is the field's 0-based position (to map onto a form set); the message
    names the field by its 1-based position and name, for people.
    ``attribute`` is the attribute at fault: name, type, max_length, personal_data,
    sample_value or value.
    """

    index: int
    name: str
    attribute: str
    message: str


def _type_problem(field_type: str, value: str, *, echo: bool = True) -> str | None:
    """Say why ``value`` is not a valid ``field_type`` value, or None if it is. With
    ``echo=False`` the value itself is left out (real personalisation may identify a patient)."""
    shown = f"{value!r} " if echo else ""
    if field_type == FieldType.DATE:
        if _DATE_PATTERN.fullmatch(value):
            try:
                date.fromisoformat(value)
            except ValueError:
                return f"{shown}is not a real date"
            return None
        return f"{shown}is not a date in the form YYYY-MM-DD, like 2026-03-03"
    if field_type == FieldType.TIME:
        if _TIME_PATTERN.fullmatch(value):
            return None
        return f"{shown}is not a 24-hour time in the form HH:MM, like 09:30"
    if field_type == FieldType.CLINIC_CODE:
        if _CLINIC_CODE_PATTERN.fullmatch(value):
            return None
        return f"{shown}is not a clinic code: use 3 to 10 capital letters or digits, like RJ1AB"
    if field_type == FieldType.URL:
        return _url_problem(value, shown=shown)
    if field_type == FieldType.NUMBER:
        if _NUMBER_PATTERN.fullmatch(value):
            return None
        return f"{shown}is not a number: use digits only, like 42"
    if field_type == FieldType.PHONE_NUMBER:
        if _PHONE_PATTERN.fullmatch(value.replace(" ", "")):
            return None
        return f"{shown}is not a UK phone number, like 020 7946 0000"
    if field_type == FieldType.EMAIL_ADDRESS:
        if _EMAIL_PATTERN.fullmatch(value):
            return None
        return f"{shown}is not an email address, like name@nhs.net"
    return None


def _url_problem(value: str, *, shown: str) -> str | None:
    if not value.startswith("https://"):
        return f"{shown}is not a secure web address: it must start with https://"
    if any(character.isspace() for character in value):
        return f"{shown}is not a web address: it contains a space"
    try:
        host = urlsplit(value).hostname or ""
    except ValueError:
        host = ""
    if not _HOST_PATTERN.fullmatch(host):
        return f"{shown}is not a web address: it has no valid host name after https://"
    return None


def check_value(field: PersonalisationField, value: str, *, echo: bool = True) -> str | None:
    """Say in plain English why ``value`` does not fit ``field``, or return None.

    Rule: text, not blank, no longer than ``max_length``, and matching the field's type.
    Assumes the field itself is valid (see :func:`validate_schema`). With ``echo=False`` the
    message never repeats the value (for real personalisation).
    """
    if not isinstance(value, str):
        return "must be text"
    if not value.strip():
        return "is blank"
    # A date's form (YYYY-MM-DD) bounds its length: it needs no maximum.
    if field.type != FieldType.DATE and len(value) > field.max_length:
        return f"is {len(value)} characters long, more than the maximum of {field.max_length}"
    return _type_problem(field.type, value, echo=echo)


def _label(index: int, name: str) -> str:
    return f"Field {index + 1} ({name})" if name else f"Field {index + 1}"


def validate_schema(fields: Sequence[PersonalisationField]) -> list[FieldError]:
    """Check every field against the module rules; return errors in field order."""
    errors: list[FieldError] = []
    seen: set[str] = set()
    for index, field in enumerate(fields):
        problems = _field_problems(field, seen)
        seen.add(field.name)
        label = _label(index, field.name)
        errors.extend(
            FieldError(index, field.name, attribute, f"{label}: {problem}.") for attribute, problem in problems
        )
    return errors


def _field_problems(field: PersonalisationField, earlier_names: set[str]) -> list[tuple[str, str]]:
    """(attribute, problem) pairs for one field."""
    problems: list[tuple[str, str]] = []

    def error(attribute: str, problem: str) -> None:
        problems.append((attribute, problem))

    if not field.name:
        error("name", "the name is missing")
    elif len(field.name) > MAX_NAME_LENGTH:
        error(
            "name",
            f"the name is {len(field.name)} characters long, more than {MAX_NAME_LENGTH}",
        )
    elif not _NAME_PATTERN.fullmatch(field.name):
        error(
            "name",
            "the name must use lowercase letters, digits and single underscores, "
            "and start with a letter, like appointment_date",
        )
    elif field.name in RESERVED_NAMES:
        error("name", f"{field.name!r} is a reserved word and cannot be a name")
    elif field.name in earlier_names:
        error("name", "the name is used by an earlier field")

    type_known = field.type in FieldType.__members__.values()
    if not type_known:
        known = ", ".join(member.value for member in FieldType)
        error("type", f"the type {field.type!r} is not known: use one of {known}")

    length_valid = isinstance(field.max_length, int) and not isinstance(field.max_length, bool) and field.max_length > 0
    if not length_valid and field.type != FieldType.DATE:
        error("max_length", "the maximum length must be a whole number above 0")

    if field.personal_data not in PersonalDataClass.__members__.values():
        known = ", ".join(member.value for member in PersonalDataClass)
        error(
            "personal_data",
            f"the personal data class {field.personal_data!r} is not known: use one of {known}",
        )

    if not field.sample_value.strip():
        error("sample_value", "the sample value is missing")
    elif length_valid and type_known:
        problem = check_value(field, field.sample_value)
        if problem:
            error("sample_value", f"the sample value {problem}")
    return problems


def validate_values(fields: Sequence[PersonalisationField], values: Mapping[str, str]) -> list[FieldError]:
    """Check real personalisation values before sending.

    Rule: every field has a value that passes :func:`check_value`; values for names
    not in the schema are errors too, because they would never be shown. Messages name the
    field, never the value: real values may identify a patient.
    """
    errors: list[FieldError] = []
    names = {field.name for field in fields}
    for index, field in enumerate(fields):
        label = _label(index, field.name)
        if field.name not in values:
            errors.append(FieldError(index, field.name, "value", f"{label}: no value was given."))
            continue
        problem = check_value(field, values[field.name], echo=False)
        if problem:
            errors.append(FieldError(index, field.name, "value", f"{label}: the value {problem}."))
    for extra in sorted(set(values) - names):
        errors.append(FieldError(-1, extra, "value", f"{extra!r} is not a field of this template."))
    return errors


def sample_values(fields: Sequence[PersonalisationField]) -> dict[str, str]:
    """Each field's sample value by name, for previews."""
    return {field.name: field.sample_value for field in fields}
