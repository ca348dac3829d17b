"""Russian number words with case and gender, on top of num2words' Russian (which inflects
cardinals and ordinals: ``case`` n g d a i p, ``gender`` m f n, ``plural``).

"ё" is written "е" as in most Russian print.
"""

from __future__ import annotations

import functools

_CASES = frozenset("ngdaip")
_FRACTION_NAMES = {
    1: "десят", 2: "сот", 3: "тысячн", 4: "десятитысячн", 5: "стотысячн", 6: "миллионн",
}  # fmt: skip
DIGITS = "ноль один два три четыре пять шесть семь восемь девять".split()


@functools.lru_cache(maxsize=1)
def _convert():
    from num2words import num2words

    return num2words


def _clean(words: str) -> str:
    return words.replace("ё", "е").replace("-", " ")


def cardinal(n: int, case: str = "n", gender: str = "m") -> str:
    """ "2", gender "f" -> "две"; 5 in case "p" -> "пяти"."""
    if n < 0:
        return "минус " + cardinal(-n, case, gender)
    case = case if case in _CASES else "n"
    return _clean(_convert()(n, lang="ru", case=case, gender=gender, animate=False))


def ordinal(n: int, case: str = "n", gender: str = "m", plural: bool = False) -> str:
    """ "8", case "g" -> "восьмого"; 1960, "g", plural -> "тысяча девятьсот шестидесятых"."""
    case = case if case in _CASES else "n"
    words = _convert()(
        n, lang="ru", to="ordinal", case=case, gender=gender, plural=plural, animate=False
    )
    return _clean(words)


def digits(text: str) -> str:
    """Digits one by one: "0411" -> "ноль четыре один один"."""
    return " ".join(DIGITS[int(c)] for c in text if c.isdigit())


def _is_singular(n: int) -> bool:
    return n % 10 == 1 and n % 100 != 11


def decimal(whole: str, frac: str, case: str = "n") -> str:
    """ "2,03" -> "две целых три сотых"; "1,2" -> "одна целая две десятых"."""
    w = int(whole or "0")
    head = cardinal(w, case, "f")
    if case in "na":
        head += " целая" if _is_singular(w) else " целых"
    else:
        head += " целой" if _is_singular(w) else " целых"
    if not frac:
        return head
    if len(frac) not in _FRACTION_NAMES:
        return f"{cardinal(w, case)} запятая {digits(frac)}"
    f = int(frac)
    stem = _FRACTION_NAMES[len(frac)]
    tail = (stem + ("ая" if case in "n" else "ой")) if _is_singular(f) else stem + "ых"
    return f"{head} {cardinal(f, case, 'f')} {tail}"


def number(raw: str, case: str = "n", gender: str = "m") -> str:
    """A written Russian number ("2 300", "2.300", "-2,5") in words."""
    negative = raw[:1] in "-−"
    body = raw.lstrip("-−")
    whole, _, frac = body.partition(",")
    whole = "".join(c for c in whole if c.isdigit())
    if len(whole) > 21:
        words = digits(whole)
    elif frac:
        words = decimal(whole, frac, case)
    else:
        words = cardinal(int(whole), case, gender)
    return "минус " + words if negative else words


def is_singular(n: int) -> bool:
    """Whether a noun after ``n`` is singular (1, 21, 101, but not 11)."""
    return _is_singular(n)
