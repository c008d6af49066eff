"""Contact identifiers: validate and normalise mobiles, emails and postal addresses, mask them
for display, and make the keyed hashes used for exact look-up (so the identifier need not
appear in a query string, a log line or an index that could be read back).

The input policy, applied here and only here (the services call these functions, so the pages
and the API accept exactly the same input; docs/preferences.md states it for people):
- Mobile numbers: only the ASCII digits 0-9, spaces, hyphens, dots, brackets and a leading "+".
  Letters (keypad letters such as 0800-FLOWERS) are refused, and so are digits of other scripts
  (Arabic-Indic, full-width...): what is stored is always E.164 in ASCII digits.
- Email addresses: ASCII only. An internationalised address is refused: a non-ASCII local part,
  a domain with any non-ASCII label (exämple.com) and a domain with any label already in its
  ASCII "xn--" form (xn--pple-43d.com, a Cyrillic look-alike of apple.com). Patients' contact
  details must read the same to the person checking them as to the mail system.
- Postal addresses: two to ADDRESS_MAX_LINES non-empty lines of at most ADDRESS_LINE_MAX_LENGTH
  characters, no control characters.
- Every text has the length limit in preferences.limits; longer input is refused, never cut.
"""

import hashlib
import hmac

import phonenumbers
from django.conf import settings
from email_validator import EmailNotValidError, validate_email

from preferences.limits import (
    ADDRESS_LINE_MAX_LENGTH,
    ADDRESS_MAX_LINES,
    CONTACT_VALUE_MAX_LENGTH,
    EMAIL_MAX_LENGTH,
)

# What a mobile number may be written with, besides ASCII digits.
_MOBILE_PUNCTUATION = frozenset(" -.()+")


class InvalidContactDetail(ValueError):
    """Raised with a message that is safe to show and log (it never contains the value)."""


def lookup_hash(*, kind: str, normalised: str) -> str:
    """HMAC-SHA256 of the normalised identifier under PATIENT_LOOKUP_KEY, namespaced by kind."""
    key = settings.PATIENT_LOOKUP_KEY.encode("utf-8")
    return hmac.new(key, f"{kind}:{normalised}".encode(), hashlib.sha256).hexdigest()


def mobile_normalise(value: str) -> str:
    """A UK mobile number in E.164 (+447...). Landlines, foreign and malformed numbers are refused:
    only UK mobiles can receive our text messages."""
    text = (value or "").strip()
    if not text:
        raise InvalidContactDetail("Enter a mobile phone number")
    if len(text) > CONTACT_VALUE_MAX_LENGTH:
        raise InvalidContactDetail("Enter a mobile phone number, like 07123 456 789")
    if any(char.isalpha() for char in text):
        raise InvalidContactDetail("Enter the mobile phone number in digits: letters are not accepted")
    if any(not (char in "0123456789" or char in _MOBILE_PUNCTUATION) for char in text):
        raise InvalidContactDetail("Enter the mobile phone number using only the digits 0 to 9")
    try:
        number = phonenumbers.parse(text, "GB")
    except phonenumbers.NumberParseException as error:
        raise InvalidContactDetail("Enter a mobile phone number, like 07123 456 789") from error
    if not phonenumbers.is_valid_number(number):
        raise InvalidContactDetail("Enter a mobile phone number, like 07123 456 789")
    if phonenumbers.region_code_for_number(number) != "GB":
        raise InvalidContactDetail("Enter a UK mobile phone number: text messages go only to UK mobiles")
    if phonenumbers.number_type(number) != phonenumbers.PhoneNumberType.MOBILE:
        raise InvalidContactDetail("Enter a mobile phone number: text messages cannot be sent to a landline")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


EMAIL_FORMAT_MESSAGE = "Enter an email address in the correct format, like name@example.com"
EMAIL_ASCII_MESSAGE = (
    "Enter an email address using only the letters a to z, digits and the usual punctuation: "
    "addresses with accented or non-Latin letters are not accepted"
)


def email_normalise(value: str) -> str:
    """The address in lower case, or InvalidContactDetail. Internationalised addresses are refused
    (see the module docstring): email-validator's ASCII form of the domain must equal the domain,
    and no label may be punycode ("xn--")."""
    text = (value or "").strip()
    if not text:
        raise InvalidContactDetail("Enter an email address")
    if len(text) > EMAIL_MAX_LENGTH:
        raise InvalidContactDetail(EMAIL_FORMAT_MESSAGE)
    try:
        result = validate_email(text, check_deliverability=False)
    except EmailNotValidError as error:
        raise InvalidContactDetail(EMAIL_FORMAT_MESSAGE) from error
    domain_is_ascii = result.ascii_domain == result.domain and result.domain.isascii()
    punycode = any(label.lower().startswith("xn--") for label in result.ascii_domain.split("."))
    if result.smtputf8 or not result.local_part.isascii() or not domain_is_ascii or punycode:
        raise InvalidContactDetail(EMAIL_ASCII_MESSAGE)
    return result.normalized.lower()


def postal_address_normalise(value: str) -> str:
    """Non-empty lines, trimmed, joined by newlines: at least two (the last the postcode)."""
    text = value or ""
    if len(text) > CONTACT_VALUE_MAX_LENGTH:
        raise InvalidContactDetail(
            f"Enter the postal address in at most {ADDRESS_MAX_LINES} lines of "
            f"{ADDRESS_LINE_MAX_LENGTH} characters each"
        )
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if len(lines) < 2:
        raise InvalidContactDetail("Enter the postal address on at least two lines, ending with the postcode")
    if len(lines) > ADDRESS_MAX_LINES or any(len(line) > ADDRESS_LINE_MAX_LENGTH for line in lines):
        raise InvalidContactDetail(
            f"Enter the postal address in at most {ADDRESS_MAX_LINES} lines of "
            f"{ADDRESS_LINE_MAX_LENGTH} characters each"
        )
    if any(not char.isprintable() for line in lines for char in line):
        raise InvalidContactDetail("Enter the postal address without control characters")
    return "\n".join(lines)


def mobile_mask(e164: str) -> str:
    return f"07*** ***{e164[-3:]}" if len(e164) > 3 else "*****"


def email_mask(email: str) -> str:
    local, _, domain = email.partition("@")
    return f"{local[:1]}***@{domain}" if domain else "***"


def address_mask(address: str) -> str:
    lines = [line.strip() for line in address.splitlines() if line.strip()]
    postcode = lines[-1] if lines else ""
    return f"*** (postcode {postcode[:4].strip()} ***)" if postcode else "***"
