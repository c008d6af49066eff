"""SMS encoding, fragments and cost.

Rules (GSM 03.38 and the way networks bill):

- Text made only of the GSM 03.38 basic character set, plus its extension table, is
  sent as GSM-7. Extension characters (``^ { } \\ [ ~ ] | €`` and form feed) take an
  escape code, so each counts as 2 characters.
- Any other character switches the whole message to UCS-2, where each UTF-16 code
  unit counts as 1 character (an emoji outside the Basic Multilingual Plane counts 2).
- GSM-7: up to 160 characters is 1 fragment; longer messages are split into fragments
  of 153 (the rest carries the concatenation header). UCS-2: 70, then 67 each.
  A 2-unit character (an escaped GSM character or a UCS-2 surrogate pair) is never
  split across fragments, so it starts a new fragment when only 1 unit is left.
- Empty text is 0 fragments.
- NHS Notify accepts at most 918 characters (6 GSM-7 fragments).
- Cost per message is fragments x price per fragment. The default,
  :data:`DEFAULT_PRICE_PER_FRAGMENT` (GBP 0.0197), is an illustrative list price: pass
  the contracted price from settings.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from notifyadmin.core.channels import Channel

from .limits import CHANNEL_MAX_CHARACTERS

SMS_MAX_CHARACTERS = CHANNEL_MAX_CHARACTERS[Channel.SMS]
DEFAULT_PRICE_PER_FRAGMENT = Decimal("0.0197")  # GBP per fragment; see module docstring.

GSM_BASIC_CHARACTERS = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM_EXTENSION_CHARACTERS = frozenset("\f^{}\\[~]|€")

GSM_SINGLE_FRAGMENT = 160
GSM_MULTIPART_FRAGMENT = 153
UCS2_SINGLE_FRAGMENT = 70
UCS2_MULTIPART_FRAGMENT = 67


class SmsEncoding(StrEnum):
    """How a text message is encoded."""

    GSM7 = "GSM-7"
    UCS2 = "UCS-2"


@dataclass(frozen=True, slots=True)
class SmsInfo:
    """What a text message costs to send.

    ``characters`` is the billable count (escaped GSM characters count 2).
    ``non_gsm_characters`` lists, in order of first appearance, the characters that
    forced UCS-2.
    """

    encoding: SmsEncoding
    characters: int
    fragments: int
    non_gsm_characters: list[str]
    cost_per_message: Decimal

    @property
    def is_too_long(self) -> bool:
        """Whether NHS Notify would refuse the text as longer than 918 characters."""
        return self.characters > SMS_MAX_CHARACTERS


def is_gsm_character(character: str) -> bool:
    """Whether a character can be sent in GSM-7 (basic or extension table)."""
    return character in GSM_BASIC_CHARACTERS or character in GSM_EXTENSION_CHARACTERS


def _unit_widths(text: str, encoding: SmsEncoding) -> list[int]:
    if encoding is SmsEncoding.GSM7:
        return [2 if character in GSM_EXTENSION_CHARACTERS else 1 for character in text]
    return [2 if ord(character) > 0xFFFF else 1 for character in text]


def _count_fragments(widths: list[int], *, single: int, multipart: int) -> int:
    total = sum(widths)
    if total == 0:
        return 0
    if total <= single:
        return 1
    fragments, used = 1, 0
    for width in widths:
        if used + width > multipart:
            fragments, used = fragments + 1, 0
        used += width
    return fragments


def sms_info(text: str, *, price_per_fragment: Decimal = DEFAULT_PRICE_PER_FRAGMENT) -> SmsInfo:
    """Encoding, length, fragments and cost of ``text`` as one text message."""
    non_gsm = list(dict.fromkeys(character for character in text if not is_gsm_character(character)))
    encoding = SmsEncoding.UCS2 if non_gsm else SmsEncoding.GSM7
    widths = _unit_widths(text, encoding)
    if encoding is SmsEncoding.GSM7:
        fragments = _count_fragments(widths, single=GSM_SINGLE_FRAGMENT, multipart=GSM_MULTIPART_FRAGMENT)
    else:
        fragments = _count_fragments(widths, single=UCS2_SINGLE_FRAGMENT, multipart=UCS2_MULTIPART_FRAGMENT)
    return SmsInfo(
        encoding=encoding,
        characters=sum(widths),
        fragments=fragments,
        non_gsm_characters=non_gsm,
        cost_per_message=fragments * price_per_fragment,
    )
