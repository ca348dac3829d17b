"""Russian verbalizer: numbers in words that agree with their nouns and prepositions.

"8-го" -> "восьмого", "1960-х" -> "тысяча девятьсот шестидесятых", "в 1990 году" -> "в тысяча
девятьсот девяностом году", "2 книги" -> "две книги", "2 руб." -> "два рубля", "3,2 л" ->
"три целых две десятых литра", "06.03.2006" -> "шестое марта две тысячи шестого", "13:05" ->
"тринадцать часов пять минут", "XIX век" -> "девятнадцатый век", "Петр I" -> "Петр Первый",
abbreviations (т. е., и т. д., др.) and addresses. Agreement comes from pymorphy3.
"""

from __future__ import annotations

import re

from tts_cli.text.normalize import numbers
from tts_cli.text.normalize._ru_forms import (
    NUM,
    case_after,
    date_sub,
    electronic_sub,
    money_measure_sub,
    phone_sub,
    scaled_sub,
    time_sub,
)
from tts_cli.text.normalize._ru_morph import noun_info
from tts_cli.text.normalize._ru_numbers import cardinal, digits, number, ordinal

_TRIGGER = re.compile(r"[\d@#+=<>&%§€$£¥₽°²³×±−]|\b[IVXLCDM]+\b")

_ABBREVIATIONS = {
    r"т\. ?е\.": "то есть", r"т\. ?д\.": "так далее", r"т\. ?п\.": "тому подобное",
    r"т\. ?к\.": "так как", r"др\.": "другие", r"напр\.": "например", r"см\.(?= ?[А-ЯA-Z\d])": "смотри",
    r"проф\.": "профессор", r"акад\.": "академик", r"ул\.": "улица", r"пр\.": "проспект",
    r"им\.": "имени", r"стр\.(?= ?\d)": "страница", r"с\.(?= ?\d)": "страница",
    r"д\.(?= ?\d)": "дом", r"кв\.(?= ?\d)": "квартира", r"н\. ?э\.": "нашей эры",
    r"гг\.": "годы", r"вв\.": "века", r"ок\.": "около", r"трлн\.?": "триллиона",
}  # fmt: skip
_ABBREVIATION = re.compile(r"(?<![\w.])(" + "|".join(_ABBREVIATIONS) + r")")
_ABBR_LOOKUP = [(re.compile(k), v) for k, v in _ABBREVIATIONS.items()]

# ordinal endings after a hyphen -> (case, gender, plural)
_SUFFIXES = {
    "го": ("g", "m", False), "ого": ("g", "m", False), "его": ("g", "m", False),
    "й": ("n", "m", False), "ый": ("n", "m", False), "ий": ("n", "m", False),
    "ой": ("n", "m", False), "я": ("n", "f", False), "ая": ("n", "f", False),
    "яя": ("n", "f", False), "е": ("n", "n", False), "ое": ("n", "n", False),
    "ее": ("n", "n", False), "х": ("g", "m", True), "ых": ("g", "m", True),
    "их": ("g", "m", True), "м": ("p", "m", False), "ом": ("p", "m", False),
    "ем": ("p", "m", False), "му": ("d", "m", False), "ому": ("d", "m", False),
    "ему": ("d", "m", False), "ми": ("i", "m", True), "ыми": ("i", "m", True),
    "ю": ("a", "f", False), "ую": ("a", "f", False), "ым": ("i", "m", False),
}  # fmt: skip
_ORDINAL = re.compile(
    r"(?<![\w.,])(\d+)-("
    + "|".join(sorted(_SUFFIXES, key=len, reverse=True))
    + r"|ти|ми)(?![а-яё])(?=\s+([а-яё]+))?"
)
_YEAR = re.compile(r"(?<![\w.,])(\d{1,4})\s?(г\.|гг\.|год(?:а|у|ом|е)?\b|годы\b|годах\b)")
_ROMAN = r"(?=[MDCLXVI])M{0,3}(?:CM|CD|D?C{0,3})(?:XC|XL|L?X{0,3})(?:IX|IV|V?I{0,3})"
_CENTURY = re.compile(rf"\b({_ROMAN})\s?(в\.|вв\.|век[а-я]*\b|столети[а-я]+\b)")
_REGNAL = re.compile(rf"\b([А-ЯЁ][а-яё]+)\s({_ROMAN})\b")
_ROMAN_VALUES = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100, "D": 500, "M": 1000}
_NUMBER = re.compile(rf"(?<![\w,])([-−](?=\d))?({NUM})(?![\w])(?:(\s+)([а-яёА-ЯЁ]+))?")
_GLUED = re.compile(r"(?<=[^\W\d_])-?(?=\d)|(?<=\d)-?(?=[^\W\d_]{2})")


def _roman(roman: str) -> int:
    total = 0
    for i, ch in enumerate(roman):
        value = _ROMAN_VALUES[ch]
        nxt = _ROMAN_VALUES[roman[i + 1]] if i + 1 < len(roman) else 0
        total += -value if value < nxt else value
    return total


def _abbreviation(m: re.Match[str]) -> str:
    return next(v for k, v in _ABBR_LOOKUP if k.fullmatch(m.group(1)))


def _ordinal(m: re.Match[str]) -> str:
    n, suffix = int(m[1]), m[2]
    if suffix in ("х", "ти", "ми") and (n < 10 or suffix != "х") and not m[1].endswith("0"):
        case = "i" if suffix == "ми" else "g"
        return cardinal(n, case)  # "4-х" -> "четырех", "5-ти" -> "пяти"
    case, gender, plural = _SUFFIXES.get(suffix, ("n", "m", False))
    if suffix in ("е",) and n >= 10 and n % 10 == 0:
        plural = True  # "1950-е" -> "пятидесятые"
    info = noun_info(m[3]) if m[3] else None
    if info:  # "на 3-й улице": the noun decides case, gender and number
        case, gender, plural = info
    return ordinal(n, case, gender, plural)


def _year(m: re.Match[str]) -> str:
    word = m[2]
    plural = word in ("гг.", "годы", "годах")
    if word in ("г.", "гг."):
        case = {"в": "p", "с": "g", "до": "g", "от": "g", "к": "d", "по": "a"}.get(
            case_after(m.string[: m.start()], "") or _prev(m.string[: m.start()]), "n"
        )
        noun = {"n": "год", "g": "года", "d": "году", "p": "году", "a": "год"}[case]
        if plural:
            noun = {"p": "годах", "g": "годов"}.get(case, "годы")
    else:
        info = noun_info(word)
        case, plural = (info[0], info[2]) if info else ("n", False)
        noun = word
    return f"{ordinal(int(m[1]), case, 'm', plural)} {noun}"


def _prev(before: str) -> str:
    words = re.findall(r"[а-яё]+", before[-20:].lower())
    return words[-1] if words else ""


def _century(m: re.Match[str]) -> str:
    word = m[2]
    if word in ("в.", "вв."):
        case = "p" if _prev(m.string[: m.start()]) in ("в", "во") else "n"
        noun = "веке" if case == "p" else "век"
        return f"{ordinal(_roman(m[1]), case)} {noun}"
    info = noun_info(word)
    case, gender, plural = info if info else ("n", "m", False)
    return f"{ordinal(_roman(m[1]), case, gender, plural)} {word}"


def _regnal(m: re.Match[str]) -> str:
    info = noun_info(m[1])
    if not info or m[1].lower() in ("глава", "часть", "том", "книга", "раздел", "акт"):
        return m.group(0)
    case, gender, _ = info
    return f"{m[1]} {ordinal(_roman(m[2]), case, gender).capitalize()}"


def _number(m: re.Match[str]) -> str:
    raw, noun = m[2], m[4]
    case, gender = "n", "m"
    if noun:
        info = noun_info(noun.lower())
        if info:
            noun_case, gender, plural = info
            if noun_case in ("d", "i", "p"):
                case = noun_case  # "в 5 книгах" -> "в пяти книгах"
    whole = raw.replace(" ", "").replace(".", "").partition(",")[0]
    if len(whole) > 21:
        words = digits(raw)
    elif "." in raw and not re.fullmatch(r"\d{1,3}(?:\.\d{3})+", raw):
        words = " точка ".join(cardinal(int(p)) for p in raw.split("."))
    else:
        words = number(raw.replace(" ", "").replace(".", ""), case, gender)
    words = ("минус " if m[1] else "") + words
    return words + (m[3] + noun if noun else "")


def verbalize(text: str) -> str:
    """Russian written forms in ``text`` as words; text without any is returned unchanged."""
    if "." in text or "@" in text:
        text = electronic_sub(text)
        text = _ABBREVIATION.sub(_abbreviation, text)
    if not _TRIGGER.search(text):
        return text
    text = numbers._HEADING_ROMAN.sub(numbers._roman_to_digits, text)
    text = phone_sub(text)
    text = time_sub(text)
    text = date_sub(text)
    text = _YEAR.sub(_year, text)
    text = _ORDINAL.sub(_ordinal, text)
    text = money_measure_sub(text)
    text = scaled_sub(text)
    text = _CENTURY.sub(_century, text)
    text = _REGNAL.sub(_regnal, text)
    text = _GLUED.sub(" ", text)
    text = _NUMBER.sub(_number, text)
    text = text.replace("&", " и ").replace("°", " градус ").replace("%", " процент ")
    return text.replace("м²", "квадратный метр").replace("−", " минус ")
