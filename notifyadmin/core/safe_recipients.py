"""The catalogue of safe test recipients: the only people the app may message outside production.

Plain Python, no Django: the local NHS Notify sandbox reads it to decide what happens to each
message, and the app reads it to refuse any recipient who is not in it when
NOTIFY_ENVIRONMENT is not production.

Rules:
- NHS numbers are in the range 999 000 0000 - 999 999 9999, which NHS England reserves for
  testing, and each passes the Modulus 11 check (9990548609 is the one NHS Notify's own
  examples use).
- Mobiles are in the 07400 range. Ofcom's drama range (07700 900xxx) would be the obvious
  choice, but libphonenumber rejects it as not a valid mobile, so the app's own validation
  would refuse it before it reached the sandbox.
- Emails are at example.com, reserved by RFC 2606 and accepted by email-validator (which
  refuses the .test and .invalid top-level domains).
- Each entry names an outcome, which the sandbox simulates; a recipient not in the catalogue
  gets DEFAULT_OUTCOME in the sandbox (and is refused by the app outside production).

An NHS number entry also stands for what NHS Notify would find in PDS for that person: whether
they have an NHS App account, and which mobile, email and postal address it would use when the
request carries no contact details of its own.
"""

import re
from dataclasses import dataclass
from enum import StrEnum


class Outcome(StrEnum):
    """What happens to a message on one channel (or, for PDS outcomes, to the whole message)."""

    DELIVERED = "delivered"  # SMS/email/letter delivered; NHS App message read
    READ = "read"  # NHS App: delivered, notified, then read (the NHS App's own "delivered")
    UNREAD = "unread"  # NHS App: notified but not read in time, so NHS Notify falls back
    NO_NHSAPP_ACCOUNT = "no_nhsapp_account"  # NHS App channel fails at once; NHS Notify falls back
    TEMPORARY_FAILURE = "temporary_failure"  # SMS/email: phone off, inbox full; falls back
    PERMANENT_FAILURE = "permanent_failure"  # SMS/email: number not in use, hard bounce; falls back
    NOT_IN_PDS = "not_in_pds"  # the whole message fails at enrichment: patient does not exist in PDS
    FORMALLY_DEAD = "formally_dead"  # the whole message fails at enrichment: patient is formally dead


DEFAULT_OUTCOME = Outcome.DELIVERED
EXAMPLE_DOMAIN = "example.com"
MOBILE_PREFIX = "+447400"


@dataclass(frozen=True)
class SafeMobile:
    number: str  # E.164
    label: str
    outcome: Outcome


@dataclass(frozen=True)
class SafeEmail:
    address: str
    label: str
    outcome: Outcome


@dataclass(frozen=True)
class SafePatient:
    """A test NHS number and what PDS holds for it. `nhsapp` is the NHS App outcome; None
    contact details mean PDS has none for that channel (the channel fails "contact detail is
    missing" unless the request overrides it)."""

    nhs_number: str
    label: str
    nhsapp: Outcome
    mobile: str | None = None
    email: str | None = None
    has_address: bool = True
    pds: Outcome | None = None  # NOT_IN_PDS or FORMALLY_DEAD: the message fails before any channel


SAFE_MOBILES: tuple[SafeMobile, ...] = (
    SafeMobile("+447400000001", "SMS delivered", Outcome.DELIVERED),
    SafeMobile("+447400000002", "SMS temporary failure (phone off)", Outcome.TEMPORARY_FAILURE),
    SafeMobile("+447400000003", "SMS permanent failure (number not in use)", Outcome.PERMANENT_FAILURE),
)

SAFE_EMAILS: tuple[SafeEmail, ...] = (
    SafeEmail("delivered@example.com", "Email delivered", Outcome.DELIVERED),
    SafeEmail("temporary-failure@example.com", "Email temporary failure (inbox full)", Outcome.TEMPORARY_FAILURE),
    SafeEmail("hard-bounce@example.com", "Email hard bounce", Outcome.PERMANENT_FAILURE),
)

_SMS_OK, _SMS_TEMP, _SMS_PERM = (mobile.number for mobile in SAFE_MOBILES)
_EMAIL_OK, _EMAIL_TEMP, _EMAIL_BOUNCE = (email.address for email in SAFE_EMAILS)

SAFE_PATIENTS: tuple[SafePatient, ...] = (
    SafePatient("9990548609", "Reads the NHS App message", Outcome.READ, _SMS_OK, _EMAIL_OK),
    SafePatient("9990000018", "NHS App message delivered and read", Outcome.DELIVERED, _SMS_OK, _EMAIL_OK),
    SafePatient(
        "9990000026", "No NHS App account; SMS and email delivered", Outcome.NO_NHSAPP_ACCOUNT, _SMS_OK, _EMAIL_OK
    ),
    SafePatient(
        "9990000034", "Does not read the NHS App message in time; SMS delivered", Outcome.UNREAD, _SMS_OK, _EMAIL_OK
    ),
    SafePatient(
        "9990000042",
        "No NHS App account; SMS temporary failure; email delivered",
        Outcome.NO_NHSAPP_ACCOUNT,
        _SMS_TEMP,
        _EMAIL_OK,
    ),
    SafePatient(
        "9990000050",
        "No NHS App account; SMS permanent failure; email hard bounce; letter delivered",
        Outcome.NO_NHSAPP_ACCOUNT,
        _SMS_PERM,
        _EMAIL_BOUNCE,
    ),
    SafePatient(
        "9990000069",
        "No NHS App account and no contact details in PDS but an address",
        Outcome.NO_NHSAPP_ACCOUNT,
        None,
        None,
    ),
    SafePatient(
        "9990000077",
        "No NHS App account; email temporary failure; SMS delivered",
        Outcome.NO_NHSAPP_ACCOUNT,
        _SMS_OK,
        _EMAIL_TEMP,
    ),
    SafePatient("9990000085", "Not in PDS: the message fails", Outcome.DELIVERED, pds=Outcome.NOT_IN_PDS),
    SafePatient("9990000093", "Formally dead in PDS: the message fails", Outcome.DELIVERED, pds=Outcome.FORMALLY_DEAD),
)

# Anyone else (any valid NHS number, mobile or email) in the sandbox: an NHS App user who reads
# the message, with a delivered SMS and email on file.
DEFAULT_PATIENT = SafePatient("", "Not in the catalogue", DEFAULT_OUTCOME, _SMS_OK, _EMAIL_OK)

_PATIENTS = {patient.nhs_number: patient for patient in SAFE_PATIENTS}
_MOBILES = {mobile.number: mobile for mobile in SAFE_MOBILES}
_EMAILS = {email.address: email for email in SAFE_EMAILS}
_NON_DIGITS = re.compile(r"[\s()\-]")


def nhs_number_is_valid(value: str) -> bool:
    """Ten ASCII digits whose Modulus 11 check digit is right (a check digit of 10 is never valid)."""
    if len(value) != 10 or not value.isascii() or not value.isdigit():
        return False
    # Written out rather than as a generator: the sandbox checks ten thousand per batch request.
    d = value.encode("ascii")
    total = d[0] * 10 + d[1] * 9 + d[2] * 8 + d[3] * 7 + d[4] * 6 + d[5] * 5 + d[6] * 4 + d[7] * 3 + d[8] * 2
    check = (11 - (total - 48 * 54) % 11) % 11  # 48 is ord("0"); the weights sum to 54
    return check != 10 and check == d[9] - 48


def mobile_e164(value: str) -> str:
    """A UK mobile written as 07..., 447... or +447... (spaces, brackets, hyphens ignored) in
    E.164, or the input unchanged when it is not in one of those forms."""
    digits = _NON_DIGITS.sub("", value or "")
    if digits.startswith("07"):
        return "+44" + digits[1:]
    if digits.startswith("447"):
        return "+" + digits
    return digits


def patient_for(nhs_number: str | None) -> SafePatient:
    """The catalogue entry for an NHS number, or DEFAULT_PATIENT."""
    return _PATIENTS.get(nhs_number or "", DEFAULT_PATIENT)


def mobile_outcome(number: str) -> Outcome:
    mobile = _MOBILES.get(mobile_e164(number))
    return mobile.outcome if mobile else DEFAULT_OUTCOME


def email_outcome(address: str) -> Outcome:
    email = _EMAILS.get((address or "").strip().lower())
    return email.outcome if email else DEFAULT_OUTCOME


def is_reserved_test_nhs_number(nhs_number: str) -> bool:
    """A valid NHS number in the range NHS England reserves for testing (999 000 0000 to
    999 999 9999): it never belongs to a real patient, so it is safe to message outside
    production, as the catalogue's own numbers are."""
    return nhs_number.startswith("999") and nhs_number_is_valid(nhs_number)


def is_safe_nhs_number(nhs_number: str) -> bool:
    return nhs_number in _PATIENTS


def is_safe_mobile(number: str) -> bool:
    """Only the catalogue's own mobiles are safe; the rest of the 07400 range may be real people's."""
    return mobile_e164(number) in _MOBILES


def is_safe_email(address: str) -> bool:
    """Any address at example.com is safe: the domain is reserved and receives no mail."""
    local, _, domain = (address or "").strip().lower().rpartition("@")
    return bool(local) and domain == EXAMPLE_DOMAIN
