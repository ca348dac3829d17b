"""Speakable text: what a chunk's source says, in the form the model reads best.

Chatterbox ships ``punc_norm`` (chatterbox/tts.py): collapse spaces, ellipses
and colons/semicolons to commas, smart quotes to straight ones, dashes to
hyphens, capitalise the first letter, add a final full stop. We do the same
here (without importing chatterbox), with three changes for books:

* a dash between words (``--``, ``—``, `` – ``) is a pause, so it becomes a
  comma rather than a hyphen that glues two words together;
* characters the tokenizers have no voice for (``_italics_`` underscores,
  ``[5]`` footnote markers, ``* * *`` ornaments, ``#``, ``|``, control and
  zero-width characters) are removed, and ``&``/``%`` are spelled out;
* numbers are spelled out with num2words in the chunk's language where it
  supports the language (18 of the 23): "1812" -> "eighteen twelve" in
  English, "mille huit cent douze" in French; "3rd" -> "third".

The source text itself is never changed: chunks keep it next to this form.
"""

from __future__ import annotations

import functools
import logging
import re
import unicodedata

from tts_cli.text.languages import PROFILES

logger = logging.getLogger(__name__)

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
#: Languages that write 1.000,5 (dot for thousands, comma for decimals).
_DECIMAL_COMMA = frozenset("da de el es fi fr it nl no pl pt ru sv tr".split())
_CJK_STOPS = "。！？"

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u2064\ufeff]")
_SOFT_HYPHEN = re.compile("\u00ad")
_DIGIT = re.compile(r"\d")
_ALNUM = re.compile(r"[^\W_]")
_FOOTNOTE = re.compile(r"\[\d{1,4}\]|\[[a-z]\]|\[\*+\]")
_UNDERSCORE = re.compile(r"(?<!\w)_+|_+(?!\w)")
_DASH = re.compile(r"\s*(?:--+|—|―|\s–\s|\s-\s)\s*")
_ELLIPSIS = re.compile(r"\s*(?:\.\s?){3,}|\s*…")
_SPACE_BEFORE_PUNCT = re.compile(r"\s+([,.!?;:])")
_COMMA_RUN = re.compile(r"(?:,\s*){2,}")
_COMMA_BEFORE_CLOSE = re.compile(r",\s*([\"')]+)$")
_UNVOICED = re.compile(r"[#*|~^<>{}\[\]\\=+@`\u200b-\u200f\u2028-\u202f\u2060\ufeff]")
_NUMBER = re.compile(
    r"(?<![\w.,])(?P<num>\d{1,3}(?:(?P<sep>[,.\u00a0\u202f ])\d{3})+(?:[.,]\d+)?|\d+(?:[.,]\d+)?)"
    r"(?P<suffix>st|nd|rd|th|er|re|e|ème|º|ª)?(?![\w])"
)
_CURRENCY = re.compile(r"([$£€])\s?(\d[\d,]*(?:\.\d+)?)")
_CURRENCY_EN = {"$": "dollars", "£": "pounds", "€": "euros"}
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


def speakable(text: str, lang: str) -> str:
    """The form of ``text`` a TTS model should read: Chatterbox's ``punc_norm`` plus book clean-up.

    Returns "" when nothing in ``text`` can be voiced (an ornament, a lone footnote mark).
    """
    if not text.isascii():
        text = unicodedata.normalize("NFC", text)
        text = _SOFT_HYPHEN.sub("", text)
    text = _CONTROL.sub(" ", text)
    text = _FOOTNOTE.sub(" ", text)
    text = _UNDERSCORE.sub("", text)
    text = text.replace("&", f" {_AND.get(lang, 'and')} ")
    if lang in _PERCENT:
        text = re.sub(r"\s?%", f" {_PERCENT[lang]}", text)
    if lang == "en":
        text = _CURRENCY.sub(lambda m: f"{m.group(2)} {_CURRENCY_EN[m.group(1)]}", text)
    text = _HEADING_ROMAN.sub(_roman_to_digits, text)
    text = spell_numbers(text, lang)
    text = _ELLIPSIS.sub(", ", text)
    text = _DASH.sub(", ", text)
    text = re.sub(r"«\s*", '"', text)
    text = re.sub(r"\s*»", '"', text)
    for old, new in (
        ("“", '"'), ("”", '"'), ("„", '"'), ("‹", "'"), ("›", "'"),
        ("‘", "'"), ("’", "'"), ("‚", "'"), ("–", "-"), ("‐", "-"), ("‑", "-"),
        (":", ","), (";", ","),
    ):  # fmt: skip
        text = text.replace(old, new)
    text = _UNVOICED.sub(" ", text)
    text = " ".join(text.split())
    text = _SPACE_BEFORE_PUNCT.sub(r"\1", text)
    text = _COMMA_RUN.sub(", ", text)
    text = _COMMA_BEFORE_CLOSE.sub(r"\1", text)
    text = text.strip(" ,")
    if not _ALNUM.search(text):
        return ""
    if text[0].islower():
        text = text[0].upper() + text[1:]
    # A quote or bracket after the final stop is fine: '"Yes."' ends in a stop.
    core = text.rstrip("\"') ")
    tail = text[len(core) :].replace(" ", "")
    core = core.rstrip(" ,")
    text = core + tail
    if core and core[-1] not in ".!?-" + _CJK_STOPS:
        cjk = lang in PROFILES and PROFILES[lang].cjk and lang != "ko"
        text += "。" if cjk else "."
    return text
