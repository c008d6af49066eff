"""KSUIDs: NHS Notify's 27-character message ids (base62 of a 4-byte timestamp and 16 random bytes).

A batch of n ids costs one random number and n short string joins: the batch's first id is
random with its last five base62 digits zero, and the others count up from it, so they stay
unique, sortable and valid KSUIDs (the counter lives in the random payload).
"""

import secrets
import time

ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
EPOCH = 1_400_000_000
LENGTH = 27
_COUNTER_DIGITS = 5
_COUNTER_SPAN = 62**_COUNTER_DIGITS
_PAIRS = [a + b for a in ALPHABET for b in ALPHABET]
_MAX = (1 << 160) - 1


def _base62(number: int, width: int) -> str:
    digits = []
    for _ in range(width):
        number, remainder = divmod(number, 62)
        digits.append(ALPHABET[remainder])
    return "".join(reversed(digits))


def ksuids(count: int, *, now: float | None = None) -> list[str]:
    """`count` new KSUIDs, ascending."""
    timestamp = int(now if now is not None else time.time()) - EPOCH
    while True:
        base = (timestamp << 128) | secrets.randbits(128)
        base -= base % _COUNTER_SPAN
        if count <= _COUNTER_SPAN and base + count - 1 <= _MAX:
            break
        if count > _COUNTER_SPAN:
            raise ValueError(f"At most {_COUNTER_SPAN} ids per call.")
    prefix = _base62(base // _COUNTER_SPAN, LENGTH - _COUNTER_DIGITS)
    pairs, alphabet = _PAIRS, ALPHABET
    return [prefix + pairs[n // 62**3] + pairs[(n // 62) % 3844] + alphabet[n % 62] for n in range(count)]


def ksuid() -> str:
    return ksuids(1)[0]
