"""Numbers spelled out with num2words: the verbalizer of languages without one of their own.

"1812" -> "eighteen twelve" in English, "mille huit cent douze" in French; "3rd" -> "third";
"CHAPTER IV" -> "CHAPTER 4" first, so the numeral is read as a number, not as "I".
"""

from __future__ import annotations

import functools
import re

from tts_cli.text.languages import PROFILES

_AND = {
    "ar": "و", "da": "og", "de": "und", "el": "και", "en": "and", "es": "y", "fi": "ja",
    "fr": "et", "he": "ו", "hi": "और", "it": "e", "ja": "と", "ko": "와", "ms": "dan",
    "nl": "en", "no": "og", "pl": "i", "pt": "e", "ru": "и", "sv": "och", "sw": "na",
    "tr": "ve", "zh": "和",
}  # fmt: skip
_PERCENT = {
    "da": "procent", "de": "Prozent", "en": "percent", "es": "por ciento", "fi": "prosenttia",
    "fr": "pour cent", "it": "per cento", "nl": "procent", "no": "prosent", "pl": "procent",
    "pt": "por cento", "ru": "процентов", "sv": "procent", "tr": "yüzde", "ms": "peratus",
}  # fmt: skip
_CURRENCY = re.compile(r"([$£€])\s?(\d[\d,]*(?:\.\d+)?)")
_CURRENCY_EN = {"$": "dollars", "£": "pounds", "€": "euros"}

_DECIMAL_COMMA = frozenset("da de el es fi fr it nl no pl pt ru sv tr".split())
_DIGIT = re.compile(r"\d")
_NUMBER = re.compile(
    r"(?<![\w.,])(?P<num>\d{1,3}(?:(?P<sep>[,.\u00a0\u202f ])\d{3})+(?:[.,]\d+)?|\d+(?:[.,]\d+)?)"
    r"(?P<suffix>st|nd|rd|th|er|re|e|ème|º|ª)?(?![\w])"
)
_MAX_DIGITS = 15  # longer digit strings (phone numbers, ids) are left for the model


_HEADING_ROMAN = re.compile(
    r"\b((?i:chapter|chap|part|book|volume|canto|act|chapitre|partie|livre|tome|kapitel|teil|"
    r"buch|capítulo|capitulo|parte|libro|capitolo|hoofdstuk|deel|kapittel|del|luku|bölüm|"
    r"глава|часть))(\.?\s+)([IVXLC]{1,7})\b"
    # only where a heading ends: "CHAPTER IV." / "Book I" / "Part II: Title", not "book I read"
    r"(?=\s*(?:[.:,;—–-]|$)|\s+[A-Z\"'“«])"
)
_ROMAN_VALUES = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100}


def _roman_to_digits(m: re.Match[str]) -> str:
    """ "CHAPTER IV" -> "CHAPTER 4", so it is read as a number, not as the pronoun "I"."""
    roman = m.group(3).upper()
    total = 0
    for i, ch in enumerate(roman):
        value = _ROMAN_VALUES[ch]
        nxt = _ROMAN_VALUES[roman[i + 1]] if i + 1 < len(roman) else 0
        total += -value if value < nxt else value
    if total <= 0:
        return m.group(0)
    return f"{m.group(1)}{m.group(2)}{total}"


@functools.lru_cache(maxsize=1)
def _num2words():
    try:
        from num2words import num2words
    except ImportError:  # pragma: no cover - a declared dependency
        return None
    return num2words


def _spell_number(m: re.Match[str], lang: str) -> str:
    n2w_lang = PROFILES[lang].num2words_lang if lang in PROFILES else None
    convert = _num2words()
    raw = m.group("num")
    suffix = m.group("suffix") or ""
    if n2w_lang is None or convert is None or sum(c.isdigit() for c in raw) > _MAX_DIGITS:
        return m.group(0)
    if raw.isdigit() and len(raw) > 1 and raw[0] == "0":  # "0701234": a code, digit by digit
        return " ".join(convert(int(d), lang=n2w_lang) for d in raw) + suffix
    decimal_comma = lang in _DECIMAL_COMMA
    dec_mark, group_marks = (",", ". \u00a0\u202f") if decimal_comma else (".", ",\u00a0\u202f")
    sep = m.group("sep")
    if sep == " " and not decimal_comma:
        # "in 1812 300 men": a plain space groups digits only in 1 200-style languages.
        return (
            _NUMBER.sub(lambda x: _spell_number(x, lang), raw.replace(" ", "\x00")).replace(
                "\x00", " "
            )
            + suffix
        )
    digits = raw
    if sep and sep in group_marks:
        head, mark, frac = raw.rpartition(dec_mark) if dec_mark in raw else (raw, "", "")
        digits = "".join(c for c in head if c.isdigit()) + (dec_mark + frac if mark else "")
    try:
        if dec_mark in digits:
            whole, frac = digits.split(dec_mark, 1)
            if not (whole.isdigit() and frac.isdigit()):
                return m.group(0)
            words = convert(float(f"{whole}.{frac}"), lang=n2w_lang)
        elif digits.isdigit():
            value = int(digits)
            ordinal = (
                (lang == "en" and suffix in ("st", "nd", "rd", "th"))
                or (lang == "fr" and suffix in ("er", "re", "e", "ème"))
                or (lang in ("es", "it", "pt") and suffix in ("º", "ª"))
            )
            if ordinal:
                words = convert(value, lang=n2w_lang, to="ordinal")
                suffix = ""
            elif lang == "en" and not sep and 1100 <= value <= 1999:
                # "1812" reads as a year: "eighteen twelve".
                words = convert(value, lang=n2w_lang, to="year")
            else:
                words = convert(value, lang=n2w_lang)
        else:
            return m.group(0)
    except (NotImplementedError, ValueError, OverflowError, TypeError, KeyError, IndexError):
        return m.group(0)
    return words + suffix


def spell_numbers(text: str, lang: str) -> str:
    """Spell out numbers in ``lang`` with num2words; unchanged where it has no such language."""
    if not _DIGIT.search(text):
        return text
    return _NUMBER.sub(lambda m: _spell_number(m, lang), text)


def symbols(text: str, lang: str) -> str:
    """``&`` and ``%`` as words of ``lang`` (``and``/``percent`` where it has no entry)."""
    text = text.replace("&", f" {_AND.get(lang, 'and')} ")
    if lang in _PERCENT:
        text = re.sub(r"\s?%", f" {_PERCENT[lang]}", text)
    return text


def verbalize(text: str, lang: str) -> str:
    """Written forms to words for ``lang``: symbols, chapter numerals, then numbers."""
    text = symbols(text, lang)
    if lang == "en":
        text = _CURRENCY.sub(lambda m: f"{m.group(2)} {_CURRENCY_EN[m.group(1)]}", text)
    text = _HEADING_ROMAN.sub(_roman_to_digits, text)
    return spell_numbers(text, lang)


_DIGIT_RUN = re.compile(r"\d+")
_LEFTOVER_MAX_DIGITS = 6  # longer runs (codes, ids) are read digit by digit


def spell_leftovers(text: str, lang: str) -> str:
    """Digits a verbalizer left (serials like "a1b2", odd groupings) as words of ``lang``, so
    no digit reaches the model; unchanged where num2words does not know the language."""
    if not _DIGIT.search(text):
        return text
    n2w_lang = PROFILES[lang].num2words_lang if lang in PROFILES else None
    convert = _num2words()
    if n2w_lang is None or convert is None:
        return text

    def words(m: re.Match[str]) -> str:
        raw = m.group(0)
        try:
            if len(raw) <= _LEFTOVER_MAX_DIGITS and not (len(raw) > 1 and raw[0] == "0"):
                spoken = convert(int(raw), lang=n2w_lang)
            else:
                spoken = " ".join(convert(int(d), lang=n2w_lang) for d in raw)
        except (NotImplementedError, ValueError, OverflowError, TypeError, KeyError):
            return raw
        return f" {spoken} "

    return _DIGIT_RUN.sub(words, text)
