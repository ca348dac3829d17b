"""German verbalizer: written forms to the words a narrator says.

Ordinals take their ending from the words around them ("am 3. Oktober" -> "am dritten
Oktober", "im 19. Jahrhundert" -> "im neunzehnten Jahrhundert"); "bis 1786." is a year and a
full stop; money is read "drei Euro fünfzig"; decimals as written ("3,50" -> "drei Komma fünf
null"); times, dates, units, telephone numbers, addresses, regnal numerals ("Ludwig XIV." ->
"Ludwig der Vierzehnte") and the common abbreviations (z. B., usw., Dr., Nr., ca.) likewise.
Passes run from the most specific shape to the plainest number, each leaving words behind.
"""

from __future__ import annotations

import re

from tts_cli.text.normalize import numbers
from tts_cli.text.normalize._de_context import ordinal_ending, previous_words, starts_sentence
from tts_cli.text.normalize._de_forms import (
    MONTHS,
    NUM,
    SCALE,
    date_sub,
    electronic_sub,
    measure_sub,
    money_sub,
    phone_sub,
    scaled,
    time_sub,
)
from tts_cli.text.normalize._de_numbers import (
    MAX_CARDINAL,
    cardinal,
    digits,
    fraction,
    number,
    ordinal,
    ordinal_stem,
    year,
)

# Passages with none of these have nothing for this verbalizer (most of a novel).
_TRIGGER = re.compile(r"[\d@#+=<>&%§€$£¥₽°‰×±≠≤≥−]|\b[IVXLCDM]+\b")

# --- abbreviations -------------------------------------------------------------------------

_ABBREVIATIONS = {
    r"z\. ?B\.": "zum Beispiel", r"d\. ?h\.": "das heißt", r"u\. ?a\.": "unter anderem",
    r"usw\.": "und so weiter", r"etc\.": "et cetera", r"bzw\.": "beziehungsweise",
    r"ca\.": "circa", r"Dr\.": "Doktor", r"Prof\.": "Professor", r"Nr\.": "Nummer",
    r"Mr\.": "Mister", r"Mrs\.": "Misses", r"Ms\.": "Miss", r"Hr\.": "Herr", r"Hrn\.": "Herrn",
    r"St\.": "Sankt", r"vgl\.": "vergleiche", r"Vgl\.": "Vergleiche",
    r"ggf\.": "gegebenenfalls", r"evtl\.": "eventuell", r"inkl\.": "inklusive",
    r"zzgl\.": "zuzüglich", r"bspw\.": "beispielsweise", r"sog\.": "sogenannte",
    r"Jh\.": "Jahrhundert", r"Jhd\.": "Jahrhundert", r"Jhs\.": "Jahrhunderts",
    r"v\. ?Chr\.": "vor Christus", r"n\. ?Chr\.": "nach Christus", r"Abb\.": "Abbildung",
    r"Kap\.": "Kapitel", r"Bd\.": "Band", r"Tel\.": "Telefon", r"Str\.": "Straße",
    r"geb\.": "geboren", r"gest\.": "gestorben", r"u\. ?U\.": "unter Umständen",
    r"z\. ?T\.": "zum Teil", r"o\. ?Ä\.": "oder Ähnliches", r"s\. ?o\.": "siehe oben",
    r"s\. ?u\.": "siehe unten", r"i\. ?d\. ?R\.": "in der Regel",
    r"u\. ?v\. ?m\.": "und vieles mehr", r"Dipl\.-Ing\.": "Diplomingenieur",
    r"e\. ?V\.": "eingetragener Verein", r"Std\.": "Stunden", r"Min\.": "Minuten",
    r"Mio\.": "Millionen", r"Mrd\.": "Milliarden", r"Tsd\.": "tausend",
    r"Fr\.(?= [A-ZÄÖÜ][a-zäöüß])": "Frau", r"S\.(?= ?\d)": "Seite", r"Anm\.": "Anmerkung",
}  # fmt: skip
# These may end a sentence; their full stop is kept before a capital or the end of the text.
_MAY_END = frozenset("usw. etc. u. a. u.a. u. v. m. u.v.m. o. Ä. o.Ä. s. o. s. u.".split(" "))
_ABBREVIATION = re.compile(
    r"(?<![\w.])(" + "|".join(_ABBREVIATIONS) + r")(?=[\s,;:)\"»“”]|$|[A-ZÄÖÜ\d])"
)
_STREET = re.compile(r"(?<=[a-zäöüß])str\.(?=\s)")
_ABBR_LOOKUP = [(re.compile(k), v) for k, v in _ABBREVIATIONS.items()]


def _abbreviation(m: re.Match[str]) -> str:
    found = m.group(1)
    words = next(v for k, v in _ABBR_LOOKUP if k.fullmatch(found))
    if found.replace(" ", "") in {a.replace(" ", "") for a in _MAY_END}:
        rest = m.string[m.end() :].lstrip()
        if not rest or rest[0].isupper():
            words += "."
    return words


# --- ordinals, romans, fractions ------------------------------------------------------------

_ORDINAL_DOT = re.compile(
    r"(?<![\w.,])(\d+)\.(?![\d\w])(?:(\s+)([\"'„»«]?[^\W\d_][\w.-]*))?", re.UNICODE
)
_ORDINAL_SUFFIX = re.compile(r"(?<![\w.,])(\d+)\.?(s?te([nmrs]?))\b")
_ROMAN = r"(?=[MDCLXVI])M{0,3}(?:CM|CD|D?C{0,3})(?:XC|XL|L?X{0,3})(?:IX|IV|V?I{0,3})"
_ROMAN_CENTURY = re.compile(rf"\b({_ROMAN})\.(\s+)(Jahrhundert|Jahrtausend)")
_REGNAL = re.compile(rf"\b([A-ZÄÖÜ][a-zäöüß]+)\s+({_ROMAN})\.(?=\s|$|[,;:)])")
_NOT_REGNAL = frozenset(
    "kapitel teil band akt buch szene abschnitt paragraph artikel nummer seite anhang".split()
)
_DATIVE = frozenset("unter mit von bei nach zu seit aus vor gegenüber".split())
_FRACTION = re.compile(r"(?<![\w/.,])(-?)(?:(\d+)\s)?(\d+)/(\d+)(?![\w/]|,\d)")
_ROMAN_VALUES = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100, "D": 500, "M": 1000}


def roman_value(roman: str) -> int:
    """ "XIV" -> 14."""
    total = 0
    for i, ch in enumerate(roman):
        value = _ROMAN_VALUES[ch]
        nxt = _ROMAN_VALUES[roman[i + 1]] if i + 1 < len(roman) else 0
        total += -value if value < nxt else value
    return total


def _is_ordinal(m: re.Match[str]) -> bool:
    """Whether "N." is an ordinal ("3. Platz") rather than a number ending a sentence."""
    word = m[3]
    value = int(m[1])
    before = m.string[: m.start()]
    if word is None:  # a bare "2." heading, or "am 3." / "dem 1000." at the end
        prev = previous_words(before, 1)
        return m.string.strip() == m.group(0).strip() or (
            bool(prev) and ordinal_ending(before) in ("en", "e")
        )
    bare = word.lstrip("\"'„»«")
    if bare[:1].islower():
        return True
    if (
        previous_words(m.string[: m.start()], 1)
        and ordinal_ending(m.string[: m.start()]) in ("en", "e")
        and previous_words(m.string[: m.start()], 1)[0] not in ("bis", "und")
    ):
        return not starts_sentence(bare)
    if starts_sentence(bare) or 1000 <= value <= 2100:
        return False
    return True


def _ordinal_sub(text: str) -> str:
    last: list[str] = []

    def sub(m: re.Match[str]) -> str:
        if not _is_ordinal(m):
            return m.group(0)
        value = int(m[1])
        before = m.string[: m.start()]
        prev = previous_words(before, 1)
        if last and prev and prev[0] in ("bis", "und", "oder"):
            ending = last[-1]
        else:
            ending = ordinal_ending(before, (m[3] or "").lstrip("\"'„»«"))
        last.append(ending)
        words = ordinal(value, ending) if value <= MAX_CARDINAL else digits(m[1])
        return words + (m[2] or "") + (m[3] or "")

    text = _ORDINAL_DOT.sub(sub, text)
    return _ORDINAL_SUFFIX.sub(lambda m: ordinal(int(m[1]), "e" + m[3]), text)


def _roman_sub(text: str) -> str:
    def century(m: re.Match[str]) -> str:
        ending = ordinal_ending(m.string[: m.start()], m[3])
        return ordinal(roman_value(m[1]), ending) + m[2] + m[3]

    def regnal(m: re.Match[str]) -> str:
        if m[1].lower() in _NOT_REGNAL:
            return m.group(0)
        words = previous_words(m.string[: m.start()], 1)
        ordinal_word = ordinal_stem(roman_value(m[2])).capitalize()
        form = f"dem {ordinal_word}en" if words and words[0] in _DATIVE else f"der {ordinal_word}e"
        rest = m.string[m.end() :].split(None, 1)
        stop = "." if not rest or starts_sentence(rest[0]) else ""
        return f"{m[1]} {form}{stop}"

    text = _ROMAN_CENTURY.sub(century, text)
    return _REGNAL.sub(regnal, text)


def fraction_words(raw: str) -> str:
    """ "1 1/2" -> "eineinhalb", "2/9" -> "zwei Neuntel"."""
    whole, _, frac = raw.rpartition(" ")
    num, den = (int(x) for x in frac.split("/"))
    if den == 0 and num != 0:
        return f"{cardinal(num)} durch null"
    words = fraction(num, den)
    if whole:
        head = cardinal(int(whole), "ein")
        return f"{head}einhalb" if (num, den) == (1, 2) else f"{head} {words}"
    return words


def _fraction(m: re.Match[str]) -> str:
    raw = f"{m[2]} {m[3]}/{m[4]}" if m[2] else f"{m[3]}/{m[4]}"
    return ("minus " if m[1] else "") + fraction_words(raw)


# --- plain numbers ----------------------------------------------------------------------------

_YEAR_CUES = frozenset(
    "jahr jahre jahres jahrs im seit bis von vom ab um anno nach vor zwischen und sommer "
    "winter herbst frühjahr frühling ende anfang mitte beginn".split()
) | {m.lower() for m in MONTHS}
_DECADE = re.compile(r"(?<![\w.,])(\d{2,4})er(?=\b|n\b|s\b|jahre)")
_RANGE = re.compile(rf"(?<![\w.,])({NUM})\s?[-–]\s?({NUM})(?![\w.,]\d|\w)")
_SCALED = re.compile(rf"(?<![\w.,])(-?{NUM})\s({SCALE})(?!\w)")
_NUMBER = re.compile(
    rf"(?<![\w,])(?P<neg>[-−](?=\d))?(?P<num>{NUM})(?P<ver>(?:\.\d+)+)?(?![\w])(?=(?P<after>\s+\S+))?"
)
_VERSION = re.compile(r"\b(Version|Vers\.|Ver\.|v)\s?(\d+(?:\.\d+)+)(?![\d,])")
# digits after a phone word are read one by one: "Telefon 030 1234567"
_PHONE_CUE = re.compile(
    r"\b(Telefon|Telefonnummer|Rufnummer|Fax|Handy|Mobil)(:?\s+)(\+?\d[\d /-]{3,}\d)"
)
_GLUED = re.compile(r"(?<=[^\W\d_])(?=\d)|(?<=\d)(?=[^\W\d_])")
_MATH = (
    (re.compile(r"\bC\+\+"), "C plus plus"), (re.compile(r"\b([CF])#"), r"\1 Sharp"),
    (re.compile(r"(?<=[\w)])\s*\+\s*(?=[\w(])|(?<=\s)\+(?=\s)"), " plus "),
    (re.compile(r"(?<=[\w)])\s*=\s*(?=[\w(-])|(?<=\s)=(?=\s)"), " gleich "),
    (re.compile(r"(?<=\s)<(?=\s)"), " kleiner als "), (re.compile(r"(?<=\s)>(?=\s)"), " größer als "),
    (re.compile(r"≤"), " kleiner gleich "), (re.compile(r"≥"), " größer gleich "),
    (re.compile(r"≠"), " ungleich "), (re.compile(r"±"), " plus minus "),
    (re.compile(r"(?<=\w)\s*×\s*(?=\w)"), " mal "), (re.compile(r"−"), " minus "),
    (re.compile(r"§§\s?"), "Paragrafen "), (re.compile(r"§\s?"), "Paragraf "),
    (re.compile(r"(?<=\d)\s*°C\b"), " Grad Celsius"), (re.compile(r"(?<=\d)\s*°"), " Grad"),
    (re.compile(r"‰"), " Promille"), (re.compile(r"(?<![\w@])#(?=\w)"), "Hashtag "),
)  # fmt: skip


def _is_year(m: re.Match[str], value: int) -> bool:
    if not 1100 <= value <= 1999 or not m["num"].isdigit():
        return False
    words = previous_words(m.string[: m.start()], 1)
    if words and words[0] in _YEAR_CUES:
        return True
    after = (m["after"] or "").strip()
    return bool(after) and after[0].islower()


def _number(m: re.Match[str]) -> str:
    raw = m["num"]
    if m["ver"]:  # "3.10" is a version or section number: "drei Punkt zehn"
        parts = [raw, *m["ver"].split(".")[1:]]
        return " Punkt ".join(cardinal(int(p)) if len(p) < 16 else digits(p) for p in parts)
    whole = raw.replace(".", "").replace("\u00a0", "").replace("\u202f", "").partition(",")[0]
    if len(whole) > 21 or (len(raw) > 1 and raw[0] == "0" and raw.isdigit()):
        return digits(raw)
    value = int(whole)
    words = year(value) if "," not in raw and _is_year(m, value) else number(raw)
    return ("minus " if m["neg"] else "") + words


def _phone_digits(raw: str) -> str:
    plus = "plus " if raw.startswith("+") else ""
    return plus + ", ".join(digits(g) for g in re.split(r"[ /-]+", raw.lstrip("+")) if g)


def _version(m: re.Match[str]) -> str:
    """ "Version 3.10" -> "Version drei Punkt zehn" (not a date); "v2.0" -> "Version zwei ..."."""
    word = "Version" if m[1] in ("v", "Ver.", "Vers.") else m[1]
    return f"{word} " + " Punkt ".join(_version_part(p) for p in m[2].split("."))


def _version_part(part: str) -> str:
    return cardinal(int(part)) if len(part) < 16 and not part.startswith("0") else digits(part)


def _decade(m: re.Match[str]) -> str:
    value = int(m[1])
    return (year(value) if len(m[1]) == 4 else cardinal(value)) + "er"


def _range(m: re.Match[str]) -> str:
    a, b = m[1], m[2]
    if a.isdigit() and b.isdigit() and 1100 <= int(a) <= 2100 and 1100 <= int(b) <= 2100:
        return f"{year(int(a))} bis {year(int(b))}"
    return f"{number(a)} bis {number(b)}"


def verbalize(text: str) -> str:
    """German written forms in ``text`` as words; text without any is returned unchanged."""
    if "." in text or "@" in text:
        text = electronic_sub(text)
        text = _ABBREVIATION.sub(_abbreviation, text)
        text = _STREET.sub("straße", text)
    if not _TRIGGER.search(text):
        return text
    text = _PHONE_CUE.sub(lambda m: m[1] + m[2] + _phone_digits(m[3]), text)
    text = phone_sub(text)
    text = _VERSION.sub(_version, text)
    text = numbers._HEADING_ROMAN.sub(numbers._roman_to_digits, text)
    text = time_sub(text)
    text = date_sub(text)
    text = money_sub(text)
    text = measure_sub(text, fraction_words)
    text = _FRACTION.sub(_fraction, text)
    text = _roman_sub(text)
    text = _ordinal_sub(text)
    text = _DECADE.sub(_decade, text)
    text = _RANGE.sub(_range, text)
    text = _SCALED.sub(lambda m: scaled("ein", number(m[1]), m[2], m[1] == "1"), text)
    for pattern, words in _MATH:
        text = pattern.sub(words, text)
    text = _GLUED.sub(" ", text) if re.search(r"\d", text) else text
    text = _NUMBER.sub(_number, text)
    return numbers.symbols(text, "de")
