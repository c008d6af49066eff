"""NHS numbers: normalise what is safe, refuse the rest, never echo the number back.

Accepted forms, after trimming surrounding whitespace:
- ten digits: "9434765919"
- the 3-3-4 groups NHS documents print, separated by single spaces or single hyphens
  consistently: "943 476 5919", "943-476-5919".

Refused: letters or other characters, any other length, separators anywhere else ("9 4 3 ...",
"94 34 765919", mixed "943 476-5919"), and a number whose Modulus 11 check digit is wrong (or
computes to 10, which no real NHS number has). Grouping in odd places suggests a mistyped
or different identifier, so it is refused rather than guessed at.

Error messages say what is wrong in general terms; they never include the value.
"""

import re

_PLAIN = re.compile(r"^\d{10}$", re.ASCII)
_GROUPED = re.compile(r"^(\d{3})([ -])(\d{3})\2(\d{4})$", re.ASCII)
NHS_NUMBER_LENGTH = 10
_MODULUS = 11


class InvalidNhsNumber(ValueError):
    """Raised with a message that is safe to show and log (it never contains the number)."""


def check_digit_is_valid(digits: str) -> bool:
    if not _PLAIN.match(digits):
        return False
    total = sum(int(digit) * weight for digit, weight in zip(digits[:9], range(10, 1, -1), strict=True))
    check = _MODULUS - (total % _MODULUS)
    if check == _MODULUS:
        check = 0
    if check == 10:
        return False
    return check == int(digits[9])


def nhs_number_normalise(value: str) -> str:
    """Return the ten digits, or raise InvalidNhsNumber with a message safe to show."""
    text = (value or "").strip()
    if not text:
        raise InvalidNhsNumber("Enter an NHS number")
    if _PLAIN.match(text):
        digits = text
    else:
        grouped = _GROUPED.match(text)
        if grouped:
            digits = grouped.group(1) + grouped.group(3) + grouped.group(4)
        elif re.search(r"[^\d \-]", text, re.ASCII):  # digits of other scripts are not numbers here
            raise InvalidNhsNumber("NHS number must contain only numbers")
        else:
            bare = re.sub(r"[ \-]", "", text)
            if len(bare) != NHS_NUMBER_LENGTH:
                raise InvalidNhsNumber("NHS number must be 10 digits")
            raise InvalidNhsNumber("Enter the NHS number as 10 digits, or in groups of 3, 3 and 4 digits")
    if not check_digit_is_valid(digits):
        raise InvalidNhsNumber("This is not a valid NHS number: check it and try again")
    return digits


def nhs_number_mask(digits: str) -> str:
    """For display: only the last four digits, for example '*** *** 5919'."""
    return f"*** *** {digits[-4:]}" if len(digits) >= 4 else "*** *** ****"


def nhs_number_format(digits: str) -> str:
    return f"{digits[:3]} {digits[3:6]} {digits[6:]}"


def synthetic_nhs_number(seed: int) -> str:
    """A synthetic NHS number in the range reserved for testing (999 000 0000 to 999 999 9999)
    with a valid check digit: the first valid one at or after 999 + 6-digit seed."""
    for offset in range(100):
        stem = f"999{(seed + offset) % 1_000_000:06d}"
        for last in range(10):
            candidate = f"{stem}{last}"
            if check_digit_is_valid(candidate):
                return candidate
    raise ValueError("No valid test number near this seed.")
