"""Reading age and sentences."""

from __future__ import annotations

from templates_app.content.readability import (
    Sentence,
    reading_age,
    sentences,
    syllable_count,
    words,
)


def test_sentences_split_at_end_punctuation_and_line_breaks() -> None:
    text = "Hello there. How are you?\n# Your appointment\n- Bring your letter!\n\n..."
    assert sentences(text) == [
        Sentence(1, "Hello there."),
        Sentence(1, "How are you?"),
        Sentence(2, "# Your appointment"),
        Sentence(3, "- Bring your letter!"),
    ]


def test_words_keep_apostrophes_and_ignore_punctuation() -> None:
    assert words("You're due on 3 March - don't be late.") == [
        "You're", "due", "on", "3", "March", "don't", "be", "late",
    ]  # fmt: skip
    assert Sentence(1, "One two, three.").word_count == 3


def test_syllables_use_hyphenation() -> None:
    assert (
        syllable_count("the"),
        syllable_count("appointment"),
        syllable_count("facilitate"),
    ) == (1, 3, 4)


def test_reading_age_of_plain_and_complex_text() -> None:
    # Given short everyday sentences
    plain = "Your appointment is on Tuesday. Please arrive 10 minutes early. Bring a list of your medicines."
    # And a long sentence of long words
    complex_text = (
        "Notwithstanding the aforementioned considerations, patients necessitating rescheduling "
        "should communicate expeditiously with the administrative department."
    )
    # Then the first reads at about 7 and the second far above 11
    assert reading_age(plain) == 7
    assert reading_age(complex_text) == 30
    assert reading_age("") is None
