"""German written forms with their own shape: e-mail and web addresses, telephone numbers,
times, dates, money and measures. Each ``*_sub`` function rewrites every such form in a text.
"""

from __future__ import annotations

import re

from tts_cli.text.normalize._de_context import ordinal_ending
from tts_cli.text.normalize._de_numbers import cardinal, digits, number, ordinal, year

# A written German number: 1.000.000 / 1 000 / 3,50 / 42
NUM = r"\d{1,3}(?:[.\u00a0\u202f]\d{3})+(?:,\d+)?(?!\d)|\d+(?:,\d+)?"

# --- e-mail and web addresses -------------------------------------------------------------

_TLDS = frozenset("com de org net edu gov info at ch eu io uk fr it es nl biz me tv ru".split())
_KNOWN = {"gmail": "G-Mail", "hotmail": "Hotmail", "youtube": "YouTube"}
_URL_SYMBOLS = {
    ".": "Punkt", "@": "at", "-": "Bindestrich", "_": "Unterstrich", "/": "Slash",
    ":": "Doppelpunkt", "?": "Fragezeichen", "=": "gleich", "&": "und", "#": "Raute",
    "~": "Tilde", "+": "plus", "%": "Prozent",
}  # fmt: skip
_EMAIL = re.compile(r"(?<![\w@])[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_URL = re.compile(r"(?:https?://|www\.)[^\s\"'<>()]+", re.IGNORECASE)
_DOMAIN = re.compile(
    r"(?<![\w@./])[a-z0-9][\w-]*(?:\.[\w-]+)*\.(?:" + "|".join(sorted(_TLDS)) + r")\b(?![.\w]\w)",
    re.IGNORECASE,
)
_HANDLE = re.compile(r"(?<![\w@])@\w+(?:\.\w+)*")
_URL_TOKEN = re.compile(r"[^\W\d_]+|\d+|\S")
_VOWELS = frozenset("aeiouäöüy")


def _speak_address(text: str) -> str:
    out = []
    for token in _URL_TOKEN.findall(text):
        low = token.lower()
        if token.isdigit():
            out.append(digits(token))
        elif token in _URL_SYMBOLS:
            out.append(_URL_SYMBOLS[token])
        elif low in _KNOWN:
            out.append(_KNOWN[low])
        elif low in _TLDS and len(out) > 0 and out[-1] == "Punkt":
            out.append(low)
        elif token.isalpha() and (len(token) <= 3 or not _VOWELS & set(low)):
            out.append(" ".join(low))
        else:
            out.append(token)
    return " ".join(out)


def _address(m: re.Match[str]) -> str:
    text = m.group(0)
    core = text.rstrip(".,;:!?")
    return f" {_speak_address(core)}{text[len(core) :]} "


def electronic_sub(text: str) -> str:
    """Addresses read out: "abc@abc.com" -> "a b c at a b c Punkt com"."""
    if "@" in text:
        text = _EMAIL.sub(_address, text)
        text = _HANDLE.sub(lambda m: f"at {_speak_address(m.group(0)[1:])}", text)
    if "." in text:
        text = _URL.sub(_address, text)
        text = _DOMAIN.sub(_address, text)
    return text


# --- telephone numbers ---------------------------------------------------------------------

_PHONE_INTL = re.compile(r"(?<![\w+])\+(\d{1,3})((?:[\s/-]?\(?\d+\)?){1,6})(?!\d|,\d)")
_PHONE_LOCAL = re.compile(r"(?<![\w+])(?:\(0\d{1,5}\)|0\d{2,5}[/-])\s?\d+(?:[\s-]\d+)*(?!\d|,\d)")


def phone_sub(text: str) -> str:
    """Telephone numbers digit by digit: "+49 1234-1234" -> "plus neunundvierzig eins zwei ..."."""
    if "+" in text:
        text = _PHONE_INTL.sub(lambda m: f"plus {cardinal(int(m[1]))} {digits(m[2])}", text)
    return _PHONE_LOCAL.sub(lambda m: digits(m.group(0)), text)


# --- times ---------------------------------------------------------------------------------

_TIME = re.compile(
    r"(?<![\d.:,])([01]?\d|2[0-4])([:.])([0-5]\d)(?::([0-5]\d))?(?![\d.,]\d|\d)(\s?Uhr\b)?"
)
_HOUR = re.compile(r"(?<![\d.,:])(\d{1,2}) ?Uhr\b")
_SCORE = re.compile(r"(?<![\d.,:])(\d{1,2}):(\d{1,2})(?![\d:])")


def _unit(n: int, singular: str, plural: str) -> str:
    return f"eine {singular}" if n == 1 else f"{cardinal(n)} {plural}"


def _time(m: re.Match[str]) -> str:
    if not m[5] and m[2] == ".":
        return m.group(0)  # "12.05" without "Uhr" is a date or a decimal, not a time
    hour, minute = int(m[1]), int(m[3])
    words = f"{cardinal(hour, 'ein')} Uhr"
    if m[4] is not None:
        seconds = _unit(int(m[4]), "Sekunde", "Sekunden")
        return f"{words} {_unit(minute, 'Minute', 'Minuten')} {seconds}"
    return f"{words} {cardinal(minute)}" if minute else words


def time_sub(text: str) -> str:
    """Clock times: "14:30 Uhr" -> "vierzehn Uhr dreißig", "3:1" -> "drei zu eins"."""
    text = _TIME.sub(_time, text)
    text = _HOUR.sub(lambda m: f"{cardinal(int(m[1]), 'ein')} Uhr", text)
    return _SCORE.sub(lambda m: f"{cardinal(int(m[1]))} zu {cardinal(int(m[2]))}", text)


# --- dates -----------------------------------------------------------------------------------

MONTHS = (
    "Januar Februar März April Mai Juni Juli August September Oktober November Dezember".split()
)
_MONTH_ABBR = {
    "jan": 1, "feb": 2, "mär": 3, "mrz": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8,
    "sep": 9, "sept": 9, "okt": 10, "nov": 11, "dez": 12, "jän": 1,
}  # fmt: skip
_MONTH_WORD = r"(?:" + "|".join(MONTHS) + r"|Jänner)\b|(?:" + "|".join(_MONTH_ABBR) + r")\."
_DATE_WRITTEN = re.compile(
    r"(?<![\d.,])(\d{1,2})\.\s?(" + _MONTH_WORD + r")(?:\s(\d{4})(?!\d|,\d))?", re.IGNORECASE
)
_DATE_NUMERIC = re.compile(r"(?<![\d.,])(\d{1,2})\.(\d{1,2})\.(\d{4}|\d{2})?(?!\d|[.,]\d)")
_DATE_SHORT = re.compile(r"(?<![\d.,])(\d{2})\.(\d{2})(?![\d.,])")
_DATE_ISO = re.compile(r"(?<![\d.,-])(\d{4})-(\d{1,2})(?:-(\d{1,2}))?(?![\d,-])")
_MONTH_YEAR = re.compile(r"\b(" + "|".join(MONTHS) + r")\s(\d{4})(?!\d|,\d)")


def _month_number(word: str) -> int:
    low = word.lower().rstrip(".")
    for i, name in enumerate(MONTHS, 1):
        if low == name.lower():
            return i
    return 1 if low == "jänner" else _MONTH_ABBR.get(low, 0)


def _year_words(raw: str) -> str:
    return digits(raw) if len(raw) == 2 and raw[0] == "0" else year(int(raw))


def _date(text: str, start: int, day: int, month: int, year_raw: str | None) -> str | None:
    if not (1 <= day <= 31 and 1 <= month <= 12):
        return None
    month_name = MONTHS[month - 1]
    words = f"{ordinal(day, ordinal_ending(text[:start], month_name))} {month_name}"
    return f"{words} {_year_words(year_raw)}" if year_raw else words


def date_sub(text: str) -> str:
    """Dates in words with the day's ending from its context: "am 3. Oktober" -> "am dritten
    Oktober", "02.03.2003" -> "zweiter März zweitausenddrei", "2003-03-02" likewise."""

    def written(m: re.Match[str]) -> str:
        return _date(m.string, m.start(), int(m[1]), _month_number(m[2]), m[3]) or m.group(0)

    def numeric(m: re.Match[str]) -> str:
        return _date(m.string, m.start(), int(m[1]), int(m[2]), m[3]) or m.group(0)

    def short(m: re.Match[str]) -> str:
        return _date(m.string, m.start(), int(m[1]), int(m[2]), None) or m.group(0)

    def iso(m: re.Match[str]) -> str:
        month = int(m[2])
        if m[3] is None:
            if len(m[2]) != 2 or not 1 <= month <= 12:
                return m.group(0)
            return f"{MONTHS[month - 1]} {year(int(m[1]))}"
        return _date(m.string, m.start(), int(m[3]), month, m[1]) or m.group(0)

    text = _DATE_WRITTEN.sub(written, text)
    text = _DATE_ISO.sub(iso, text)
    text = _DATE_NUMERIC.sub(numeric, text)
    text = _DATE_SHORT.sub(short, text)
    return _MONTH_YEAR.sub(lambda m: f"{m[1]} {year(int(m[2]))}", text)


# --- money -------------------------------------------------------------------------------------

# symbol or code -> (singular, plural, minor unit singular, minor plural, minor feminine)
_CURRENCIES = {
    "€": ("Euro", "Euro", "Cent", "Cent"), "EUR": ("Euro", "Euro", "Cent", "Cent"),
    "Euro": ("Euro", "Euro", "Cent", "Cent"),
    "$": ("Dollar", "Dollar", "Cent", "Cent"), "USD": ("Dollar", "Dollar", "Cent", "Cent"),
    "Dollar": ("Dollar", "Dollar", "Cent", "Cent"),
    "£": ("Pfund", "Pfund", "Penny", "Pence"), "GBP": ("Pfund", "Pfund", "Penny", "Pence"),
    "Pfund": ("Pfund", "Pfund", "Penny", "Pence"),
    "CHF": ("Franken", "Franken", "Rappen", "Rappen"),
    "Fr.": ("Franken", "Franken", "Rappen", "Rappen"),
    "¥": ("Yen", "Yen", "", ""), "JPY": ("Yen", "Yen", "", ""),
    "₽": ("Rubel", "Rubel", "Kopeke", "Kopeken"), "RUB": ("Rubel", "Rubel", "Kopeke", "Kopeken"),
}  # fmt: skip
_SCALES = {
    "mio.": ("Million", "Millionen"), "million": ("Million", "Millionen"),
    "millionen": ("Million", "Millionen"), "mrd.": ("Milliarde", "Milliarden"),
    "milliarde": ("Milliarde", "Milliarden"), "milliarden": ("Milliarde", "Milliarden"),
    "bio.": ("Billion", "Billionen"), "billion": ("Billion", "Billionen"),
    "billionen": ("Billion", "Billionen"), "tsd.": ("tausend", "tausend"),
}  # fmt: skip
SCALE = r"(?:Mio\.|Mrd\.|Bio\.|Tsd\.|[Mm]illion(?:en)?|[Mm]illiarden?|[Bb]illion(?:en)?)"
_SYM = r"€|\$|£|¥|₽"
_CODE = r"EUR|USD|GBP|CHF|JPY|RUB"
_AMOUNT = rf"(?P<num>{NUM})(?P<dash>,[-–—])?(?:\s?(?P<scale>{SCALE}))?"
_MONEY_BEFORE = re.compile(rf"(?P<cur>{_SYM}|(?:{_CODE})\s)\s?{_AMOUNT}(?!\w)")
_MONEY_AFTER = re.compile(
    rf"(?<![\w.,]){_AMOUNT}\s?(?P<cur>{_SYM}|(?:{_CODE}|Euro|Dollar|Pfund|Fr\.)(?!\w))"
)


def scaled(words_for_one: str, words: str, scale: str | None, one: bool) -> str:
    """ "2,5" + "Mio." -> "zwei Komma fünf Millionen"; 1 + "Mio." -> "eine Million"."""
    if not scale:
        return words
    singular, plural = _SCALES[scale.lower()]
    if singular == "tausend":
        return f"{words_for_one}tausend" if one else f"{words} tausend"
    return f"eine {singular}" if one else f"{words} {plural}"


def _money(m: re.Match[str]) -> str:
    cur = m["cur"].strip()
    major, major_pl, minor, minor_pl = _CURRENCIES[cur]
    raw, scale = m["num"], m["scale"]
    whole = "".join(c for c in raw.partition(",")[0] if c.isdigit())
    frac = raw.partition(",")[2]
    if len(whole) > 21:
        return m.group(0)
    if scale:
        words = scaled("ein", number(raw), scale, raw == "1")
        return f"{words} {major_pl}"
    if len(frac) > 2 and frac[2:].strip("0"):
        return f"{number(raw)} {major_pl}"  # "2,0001 $": read as written
    cents = int((frac + "00")[:2]) if frac else 0
    value = int(whole)
    if value == 0 and cents and minor:
        return f"{cardinal(cents, 'ein')} {minor if cents == 1 else minor_pl}"
    words = f"{cardinal(value, 'ein')} {major if value == 1 else major_pl}"
    if cents:
        words += f" {cardinal(cents)}" if minor else f" Komma {digits(frac)}"
    return words


def money_sub(text: str) -> str:
    """Amounts of money: "3,50 €" -> "drei Euro fünfzig", "€0,20" -> "zwanzig Cent"."""
    text = _MONEY_BEFORE.sub(_money, text)
    return _MONEY_AFTER.sub(_money, text)


# --- measures ------------------------------------------------------------------------------------

# unit -> (singular, plural, gender of the singular: "f" takes "eine")
_UNITS = {
    "mm": ("Millimeter",), "cm": ("Zentimeter",), "dm": ("Dezimeter",), "m": ("Meter",),
    "km": ("Kilometer",), "µm": ("Mikrometer",), "μm": ("Mikrometer",), "nm": ("Nanometer",),
    "mg": ("Milligramm",), "g": ("Gramm",), "kg": ("Kilogramm",),
    "t": ("Tonne", "Tonnen", "f"), "ml": ("Milliliter",), "cl": ("Zentiliter",),
    "dl": ("Deziliter",), "l": ("Liter",), "hl": ("Hektoliter",),
    "s": ("Sekunde", "Sekunden", "f"), "ms": ("Millisekunde", "Millisekunden", "f"),
    "min": ("Minute", "Minuten", "f"), "h": ("Stunde", "Stunden", "f"),
    "Std.": ("Stunde", "Stunden", "f"), "kWh": ("Kilowattstunde", "Kilowattstunden", "f"),
    "kwh": ("Kilowattstunde", "Kilowattstunden", "f"), "Wh": ("Wattstunde", "Wattstunden", "f"),
    "W": ("Watt",), "kW": ("Kilowatt",), "MW": ("Megawatt",), "GW": ("Gigawatt",),
    "V": ("Volt",), "mV": ("Millivolt",), "mv": ("Millivolt",), "kV": ("Kilovolt",),
    "mA": ("Milliampere",), "Hz": ("Hertz",), "kHz": ("Kilohertz",), "MHz": ("Megahertz",),
    "GHz": ("Gigahertz",), "PS": ("PS",), "ha": ("Hektar",), "ft": ("Fuß",),
    "mi": ("Meile", "Meilen", "f"), "kcal": ("Kilokalorie", "Kilokalorien", "f"),
    "kB": ("Kilobyte",), "KB": ("Kilobyte",), "MB": ("Megabyte",), "GB": ("Gigabyte",),
    "TB": ("Terabyte",), "bar": ("Bar",), "hPa": ("Hektopascal",), "dB": ("Dezibel",),
    "mph": ("Meile pro Stunde", "Meilen pro Stunde", "f"), "°C": ("Grad Celsius",),
    "°F": ("Grad Fahrenheit",), "°": ("Grad",), "‰": ("Promille",), "K": ("Kelvin",),
}  # fmt: skip
_POWER = {"²": "Quadrat", "³": "Kubik"}
_UNIT = "|".join(re.escape(u) for u in sorted(_UNITS, key=len, reverse=True))
_UNIT_RE = rf"(?:{_UNIT})[²³]?"
_MEASURE = re.compile(
    rf"(?<![\w.,/])(?P<num>-?(?:(?:\d+\s)?\d+/\d+|{NUM}))(?:\s?(?P<scale>{SCALE}))?"
    rf"\s?(?P<unit>{_UNIT_RE})?(?:\s?/\s?(?P<per>{_UNIT_RE}))?(?![\w²³])"
)


def _unit_words(unit: str, count_one: bool) -> tuple[str, str]:
    power = _POWER.get(unit[-1], "")
    base = unit[:-1] if power else unit
    forms = _UNITS[base]
    singular = forms[0]
    plural = forms[1] if len(forms) > 1 else singular
    gender = forms[2] if len(forms) > 2 else "m"
    word = singular if count_one else plural
    return (power + word.lower() if power else word), gender


def measure_words(number_words: str, raw: str, unit: str | None, per: str | None) -> str:
    """Number words followed by the unit in words; "1" takes "ein"/"eine" by the unit's gender."""
    parts = [number_words]
    if unit:
        one = raw == "1"
        word, gender = _unit_words(unit, one)
        if one:
            parts[0] = "eine" if gender == "f" else "ein"
        parts.append(word[0].upper() + word[1:])
    if per:
        word, _ = _unit_words(per, True)
        parts.append("pro " + word[0].upper() + word[1:])
    return " ".join(parts)


def _measure(m: re.Match[str], fraction_words) -> str:
    if not (m["unit"] or m["per"]):
        return m.group(0)
    raw = m["num"]
    if "/" in raw:
        words = ("minus " if raw[0] == "-" else "") + fraction_words(raw.lstrip("-"))
    else:
        words = number(raw)
    words = scaled("ein", words, m["scale"], raw == "1") if m["scale"] else words
    unit_raw = "" if m["scale"] else raw
    return measure_words(words, unit_raw, m["unit"], m["per"])


def measure_sub(text: str, fraction_words) -> str:
    """Numbers with units: "200 km/h" -> "zweihundert Kilometer pro Stunde"."""
    text = re.sub(rf"(?<![\w\d])/\s?(?P<per>{_UNIT_RE})(?![\w²³])", _per_only, text)
    return _MEASURE.sub(lambda m: _measure(m, fraction_words), text)


def _per_only(m: re.Match[str]) -> str:
    word, _ = _unit_words(m["per"], True)
    return " pro " + word[0].upper() + word[1:]
