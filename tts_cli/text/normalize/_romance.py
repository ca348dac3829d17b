"""Shared machinery of the French, Spanish, Italian and Portuguese verbalizers.

A language describes itself with a frozen :class:`Romance` (its words for the comma, minus,
currencies, units, months...) and :func:`make_verbalizer` chains the passes, most specific
first: e-mails and URLs, phone numbers, the language's own times and dates, money, measures
and percentages, math, fractions, ordinals, roman numerals, abbreviations, ranges, and last
the plain numbers. Each pass writes words only, so a later pass never re-reads its output.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from tts_cli.text.normalize import numbers
from tts_cli.text.normalize._romance_num import CARDINAL, ORDINAL, fraction
from tts_cli.text.normalize._romance_text import (  # noqa: F401  (re-exported for languages)
    KNOWN_WORDS,
    abbreviation_table,
    electronic,
    phones,
    regnal,
    roman_value,
)

# A number as written in these languages: "1 234 567", "1.234.567", "3,50", "1.000,25".
NUM = r"(?:\d{1,3}(?:[.\u00a0\u202f ]\d{3})+(?:,\d+)?(?![.,]?\d)|\d+(?:,\d+)?)"
_NUM_RE = re.compile(rf"(?<![\w,.])(-)?({NUM})(?![\w])(?=\s([^\W\d_]+))?")


@dataclass(frozen=True)
class Noun:
    """A counted noun: a currency or a unit."""

    one: str  # singular: "euro"
    many: str  # plural: "euros"
    fem: bool = False  # agreement of the number before it ("una libra")
    minor: Noun | None = None  # the cents of a currency
    bare: bool = False  # the number keeps its full form: "uno por ciento", not "un"


@dataclass(frozen=True)
class Romance:
    """What a Romance language's verbalizer needs to know about the language."""

    lang: str
    comma: str  # the decimal comma: "virgule"
    minus: str
    plus: str
    equals: str
    times: str  # "×"
    less: str
    greater: str
    less_equal: str
    greater_equal: str
    not_equal: str
    digits_after_comma: bool  # pt: "3,14" -> "três vírgula um quatro"
    currencies: dict[str, Noun]  # symbol or code (lower case) -> noun
    units: dict[str, Noun]  # symbol -> noun; "%" included
    scales: tuple[str, ...]  # "millions", "milliards": "3,5 millions d'euros"
    of: str  # "de": "un million de dollars"
    minor_joiner: str  # between the major and minor amounts: " " or " e "
    name_minor: bool  # say the minor unit when there is a major amount ("euros cinquante")
    range_word: str  # "10-20": "dix à vingt"
    and_word: str  # "1 1/2": "un et demi"
    e_words: dict[str, str]  # ".", "@", "/", ":", "-", "_" -> words
    known_words: frozenset[str] = frozenset()  # read as words in URLs (not spelled)
    abbreviations: tuple = ()  # abbreviation_table(): (pattern, replacement of each group)
    feminine_nouns: frozenset[str] = frozenset()
    masculine_nouns: frozenset[str] = frozenset()
    extra: tuple[Callable[[str], str], ...] = field(default=())  # language passes, run first
    late: tuple[Callable[[str], str], ...] = field(
        default=()
    )  # language passes, run before numbers

    def feminine(self, noun: str) -> bool:
        """Whether ``noun`` (lower case, after a number) is feminine, by its ending or a list."""
        if noun in self.masculine_nouns:
            return False
        return noun in self.feminine_nouns or (
            self.lang != "fr"
            and noun.endswith(("a", "as", "ção", "ções", "ión", "iones", "dad", "dades"))
        )

    def cardinal(self, n: int, fem: bool = False, short: bool = False) -> str:
        """The cardinal of ``n``."""
        return CARDINAL[self.lang](n, fem, short)

    def ordinal(self, n: int, fem: bool = False, short: bool = False) -> str:
        """The ordinal of ``n``."""
        return ORDINAL[self.lang](n, fem, short)


def to_int(raw: str) -> int:
    """ "1 234" / "1.234" -> 1234."""
    return int(re.sub(r"\D", "", raw))


def split_number(raw: str) -> tuple[int, str | None]:
    """ "1.234,50" -> (1234, "50"); "12" -> (12, None)."""
    whole, _, frac = raw.partition(",")
    return to_int(whole), (frac or None)


def read_fraction_digits(spec: Romance, frac: str, short: bool = False, fem: bool = False) -> str:
    """Digits after the comma: one by one (pt), else as a number up to three digits ("trois
    cent trois"), in pairs beyond; leading zeros are read as zeros."""
    card = spec.cardinal
    if spec.digits_after_comma:
        words = [card(int(c)) for c in frac]
        if short:
            words[-1] = card(int(frac[-1]), fem, short=True)
        return " ".join(words)
    zeros = len(frac) - len(frac.lstrip("0"))
    if len(frac) <= 3 and zeros == 0:
        return card(int(frac), fem, short=short)
    chunks = [frac[i : i + 2] for i in range(0, len(frac), 2)]
    words = []
    for i, chunk in enumerate(chunks):
        end = short and i == len(chunks) - 1
        if chunk.startswith("0"):
            words += [card(int(c), end and fem, end and j == 1) for j, c in enumerate(chunk)]
        else:
            words.append(card(int(chunk), end and fem, short=end))
    return " ".join(words)


def read_number(spec: Romance, raw: str, fem: bool = False, short: bool = False) -> str:
    """A written number as words: "3,50" -> "trois virgule cinquante"."""
    whole, frac = split_number(raw)
    if frac is None:
        return spec.cardinal(whole, fem, short)
    return (
        f"{spec.cardinal(whole, fem)} {spec.comma} {read_fraction_digits(spec, frac, short, fem)}"
    )


# --- money, measures, math --------------------------------------------------------------------


# Patterns built from a language's tables, compiled on first use: (lang, pass) -> pattern(s).
_COMPILED: dict[tuple[str, str], object] = {}


def _alternation(keys) -> str:
    return "|".join(re.escape(k) for k in sorted(keys, key=len, reverse=True))


def quantity(spec: Romance, raw: str, noun: Noun, scale: str | None = None) -> str:
    """ "3,5" + "millions" + euro -> "trois virgule cinq millions d'euros"; "12" -> "douze euros"."""
    whole, frac = split_number(raw)
    if scale:
        number = read_number(spec, raw, short=True)
        return f"{number} {scale} {of(spec, noun.many)}"
    if frac is None and whole and whole % 1_000_000 == 0:
        return f"{spec.cardinal(whole, short=True)} {of(spec, noun.many)}"
    number = read_number(spec, raw, noun.fem and not noun.bare, short=not noun.bare)
    return f"{number} {noun.one if whole == 1 and frac is None else noun.many}"


def of(spec: Romance, word: str) -> str:
    """ "de euros" -> "d'euros" in French."""
    if spec.lang == "fr" and word[0] in "aeiouhéAEIOUH":
        return "d'" + word
    return f"{spec.of} {word}"


def money_amount(spec: Romance, raw: str, cur: Noun, scale: str | None) -> str:
    """An amount of money, with its cents: "3,50 €" -> "trois euros cinquante"."""
    whole, frac = split_number(raw)
    if scale or frac is None or cur.minor is None or len(frac) > 2:
        return quantity(spec, raw, cur, scale)
    cents = int(frac.ljust(2, "0"))
    major = quantity(spec, str(whole), cur)
    minor = quantity(spec, str(cents), cur.minor)
    if not whole:
        return minor
    if not cents:
        return major
    if not spec.name_minor:
        minor = spec.cardinal(cents, cur.minor.fem)
    return major + spec.minor_joiner + minor


def money(spec: Romance, text: str) -> str:
    """Amounts with a currency sign or code before or after them."""
    if (spec.lang, "money") not in _COMPILED:
        curr = _alternation(spec.currencies)
        scales = _alternation(spec.scales)
        before = re.compile(
            rf"(?<![\w$])({curr}) ?(-?{NUM})(?: ({scales}))?(?![\w])", re.IGNORECASE
        )
        after = re.compile(
            rf"(?<![\w,.])(-?{NUM})(?: ({scales}))?(?: ?({curr})(?![\w$])| ({scales}) (?:de |d')({curr})\b)",
            re.IGNORECASE,
        )
        _COMPILED[spec.lang, "money"] = (before, after)
    before, after = _COMPILED[spec.lang, "money"]

    def sub_before(m: re.Match[str]) -> str:
        return _signed(
            spec, m.group(2), lambda r: money_amount(spec, r, _cur(spec, m.group(1)), m.group(3))
        )

    def sub_after(m: re.Match[str]) -> str:
        sym = m.group(3) or m.group(5)
        scale = m.group(2) or m.group(4)
        return _signed(spec, m.group(1), lambda r: money_amount(spec, r, _cur(spec, sym), scale))

    return after.sub(sub_after, before.sub(sub_before, text))


def _cur(spec: Romance, key: str) -> Noun:
    return spec.currencies.get(key) or spec.currencies[key.lower()]


def _signed(spec: Romance, raw: str, read: Callable[[str], str]) -> str:
    return f"{spec.minus} {read(raw[1:])}" if raw.startswith("-") else read(raw)


def measures(spec: Romance, text: str) -> str:
    """Numbers with a unit: "5 km" -> "cinq kilomètres", "18 %", "-5 °C"."""
    if (spec.lang, "units") not in _COMPILED:
        units = _alternation(spec.units)
        unit_re = re.compile(rf"(?<![\w,.])(-?{NUM}) ?({units})(?![\w²³])")
        _COMPILED[spec.lang, "units"] = unit_re

    def sub(m: re.Match[str]) -> str:
        return _signed(spec, m.group(1), lambda r: quantity(spec, r, spec.units[m.group(2)]))

    return _COMPILED[spec.lang, "units"].sub(sub, text)


# an operator between numbers, or spaced between any two terms ("x > 5", "a = b")
_MATH = re.compile(
    r"(?<=\d)( ?)([+=×<>]|\s-\s)( ?)(?=-?\d)|(?<=[\w)])( )([+=×<>≤≥≠])( )(?=[-(]?\w)"
)
_LANGS = re.compile(r"\b([CF])(\+\+|#)(?![\w+#])")


def math(spec: Romance, text: str) -> str:
    """ "2 + 2 = 4" -> "2 plus 2 égal 4" (numbers are read later); "C++", "C#"."""
    text = _LANGS.sub(
        lambda m: f"{m.group(1)} {'sharp' if m.group(2) == '#' else spec.plus + ' ' + spec.plus}",
        text,
    )
    words = {"+": spec.plus, "=": spec.equals, "×": spec.times, "<": spec.less, ">": spec.greater}
    words |= {"≤": spec.less_equal, "≥": spec.greater_equal, "≠": spec.not_equal}

    def sub(m: re.Match[str]) -> str:
        op = (m.group(2) or m.group(5)).strip()
        return f" {words.get(op, spec.minus)} "

    return _MATH.sub(sub, text)


_VULGAR = {"½": "1/2", "⅓": "1/3", "⅔": "2/3", "¼": "1/4", "¾": "3/4", "⅕": "1/5", "⅖": "2/5",
           "⅗": "3/5", "⅘": "4/5", "⅙": "1/6", "⅚": "5/6", "⅛": "1/8", "⅜": "3/8", "⅝": "5/8",
           "⅞": "7/8"}  # fmt: skip
_FRAC_NUM = r"\d{1,3}(?:\.\d{3})+|\d+"
_HALF = {"es": ("medio", "media"), "pt": ("meio", "meia"), "it": ("mezzo", "mezza")}


def fractions(spec: Romance, text: str) -> str:
    """ "1/2" -> "un demi", "-2 1/3" -> "moins deux et un tiers", "3/4 l" -> "trois quarts de
    litre", "1 1/2 m" -> "uno y medio metro"."""
    for char, value in _VULGAR.items():
        if char in text:
            text = text.replace(char, value)
    if "/" not in text:
        return text
    if (spec.lang, "fractions") not in _COMPILED:
        units = _alternation(k for k in spec.units if k != "%")
        frac_re = re.compile(
            rf"(?<![\w/,.])(-)?(?:(\d+) )?({_FRAC_NUM})/({_FRAC_NUM})(?![\w/]|[.,]\d)"
            rf"(?: ?({units})(?![\w²³]))?"
        )
        _COMPILED[spec.lang, "fractions"] = frac_re

    def sub(m: re.Match[str]) -> str:
        num, den = to_int(m.group(3)), to_int(m.group(4))
        whole = int(m.group(2)) if m.group(2) else None
        if den == 0 or (whole is not None and num >= den):
            return m.group(0)
        noun = spec.units.get(m.group(5) or "")
        fem = bool(noun and noun.fem)
        head = f"{spec.cardinal(whole, fem)} {spec.and_word} " if whole is not None else ""
        if noun and (num, den) == (1, 2) and spec.lang in _HALF:
            words = f"{head}{_HALF[spec.lang][fem]} {noun.one}"
        elif noun and (num, den) == (1, 2) and spec.lang == "fr":
            if whole is None:
                words = f"un demi-{noun.one}"
            else:
                count = noun.one if whole == 1 else noun.many
                words = f"{spec.cardinal(whole, fem)} {count} et demi{'e' if fem else ''}"
        elif whole is not None and (num, den) == (1, 2) and spec.lang == "fr":
            words = f"{spec.cardinal(whole)} et demi"
        else:
            words = head + fraction(spec.lang, num, den)
            if noun:
                words += " " + of(spec, noun.one)
        return f"{spec.minus} {words}" if m.group(1) else words

    return _COMPILED[spec.lang, "fractions"].sub(sub, text)


def ranges(spec: Romance, text: str) -> str:
    """ "10-20" -> "10 à 20" (numbers are read later)."""
    return re.sub(r"(?<=\d)\s?[-–]\s?(?=\d)", f" {spec.range_word} ", text)


# Words after a number that are not what it counts ("1 es", "2 para").
FUNCTION_WORDS = frozenset(
    "del los las una que por para con más menos est des les une pour avec sur dans ou "
    "per con dei delle degli che non sono são das dos uma com pelo pela entre sobre".split()
)


_VERSION = re.compile(
    r"\b((?i:versions?|versión|versiones|versão|versões|versione|versioni|v\.?) ?)(\d+(?:\.\d+)+)\b"
)
_DOTTED = re.compile(r"(?<![\w.,])\d+(?:\.\d+)+(?![\w]|[.,]\d)")


def versions(spec: Romance, text: str) -> str:
    """ "version 3.10" -> "version trois point dix" (before times and dates can take it)."""
    point = f" {spec.e_words['.']} "
    return _VERSION.sub(
        lambda m: (
            m.group(1).rstrip()
            + " "
            + point.join(spec.cardinal(int(p)) for p in m.group(2).split("."))
        ),
        text,
    )


def _point_decimal(m: re.Match[str]) -> str:
    """ "3.5" -> "3,5": a decimal written with a point is read like one with a comma."""
    whole, _, frac = m.group(0).partition(".")
    if "." in frac or (len(whole) <= 3 and len(frac) == 3):
        return m.group(0)
    return f"{whole},{frac}"


def _dotted(spec: Romance, m: re.Match[str]) -> str:
    parts = m.group(0).split(".")
    if len(parts[0]) <= 3 and all(len(p) == 3 for p in parts[1:]):
        return m.group(0)  # "1.500": thousands, read below
    point = f" {spec.e_words['.']} "
    if len(parts) == 2:  # "3.5": a decimal written with a point
        return spec.cardinal(int(parts[0])) + point + read_fraction_digits(spec, parts[1])
    return point.join(spec.cardinal(int(p)) for p in parts)


def cardinals(spec: Romance, text: str) -> str:
    """Every number left: "1 234,5" -> "mille deux cent trente-quatre virgule cinq"."""
    if "." in text:
        text = _DOTTED.sub(lambda m: _dotted(spec, m), text)

    def sub(m: re.Match[str]) -> str:
        noun = m.group(3)
        fem = short = False
        if noun and noun.islower() and len(noun) > 2 and noun not in FUNCTION_WORDS:
            short = noun in spec.scales or spec.lang != "fr"
            fem = noun not in spec.scales and spec.feminine(noun)
        words = read_number(spec, m.group(2), fem, short)
        return f"{spec.minus} {words}" if m.group(1) else words

    return _NUM_RE.sub(sub, text)


def abbreviations(spec: Romance, text: str) -> str:
    """Titles and common abbreviations: "Dr" -> "docteur"."""
    pattern, words = spec.abbreviations
    return pattern.sub(lambda m: words[m.lastindex - 1], text)


_DIGIT_OR_SIGN = re.compile(r"\w\.[^\W\d_]{2}|[\d@%€$£¥₩₽₡₧+=×<>≤≥≠#°/½¼¾⅓⅔⅕⅖⅗⅘⅙⅚⅛⅜⅝⅞]")


def make_verbalizer(
    spec: Romance, middle: tuple[Callable[[str], str], ...]
) -> Callable[[str], str]:
    """The ``verbalize(text)`` of a language: ``middle`` holds its passes (times, dates,
    ordinals, roman numerals...) that run after addresses, money and measures."""
    abbr_only = spec.abbreviations

    def verbalize(text: str) -> str:
        text = abbreviations(spec, text) if abbr_only else text
        if not _DIGIT_OR_SIGN.search(text):
            for fn in spec.late:
                text = fn(text)
            text = numbers._HEADING_ROMAN.sub(numbers._roman_to_digits, text)
            if _DIGIT_OR_SIGN.search(text):
                text = cardinals(spec, text)
            return numbers.symbols(text, spec.lang)
        text = electronic(spec, text)
        text = versions(spec, text)
        for fn in spec.extra:
            text = fn(text)
        if "." in text:
            text = _DOTTED.sub(_point_decimal, text)
        text = fractions(spec, text)
        text = money(spec, text)
        text = measures(spec, text)
        text = math(spec, text)
        for fn in middle:
            text = fn(text)
        for fn in spec.late:
            text = fn(text)
        text = numbers._HEADING_ROMAN.sub(numbers._roman_to_digits, text)
        text = ranges(spec, text)
        text = cardinals(spec, text)
        return numbers.symbols(text, spec.lang)

    return verbalize
