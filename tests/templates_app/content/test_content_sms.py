"""SMS encoding, fragments and cost."""

from __future__ import annotations

from decimal import Decimal

import pytest

from templates_app.content.sms import (
    DEFAULT_PRICE_PER_FRAGMENT,
    SmsEncoding,
    SmsInfo,
    is_gsm_character,
    sms_info,
)


@pytest.mark.parametrize(
    ("length", "fragments"),
    [
        (0, 0),
        (1, 1),
        (160, 1),
        (161, 2),
        (306, 2),
        (307, 3),
        (459, 3),
        (460, 4),
        (918, 6),
        (919, 7),
    ],
)
def test_gsm7_fragments(length: int, fragments: int) -> None:
    # Given plain GSM text / When measured
    info = sms_info("a" * length)
    # Then 160 fit in one fragment, then 153 per fragment
    assert (info.encoding, info.characters, info.fragments) == (
        SmsEncoding.GSM7,
        length,
        fragments,
    )


@pytest.mark.parametrize(
    ("length", "fragments"),
    [(1, 1), (70, 1), (71, 2), (134, 2), (135, 3), (201, 3), (202, 4)],
)
def test_ucs2_fragments(length: int, fragments: int) -> None:
    # Given text with a curly quote, which is not GSM
    info = sms_info("’" * length)
    # Then 70 fit in one fragment, then 67 per fragment
    assert (info.encoding, info.characters, info.fragments) == (
        SmsEncoding.UCS2,
        length,
        fragments,
    )


def test_extension_characters_count_double() -> None:
    # Given 80 euro signs (160 units) and 81 (162 units)
    assert (sms_info("€" * 80).characters, sms_info("€" * 80).fragments) == (160, 1)
    assert (sms_info("€" * 81).characters, sms_info("€" * 81).fragments) == (162, 2)
    assert sms_info("^{}\\[~]|€\f").characters == 20


def test_an_escaped_character_is_not_split_across_fragments() -> None:
    # Given 152 letters then a euro sign: 154 units would straddle the 153 boundary
    text = "a" * 152 + "€" + "a" * 10
    # Then the euro sign starts fragment 2; 164 units still make 2 fragments
    assert (sms_info(text).characters, sms_info(text).fragments) == (164, 2)
    # And when that pushes the text over 2 fragments, a third is needed
    text = "a" * 152 + "€" + "a" * 152
    assert (sms_info(text).characters, sms_info(text).fragments) == (306, 3)


def test_characters_outside_the_basic_plane_count_double_in_ucs2() -> None:
    assert (sms_info("😀" * 35).characters, sms_info("😀" * 35).fragments) == (70, 1)
    assert (sms_info("😀" * 36).characters, sms_info("😀" * 36).fragments) == (72, 2)


def test_gsm_accented_letters_stay_gsm_and_others_are_listed() -> None:
    # Given GSM accented letters and non-GSM characters, some repeated
    text = "Café Ñandú àéùìò ÄÖÜ £$¥ “quoted” — ok “again”\t"
    info = sms_info(text)
    # Then non-GSM characters are listed once, in order of appearance
    assert info.encoding == SmsEncoding.UCS2
    assert info.non_gsm_characters == ["ú", "“", "”", "—", "\t"]
    assert is_gsm_character("é") and not is_gsm_character("ú")


def test_cost_is_fragments_times_price() -> None:
    assert Decimal("0.0197") == DEFAULT_PRICE_PER_FRAGMENT
    assert sms_info("a" * 161).cost_per_message == Decimal("0.0394")
    assert sms_info("a" * 307, price_per_fragment=Decimal("0.02")).cost_per_message == Decimal("0.06")


def test_918_characters_is_the_nhs_notify_limit() -> None:
    assert not sms_info("a" * 918).is_too_long
    assert sms_info("a" * 918 + "a").is_too_long
    assert sms_info("€" * 460).is_too_long


def test_sms_info_is_a_plain_value() -> None:
    assert sms_info("Hi") == SmsInfo(SmsEncoding.GSM7, 2, 1, [], Decimal("0.0197"))
    assert str(SmsEncoding.UCS2) == "UCS-2"
