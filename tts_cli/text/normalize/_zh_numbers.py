"""Chinese numerals: cardinals in 万/亿 groups, decimals with 点, digit-by-digit readings.

The rules are those of standard Mandarin:

* numbers group by four digits: 个, 万 (10⁴), 亿 (10⁸), 万亿 (10¹²); ``51000`` is 五万一千;
* one 零 stands for any run of zeros between two spoken digits, inside a group
  (``5001`` 五千零一) or across groups (``50100`` 五万零一百, ``100000001000``
  一千亿零一千); a group after a non-zero one needs 零 when it does not begin with
  its 千 digit (``1000001`` 一百万零一) or when a whole group of zeros came before;
* a number starting with 1 in the tens place drops the 一: ``10`` 十, ``110000``
  十一万, ``1011111111`` 十亿…; inside a number it is kept (``210`` 二百一十);
* 2 is 两 before 千, and alone before 万/亿 (两千, 两万, 两亿); it is 二 before 百
  and in the tens and units (二百, 二十二, 一千二百); a bare 2 before a measure word
  is 两 (两个), which the caller decides (``liang_units``);
* decimals read every digit after 点 as written, trailing zeros included
  (``5.0`` 五点零, ``123.890`` 一百二十三点八九零).
"""

from __future__ import annotations

DIGITS = "零一二三四五六七八九"
_PLACES = ("", "十", "百", "千")
_GROUPS = ("", "万", "亿", "万亿")
MAX_CARDINAL_DIGITS = 16  # up to 9999万亿; longer strings are read digit by digit


def digits(s: str, *, yao: bool = False) -> str:
    """Each digit of ``s`` on its own (``2015`` 二零一五); 1 is 幺 when ``yao`` (phone numbers)."""
    out = []
    for ch in s:
        if ch.isdigit():
            out.append("幺" if yao and ch == "1" else DIGITS[int(ch)])
    return "".join(out)


def _group(value: int, *, first: bool, suffix: str) -> str:
    """One four-digit group (1..9999), without the zeros that lead it."""
    out: list[str] = []
    text = f"{value:04d}"
    started = zero = False
    for pos, ch in enumerate(text):
        d = int(ch)
        place = 3 - pos
        if d == 0:
            zero = zero or started
            continue
        if zero:
            out.append("零")
            zero = False
        if place == 1 and d == 1 and first and not started:
            out.append("十")
        elif d == 2 and (place == 3 or (place == 0 and value == 2 and suffix)):
            out.append("两" + _PLACES[place])
        else:
            out.append(DIGITS[d] + _PLACES[place])
        started = True
    return "".join(out)


def cardinal(s: str, *, liang_units: bool = False) -> str:
    """The integer written as the digit string ``s`` in words: ``50010`` 五万零一十.

    ``liang_units``: a number that is exactly 2 reads 两 (before a measure word: 两个).
    Strings longer than ``MAX_CARDINAL_DIGITS`` are read digit by digit.
    """
    s = s.lstrip("0")
    if not s:
        return "零"
    if len(s) > MAX_CARDINAL_DIGITS:
        return digits(s)
    if s == "2" and liang_units:
        return "两"
    groups = []
    while s:
        groups.append(int(s[-4:]))
        s = s[:-4]
    out: list[str] = []
    started = pending_zero = False
    for index in range(len(groups) - 1, -1, -1):
        value = groups[index]
        if value == 0:
            pending_zero = pending_zero or started
            continue
        if started and (pending_zero or value < 1000):
            out.append("零")
        suffix = _GROUPS[index]
        out.append(_group(value, first=not started, suffix=suffix) + suffix)
        started, pending_zero = True, False
    return "".join(out)


def decimal(whole: str, frac: str) -> str:
    """``whole.frac`` with 点 and the fraction digit by digit: ``0.5`` 零点五, ``5.0`` 五点零."""
    return cardinal(whole or "0") + "点" + digits(frac)


def number(s: str, *, liang_units: bool = False) -> str:
    """A written number: optional sign, ``,`` thousands separators, optional ``.`` fraction.

    ``-3`` 负三, ``1,000,000`` 一百万, ``0.40`` 零点四零; a string with a leading zero
    (``007``, an id) is read digit by digit.
    """
    sign = ""
    if s[:1] in "-−":
        sign, s = "负", s[1:]
    elif s[:1] == "+":
        sign, s = "正", s[1:]
    whole, _, frac = s.partition(".")
    whole = whole.replace(",", "")
    if frac:
        return sign + decimal(whole, frac)
    if len(whole) > 1 and whole[0] == "0":
        return sign + digits(whole)
    return sign + cardinal(whole, liang_units=liang_units and not sign)
