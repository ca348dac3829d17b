"""English number words: cardinals, ordinals, years, decimals, digit strings, fractions.

Written from English usage, not from num2words: "and" only where a narrator says it (in the
last group, "one hundred and five", "two thousand and six" as a count), years in pairs
("nineteen ninety-four", "fifteen oh six", "two thousand six"), decimals digit by digit
after the point, exactly as written ("2.050" -> "two point zero five zero").
"""

from __future__ import annotations

_ONES = (
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
    "fifteen sixteen seventeen eighteen nineteen"
).split()
_TENS = "_ _ twenty thirty forty fifty sixty seventy eighty ninety".split()
_SCALES = (
    "", "thousand", "million", "billion", "trillion", "quadrillion", "quintillion",
    "sextillion", "septillion",
)  # fmt: skip
_ORDINAL_WORDS = {
    "one": "first", "two": "second", "three": "third", "five": "fifth", "eight": "eighth",
    "nine": "ninth", "twelve": "twelfth",
}  # fmt: skip
_DENOMINATORS = {2: ("half", "halves"), 4: ("quarter", "quarters")}
MAX_CARDINAL_DIGITS = 27


def _two(n: int) -> str:
    if n < 20:
        return _ONES[n]
    tens, ones = divmod(n, 10)
    return _TENS[tens] + (f"-{_ONES[ones]}" if ones else "")


def _three(n: int, and_: bool) -> str:
    hundreds, rest = divmod(n, 100)
    if not hundreds:
        return _two(rest)
    head = f"{_ONES[hundreds]} hundred"
    if not rest:
        return head
    return f"{head} {'and ' if and_ else ''}{_two(rest)}"


def cardinal(n: int, and_: bool = True) -> str:
    """123 -> "one hundred and twenty-three"; ``and_=False`` -> "one hundred twenty-three"."""
    if n < 0:
        return "minus " + cardinal(-n, and_)
    if n < 1000:
        return _three(n, and_)
    groups = []
    while n:
        n, g = divmod(n, 1000)
        groups.append(g)
    if len(groups) > len(_SCALES):
        return digits(str(n))
    words = []
    for i in range(len(groups) - 1, -1, -1):
        g = groups[i]
        if not g:
            continue
        if i == 0 and and_ and g < 100 and groups[1]:
            words.append("and")
        words.append(_three(g, and_ and i == 0))
        if _SCALES[i]:
            words.append(_SCALES[i])
    return " ".join(words)


def ordinal(n: int) -> str:
    """21 -> "twenty-first", 1000 -> "one thousandth" (no "and", as in "hundred twenty-first")."""
    words = cardinal(n, and_=False)
    head, sep, last = words.rpartition(" ")
    pre, hy, tail = last.rpartition("-")
    if tail in _ORDINAL_WORDS:
        tail = _ORDINAL_WORDS[tail]
    elif tail.endswith("y"):
        tail = tail[:-1] + "ieth"
    else:
        tail += "th"
    return f"{head}{sep}{pre}{hy}{tail}"


def plural(words: str) -> str:
    """ "nineteen eighty" -> "nineteen eighties", "six" -> "sixes", "two thousand" -> "thousands"."""
    if words.endswith("y"):
        return words[:-1] + "ies"
    if words.endswith(("x", "s")):
        return words + "es"
    return words + "s"


def year(n: int) -> str:
    """A year as said: 1994 "nineteen ninety-four", 1506 "fifteen oh six", 2006 "two thousand
    six", 2012 "twenty twelve", 1900 "nineteen hundred", 340 "three forty"."""
    if n < 100 or n >= 10000:
        return cardinal(n)
    if 2000 <= n <= 2009 or n % 1000 == 0:
        return cardinal(n, and_=False)
    hi, lo = divmod(n, 100)
    if lo == 0:
        return f"{_two(hi)} hundred"
    tail = f"oh {_ONES[lo]}" if lo < 10 else _two(lo)
    return f"{_two(hi) if hi >= 10 else _ONES[hi]} {tail}"


def digits(s: str) -> str:
    """ "004" -> "zero zero four": one word per digit (other characters are skipped)."""
    return " ".join(_ONES[int(c)] for c in s if c.isdigit())


def decimal(whole: str, frac: str, and_: bool = True) -> str:
    """ "2", "050" -> "two point zero five zero"; "" , "5" -> "point five"."""
    head = cardinal(int(whole), and_) if whole else ""
    return f"{head} point {digits(frac)}".strip()


def number(raw: str, and_: bool = True) -> str:
    """A written number ("13,000", "2.50", "007", "-3") in words, as written."""
    neg = raw.startswith(("-", "−"))
    raw = raw.lstrip("-−")
    whole, point, frac = raw.partition(".")
    whole = whole.replace(",", "")
    if len(whole) > 1 and whole.startswith("0"):
        words = digits(whole) + (f" point {digits(frac)}" if point else "")
    elif len(whole) > MAX_CARDINAL_DIGITS or (not point and len(whole) > 15 and "," not in raw):
        words = digits(whole)
    elif point:
        words = decimal(whole, frac, and_)
    else:
        words = cardinal(int(whole), and_)
    return ("minus " + words) if neg else words


def fraction(num: int, den: int) -> str:
    """3/4 -> "three quarters", 1/2 -> "one half", 31/32 -> "thirty-one thirty-seconds"."""
    if den == 1:
        return f"{cardinal(num, False)} over one"
    if den in _DENOMINATORS:
        one, many = _DENOMINATORS[den]
    else:
        one = ordinal(den)
        many = one + "s"
    return f"{cardinal(num, False)} {one if num == 1 else many}"
