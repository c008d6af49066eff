"""The safe-recipient catalogue: every entry is a test identity the app's own validation accepts."""

import phonenumbers
import pytest
from email_validator import validate_email

from notifyadmin.core.safe_recipients import (
    DEFAULT_OUTCOME,
    SAFE_EMAILS,
    SAFE_MOBILES,
    SAFE_PATIENTS,
    Outcome,
    email_outcome,
    is_safe_email,
    is_safe_mobile,
    is_safe_nhs_number,
    mobile_e164,
    mobile_outcome,
    nhs_number_is_valid,
    patient_for,
)
from preferences.nhs_number import check_digit_is_valid


def test_every_test_nhs_number_is_in_the_reserved_range_and_passes_modulus_11():
    numbers = [patient.nhs_number for patient in SAFE_PATIENTS]

    assert len(set(numbers)) == len(numbers)
    assert all(number.startswith("999") and nhs_number_is_valid(number) for number in numbers)
    assert "9990548609" in numbers  # the number NHS Notify's own examples use


def test_the_modulus_11_check_agrees_with_the_apps_own():
    candidates = [f"999{n:07d}" for n in range(0, 3000)] + ["9434765919", "943476591X", "12345", "94347659190"]

    assert [nhs_number_is_valid(number) for number in candidates] == [
        check_digit_is_valid(number) for number in candidates
    ]


def test_every_test_mobile_is_a_valid_uk_mobile_outside_the_drama_range():
    for mobile in SAFE_MOBILES:
        parsed = phonenumbers.parse(mobile.number, "GB")
        assert phonenumbers.is_valid_number(parsed)
        assert phonenumbers.number_type(parsed) == phonenumbers.PhoneNumberType.MOBILE
        assert phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164) == mobile.number
        assert mobile.number.startswith("+447400")


def test_every_test_email_is_accepted_by_email_validator_at_the_reserved_domain():
    for email in SAFE_EMAILS:
        assert validate_email(email.address, check_deliverability=False).normalized == email.address
        assert email.address.endswith("@example.com")


def test_each_outcome_the_brief_names_is_in_the_catalogue():
    nhsapp = {patient.nhsapp for patient in SAFE_PATIENTS}
    assert {Outcome.READ, Outcome.DELIVERED, Outcome.UNREAD, Outcome.NO_NHSAPP_ACCOUNT} <= nhsapp
    assert {m.outcome for m in SAFE_MOBILES} == {
        Outcome.DELIVERED,
        Outcome.TEMPORARY_FAILURE,
        Outcome.PERMANENT_FAILURE,
    }
    assert {e.outcome for e in SAFE_EMAILS} == {Outcome.DELIVERED, Outcome.TEMPORARY_FAILURE, Outcome.PERMANENT_FAILURE}
    assert {patient.pds for patient in SAFE_PATIENTS} == {None, Outcome.NOT_IN_PDS, Outcome.FORMALLY_DEAD}


def test_patients_contact_details_are_themselves_safe():
    for patient in SAFE_PATIENTS:
        assert patient.mobile is None or is_safe_mobile(patient.mobile)
        assert patient.email is None or is_safe_email(patient.email)


@pytest.mark.parametrize("written", ["07400 000003", "+44 7400 000003", "447400000003", "(07400) 000-003"])
def test_mobiles_are_recognised_however_they_are_written(written):
    assert mobile_e164(written) == "+447400000003"
    assert mobile_outcome(written) == Outcome.PERMANENT_FAILURE
    assert is_safe_mobile(written)


def test_anyone_outside_the_catalogue_is_not_safe_and_gets_the_default_outcome():
    assert not is_safe_nhs_number("9434765919")
    assert not is_safe_mobile("07400 999999")  # the rest of the 07400 range may be real people's
    assert not is_safe_email("someone@nhs.net")
    assert is_safe_email("Anyone@Example.com")
    assert patient_for("9434765919").nhsapp == DEFAULT_OUTCOME
    assert mobile_outcome("07400999999") == email_outcome("someone@nhs.net") == DEFAULT_OUTCOME


def test_the_catalogue_module_is_plain_python():
    import ast
    from pathlib import Path

    import notifyadmin.core.safe_recipients as module

    tree = ast.parse(Path(module.__file__).read_text())
    imported = {
        alias.name.split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names
    }
    imported |= {
        node.module.split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module
    }
    assert imported == {"re", "dataclasses", "enum"}
