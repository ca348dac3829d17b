"""Text-like written forms shared by the Romance verbalizers: e-mail addresses and URLs,
phone numbers, abbreviation tables and roman numerals (regnal names, centuries)."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tts_cli.text.normalize._romance import Romance


def spell(spec: Romance, token: str) -> str:
    """A token of an address, letter by letter unless it is a known word; digits as digits."""
    out = []
    for part in re.findall(r"[^\W\d_]+|\d", token):
        if part.isdigit():
            out.append(spec.cardinal(int(part)))
        elif part.lower() in spec.known_words:
            out.append(part)
        else:
            out.append(" ".join(part))
    return " ".join(out)


# --- electronic addresses and phone numbers ---------------------------------------------------

# Names read as words inside addresses; everything else is spelled ("a b c punto com").
KNOWN_WORDS = frozenset(
    "com net gmail hotmail yahoo outlook google nvidia microsoft facebook netflix amazon youtube "
    "twitter instagram wikipedia linkedin apple".split()
)
_TLD = r"(?:com|org|net|edu|gov|info|io|fr|es|it|pt|br|de|uk|us|mx|ar|be|ch|ca|eu)"
_EMAIL = re.compile(r"(?<![\w@])[\w.!+-]*\w@[\w-]+(?:\.[\w-]+)+")
_URL = re.compile(
    r"(?<![\w@])(?:https?://[^\s]+|www\.[^\s]+|[a-z][\w-]*(?:\.[\w-]+)*\." + _TLD + r"(?:/[^\s]*)?)"
    r"(?<![.,;:!?)])",
    re.IGNORECASE,
)
_HANDLE = re.compile(r"(?<![\w@])@(\w+(?:\.\w+)*)")
_E_SPLIT = re.compile(r"(://|[./:@_\-!&|^])")


def _address(spec: Romance, text: str) -> str:
    out = []
    for piece in _E_SPLIT.split(text):
        if not piece:
            continue
        if piece == "://":
            out += [spec.e_words[":"], spec.e_words["/"], spec.e_words["/"]]
        elif piece in spec.e_words:
            out.append(spec.e_words[piece])
        else:
            out.append(spell(spec, piece))
    return " " + " ".join(out) + " "


def electronic(spec: Romance, text: str) -> str:
    """E-mail addresses, URLs and @handles, spelled with the language's words for the signs."""
    if "@" in text:
        text = _EMAIL.sub(lambda m: _address(spec, m.group(0)), text)
        text = _HANDLE.sub(lambda m: _address(spec, "@" + m.group(1)), text)
    if "." in text:
        text = _URL.sub(lambda m: _address(spec, m.group(0)), text)
    return text


_IP = re.compile(r"(?<![\w.])\d{1,3}(?:\.\d{1,3}){3}(?![\w.])")
_PHONE = re.compile(
    r"(?<![\w+])(\+\d{1,3}[ -]?)?(\(\d{2,3}\) ?)?((?:\d{2,4}[ -])*\d{3,5}-\d{4}|\d{3}-\d{3}-\d{3})"
    r"(?:(?:-| ext\.? )(\d{1,5}))?(?![\w-])"
)


# "+34 912 345 678", "+39 06 1234 5678": a leading "+" makes any digit groups a phone number
_INTERNATIONAL = re.compile(r"(?<![\w+])\+(\d{1,3})((?:[ .-]?\(?\d{1,4}\)?){2,6})(?![\w]|[.,]\d)")
_YEARS = re.compile(r"(1\d|20)\d\d-(1\d|20)\d\d")


def phones(spec: Romance, text: str, ext: str, country_number: bool) -> str:
    """Phone numbers digit by digit ("+33" as a number where ``country_number``); IP addresses."""
    digits = lambda s: " ".join(spec.cardinal(int(c)) for c in s if c.isdigit())  # noqa: E731

    def phone(m: re.Match[str]) -> str:
        if not m.group(1) and not m.group(2) and _YEARS.fullmatch(m.group(3)):
            return m.group(0)  # "1936-1939": a range of years
        words = []
        if m.group(1):
            code = m.group(1).strip(" -+")
            spoken = spec.cardinal(int(code)) if country_number and len(code) == 2 else digits(code)
            words += [spec.plus, spoken]
        words.append(digits((m.group(2) or "") + m.group(3)))
        if m.group(4):
            words += [ext, digits(m.group(4))]
        return " ".join(words)

    def ip(m: re.Match[str]) -> str:
        parts = m.group(0).split(".")
        if all(len(p) == 3 for p in parts[1:]):
            return m.group(0)  # "1.000.000.000": thousands
        return f" {spec.e_words['.']} ".join(digits(p) for p in parts)

    def international(m: re.Match[str]) -> str:
        code = m.group(1)
        spoken = spec.cardinal(int(code)) if country_number and len(code) == 2 else digits(code)
        return f"{spec.plus} {spoken} {digits(m.group(2))}"

    text = _IP.sub(ip, text)
    text = _PHONE.sub(phone, text)
    return _INTERNATIONAL.sub(international, text) if "+" in text else text


def abbreviation_table(entries: dict[str, str], ignore_case: bool = True) -> tuple:
    """One pattern for all ``entries`` and the replacement of each of its groups; a key
    ending in "." matches only with its stop, a key written with a leading "^" only before a
    capitalised word ("M. Dupont"), one with a leading "~" only before a number ("p. 45")."""
    alternatives, words = [], []
    for key, spoken in sorted(entries.items(), key=lambda kv: -len(kv[0].lstrip("^~"))):
        before_name = key.startswith("^")
        before_number = key.startswith("~")
        key = key.lstrip("^~")
        tail = r"(?=\s+[A-ZÀ-Ý])" if before_name else (r"\b" if key[-1].isalnum() else r"(?!\w)")
        tail = r"(?=\s?\d)" if before_number else tail
        body = re.escape(key) if before_name or not ignore_case else f"(?i:{re.escape(key)})"
        alternatives.append(f"({body}){tail}")
        words.append(spoken)
    return re.compile(r"(?<![\w.])(?:" + "|".join(alternatives) + ")"), tuple(words)


# --- roman numerals ---------------------------------------------------------------------------

_ROMAN = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100, "D": 500, "M": 1000}
_ROMAN_OK = re.compile(r"M{0,4}(CM|CD|D?C{0,3})(XC|XL|L?X{0,3})(IX|IV|V?I{0,3})", re.IGNORECASE)


def roman_value(s: str) -> int | None:
    """ "XIV" -> 14; None when ``s`` is not a well-formed numeral."""
    if not s or not _ROMAN_OK.fullmatch(s):
        return None
    s = s.upper()
    total = 0
    for i, ch in enumerate(s):
        value = _ROMAN[ch]
        total += -value if i + 1 < len(s) and value < _ROMAN[s[i + 1]] else value
    return total


_REGNAL = re.compile(r"(?<![\w.])([A-ZÀ-Ý][a-zà-ÿ]+) ((?:[IVX]{2,6}|[IVX]))(?![\w'’])")


def regnal(text: str, read: Callable[[int, str], str], skip: frozenset[str] = frozenset()) -> str:
    """ "Louis XIV" -> "Louis " + read(14, "Louis"); words in ``skip`` are not names."""

    def sub(m: re.Match[str]) -> str:
        value = roman_value(m.group(2))
        if value is None or m.group(1) in skip:
            return m.group(0)
        return f"{m.group(1)} {read(value, m.group(1))}"

    return _REGNAL.sub(sub, text)
