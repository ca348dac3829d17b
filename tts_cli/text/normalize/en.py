"""English verbalizer: written forms to the words a narrator says.

Order matters: the most specific forms go first, so that an e-mail address, a phone number,
a time or a date is read as a whole before its digits are read as plain numbers:

1. e-mail addresses and URLs ("a dot b at gmail dot com"), IP addresses, phone numbers;
2. times ("4:30 p.m." -> "four thirty PM"), dates ("July 25, 2012", "25 July", "2016-11-03",
   "10/06/2005" month first as in the US, "15.01.2020" day first when it must be), decades,
   "AD/BC" years;
3. money with minor units ("$20.50" -> "twenty dollars fifty cents", "$2.5 million"),
   measures and temperatures ("12kg", "2°C", "2-5 lb"), fractions ("2 1/2");
4. arithmetic ("1 - 2 = 5"), ranges ("1980-1986", "5pm-7pm"), ordinals ("21st"), negative
   numbers, numbers in words (years as years: "1994" -> "nineteen ninety-four"), letter and
   digit codes ("B2A23C");
5. symbols (& % # @ + = < > $ € / § °), titles and abbreviations ("Dr. Evil" -> "doctor
   Evil"), regnal roman numerals ("Henry VIII" -> "Henry the eighth").

A passage with no digit, symbol or abbreviation (most of a novel) skips all of it.
"""

from __future__ import annotations

import re

from tts_cli.text.normalize import _en_forms as F
from tts_cli.text.normalize import _en_text as T
from tts_cli.text.normalize._en_numbers import cardinal, digits, fraction, number, ordinal, year
from tts_cli.text.normalize.numbers import _HEADING_ROMAN, _roman_to_digits

__all__ = ["verbalize"]

_NEEDS_WORK = re.compile(
    r"[\d$€£¥₩₹₽&%#@+=<>/§°º×÷±*]|\b(?:Dr|Mr|Mrs|Ms|Prof|St|No|vs|etc|e\.g|i\.e)\b|"
    r"\b[A-Z][a-z]+ (?:[IVXLC]{2,}|[VX])\b|\b(?i:chapter|chap|part|book|volume|canto|act)\.?\s"
    r"+[IVXLC]|www\.|\.(?:com|org|net)\b"
)
_HAS_DIGIT = re.compile(r"\d")
_WINDOW = 300
_PUNCT_IN_NUMBER = re.compile(r"\d[-.:/)]\s?\d|\d\s\d|\(\d")
# between sentences: no written form of ours spans ". " before a capital or a quote
_SENTENCE_GAP = re.compile(r"(?<=[.!?;])(\s+)(?=[A-Z\"“‘'(])")

FRACTION = re.compile(
    r"(?<![\w/.,])(?:(?P<whole>\d+)\s+)?(?P<num>\d+)\s?/\s?(?P<den>\d+)"
    r"(?P<suf>st|nd|rd|th|ST|ND|RD|TH)?(?![\w/]|\.\d)"
)
MATH = re.compile(
    r"(?<![\w.])(?P<expr>(?:-?\s?(?:\d+(?:\.\d+)?|[a-z])\s?[-+*×÷=<>]\s?)+-?(?:\d+(?:\.\d+)?|[a-z]))"
    r"(?![\w.])"
)
_MATH_WORDS = {
    "+": "plus", "-": "minus", "*": "times", "×": "times", "÷": "divided by", "=": "equals",
    "<": "is less than", ">": "is greater than",
}  # fmt: skip
RANGE = re.compile(
    r"(?<![\w.,/-])(?P<a>\d{1,3}(?:,\d{3})+|\d+)(?P<as>s)?\s?[-–]\s?"
    r"(?P<b>\d{1,3}(?:,\d{3})+|\d+)(?P<bs>s)?(?![\w.,/-]|\.\d)"
)
TIME_RANGE_DASH = re.compile(r"(?<=[AP]M)\s?[-–]\s?(?=\w)")
ORDINAL = re.compile(r"(?<![\w.,])(?P<n>\d{1,3}(?:,\d{3})+|\d+)(?P<suf>st|nd|rd|th)\b", re.I)
NEGATIVE = re.compile(r"(?:(?<=^)|(?<=[\s(\[,;:=?!]))[-−](?=\.?\d)")
VERSION = re.compile(r"(?<![\w.])\d+(?:\.\d+){2,}(?![\w]|\.\d)")
MULTIPLE = re.compile(r"(?<![\w.,])(?P<a>\d+(?:\.\d+)?)x(?P<b>\d+(?:\.\d+)?)?\b")
SERIAL = re.compile(
    r"(?<![\w.-])(?=[\w-]*\d)(?=[\w-]*[A-Za-z])[A-Za-z\d]+(?:-[A-Za-z\d]+)+(?![\w-]|\.\d)"
)
NUMBER = re.compile(
    r"(?<!\w)(?<!\d[.,])(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+)(?![\w]|[.,]\d)"
)
ALNUM = re.compile(r"\b(?=\w*\d)(?=\w*[A-Za-z])[A-Za-z\d]+\b")
_ALNUM_PART = re.compile(r"\d+|[A-Za-z]+")
SCALE_AFTER = re.compile(r"\b(?P<n>\d+(?:\.\d+)?)\s?(?P<s>thousand|million|billion|trillion)\b")

_SYMBOLS = (
    (re.compile(r"(?<=\w)\+\+(?!\w)"), " plus plus"),
    (re.compile(r"\b([CF])#"), r"\1 sharp"),
    (re.compile(r"\s?&\s?"), " and "),
    (re.compile(r"\s?%"), " percent "),
    (re.compile(r"(?<=\w)#|#(?=\w)"), " hash "),
    (re.compile(r"@"), " at "),
    (re.compile(r"(?<=\w)\s?\+\s?(?=\w)"), " plus "),
    (re.compile(r"\s?=\s?"), " equals "),
    (re.compile(r"(?<=\w)\s>\s(?=\w)"), " is greater than "),
    (re.compile(r"(?<=\w)\s<\s(?=\w)"), " is less than "),
    (re.compile(r"US\$"), " us dollars "),
    (re.compile(r"\$"), " dollar "),
    (re.compile(r"€"), " euro "),
    (re.compile(r"£"), " pound "),
    (re.compile(r"¥"), " yen "),
    (re.compile(r"₩"), " won "),
    (re.compile(r"§\s?"), " section "),
    (re.compile(r"\band/or\b"), "and or"),
    (re.compile(r"(?<=[^\W\d])\s?/\s?(?=[^\W\d])"), " slash "),
    (re.compile(r"(?:^|(?<=\s))/(?=\S)"), "slash "),
    (re.compile(r"(?<=\w)/(?=\s|$)"), " slash"),
    (re.compile(r"(?<=[^\W\d])[*](?=\d)|(?<=\d)[*](?=[^\W\d])"), " asterisk "),
    (re.compile(r"(?<=\d)\*(?=\d)"), " times "),
    (re.compile(r"±"), " plus or minus "),
    (re.compile(r"×"), " times "),
    (re.compile(r"÷"), " divided by "),
    (re.compile(r"°"), " degrees "),
)


_ANY_SYMBOL = re.compile(r"[+#&%@=<>$€£¥₩§/*±×÷°]")


def _say_fraction(m: re.Match[str]) -> str:
    num, den = int(m.group("num")), int(m.group("den"))
    if den == 0 or (m.group("suf") and den not in (2, 3, 4) and den % 10 not in (1, 2, 3)):
        pass
    head = ""
    if m.group("whole"):
        head = cardinal(int(m.group("whole"))) + " and "
        if num == 1 and den == 2:
            return head + "a half"
    if den == 0:
        return m.group(0)
    return head + fraction(num, den)


def _say_math(m: re.Match[str]) -> str:
    expr = m.group("expr")
    if not any(op in expr for op in "=<>") and not re.search(r"\d\s?[+*×÷]\s?\d", expr):
        return m.group(0)  # "2-5" is a range, "a-b" a word
    out = []
    for tok in re.findall(r"\d+(?:\.\d+)?|[a-z]|[-+*×÷=<>]", expr):
        if tok[0].isdigit():
            out.append(number(tok))
        elif tok in _MATH_WORDS:
            if tok == "-" and (not out or out[-1] in _MATH_WORDS.values()):
                out.append("minus")
            else:
                out.append(_MATH_WORDS[tok])
        else:
            out.append(tok)
    lead = expr[: len(expr) - len(expr.lstrip())]  # "a, x > 5": keep the space after the comma
    return lead + " ".join(out)


def _is_year(s: str) -> bool:
    return len(s) == 4 and s.isdigit() and 1000 <= int(s) <= 2099


def _say_range(m: re.Match[str]) -> str:
    a, b = m.group("a"), m.group("b")
    if m.group("as") or m.group("bs"):  # 1960s-80s
        sa = F.plural(year(int(a)) if _is_year(a) else cardinal(int(a))) if m.group("as") else ""
        sb = year(int(b)) if _is_year(b) else cardinal(int(b))
        return f"{sa or year(int(a))} to {F.plural(sb) if m.group('bs') else sb}"
    if _is_year(a) and (_is_year(b) or (len(b) == 2 and int(b) > int(a[2:]))):
        return f"{year(int(a))} to {year(int(b)) if len(b) == 4 else cardinal(int(b))}"
    return f"{number(a)} to {number(b)}"


def _say_ordinal(m: re.Match[str]) -> str:
    n = int(m.group("n").replace(",", ""))
    suf = m.group("suf").lower()
    right = {1: "st", 2: "nd", 3: "rd"}.get(n % 10 if n % 100 not in (11, 12, 13) else 0, "th")
    if suf != right:
        return f"{cardinal(n, False)} {m.group('suf')}"
    return ordinal(n)


def _say_version(m: re.Match[str]) -> str:
    return " point ".join(number(p) for p in m.group(0).split("."))


def _say_multiple(m: re.Match[str]) -> str:
    if m.group("b"):
        return f"{number(m.group('a'))} by {number(m.group('b'))}"
    return f"{number(m.group('a'))} x"


def _say_serial(m: re.Match[str]) -> str:
    return "-".join(
        _say_alnum_text(p)
        if not p.isdigit()
        else cardinal(int(p), False)
        if p[0] != "0" or len(p) == 1
        else digits(p)
        for p in m.group(0).split("-")
    )


def _say_alnum_text(word: str) -> str:
    if not any(c.isdigit() for c in word):
        return word
    parts = []
    for p in _ALNUM_PART.findall(word):
        if p[0].isdigit():
            parts.append(digits(p) if p[0] == "0" or len(p) > 4 else cardinal(int(p), False))
        else:
            parts.append(p)
    return " ".join(parts)


def _say_number(m: re.Match[str]) -> str:
    raw = m.group("num")
    if _is_year(raw):
        return year(int(raw))
    return number(raw)


def _say_alnum(m: re.Match[str]) -> str:
    return _say_alnum_text(m.group(0))


def _with_digits(text: str) -> str:
    """Every form with digits, most specific first (see the module docstring)."""
    text, addresses = T.ADDRESS.subn(T.say_address, text)
    if addresses:
        text = T.STATE.sub(T.say_state, text)
    punct = _PUNCT_IN_NUMBER.search(text) is not None
    if punct:
        text = T.PHONE.sub(T.say_phone, text)
        text = T.SSN.sub(T.say_ssn, text)
        text = T.IP.sub(T.say_ip, text)
        text = F.CLOCK.sub(F.say_clock, text)
    text = F.HOUR_AMPM.sub(F.say_hour, text)
    text = TIME_RANGE_DASH.sub(" to ", text)
    if punct:
        text = F.ISO_DATE.sub(F.say_iso, text)
        text = F.NUM_DATE.sub(F.say_num_date, text)
        text = VERSION.sub(_say_version, text)
    text = F.MONTH_DAY.sub(F.say_month_day, text)
    text = F.DAY_MONTH.sub(F.say_day_month, text)
    text = F.DECADE_RANGE.sub(F.say_decade_range, text)
    text = F.DECADE.sub(F.say_decade, text)
    text = F.ERA.sub(F.say_era, text)
    text = F.MONEY_RANGE.sub(" to ", text)
    text = F.MONEY.sub(F.say_money, text)
    text = F.MONEY_AFTER.sub(F.say_money, text)
    text = F.MEASURE.sub(F.say_measure, text)
    text = F.PER_UNIT.sub(F.say_per_unit, text)
    text = FRACTION.sub(_say_fraction, text)
    text = MATH.sub(_say_math, text)
    text = MULTIPLE.sub(_say_multiple, text)
    text = SERIAL.sub(_say_serial, text)
    text = RANGE.sub(_say_range, text)
    text = ORDINAL.sub(_say_ordinal, text)
    text = NEGATIVE.sub("minus ", text)
    text = NUMBER.sub(_say_number, text)
    text = ALNUM.sub(_say_alnum, text)
    return text


def verbalize(text: str) -> str:
    """English written forms (numbers, dates, money, symbols, titles...) as spoken words."""
    if not _NEEDS_WORK.search(text):
        return text
    text = _HEADING_ROMAN.sub(_roman_to_digits, text)
    if "@" in text or "www." in text or T.URL.search(text):
        for pattern in T.ELECTRONIC:
            text = pattern.sub(T.say_electronic, text)
    if _HAS_DIGIT.search(text):
        if len(text) <= _WINDOW:
            text = _with_digits(text)
        else:  # a long paragraph: only its sentences with digits take the long road
            text = "".join(
                _with_digits(p) if _HAS_DIGIT.search(p) else p for p in _SENTENCE_GAP.split(text)
            )
    text = T.TITLE.sub(T.say_title, text)
    text = T.SAINT.sub("Saint", text)
    text = T.ABBREVIATIONS.sub(T.say_abbreviation, text)
    text = T.REGNAL.sub(T.say_regnal, text)
    if _ANY_SYMBOL.search(text):
        for pattern, words in _SYMBOLS:
            text = pattern.sub(words, text)
    return text
