import pytest

from preferences.nhs_number import (
    InvalidNhsNumber,
    check_digit_is_valid,
    nhs_number_mask,
    nhs_number_normalise,
    synthetic_nhs_number,
)


@pytest.mark.parametrize(
    ("entered", "expected"),
    [
        ("9434765919", "9434765919"),
        ("943 476 5919", "9434765919"),
        ("943-476-5919", "9434765919"),
        ("  943 476 5919  ", "9434765919"),
        ("9990000018", "9990000018"),
    ],
)
def test_safe_forms_are_normalised_to_ten_digits(entered: str, expected: str) -> None:
    assert nhs_number_normalise(entered) == expected


@pytest.mark.hazard("HAZ-001", "HAZ-014")
@pytest.mark.parametrize(
    ("entered", "message"),
    [
        ("", "Enter an NHS number"),
        ("943476591", "NHS number must be 10 digits"),
        ("94347659190", "NHS number must be 10 digits"),
        ("943476591A", "NHS number must contain only numbers"),
        ("943.476.5919", "NHS number must contain only numbers"),
        ("9 4 3 4 7 6 5 9 1 9", "Enter the NHS number as 10 digits, or in groups of 3, 3 and 4 digits"),
        ("94 34 765919", "Enter the NHS number as 10 digits, or in groups of 3, 3 and 4 digits"),
        ("943 476-5919", "Enter the NHS number as 10 digits, or in groups of 3, 3 and 4 digits"),
        ("9434765918", "This is not a valid NHS number: check it and try again"),
    ],
)
def test_unsafe_or_invalid_forms_are_refused_without_echoing_the_number(entered: str, message: str) -> None:
    with pytest.raises(InvalidNhsNumber) as raised:
        nhs_number_normalise(entered)
    assert str(raised.value) == message
    digits = "".join(ch for ch in entered if ch.isdigit())
    assert not digits or digits[:6] not in str(raised.value)


@pytest.mark.hazard("HAZ-001")
def test_check_digit_of_ten_is_never_valid() -> None:
    # 999 000 0001 has a remainder giving check digit 10 for any last digit? find one stem with 10
    stems = [f"{n:09d}" for n in range(999000000, 999000200)]
    ten_stems = [s for s in stems if not any(check_digit_is_valid(f"{s}{d}") for d in range(10))]
    assert ten_stems, "some stems have no valid check digit (their check digit would be 10)"


@pytest.mark.hazard("HAZ-011")
def test_synthetic_nhs_numbers_are_valid_and_in_the_reserved_range() -> None:
    numbers = {synthetic_nhs_number(seed) for seed in range(0, 500_000, 10_007)}
    assert all(number.startswith("999") and check_digit_is_valid(number) for number in numbers)


def test_mask_shows_only_the_last_four_digits() -> None:
    assert nhs_number_mask("9434765919") == "*** *** 5919"


@pytest.mark.parametrize("entered", ["٩٤٣٤٧٦٥٩١٩", "９４３４７６５９１９", "९४३ ४७६ ५९१९"])
def test_digits_of_other_scripts_are_refused(entered: str) -> None:
    # Python's \d matches any script's digits; an NHS number is ASCII digits only.
    with pytest.raises(InvalidNhsNumber) as raised:
        nhs_number_normalise(entered)
    assert str(raised.value) == "NHS number must contain only numbers"
