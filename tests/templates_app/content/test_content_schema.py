"""Personalisation schema rules."""

from __future__ import annotations

import pytest

from templates_app.content.schema import (
    FieldError,
    PersonalisationField,
    check_value,
    sample_values,
    validate_schema,
    validate_values,
)


def field(**overrides: object) -> PersonalisationField:
    values: dict[str, object] = {
        "name": "first_name",
        "type": "text",
        "max_length": 35,
        "personal_data": "low",
        "sample_value": "Sam",
    }
    values.update(overrides)
    return PersonalisationField(**values)  # type: ignore[arg-type]


def messages(fields: list[PersonalisationField]) -> list[str]:
    return [error.message for error in validate_schema(fields)]


def test_valid_fields_of_every_type_have_no_errors() -> None:
    # Given one valid field of each type
    fields = [
        field(name="first_name"),
        field(
            name="appointment_date",
            type="date",
            max_length=10,
            sample_value="2026-03-03",
        ),
        field(name="appointment_time", type="time", max_length=5, sample_value="09:30"),
        field(name="clinic", type="clinic_code", max_length=10, sample_value="RJ1AB"),
        field(
            name="booking_url",
            type="url",
            max_length=200,
            sample_value="https://www.nhs.uk/book?a=1",
        ),
        field(name="dose_number", type="number", max_length=2, sample_value="2"),
        field(
            name="clinic_phone",
            type="phone_number",
            max_length=20,
            sample_value="020 7946 0000",
        ),
        field(
            name="clinic_email",
            type="email_address",
            max_length=100,
            sample_value="clinic@nhs.net",
        ),
        field(
            name="nhs_number",
            type="number",
            max_length=10,
            personal_data="identifying",
            sample_value="9990548609",
        ),
        field(name="x2", personal_data="none"),
    ]
    # When validated / Then
    assert validate_schema(fields) == []


@pytest.mark.parametrize(
    "name",
    [
        "First_name",
        "first name",
        "1st_name",
        "_first",
        "first_",
        "first__name",
        "first-name",
        "café",
    ],
)
def test_names_must_be_lowercase_snake_case(name: str) -> None:
    assert messages([field(name=name)]) == [
        (
            f"Field 1 ({name}): the name must use lowercase letters, digits and single underscores, "
            "and start with a letter, like appointment_date."
        )
    ]


def test_name_is_required_and_at_most_50_characters() -> None:
    long_name = "a" * 51
    assert messages([field(name=""), field(name=long_name), field(name="a" * 50)]) == [
        "Field 1: the name is missing.",
        f"Field 2 ({long_name}): the name is 51 characters long, more than 50.",
    ]


@pytest.mark.parametrize("name", ["if", "not", "true", "none", "and", "endif"])
def test_reserved_words_cannot_be_names(name: str) -> None:
    assert messages([field(name=name)]) == [f"Field 1 ({name}): '{name}' is a reserved word and cannot be a name."]


def test_duplicate_names_are_reported_on_the_later_field() -> None:
    # Given two fields with the same name
    errors = validate_schema([field(), field(sample_value="Alex")])
    # Then only the second is wrong, identified by index and name
    assert errors == [
        FieldError(
            1,
            "first_name",
            "name",
            "Field 2 (first_name): the name is used by an earlier field.",
        )
    ]


def test_unknown_type_and_personal_data_class() -> None:
    assert messages([field(type="string", personal_data="secret")]) == [
        (
            "Field 1 (first_name): the type 'string' is not known: use one of text, date, time, "
            "clinic_code, url, number, phone_number, email_address."
        ),
        ("Field 1 (first_name): the personal data class 'secret' is not known: use one of none, low, identifying."),
    ]


@pytest.mark.parametrize("max_length", [0, -1, True, "10", 2.5])
def test_max_length_must_be_a_positive_whole_number(max_length: object) -> None:
    assert messages([field(max_length=max_length)]) == [
        "Field 1 (first_name): the maximum length must be a whole number above 0."
    ]


def test_sample_value_is_required_and_fits_max_length() -> None:
    assert messages(
        [
            field(sample_value="  "),
            field(name="surname", max_length=3, sample_value="Smith"),
        ]
    ) == [
        "Field 1 (first_name): the sample value is missing.",
        "Field 2 (surname): the sample value is 5 characters long, more than the maximum of 3.",
    ]


@pytest.mark.parametrize(
    ("field_type", "sample", "problem"),
    [
        (
            "date",
            "3 March 2026",
            "'3 March 2026' is not a date in the form YYYY-MM-DD, like 2026-03-03",
        ),
        (
            "date",
            "20260303",
            "'20260303' is not a date in the form YYYY-MM-DD, like 2026-03-03",
        ),
        ("date", "2026-02-30", "'2026-02-30' is not a real date"),
        ("time", "9:30", "'9:30' is not a 24-hour time in the form HH:MM, like 09:30"),
        (
            "time",
            "24:00",
            "'24:00' is not a 24-hour time in the form HH:MM, like 09:30",
        ),
        (
            "clinic_code",
            "rj1ab",
            "'rj1ab' is not a clinic code: use 3 to 10 capital letters or digits, like RJ1AB",
        ),
        (
            "clinic_code",
            "AB",
            "'AB' is not a clinic code: use 3 to 10 capital letters or digits, like RJ1AB",
        ),
        (
            "url",
            "http://www.nhs.uk",
            "'http://www.nhs.uk' is not a secure web address: it must start with https://",
        ),
        (
            "url",
            "https://www.nhs.uk/a b",
            "'https://www.nhs.uk/a b' is not a web address: it contains a space",
        ),
        (
            "url",
            "https://localhost",
            "'https://localhost' is not a web address: it has no valid host name after https://",
        ),
        ("number", "12a", "'12a' is not a number: use digits only, like 42"),
        ("number", "١٢", "'١٢' is not a number: use digits only, like 42"),
        (
            "phone_number",
            "12345",
            "'12345' is not a UK phone number, like 020 7946 0000",
        ),
        (
            "email_address",
            "clinic.nhs.net",
            "'clinic.nhs.net' is not an email address, like name@nhs.net",
        ),
    ],
)
def test_sample_value_must_match_its_type(field_type: str, sample: str, problem: str) -> None:
    assert messages([field(name="value", type=field_type, max_length=40, sample_value=sample)]) == [
        f"Field 1 (value): the sample value {problem}."
    ]


def test_check_value_accepts_a_good_value() -> None:
    assert check_value(field(type="time", max_length=5), "23:59") is None


def test_validate_values_checks_real_personalisation() -> None:
    # Given a schema of two fields
    fields = [
        field(),
        field(
            name="appointment_date",
            type="date",
            max_length=10,
            sample_value="2026-03-03",
        ),
    ]
    # When values are missing, wrong or unexpected
    errors = validate_values(fields, {"appointment_date": "tomorrow", "nhs_number": "1"})
    # Then each is named
    assert [error.message for error in errors] == [
        "Field 1 (first_name): no value was given.",
        # The value itself is never repeated: real personalisation may identify a patient.
        "Field 2 (appointment_date): the value is not a date in the form YYYY-MM-DD, like 2026-03-03.",
        "'nhs_number' is not a field of this template.",
    ]
    assert validate_values(fields, {"first_name": "Sam", "appointment_date": "2026-03-03"}) == []


def test_from_dict_and_to_dict_round_trip() -> None:
    data = field().to_dict()
    assert PersonalisationField.from_dict(data) == field()
    assert PersonalisationField.from_dict({}) == PersonalisationField("", "", 0, "", "")


def test_sample_values_by_name() -> None:
    assert sample_values([field(), field(name="surname", sample_value="Jones")]) == {
        "first_name": "Sam",
        "surname": "Jones",
    }
