"""Reading age and sentences of English plain text.

Reading age is the Flesch-Kincaid grade plus 5 (a US school grade to an age), rounded:

    grade = 0.39 x (words / sentences) + 11.8 x (syllables / words) - 15.59

This is textstat's formula. textstat 0.7.13 counts English syllables with NLTK's
cmudict, which it downloads from GitHub at run time (and retries on every call when
offline), so it cannot run in production or CI here. Syllables are counted instead the
way textstat does for words cmudict does not know: hyphenation points from pyphen's
en_GB dictionary (a dependency of textstat), plus one.

Sentences end at ``.``, ``!`` or ``?`` followed by a space, or at a line break: in a
message, headings, list items and short paragraphs are read as separate sentences.
Readability scores mean little for short texts, so callers skip texts below
:data:`MIN_WORDS_FOR_READING_AGE` words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from pyphen import Pyphen

MIN_WORDS_FOR_READING_AGE = 30
READING_AGE_OFFSET = 5

_WORD_PATTERN = re.compile(r"[A-Za-z0-9]+(?:['’][A-Za-z]+)*")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


@dataclass(frozen=True, slots=True)
class Sentence:
    """A sentence and the 1-based line it starts on."""

    line: int
    text: str

    @property
    def word_count(self) -> int:
        return len(words(self.text))


def words(text: str) -> list[str]:
    """The words of ``text``: runs of letters and digits, with apostrophes inside."""
    return _WORD_PATTERN.findall(text)


def sentences(text: str) -> list[Sentence]:
    """Split ``text`` into sentences (see the module rules), skipping ones with no words."""
    found: list[Sentence] = []
    for line_number, line in enumerate(text.splitlines(), start=1):
        for part in _SENTENCE_END.split(line):
            if words(part):
                found.append(Sentence(line_number, part.strip()))
    return found


@lru_cache(maxsize=1)
def _hyphenator() -> Pyphen:
    return Pyphen(lang="en_GB")


def syllable_count(word: str) -> int:
    """Estimated syllables in one word: hyphenation points plus one."""
    return len(_hyphenator().positions(word.lower())) + 1


def reading_age(text: str) -> int | None:
    """Flesch-Kincaid reading age in years, or None when the text has no words."""
    all_words = words(text)
    sentence_count = len(sentences(text))
    if not all_words or not sentence_count:
        return None
    syllables = sum(syllable_count(word) for word in all_words)
    grade = 0.39 * (len(all_words) / sentence_count) + 11.8 * (syllables / len(all_words)) - 15.59
    return max(round(grade + READING_AGE_OFFSET), 0)
