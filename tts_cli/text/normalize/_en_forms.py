"""English dates, times, money and measures: regexes and the functions that say them."""

from __future__ import annotations

import re

from tts_cli.text.normalize._en_numbers import (
    cardinal,
    decimal,
    digits,
    fraction,
    number,
    ordinal,
    plural,
    year,
)

# --- shared pieces ----------------------------------------------------------------

NUM = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+"
_SCALE_WORDS = r"thousand|million|billion|trillion"
SCALE = rf"(?:\s?(?P<scale>{_SCALE_WORDS}|(?i:k|m|mn|b|bn|t|tn))\b)?"
_SCALE_ABBR = {"k": "thousand", "m": "million", "mn": "million", "b": "billion", "bn": "billion",
               "t": "trillion", "tn": "trillion"}  # fmt: skip

# --- dates ----------------------------------------------------------------------

MONTHS = (
    "january february march april may june july august september october november december"
).split()
_MONTH_ABBR = {m[:3]: m for m in MONTHS} | {"sept": "september"}
_MONTH = (
    r"(?P<month>(?i:january|february|march|april|may|june|july|august|september|october|"
    r"november|december)|(?i:jan|feb|mar|apr|jun|jul|aug|sept|sep|oct|nov|dec)\.?)"
)
_DAY = r"(?P<day>[0-3]?\d)(?P<dsuf>st|nd|rd|th)?"
_YEAR = r"(?P<year>[12]\d{3})"

MONTH_DAY = re.compile(rf"\b{_MONTH}[ -]{_DAY}(?!\d)(?:(?P<comma>,?)[ -]{_YEAR})?\b")
DAY_MONTH = re.compile(
    rf"(?P<the>\bthe\s+)?\b{_DAY}(?:\s+of)?\s+{_MONTH}(?!\w)(?:(?P<comma>,?)\s?{_YEAR}\b)?"
)
ISO_DATE = re.compile(r"\b(?P<y>[12]\d{3})[-/](?P<m>[01]?\d)[-/](?P<d>[0-3]?\d)\b")
NUM_DATE = re.compile(r"\b(?P<a>[0-3]?\d)(?P<s>[./-])(?P<b>[0-3]?\d)(?P=s)(?P<y>\d{4}|\d{2})\b")
DECADE_RANGE = re.compile(
    r"\b(?P<a>[12]\d{2}0)(?P<as>s?)\s?[-–]\s?(?:(?P<b>[12]\d{2}0)|['’]?(?P<c>\d0))s\b"
)
DECADE = re.compile(r"(?:\b(?P<full>[12]\d{2}0)|(?:['’]|(?<=mid-)|(?<=mid ))(?P<short>\d0))\s?s\b")
ERA = re.compile(r"\b(?P<y>\d{1,4})\s?(?P<era>A\.?D\.?|B\.?C\.?(?:E\.?)?|C\.?E\.?)(?!\w)")


def month_name(raw: str) -> str:
    """ "Sept." -> "September", "jan" -> "january" (capitalised as written)."""
    low = raw.rstrip(".").lower()
    name = _MONTH_ABBR.get(low[:4] if low.startswith("sept") else low[:3], low)
    return name.capitalize() if raw[0].isupper() else name


def _valid(month: int, day: int) -> bool:
    return 1 <= month <= 12 and 1 <= day <= 31


def _y(raw: str) -> str:
    if len(raw) == 2:  # '05 -> "zero five", 98 -> "ninety-eight"
        return digits(raw) if raw.startswith("0") else cardinal(int(raw))
    return year(int(raw))


def say_month_day(m: re.Match[str]) -> str:
    day = int(m.group("day"))
    if not 1 <= day <= 31 or (
        m.group("month") == "may" and not m.group("year") and not m.group("dsuf")
    ):
        return m.group(0)  # "you may 3 times" is not a date
    out = f"{month_name(m.group('month'))} {ordinal(day)}"
    if m.group("year"):
        out += f"{m.group('comma')} {_y(m.group('year'))}"
    return out


def say_day_month(m: re.Match[str]) -> str:
    day = int(m.group("day"))
    if not 1 <= day <= 31:
        return m.group(0)
    out = f"the {ordinal(day)} of {month_name(m.group('month'))}"
    if m.group("year"):
        out += f"{m.group('comma')} {_y(m.group('year'))}"
    return out


def say_iso(m: re.Match[str]) -> str:
    month, day = int(m.group("m")), int(m.group("d"))
    if not _valid(month, day):
        return m.group(0)
    return f"{MONTHS[month - 1].capitalize()} {ordinal(day)} {_y(m.group('y'))}"


def say_num_date(m: re.Match[str]) -> str:
    a, b = int(m.group("a")), int(m.group("b"))
    if len(m.group("y")) == 2 and m.group("s") == ".":
        return m.group(0)
    if _valid(a, b):  # month first, as written in the US
        return f"{MONTHS[a - 1].capitalize()} {ordinal(b)} {_y(m.group('y'))}"
    if _valid(b, a):  # 15.01.2020: the day comes first
        return f"the {ordinal(a)} of {MONTHS[b - 1].capitalize()} {_y(m.group('y'))}"
    return m.group(0)


def say_decade(m: re.Match[str]) -> str:
    if m.group("short"):
        return plural(cardinal(int(m.group("short"))))
    return plural(year(int(m.group("full"))))


def say_decade_range(m: re.Match[str]) -> str:
    a = year(int(m.group("a")))
    b = year(int(m.group("b"))) if m.group("b") else cardinal(int(m.group("c")))
    return f"{plural(a) if m.group('as') else a} to {plural(b)}"


def say_era(m: re.Match[str]) -> str:
    era = m.group("era").replace(".", "").upper()
    return f"{year(int(m.group('y')))} {era}"


# --- times ----------------------------------------------------------------------

_ZONE = r"(?:\s?(?P<zone>(?i:[ecmp]\.?[sd]\.?t|gmt|utc|bst|cet)\.?)(?!\w))?"
_AMPM = r"(?P<ampm>[ap]\.?\s?m\b\.?|[AP]\.?\s?M\b\.?)"
CLOCK = re.compile(
    rf"(?<![\d:.])(?P<h>[01]?\d|2[0-4])(?P<sep>[:.])(?P<mi>[0-5]\d)(?::(?P<s>[0-5]\d))?"
    rf"(?:\s?{_AMPM})?{_ZONE}(?![\d:])"
)
HOUR_AMPM = re.compile(rf"(?<![\d:.])(?P<h>[01]?\d)\s?{_AMPM}{_ZONE}")


def _ampm(m: re.Match[str]) -> str:
    out = ""
    if m.group("ampm"):
        out += " " + m.group("ampm").replace(".", "").replace(" ", "").upper()
    if m.group("zone"):
        out += " " + m.group("zone").replace(".", "").upper()
    return out


def say_clock(m: re.Match[str]) -> str:
    h, mi = int(m.group("h")), int(m.group("mi"))
    if m.group("sep") == "." and not m.group("ampm"):
        return m.group(0)  # 1.59 is a decimal unless "p.m." follows
    if m.group("s") is not None:
        s = int(m.group("s"))
        unit = lambda n, w: f"{cardinal(n)} {w}{'' if n == 1 else 's'}"  # noqa: E731
        return f"{unit(h, 'hour')} {unit(mi, 'minute')} and {unit(s, 'second')}" + _ampm(m)
    if h > 24:
        return m.group(0)
    if mi == 0:
        said = cardinal(h) + ("" if m.group("ampm") else " o'clock")
    elif mi < 10:
        said = f"{cardinal(h)} oh {cardinal(mi)}"
    else:
        said = f"{cardinal(h)} {cardinal(mi)}"
    return said + _ampm(m)


def say_hour(m: re.Match[str]) -> str:
    h = int(m.group("h"))
    if not 0 <= h <= 12:
        return m.group(0)
    return cardinal(h) + _ampm(m)


# --- money ----------------------------------------------------------------------

# symbol -> (one, many, minor one, minor many); minor None: read as a decimal
_CURRENCIES = {
    "$": ("dollar", "dollars", "cent", "cents"),
    "US$": ("us dollar", "us dollars", "cent", "cents"),
    "€": ("euro", "euros", "cent", "cents"),
    "£": ("pound", "pounds", "penny", "pence"),
    "¥": ("yen", "yen", None, None),
    "₩": ("won", "won", None, None),
    "₹": ("rupee", "rupees", "paisa", "paise"),
    "₽": ("ruble", "rubles", "kopeck", "kopecks"),
    "CHF": ("franc", "francs", "centime", "centimes"),
}
_PER = {
    "mo": "month", "month": "month", "yr": "year", "year": "year", "y": "year", "wk": "week",
    "week": "week", "d": "day", "day": "day", "hr": "hour", "h": "hour", "hour": "hour",
    "min": "minute", "kg": "kilogram", "lb": "pound", "ea": "each",
}  # fmt: skip
MONEY = re.compile(
    rf"(?P<cur>US\$|\$|€|£|¥|₩|₹|₽)\s?(?P<num>{NUM}){SCALE}"
    rf"(?:/(?P<per>{'|'.join(sorted(_PER, key=len, reverse=True))})\b)?"
)
MONEY_RANGE = re.compile(r"(?<=\d)\s?[-–]\s?(?=(?:US)?[$€£¥₩₹₽]\d)")
MONEY_AFTER = re.compile(rf"(?<![\w.,])(?P<num>{NUM})\s?(?P<cur>€|£|\$)(?!\w)")


def say_money(m: re.Match[str]) -> str:
    one, many, minor1, minor_n = _CURRENCIES[m.group("cur")]
    raw = m.group("num").replace(",", "")
    whole, _, frac = raw.partition(".")
    groups = m.groupdict()  # MONEY_AFTER ("5 €") has no scale or per group
    scale = groups.get("scale")
    per = f" per {_PER[groups['per']]}" if groups.get("per") else ""
    if scale:
        scale = _SCALE_ABBR.get(scale.lower(), scale.lower())
        return f"{number(raw, False)} {scale} {many}{per}"
    frac = frac.rstrip("0") if len(frac) > 2 else frac
    if frac and (len(frac) > 2 or minor1 is None):
        return f"{decimal(whole, frac)} {many}{per}"
    units = int(whole or 0)
    cents = int(frac.ljust(2, "0")) if frac else 0
    parts = []
    if units or not cents:
        parts.append(f"{cardinal(units)} {one if units == 1 else many}")
    if cents:
        parts.append(f"{cardinal(cents)} {minor1 if cents == 1 else minor_n}")
    return " ".join(parts) + per


# --- measures -------------------------------------------------------------------

# unit -> (singular, plural)
_UNITS = {
    "mm": "millimeter", "cm": "centimeter", "m": "meter", "km": "kilometer", "mg": "milligram",
    "g": "gram", "kg": "kilogram", "t": "tonne", "lb": "pound", "lbs": "pound", "oz": "ounce",
    "ml": "milliliter", "l": "liter", "ft": "foot", "yd": "yard", "mi": "mile", "mph": "mile",
    "kph": "kilometer", "km/h": "kilometer", "kmh": "kilometer", "hz": "hertz", "khz": "kilohertz",
    "mhz": "megahertz", "ghz": "gigahertz", "kb": "kilobyte", "mb": "megabyte", "gb": "gigabyte",
    "tb": "terabyte", "kbps": "kilobit", "mbps": "megabit", "gbps": "gigabit", "w": "watt",
    "kw": "kilowatt", "mw": "megawatt", "kwh": "kilowatt-hour", "v": "volt", "ma": "milliamp",
    "ms": "millisecond", "sec": "second", "min": "minute", "hr": "hour", "hrs": "hour",
    "cc": "CC", "ha": "hectare", "mm2": "square millimeter", "cm2": "square centimeter",
    "m2": "square meter", "km2": "square kilometer", "m3": "cubic meter", "km3": "cubic kilometer",
    "cm3": "cubic centimeter", "ft2": "square foot", "sq ft": "square foot",
    "°c": "degree Celsius", "°f": "degree Fahrenheit", "ºc": "degree Celsius",
    "ºf": "degree Fahrenheit", "°k": "kelvin", "°": "degree", "º": "degree",
}  # fmt: skip
_SUFFIX = {"mph": " per hour", "kph": " per hour", "km/h": " per hour", "kmh": " per hour",
           "kbps": " per second", "mbps": " per second", "gbps": " per second"}  # fmt: skip
_PLURAL_SPECIAL = {"foot": "feet", "hertz": "hertz", "kelvin": "kelvin", "CC": "CC",
                   "degree Celsius": "degrees Celsius", "degree Fahrenheit": "degrees Fahrenheit",
                   "square foot": "square feet"}  # fmt: skip
_UNIT_RE = "(?i:{})|[mgltVW]".format(
    "|".join(
        re.escape(u).replace("2", "[2²]").replace("3", "[3³]")
        for u in sorted(_UNITS, key=len, reverse=True)
        if len(u) > 1
    )
)
_UNIT_PER = r"(?:/(?P<per>s|h|hr|kg|g|m|km|l|ml|day|yr))?"
MEASURE = re.compile(
    rf"(?<![\w.,])(?P<num>-?(?:{NUM}))(?P<frac>\s\d+/\d+)?(?:(?P<dash>-)(?P<num2>{NUM}))?"
    rf"(?P<scale>\s(?:{_SCALE_WORDS}))?\s?(?P<unit>{_UNIT_RE}){_UNIT_PER}(?![\w°º])"
)
PER_UNIT = re.compile(rf"(?<![\w.,])(?P<num>{NUM})/(?P<unit>(?i:kg|g|km|m|l|lb|oz))\b")
_PER_WORDS = {"s": "second", "h": "hour", "hr": "hour", "day": "day", "yr": "year"}


def unit_words(unit: str, count_is_one: bool) -> str:
    key = unit.lower().replace("²", "2").replace("³", "3")
    if key not in _UNITS:
        key = unit
    one = _UNITS[key]
    word = one if count_is_one else _PLURAL_SPECIAL.get(one, one + "s")
    return word + _SUFFIX.get(key, "")


def say_measure(m: re.Match[str]) -> str:
    unit = m.group("unit")
    if unit in ("t", "m", "g", "l", "v", "w") and not m.group("num")[-1].isdigit():
        return m.group(0)
    said = number(m.group("num"))
    if m.group("frac"):
        num, den = (int(x) for x in m.group("frac").split("/"))
        said += " and " + ("a half" if (num, den) == (1, 2) else fraction(num, den))
    last = m.group("num")
    if m.group("num2"):
        said += f" to {number(m.group('num2'))}"
        last = m.group("num2")
    if m.group("scale"):
        said += m.group("scale")
    one = last.lstrip("-") == "1" and not m.group("scale") and not m.group("frac")
    said += " " + unit_words(unit, one)
    if m.group("per"):
        per = m.group("per")
        said += " per " + _PER_WORDS.get(
            per, unit_words(per, True) if per.lower() in _UNITS else per
        )
    return said


def say_per_unit(m: re.Match[str]) -> str:
    return f"{number(m.group('num'))} per {unit_words(m.group('unit'), True)}"
