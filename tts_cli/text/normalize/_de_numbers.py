"""German number words: cardinals, ordinals with their endings, years, decimals, fractions.

num2words gets German ordinals of large numbers wrong ("2000003." -> "zwei millionen dritte"
is right, but "301 Milliarden" ordinal stems and the ``ein``/``eine`` forms before nouns are
not handled), so the words are built here from the rules: numbers below a million are one
word ("dreihundertzwölf"), Million/Milliarde/... are separate nouns with a plural.
"""

from __future__ import annotations

_ONES = (
    "null eins zwei drei vier fünf sechs sieben acht neun zehn elf zwölf dreizehn vierzehn "
    "fünfzehn sechzehn siebzehn achtzehn neunzehn"
).split()
_TENS = {
    2: "zwanzig", 3: "dreißig", 4: "vierzig", 5: "fünfzig",
    6: "sechzig", 7: "siebzig", 8: "achtzig", 9: "neunzig",
}  # fmt: skip
_BIG = (
    (10**18, "Trillion", "Trillionen"),
    (10**15, "Billiarde", "Billiarden"),
    (10**12, "Billion", "Billionen"),
    (10**9, "Milliarde", "Milliarden"),
    (10**6, "Million", "Millionen"),
)
_BIG_ORDINAL = (
    ("millionen", "million"), ("milliarden", "milliard"), ("milliarde", "milliard"),
    ("billionen", "billion"), ("billiarden", "billiard"), ("billiarde", "billiard"),
    ("trillionen", "trillion"),
)  # fmt: skip
_ORDINAL_STEM = {1: "erst", 3: "dritt", 7: "siebt", 8: "acht"}
MAX_CARDINAL = 10**21 - 1
DIGIT_WORDS = _ONES[:10]


def _below_1000(n: int, one: str) -> str:
    """1..999 as one word; ``one`` is the form of a final 1 ("eins", "ein", "eine")."""
    hundreds, rest = divmod(n, 100)
    word = ("ein" if hundreds == 1 else _ONES[hundreds]) + "hundert" if hundreds else ""
    if rest == 1:
        word += one
    elif rest < 20 and rest:
        word += _ONES[rest]
    elif rest:
        tens, unit = divmod(rest, 10)
        if unit:
            word += ("ein" if unit == 1 else _ONES[unit]) + "und"
        word += _TENS[tens]
    return word


def cardinal(n: int, one: str = "eins") -> str:
    """``n`` in words: 1312 -> "eintausenddreihundertzwölf"; ``one`` is the form of a final 1."""
    if n < 0:
        return "minus " + cardinal(-n, one)
    if n == 0:
        return "null"
    parts = []
    for value, singular, plural in _BIG:
        count, n = divmod(n, value)
        if count == 1:
            parts.append(f"eine {singular}")
        elif count:
            parts.append(f"{_below_1000(count, 'eine')} {plural}")
    thousands, rest = divmod(n, 1000)
    small = _below_1000(thousands, "ein") + "tausend" if thousands else ""
    if rest:
        small += _below_1000(rest, one)
    if small:
        parts.append(small)
    return " ".join(parts)


def ordinal_stem(n: int) -> str:
    """The ordinal without its ending: 3 -> "dritt", 20 -> "zwanzigst", 10**6 -> "einmillionst"."""
    if n == 0:
        return "nullt"
    rest = n % 100
    if rest == 0 or rest >= 20:
        words = cardinal(n, "ein")
        if n % 10**6 == 0:  # "zwei Millionen" -> "zweimillionst"
            words = words.replace("eine ", "ein ").replace(" ", "").lower()
            for plural, singular in _BIG_ORDINAL:
                words = words.replace(plural, singular)
        return words + "st"
    head = cardinal(n - rest, "ein") if n - rest else ""
    stem = _ORDINAL_STEM.get(rest, _ONES[rest] + "t")
    return f"{head} {stem}" if head.endswith(_BIG_WORDS) else head + stem


_BIG_WORDS = tuple(w for _, s, p in _BIG for w in (s, p))


def ordinal(n: int, ending: str = "er") -> str:
    """``n`` as an ordinal with an adjective ending ("e", "er", "en", "em", "es")."""
    return ordinal_stem(n) + ending


def year(n: int) -> str:
    """A year as spoken: 1786 -> "siebzehnhundertsechsundachtzig", 2003 -> "zweitausenddrei"."""
    if 1100 <= n <= 1999:
        hundreds, rest = divmod(n, 100)
        return cardinal(hundreds) + "hundert" + (cardinal(rest) if rest else "")
    return cardinal(n)


def digits(text: str) -> str:
    """Digits read one by one: "2400" -> "zwei vier null null"."""
    return " ".join(DIGIT_WORDS[int(c)] for c in text if c.isdigit())


def decimal(whole: str, frac: str) -> str:
    """A decimal as written: ("60", "2400") -> "sechzig Komma zwei vier null null"."""
    head = cardinal(int(whole)) if whole else "null"
    return f"{head} Komma {digits(frac)}" if frac else head


def fraction(num: int, den: int) -> str:
    """1/2 -> "ein halb", 4/2 -> "vier Halbe", 2/9 -> "zwei Neuntel", 1/100 -> "ein Hundertstel"."""
    head = cardinal(num, "ein")
    if den == 2:
        return f"{head} halb" if num == 1 else f"{head} Halbe"
    stem = ordinal_stem(den)
    if den in (100, 1000):
        stem = stem[3:]
    return f"{head} {stem.capitalize()}el"


def split_number(raw: str) -> tuple[str, str]:
    """A German written number into (whole digits, fraction digits): "1.000,50" -> ("1000", "50")."""
    whole, _, frac = raw.partition(",")
    return "".join(c for c in whole if c.isdigit()), frac


def number(raw: str, one: str = "eins") -> str:
    """A written German number (groups with "." or spaces, decimal comma) in words."""
    negative = raw[:1] in "-−"
    whole, frac = split_number(raw.lstrip("-−"))
    if len(whole) > 21:
        words = digits(whole)
    elif frac:
        words = decimal(whole, frac)
    else:
        words = cardinal(int(whole), one)
    return "minus " + words if negative else words
