"""English electronic addresses, phone numbers, symbols, abbreviations and roman numerals."""

from __future__ import annotations

import re

from tts_cli.text.normalize._en_numbers import cardinal, digits, ordinal, year
from tts_cli.text.normalize.common import EMAIL, URL, roman_to_int, spell_electronic

# --- e-mail and URLs ------------------------------------------------------------

_E_SYMBOLS = {
    ".": "dot", "@": "at", "/": "slash", "-": "dash", "_": "underscore", ":": "colon",
    "&": "ampersand", "~": "tilde", "+": "plus", "#": "hash", "?": "question mark",
    "=": "equals", "%": "percent",
}  # fmt: skip
_E_WORDS = {"http": "HTTP", "https": "HTTPS", "www": "WWW", "jpg": "jpeg", "ftp": "FTP"}


def _e_word(w: str) -> str:
    return _E_WORDS.get(w.lower(), w)


def say_electronic(m: re.Match[str]) -> str:
    text = m.group(0)
    return spell_electronic(text, _E_SYMBOLS, digits, _e_word)


ELECTRONIC = (EMAIL, URL)

# --- telephone numbers and IP addresses --------------------------------------------

PHONE = re.compile(
    r"(?<![\w+.-])(?:(?P<cc>\+\d{1,3})[\s-]?)?(?:\((?P<area>\d{3})\)[\s-]?|(?P<area2>\d{3})"
    r"(?P<sep>[-. ]))(?P<mid>\d{3})[-. ](?P<last>\d{4})(?:-(?P<ext>\d{1,5}))?(?![\w-])"
)
SSN = re.compile(r"(?<![\w.-])(\d{3})-(\d{2})-(\d{4})(?![\w-])")
IP = re.compile(r"(?<![\w.])\d{1,3}(?:\.\d{1,3}){3}(?![\w.]|\.\d)")


def say_phone(m: re.Match[str]) -> str:
    if m.group("sep") == " " and not (m.group("cc")):
        return m.group(0)  # "in 123 456 7890" could be three counts; only dashes and dots
    parts = []
    if m.group("cc"):
        parts.append("plus " + cardinal(int(m.group("cc")[1:])))
    parts.append(digits(m.group("area") or m.group("area2")))
    parts += [digits(m.group("mid")), digits(m.group("last"))]
    if m.group("ext"):
        parts.append(digits(m.group("ext")))
    return ", ".join(parts)


def say_ssn(m: re.Match[str]) -> str:
    return ", ".join(digits(g) for g in m.groups())


def say_ip(m: re.Match[str]) -> str:
    return " dot ".join(digits(g) for g in m.group(0).split("."))


# --- abbreviations and titles --------------------------------------------------------

_TITLES = {
    "Dr": "doctor", "Mr": "mister", "Mrs": "misses", "Ms": "miz", "Prof": "professor",
    "Rev": "reverend", "Gen": "general", "Col": "colonel", "Capt": "captain",
    "Lt": "lieutenant", "Sgt": "sergeant", "Gov": "governor", "Sen": "senator",
    "Rep": "representative", "Fr": "father", "Hon": "honourable", "Mt": "mount",
    "Messrs": "messieurs", "Mme": "madame", "Mlle": "mademoiselle",
}  # fmt: skip
TITLE = re.compile(rf"\b(?P<t>{'|'.join(_TITLES)})\.?(?=\s+[A-Z])")
_AFTER_NAME = {
    "St": "Street", "Ave": "Avenue", "Rd": "Road", "Blvd": "Boulevard", "Ct": "Court",
    "Expy": "Expressway", "Hwy": "Highway", "Ln": "Lane", "Dr": "Drive", "Pl": "Place",
    "Sq": "Square",
}  # fmt: skip
ADDRESS = re.compile(
    r"(?<![\w.,$])(?P<n>\d{1,5}) (?P<dir>[NSEW] )?(?P<name>(?:\d+(?:st|nd|rd|th) |[A-Z]\w* ){1,3}?)"
    rf"(?P<s>(?i:{'|'.join(_AFTER_NAME)}))\b(?P<dot>\.?)"
)
_STATES = dict(
    pair.split("=")
    for pair in (
        "AL=Alabama AK=Alaska AZ=Arizona AR=Arkansas CA=California CO=Colorado "
        "CT=Connecticut DE=Delaware FL=Florida GA=Georgia HI=Hawaii ID=Idaho IL=Illinois "
        "IN=Indiana IA=Iowa KS=Kansas KY=Kentucky LA=Louisiana ME=Maine MD=Maryland "
        "MA=Massachusetts MI=Michigan MN=Minnesota MS=Mississippi MO=Missouri MT=Montana "
        "NE=Nebraska NV=Nevada NH=New_Hampshire NJ=New_Jersey NM=New_Mexico NY=New_York "
        "NC=North_Carolina ND=North_Dakota OH=Ohio OK=Oklahoma OR=Oregon PA=Pennsylvania "
        "RI=Rhode_Island SC=South_Carolina SD=South_Dakota TN=Tennessee TX=Texas UT=Utah "
        "VT=Vermont VA=Virginia WA=Washington WV=West_Virginia WI=Wisconsin WY=Wyoming"
    ).split()
)
STATE = re.compile(
    rf"(?<=, )(?P<st>{'|'.join(_STATES)})(?:(?P<c>,?) (?P<zip>\d{{5}}))?(?=[,.]|\s*$)"
)
_COMPASS = {"N": "North", "S": "South", "E": "East", "W": "West"}
SAINT = re.compile(r"\bSt\.?(?= [A-Z][a-z])")
ABBREVIATIONS = re.compile(
    r"(?<!\w)(?:(?P<eg>e\.g\.)|(?P<ie>i\.e\.)|(?P<etc>etc\.)|(?P<vs>vs\.?)(?= )"
    r"|(?P<no>No\.|no\.)(?= ?\d)|(?P<pp>pp?\.)(?= ?\d)|(?P<fig>[Ff]ig\.)(?= ?\d)"
    r"|(?P<approx>approx\.)|(?P<jr>Jr\.?)(?=[\s,]|$)|(?P<sr>Sr\.?)(?=[\s,]|$))"
)
_ABBR_WORDS = {
    "eg": "for example", "ie": "that is", "etc": "et cetera", "vs": "versus", "no": "number",
    "fig": "figure", "approx": "approximately", "jr": "junior", "sr": "senior",
}  # fmt: skip


def say_title(m: re.Match[str]) -> str:
    return _TITLES[m.group("t")]


def _house_number(n: str) -> str:
    """A house number as said: 12 "twelve", 123 "one twenty-three", 708 "seven zero eight",
    1428 "fourteen twenty-eight"."""
    if len(n) <= 2 or n.startswith("0"):
        return cardinal(int(n)) if not n.startswith("0") else digits(n)
    if len(n) == 3:
        return digits(n) if n[1] == "0" else f"{cardinal(int(n[0]))} {cardinal(int(n[1:]))}"
    if len(n) == 4:
        return year(int(n))
    return digits(n)


def say_address(m: re.Match[str]) -> str:
    direction = _COMPASS[m.group("dir")[0]] + " " if m.group("dir") else ""
    name = re.sub(r"\d+(st|nd|rd|th)\b", lambda o: ordinal(int(o.group(0)[:-2])), m.group("name"))
    word = next(v for k, v in _AFTER_NAME.items() if k.lower() == m.group("s").lower())
    if m.group("s").isupper() and len(m.group("s")) > 1 and m.group("s") != "ST":
        word = m.group("s")
    if m.group("s") == "ST":
        return m.group(0)  # "ST" in capitals: an abbreviation we cannot be sure of
    return f"{_house_number(m.group('n'))} {direction}{name}{word}{m.group('dot')}"


def say_state(m: re.Match[str]) -> str:
    out = _STATES[m.group("st")].replace("_", " ")
    if m.group("zip"):
        out += f"{m.group('c')} {digits(m.group('zip'))}"
    return out


def say_abbreviation(m: re.Match[str]) -> str:
    key = m.lastgroup
    if key == "pp":
        return "pages" if m.group(0).startswith("pp") else "page"
    return _ABBR_WORDS[key]


# --- roman numerals -------------------------------------------------------------------

REGNAL = re.compile(
    r"\b(?P<name>(?:[A-Z][a-z]+))\s(?P<r>(?=[IVXLC]{2,}\b|[VX]\b)[IVXLC]+)\b(?!['’]\w)"
)
_NOT_NAMES = frozenset(
    "The A An And Or But In On At Of To For With By From As If When Then So Chapter Part Book "
    "Volume Act Scene Canto Section Appendix Article Vol Chap Psalm Page War Type Phase Class "
    "Level Stage Grade Mark Model Series Title Table Figure Plate Annex Schedule".split()
)
_COUNTED = frozenset("War Type Phase Class Level Stage Grade Mark Model Series".split())


def say_regnal(m: re.Match[str]) -> str:
    name, roman = m.group("name"), m.group("r")
    value = roman_to_int(roman)
    if value is None:
        return m.group(0)
    if name in _COUNTED:
        return f"{name} {cardinal(value)}"  # World War II, Type IV
    if name in _NOT_NAMES:
        return m.group(0)
    return f"{name} the {ordinal(value)}"
