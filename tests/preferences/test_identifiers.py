import pytest

from preferences.identifiers import InvalidContactDetail, email_normalise, lookup_hash, mobile_normalise


@pytest.mark.parametrize("entered", ["07400 123456", "+44 7400 123456", "07400-123-456", "447400123456"])
def test_uk_mobiles_are_normalised_to_e164(entered: str) -> None:
    assert mobile_normalise(entered) == "+447400123456"


@pytest.mark.parametrize(
    ("entered", "message"),
    [
        ("", "Enter a mobile phone number"),
        ("020 7946 0000", "Enter a mobile phone number: text messages cannot be sent to a landline"),
        ("0113 496 0000", "Enter a mobile phone number: text messages cannot be sent to a landline"),
        ("+33 6 12 34 56 78", "Enter a UK mobile phone number: text messages go only to UK mobiles"),
        # Letters are refused as letters (the input policy in preferences.identifiers).
        ("not a number", "Enter the mobile phone number in digits: letters are not accepted"),
        ("07400 12", "Enter a mobile phone number, like 07123 456 789"),
    ],
)
def test_landlines_foreign_and_malformed_numbers_are_refused(entered: str, message: str) -> None:
    with pytest.raises(InvalidContactDetail) as raised:
        mobile_normalise(entered)
    assert str(raised.value) == message


def test_emails_are_normalised_and_malformed_ones_refused() -> None:
    assert email_normalise(" Sam.Patient@Example.COM ") == "sam.patient@example.com"
    for bad in ("sam", "sam@", "sam@@example.com", "sam example@example.com"):
        with pytest.raises(InvalidContactDetail) as raised:
            email_normalise(bad)
        assert str(raised.value) == "Enter an email address in the correct format, like name@example.com"


def test_lookup_hash_is_keyed_and_namespaced(settings: object) -> None:
    first = lookup_hash(kind="nhs_number", normalised="9434765919")
    assert first != lookup_hash(kind="mobile", normalised="9434765919")
    assert "9434765919" not in first
    settings.PATIENT_LOOKUP_KEY = "another-key"  # type: ignore[attr-defined]
    assert lookup_hash(kind="nhs_number", normalised="9434765919") != first
