"""speakable(): Chatterbox's punc_norm clean-up plus numbers and book clutter."""

from __future__ import annotations

import pytest

from tts_cli.text import speakable


@pytest.mark.parametrize(
    ("source", "lang", "expected"),
    [
        # punc_norm: ellipsis, colon/semicolon, smart quotes, spaces, capital, final stop
        ("well...  then: “yes”; fine", "en", 'Well, then, "yes", fine.'),
        ("He said ‘no’", "en", "He said 'no'."),
        ("Really?", "en", "Really?"),
        ("“Hello,” she said—“world…”", "en", '"Hello," she said, "world".'),
        # dashes between words are pauses, hyphens inside words stay
        ("Mr.  James--Dillingham Young", "en", "Mister James, Dillingham Young."),
        ("-- Bonjour, dit-il", "fr", "Bonjour, dit-il."),
        ("« Bonjour » dit-il", "fr", '"Bonjour" dit-il.'),
        # clutter that no voice reads
        ("_Was_ I the same? [5]", "en", "Was I the same?"),
        ("A & B # C | D", "en", "A and B C D."),
        # numbers, per language
        (
            "He paid $8 in 1812 for the 3rd time.",
            "en",
            "He paid eight dollars in eighteen twelve for the third time.",
        ),
        (
            "It cost 1,000,000 or 3.5 percent",
            "en",
            "It cost one million or three point five percent.",
        ),
        (
            "vers 1812, le 1er mai, 1 200 francs",
            "fr",
            "Vers mille huit cent douze, le premier mai, mille deux cents francs.",
        ),
        ("Es kostet 1.000,50 Euro", "de", "Es kostet eintausend Euro fünfzig."),
        ("50% of it", "en", "Fifty percent of it."),
        # Chinese reads years digit by digit; CJK gets a CJK full stop; num2words-less languages keep digits
        ("今天是2023年", "zh", "今天是二零二三年。"),
        ("Namba 42", "sw", "Namba 42."),
    ],
)
def test_speakable(source, lang, expected):
    assert speakable(source, lang) == expected


@pytest.mark.parametrize("source", ["* * *", "[12]", "  ", "---", "___"])
def test_nothing_to_say(source):
    assert speakable(source, "en") == ""


def test_long_digit_strings_are_left_alone():
    # languages without a verbalizer of their own leave them for the model
    assert "1234567890123456789" in speakable("Call 1234567890123456789 now", "sv")


def test_long_digit_strings_are_read_digit_by_digit_in_english():
    assert speakable("Call 12345678901234567 now", "en") == (
        "Call one two three four five six seven eight nine zero one two three four five six"
        " seven now."
    )


@pytest.mark.parametrize(
    ("source", "lang", "expected"),
    [
        ("CHAPTER IV. Down the Rabbit-Hole", "en", "CHAPTER four. Down the Rabbit-Hole."),
        ("Chapitre XII", "fr", "Chapitre douze."),
        ("Kapitel III", "de", "Kapitel drei."),
        ("Then I went home", "en", "Then I went home."),
        ("the book I read", "en", "The book I read."),
        ("Part I was good", "en", "Part I was good."),
        ("PART II: THE RETURN", "en", "PART two, THE RETURN."),
    ],
)
def test_roman_numerals_after_heading_words_are_read_as_numbers(source, lang, expected):
    # regression: "CHAPTER I" was read with the pronoun "I"
    assert speakable(source, lang) == expected
