import pytest

from preferences.identifiers import (
    EMAIL_ASCII_MESSAGE,
    InvalidContactDetail,
    email_normalise,
    lookup_hash,
    mobile_normalise,
    postal_address_normalise,
)
from preferences.limits import ADDRESS_LINE_MAX_LENGTH, ADDRESS_MAX_LINES


@pytest.mark.parametrize("entered", ["07400 123456", "+44 7400 123456", "07400-123-456", "447400123456"])
def test_uk_mobiles_are_normalised_to_e164(entered: str) -> None:
    assert mobile_normalise(entered) == "+447400123456"


@pytest.mark.hazard("HAZ-009")
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


# --- The input policy (preferences.identifiers' docstring; docs/preferences.md) -------------------

ARABIC_INDIC_MOBILE = "٠٧٤٠٠١٢٣٤٥٦"  # 07400123456 in Arabic-Indic digits
FULL_WIDTH_MOBILE = "０７４００ １２３４５６"


@pytest.mark.parametrize("entered", ["0740O 123456", "07400 CALLME", "0800 FLOWERS", "+44 7400 l23456"])
def test_mobiles_written_with_letters_are_refused(entered: str) -> None:
    with pytest.raises(InvalidContactDetail) as raised:
        mobile_normalise(entered)
    assert str(raised.value) == "Enter the mobile phone number in digits: letters are not accepted"


@pytest.mark.parametrize("entered", [ARABIC_INDIC_MOBILE, FULL_WIDTH_MOBILE, "07400\u00a0123456", "07400\x00123456"])
def test_mobiles_in_other_scripts_digits_or_with_odd_characters_are_refused(entered: str) -> None:
    with pytest.raises(InvalidContactDetail) as raised:
        mobile_normalise(entered)
    assert str(raised.value) == "Enter the mobile phone number using only the digits 0 to 9"


def test_what_is_stored_for_a_mobile_is_ascii_e164() -> None:
    stored = mobile_normalise("(07400) 123.456")
    assert stored == "+447400123456" and stored.isascii()


@pytest.mark.parametrize(
    "entered",
    [
        "sam@exämple.com",  # a non-ASCII domain label
        "sam@xn--exmple-cua.com",  # the same, already in its ASCII (punycode) form
        "sam@xn--pple-43d.com",  # a Cyrillic look-alike of apple.com
        "sam@mail.xn--80ak6aa92e.com",  # any label, not only the first
        "sám@example.com",  # a non-ASCII local part
    ],
)
def test_internationalised_email_addresses_are_refused(entered: str) -> None:
    with pytest.raises(InvalidContactDetail) as raised:
        email_normalise(entered)
    assert str(raised.value) == EMAIL_ASCII_MESSAGE


def test_an_email_longer_than_the_limit_is_refused() -> None:
    with pytest.raises(InvalidContactDetail):
        email_normalise("a" * 64 + "@" + "b" * 190 + ".com")


def test_postal_addresses_are_trimmed_and_bounded() -> None:
    assert postal_address_normalise("  1 High Street \n\n Leeds\nLS1 1AA ") == "1 High Street\nLeeds\nLS1 1AA"
    too_long = "\n".join(["line"] * (ADDRESS_MAX_LINES + 1))
    wide = "x" * (ADDRESS_LINE_MAX_LENGTH + 1) + "\nLS1 1AA"
    for bad in (too_long, wide, "y" * 1_000_000):
        with pytest.raises(InvalidContactDetail) as raised:
            postal_address_normalise(bad)
        assert str(raised.value) == "Enter the postal address in at most 8 lines of 100 characters each"
    with pytest.raises(InvalidContactDetail, match=r"^Enter the postal address without control characters$"):
        postal_address_normalise("1 High\x07 Street\nLS1 1AA")
