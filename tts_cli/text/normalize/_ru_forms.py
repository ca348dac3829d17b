"""Russian written forms with their own shape: addresses, telephone numbers, times, dates,
money and measures. Numbers agree with their nouns through ``_ru_morph``."""

from __future__ import annotations

import re

from tts_cli.text.normalize._ru_morph import agree, inflect, noun_info
from tts_cli.text.normalize._ru_numbers import cardinal, digits, is_singular, number, ordinal

NUM = r"\d{1,3}(?:[.\u00a0\u202f ]\d{3})+(?:,\d+)?(?!\d)|\d+(?:,\d+)?"

# --- addresses -------------------------------------------------------------------------------

_LATIN = dict(
    zip(
        "abcdefghijklmnopqrstuvwxyz",
        "эй би си ди и эф джи эйч ай джей кей эл эм эн оу пи кью ар эс ти ю ви дабл-ю экс уай "
        "зед".split(),
        strict=True,
    )
)
_KNOWN = {"gmail": "джи мейл", "hotmail": "хот мейл", "mail": "мейл", "com": "ком",
          "yandex": "яндекс", "www": "дабл-ю дабл-ю дабл-ю", "org": "орг", "net": "нет"}  # fmt: skip
_SYMBOLS = {".": "точка", "@": "собака", "-": "дефис", "_": "нижнее подчеркивание",
            "/": "слэш", ":": "двоеточие", "&": "амперсанд", "?": "вопросительный знак",
            "=": "равно", "#": "решетка", "+": "плюс"}  # fmt: skip
_EMAIL = re.compile(r"(?<![\w@])[\w.+&-]+@[\w-]+(?:\.[\w-]+)+")
_URL = re.compile(r"(?:https?://|www\.)[^\s\"'<>()]+", re.IGNORECASE)
_TOKEN = re.compile(r"[a-zA-Z]+|[а-яА-ЯёЁ]+|\d+|\S")


def _speak_address(text: str) -> str:
    out = []
    for token in _TOKEN.findall(text):
        low = token.lower()
        if token.isdigit():
            out.append(digits(token))
        elif low in _KNOWN:
            out.append(_KNOWN[low])
        elif token in _SYMBOLS:
            out.append(_SYMBOLS[token])
        elif low.isascii() and low.isalpha():
            out.append(" ".join(_LATIN[c] for c in low))
        else:
            out.append(token)
    return " ".join(out)


def electronic_sub(text: str) -> str:
    """ "a@abc.com" -> "эй собака эй би си точка ком"."""

    def sub(m: re.Match[str]) -> str:
        core = m.group(0).rstrip(".,;:!?")
        return f" {_speak_address(core)}{m.group(0)[len(core) :]} "

    if "@" in text:
        text = _EMAIL.sub(sub, text)
    return _URL.sub(sub, text) if "." in text else text


# --- telephone numbers -------------------------------------------------------------------------

_PHONE = re.compile(
    r"(?<![\w+-])(\+7|8)[\s-]?\(?(\d{3})\)?[\s-]?(\d{3})[\s-]?(\d{2})[\s-]?(\d{2})\b"
)


def _group(g: str) -> str:
    return (
        digits(g[0]) + " " + _group(g[1:])
        if g.startswith("0") and len(g) > 1
        else (cardinal(int(g)))
    )


def phone_sub(text: str) -> str:
    """ "8-913-983-56-01" -> "восемь девятьсот тринадцать ... пятьдесят шесть ноль один"."""

    def sub(m: re.Match[str]) -> str:
        head = "плюс семь" if m[1] == "+7" else "восемь"
        return " ".join([head, *(_group(g) for g in m.groups()[1:])])

    return _PHONE.sub(sub, text)


# --- times ---------------------------------------------------------------------------------------

_TIME = re.compile(r"(?<![\d.:,])([01]?\d|2[0-4]):([0-5]\d)(?::([0-5]\d))?(?!\d)")


def _count(n: int, noun: str, gender: str = "m", case: str = "n") -> str:
    return f"{cardinal(n, case, gender)} {agree(noun, n)}"


def time_sub(text: str) -> str:
    """ "13:05" -> "тринадцать часов пять минут", "02:00" -> "два часа"."""

    def sub(m: re.Match[str]) -> str:
        hours, minutes = int(m[1]), int(m[2])
        words = _count(hours, "час")
        if minutes or m[3]:
            words += " " + _count(minutes, "минута", "f")
        if m[3]:
            words += " " + _count(int(m[3]), "секунда", "f")
        return words

    return _TIME.sub(sub, text)


# --- dates ---------------------------------------------------------------------------------------

MONTHS = "января февраля марта апреля мая июня июля августа сентября октября ноября декабря".split()
_MONTH_ABBR = {m[:3]: i for i, m in enumerate(MONTHS, 1)} | {"сен": 9, "мая": 5}
_GENITIVE_PREP = frozenset("с до от после около из для без у со начиная кроме вместо".split())
_DATIVE_PREP = frozenset("к по ко".split())
_DATE_NUMERIC = re.compile(
    r"(?<![\d.,/-])(\d{1,2})([./-])(\d{1,2})\2(\d{4}|\d{2})(?!\d|[.,]\d)(\s?(?:г\.|года?\b))?"
)
_DATE_ABBR = re.compile(
    r"(?<![\d.,/-])(\d{1,2})-(" + "|".join(_MONTH_ABBR) + r")[а-я]*\.?-(\d{4})(?!\d)", re.I
)
_DATE_WRITTEN = re.compile(
    r"(?<![\d.,])(\d{1,2})\s(" + "|".join(MONTHS) + r")(?:\s(\d{4})(\s?(?:г\.|года?\b))?)?"
)
_WORD = re.compile(r"[а-яёА-ЯЁa-zA-Z]+")


def prev_word(before: str) -> str:
    """The last word of ``before``, lower-cased."""
    words = _WORD.findall(before[-40:])
    return words[-1].lower() if words else ""


def case_after(before: str, default: str = "n") -> str:
    """The case a preposition before a number governs, for dates and ordinals."""
    word = prev_word(before)
    if word in _GENITIVE_PREP:
        return "g"
    if word in _DATIVE_PREP:
        return "d"
    return default


def _year(raw: str, case: str = "g") -> str:
    n = int(raw)
    if len(raw) == 2:
        return ("ноль " + ordinal(n, case)) if raw[0] == "0" else ordinal(n, case)
    return ordinal(n, case)


def _date(before: str, day: int, month: int, year: str | None, suffix: str | None) -> str | None:
    if not (1 <= day <= 31 and 1 <= month <= 12):
        return None
    # "двенадцатого апреля" (when something happened); "по 5 мая" / "на 3 марта": accusative
    case = {"по": "a", "на": "a", "к": "d", "ко": "d"}.get(prev_word(before), "g")
    words = f"{ordinal(day, case, 'n')} {MONTHS[month - 1]}"
    if year:
        words += " " + _year(year) + (" года" if suffix else "")
    return words


def date_sub(text: str) -> str:
    """ "06.03.2006" -> "шестое марта две тысячи шестого"; "с 3 марта" -> "с третьего марта"."""

    def numeric(m: re.Match[str]) -> str:
        found = _date(m.string[: m.start()], int(m[1]), int(m[3]), m[4], m[5])
        return found or m.group(0)

    def abbr(m: re.Match[str]) -> str:
        month = _MONTH_ABBR[m[2].lower()[:3]]
        return f"{ordinal(int(m[1]), 'g', 'n')} {MONTHS[month - 1]} {_year(m[3])}"

    def written(m: re.Match[str]) -> str:
        return _date(m.string[: m.start()], int(m[1]), MONTHS.index(m[2]) + 1, m[3], m[4]) or ""

    text = _DATE_NUMERIC.sub(numeric, text)
    text = _DATE_ABBR.sub(abbr, text)
    return _DATE_WRITTEN.sub(written, text)


# --- money and measures -----------------------------------------------------------------------------

_SCALES = {"тыс": "тысяча", "тыс.": "тысяча", "млн": "миллион", "млн.": "миллион",
           "млрд": "миллиард", "млрд.": "миллиард", "трлн": "триллион", "трлн.": "триллион"}  # fmt: skip
SCALE = r"(?:тыс|млн|млрд|трлн)\.?(?![а-я])"
_UNITS = {
    "руб.": "рубль", "руб": "рубль", "р.": "рубль", "₽": "рубль", "коп.": "копейка",
    "коп": "копейка", "$": "доллар", "USD": "доллар", "долл.": "доллар", "€": "евро",
    "EUR": "евро", "£": "фунт", "¥": "иена",
    "кг": "килограмм", "г": "грамм", "мг": "миллиграмм", "т": "тонна", "км": "километр",
    "м": "метр", "см": "сантиметр", "мм": "миллиметр", "л": "литр", "мл": "миллилитр",
    "ч": "час", "мин": "минута", "сек": "секунда", "с": "секунда", "кВт": "киловатт",
    "Вт": "ватт", "В": "вольт", "Гц": "герц", "МГц": "мегагерц", "ГБ": "гигабайт",
    "МБ": "мегабайт", "га": "гектар", "%": "процент", "°C": "градус Цельсия", "°": "градус",
    "м²": "квадратный метр", "км²": "квадратный километр", "м³": "кубический метр",
    "см³": "кубический сантиметр",
}  # fmt: skip
_UNIT = "|".join(re.escape(u) for u in sorted(_UNITS, key=len, reverse=True))
_MONEY_FIRST = re.compile(rf"(?<![\w])([$€£¥₽])\s?({NUM})(?:\s?({SCALE}))?")
_MEASURE = re.compile(
    rf"(?<![\w.,])(-?(?:{NUM}))(?:\s?({SCALE}))?\s?({_UNIT})(?:\s?/\s?({_UNIT}))?"
    r"(?![\w²³])(\s(?:США|сша))?"
)
_PER_ONLY = re.compile(rf"(?<![^\W\d_])/\s?({_UNIT})(?![\w²³])")


def unit_words(phrase: str, n: int | None, case: str = "n") -> str:
    """A unit phrase after a number: (квадратный метр, 2) -> "квадратных метра"; None: a
    fraction or a scale came between, so the genitive singular ("литра")."""
    words = phrase.split()
    out = []
    for i, word in enumerate(words):
        if i > 0 and words[i - 1] != "квадратный" and words[i - 1] != "кубический":
            out.append(word)  # "градус Цельсия": the second word stays
        elif n is None:
            out.append(inflect(word, "g"))
        elif case in "na":
            if word.endswith("ый") or word.endswith("ий"):
                out.append(word if is_singular(n) else inflect(word, "g", True))
            else:
                out.append(agree(word, n))
        else:
            out.append(inflect(word, case, not is_singular(n)))
    return " ".join(out)


def _amount(raw: str, scale: str | None, unit: str, case: str = "n") -> str:
    """Number (with an optional scale word) and its unit, in agreement."""
    gender = "m"
    info = noun_info(unit.split()[-1])
    if info:
        gender = info[1]
    fraction = "," in raw
    value = int("".join(c for c in raw.partition(",")[0] if c.isdigit()) or "0")
    if scale:
        scale_word = _SCALES[scale.lower()]
        scale_gender = "f" if scale_word == "тысяча" else "m"
        head = number(raw, case, scale_gender)
        scale_form = inflect(scale_word, "g") if fraction else agree(scale_word, value)
        return f"{head} {scale_form} {unit_words(unit, 5)}"
    head = number(raw, case, gender)
    return f"{head} {unit_words(unit, None if fraction else value, case)}"


_SCALED = re.compile(rf"(?<![\w.,])(-?(?:{NUM}))\s?({SCALE})")


def scaled_sub(text: str) -> str:
    """ "1,23 млрд" -> "одна целая двадцать три сотых миллиарда", "5 тыс." -> "пять тысяч"."""

    def sub(m: re.Match[str]) -> str:
        word = _SCALES[m[2].lower()]
        gender = "f" if word == "тысяча" else "m"
        value = int("".join(c for c in m[1].partition(",")[0] if c.isdigit()) or "0")
        form = inflect(word, "g") if "," in m[1] else agree(word, value)
        return f"{number(m[1], 'n', gender)} {form}"

    return _SCALED.sub(sub, text)


def money_measure_sub(text: str) -> str:
    """ "2 руб." -> "два рубля", "3,2 л" -> "три целых две десятых литра", "3 км/ч" ->
    "три километра в час", "6 руб. 35 коп." -> "шесть рублей тридцать пять копеек"."""

    def first(m: re.Match[str]) -> str:
        return _amount(m[2], m[3], _UNITS[m[1]])

    def measure(m: re.Match[str]) -> str:
        case = case_after(m.string[: m.start()])
        words = _amount(m[1], m[2], _UNITS[m[3]], case)
        if m[4]:
            words += per_unit(_UNITS[m[4]])
        if m[5]:
            words += " США"
        return words

    text = _MONEY_FIRST.sub(first, text)
    text = _MEASURE.sub(measure, text)
    return _PER_ONLY.sub(lambda m: per_unit(_UNITS[m[1]]), text)


def per_unit(unit: str) -> str:
    """ "/ч" -> " в час", "/кг" -> " на килограмм"."""
    return (" в " if unit in ("час", "минута", "секунда") else " на ") + inflect(unit, "a")
