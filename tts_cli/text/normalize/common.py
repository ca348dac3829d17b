"""Helpers any language's verbalizer may use: roman numerals, scene breaks, e-mail/URL spelling.

Nothing here knows a language: callers pass the words (``at``, ``dot``...) and a function that
reads digits, so German, French and English share one skeleton.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping

__all__ = [
    "EMAIL",
    "ORNAMENT",
    "ORNAMENT_LINE",
    "URL",
    "int_to_roman",
    "is_roman",
    "roman_to_int",
    "spell_electronic",
]

_ROMAN_VALUES = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100, "D": 500, "M": 1000}
_ROMAN_PAIRS = (
    (1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
    (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"),
)  # fmt: skip
_VALID_ROMAN = re.compile(r"M{0,3}(?:CM|CD|D?C{0,3})(?:XC|XL|L?X{0,3})(?:IX|IV|V?I{0,3})")

# A scene break: three or more of * ~ - _ = # • · (with spaces between or not), nothing else.
ORNAMENT = re.compile(r"(?:[*~\-_=#•·⁂]\s*){3,}|⁂")
ORNAMENT_LINE = re.compile(r"^[ \t]*(?:(?:[*~\-_=#•·][ \t]*){3,}|⁂)[ \t]*$", re.MULTILINE)

# user@host.tld and URLs (scheme://..., www...., or a bare host with a common top-level domain)
EMAIL = re.compile(r"(?<![\w.@])[\w.+&-]+@[\w-]+(?:\.[\w-]+)+(?:/[\w./-]*)?", re.ASCII)
_TLD = (
    r"com|org|net|edu|gov|mil|int|info|biz|io|ai|co|uk|us|de|fr|es|it|pt|ru|cn|jp|eu|ca|au|nl|"
    r"ch|se|no|dk|fi|pl|be|at|br|in|sm|tv|me|app|dev"
)
URL = re.compile(
    r"(?<![\w@/])(?:(?:https?|ftp|file)://+[^\s<>\"')\]]*[^\s<>\"')\].,;:!?]"
    r"|www\.[^\s<>\"')\]]*[^\s<>\"')\].,;:!?]"
    rf"|[A-Za-z][\w-]*(?:\.[\w-]+)*\.(?:{_TLD})\b(?:/[^\s<>\"')\]]*[^\s<>\"')\].,;:!?])?/?)",
)


def roman_to_int(roman: str) -> int | None:
    """``"XIV"`` -> 14; None when ``roman`` is not a well-formed numeral (``"IIII"``, ``"VX"``)."""
    roman = roman.upper()
    if not roman or not _VALID_ROMAN.fullmatch(roman):
        return None
    total = 0
    for i, ch in enumerate(roman):
        value = _ROMAN_VALUES[ch]
        nxt = _ROMAN_VALUES[roman[i + 1]] if i + 1 < len(roman) else 0
        total += -value if value < nxt else value
    return total


def is_roman(word: str) -> bool:
    """True for a well-formed upper-case roman numeral."""
    return word.isupper() and roman_to_int(word) is not None


def int_to_roman(value: int) -> str:
    """14 -> ``"XIV"`` (1-3999)."""
    if not 0 < value < 4000:
        raise ValueError(f"no roman numeral for {value}")
    out = []
    for n, letters in _ROMAN_PAIRS:
        while value >= n:
            out.append(letters)
            value -= n
    return "".join(out)


_PIECE = re.compile(r"[A-Za-z]+|\d+|[^A-Za-z\d]")


def spell_electronic(
    text: str,
    symbols: Mapping[str, str],
    digits: Callable[[str], str],
    word: Callable[[str], str] = lambda w: w,
) -> str:
    """Spell an e-mail address or URL: letters as words, ``digits`` for digit runs, and each
    other character as ``symbols[ch]`` (dropped when it has no entry).

    ``word`` may change a letter run (say ``"HTTP"`` for ``"http"``).
    """
    out = []
    for piece in _PIECE.findall(text):
        if piece[0].isdigit():
            out.append(digits(piece))
        elif piece[0].isalpha():
            out.append(word(piece))
        elif piece in symbols:
            out.append(symbols[piece])
    return " ".join(p for p in out if p)
