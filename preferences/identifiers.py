"""Contact identifiers: validate and normalise mobiles and emails, mask them for display, and
make the keyed hashes used for exact look-up (so the identifier need not appear in a query
string, a log line or an index that could be read back)."""

import hashlib
import hmac

import phonenumbers
from django.conf import settings
from email_validator import EmailNotValidError, validate_email


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


def email_normalise(value: str) -> str:
    text = (value or "").strip()
    if not text:
        raise InvalidContactDetail("Enter an email address")
    try:
        result = validate_email(text, check_deliverability=False)
    except EmailNotValidError as error:
        raise InvalidContactDetail("Enter an email address in the correct format, like name@example.com") from error
    return result.normalized.lower()


def mobile_mask(e164: str) -> str:
    return f"07*** ***{e164[-3:]}" if len(e164) > 3 else "*****"


def email_mask(email: str) -> str:
    local, _, domain = email.partition("@")
    return f"{local[:1]}***@{domain}" if domain else "***"


def address_mask(address: str) -> str:
    lines = [line.strip() for line in address.splitlines() if line.strip()]
    postcode = lines[-1] if lines else ""
    return f"*** (postcode {postcode[:4].strip()} ***)" if postcode else "***"
