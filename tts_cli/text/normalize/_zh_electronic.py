"""Chinese readings of addresses and codes: URLs, e-mail, phone numbers, C++/C#, serial numbers.

* Phone numbers are read digit by digit with 1 as 幺 (the customary reading that keeps
  一 and 七 apart): ``13812345678`` 幺三八幺二三四五六七八, ``+86`` 加八六; a number after
  电话/手机/拨打/热线… is a phone number too (``拨打110`` 拨打幺幺零).
* URLs and e-mail addresses keep their letters; digits are read one by one, ``.`` 点,
  ``@`` 艾特, ``-`` 杠, ``_`` 下划线, ``/`` 斜杠; the ``https://`` a narrator skips is dropped.
* ``C++`` C加加, ``C#`` C sharp.
* A code of three or more hyphenated digit groups (``978-7-111-12345-6``) is read digit
  by digit with 杠.
"""

from __future__ import annotations

import re

from tts_cli.text.normalize._zh_numbers import digits

_SPOKEN_CHARS = {
    ".": "点", "@": "艾特", "-": "杠", "_": "下划线", "/": "斜杠", ":": "冒号", "?": "问号",
    "=": "等于", "&": "和", "#": "井号", "%": "百分号", "+": "加", "~": "波浪号",
}  # fmt: skip

_EMAIL = re.compile(r"(?<![A-Za-z0-9._%+\-])[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)+")
_URL = re.compile(
    r"(?:(?i:https?|ftp)://|(?<![A-Za-z0-9@.])www\.)[A-Za-z0-9\-._~/?#@!$&'()*+,;=%:]+"
    r"|(?<![A-Za-z0-9@.\-])[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*"
    r"\.(?:com|cn|net|org|edu|gov|io|info|co|uk|jp|hk|tw|de|fr|ru)"
    r"(?:/[A-Za-z0-9\-._~/?=&%#]*)?(?![A-Za-z0-9])"
)
_TRAILING = ".,;:!?)'"
_PROGRAMMING = re.compile(r"(?<![A-Za-z])([CFJ])(\+\+|#)(?![A-Za-z0-9+#])")

_PHONE_WORD = re.compile(
    r"(?P<w>电话|手机|热线|拨打|致电|传真|客服|联系方式|号码)(?P<gap>\s*(?:号码|号)?\s*[:：]?\s*)"
    r"(?P<n>\+?\(?\d[\d\-\s()]{1,22}\d)(?![\d.])"
)
_MOBILE = re.compile(r"(?<![\d.A-Za-z+])(?:\+?86[\-\s]?)?1[3-9]\d(?:[\-\s]?\d{4}){2}(?![\d.]?\d)")
_LANDLINE = re.compile(
    r"(?<![\d.A-Za-z])(?:\+?86[\-\s]?)?(?:\(0?\d{2,3}\)\s?|0\d{2,3}[\-\s])\d{3,4}[\-\s]?\d{4}(?!\d)"
)
_SERVICE = re.compile(r"(?<![\d.])[48]00[\-\s]?\d{3}[\-\s]?\d{4}(?!\d)")
_INTERNATIONAL = re.compile(r"(?<![\w+])\+\d{1,3}(?:[\-\s]?\d{2,4}){2,4}(?!\d)")
_CODE = re.compile(r"(?<![A-Za-z0-9.\-])\d+(?:-\d+){2,}(?![0-9.\-]?\d)")


def phone(s: str) -> str:
    """A phone number digit by digit, 1 as 幺; ``+`` 加, groups kept apart by a space."""
    out = []
    for part in re.split(r"[\-\s()]+", s):
        if part:
            out.append(("加" if part.startswith("+") else "") + digits(part, yao=True))
    return " ".join(out)


def _spell(s: str) -> str:
    """Letters kept, digits one by one, symbols by name."""
    out = []
    run = ""
    for ch in s:
        if ch.isdigit():
            run += ch
            continue
        if run:
            out.append(digits(run, yao=True))
            run = ""
        out.append(_SPOKEN_CHARS.get(ch, ch))
    if run:
        out.append(digits(run, yao=True))
    return "".join(out)


def _url(m: re.Match[str]) -> str:
    url = m.group(0)
    tail = ""
    while url and url[-1] in _TRAILING:
        tail = url[-1] + tail
        url = url[:-1]
    url = re.sub(r"^(?i:https?|ftp)://", "", url).rstrip("/")
    return f" {_spell(url)} {tail}"


def _email(m: re.Match[str]) -> str:
    return f" {_spell(m.group(0))} "


def _phone_word(m: re.Match[str]) -> str:
    return m.group("w") + m.group("gap") + phone(m.group("n"))


def _mobile(m: re.Match[str]) -> str:
    s = m.group(0)
    if s.endswith("000000"):
        return s  # 15000000000 is a round number (一百五十亿), not a phone
    return phone(s)


def _code(m: re.Match[str]) -> str:
    return "杠".join(digits(part, yao=True) for part in m.group(0).split("-"))


def verbalize_electronic(text: str) -> str:
    """URLs, e-mail addresses, programming-language names and phone numbers to words."""
    if "@" in text:
        text = _EMAIL.sub(_email, text)
    if "." in text:
        text = _URL.sub(_url, text)
    if "+" in text or "#" in text:
        text = _PROGRAMMING.sub(
            lambda m: m.group(1) + ("加加" if m.group(2) == "++" else " sharp"), text
        )
    text = _PHONE_WORD.sub(_phone_word, text)
    text = _MOBILE.sub(_mobile, text)
    text = _LANDLINE.sub(lambda m: phone(m.group(0)), text)
    text = _SERVICE.sub(lambda m: phone(m.group(0)), text)
    if "+" in text:
        text = _INTERNATIONAL.sub(lambda m: phone(m.group(0)), text)
    return text


def verbalize_codes(text: str) -> str:
    """Hyphenated digit codes (run after numeric dates, which look alike)."""
    return _CODE.sub(_code, text) if "-" in text else text
