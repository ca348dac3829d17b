"""French verbalizer: written forms as a French narrator reads them.

"3,50 €" -> "trois euros cinquante", "20 h 30" -> "vingt heures trente", "le 1er mai" ->
"le premier mai", "la 1re fois" -> "la première fois", "Louis XIV" -> "Louis quatorze",
"le XIXe siècle" -> "le dix-neuvième siècle", "Mme Dupont" -> "madame Dupont".
"""

from __future__ import annotations

import re

from tts_cli.text.normalize import _romance as r
from tts_cli.text.normalize._romance import Noun, Romance
from tts_cli.text.normalize._romance_num import fr_cardinal, fr_ordinal

_CENTIME = Noun("centime", "centimes")
_CURRENCIES = {
    "€": Noun("euro", "euros", minor=_CENTIME),
    "eur": Noun("euro", "euros", minor=_CENTIME),
    "$": Noun("dollar", "dollars", minor=Noun("cent", "cents")),
    "usd": Noun("dollar", "dollars", minor=Noun("cent", "cents")),
    "£": Noun("livre", "livres", True, Noun("penny", "pence")),
    "gbp": Noun("livre sterling", "livres sterling", True, Noun("penny", "pence")),
    "¥": Noun("yen", "yens"),
    "chf": Noun("franc suisse", "francs suisses", minor=_CENTIME),
    "ff": Noun("franc", "francs", minor=_CENTIME),
    "₽": Noun("rouble", "roubles"),
}


def _u(one: str, many: str | None = None, fem: bool = False) -> Noun:
    return Noun(one, many or one + "s", fem)


_UNITS = {
    "km": _u("kilomètre"), "m": _u("mètre"), "cm": _u("centimètre"), "mm": _u("millimètre"),
    "kg": _u("kilogramme"), "g": _u("gramme"), "mg": _u("milligramme"), "t": _u("tonne", fem=True),
    "l": _u("litre"), "L": _u("litre"), "ml": _u("millilitre"), "mL": _u("millilitre"),
    "cl": _u("centilitre"), "min": _u("minute", fem=True), "s": _u("seconde", fem=True),
    "ms": _u("milliseconde", fem=True),
    "km/h": _u("kilomètre à l'heure", "kilomètres à l'heure"),
    "m/s": _u("mètre par seconde", "mètres par seconde"),
    "km/s": _u("kilomètre par seconde", "kilomètres par seconde"),
    "m²": _u("mètre carré", "mètres carrés"), "km²": _u("kilomètre carré", "kilomètres carrés"),
    "m³": _u("mètre cube", "mètres cubes"), "ha": _u("hectare"),
    "kW": _u("kilowatt"), "W": _u("watt"), "kWh": _u("kilowattheure"), "V": _u("volt"),
    "Mo": _u("mégaoctet"), "Go": _u("gigaoctet"),
    "%": Noun("pour cent", "pour cent", bare=True),
    "°C": _u("degré Celsius", "degrés Celsius"), "° C": _u("degré Celsius", "degrés Celsius"),
    "°F": _u("degré Fahrenheit", "degrés Fahrenheit"), "°": _u("degré"),
}  # fmt: skip

_ABBREVIATIONS = r.abbreviation_table(
    {
        "^M.": "monsieur", "MM.": "messieurs", "Mme": "madame", "Mmes": "mesdames",
        "Mlle": "mademoiselle", "Mlles": "mesdemoiselles", "Mᵐᵉ": "madame", "Mᵐᵉˢ": "mesdames",
        "Mˡˡᵉ": "mademoiselle", "Mˡˡᵉˢ": "mademoiselles", "Dr": "docteur", "Dʳ": "docteur",
        "Drs": "docteurs", "Dre": "docteure", "Dʳᵉ": "docteure", "Dres": "docteures",
        "Dʳᵉˢ": "docteures", "^Pr": "professeur", "^Me": "maître", "Mgr": "monseigneur",
        "^St": "saint", "^Ste": "sainte", "n°": "numéro", "nº": "numéro", "etc.": "et cetera",
        "cf.": "confer", "p. ex.": "par exemple", "c.-à-d.": "c'est-à-dire",
        "av. J.-C.": "avant Jésus-Christ", "apr. J.-C.": "après Jésus-Christ",
        "J.-C.": "Jésus-Christ", "env.": "environ", "Cie": "compagnie", "~p.": "page",
        "~pp.": "pages", "~chap.": "chapitre", "~vol.": "volume", "~art.": "article",
    },
    ignore_case=False,
)  # fmt: skip

_MONTHS = ("janvier février mars avril mai juin juillet août septembre octobre novembre "
           "décembre").split()  # fmt: skip
_MONTH_KEYS = {m: i for i, m in enumerate(_MONTHS, 1)}
_MONTH = "(" + r._alternation(_MONTH_KEYS) + r")(?![\w])"
_DATE_DMY = re.compile(r"(?<![\w.,/-])(\d{1,2})([./-])(\d{1,2})\2(\d{4})(?![\w]|[.,/-]\d)")
_DATE_YMD = re.compile(r"(?<![\w.,/-])(\d{4})-(\d{1,2})-(\d{1,2})(?![\w]|[.,/-]\d)")
_DATE_DM = re.compile(r"(?<![\w.,/-])(\d{2})\.(\d{2})(?![\w]|[.,/-]\d)")
_DAYS_MONTH = re.compile(
    rf"(?<![\w,.])(\d{{1,2}}(?:er)?(?:[/-]\d{{1,2}})*) {_MONTH}(?: (\d{{4}}))?(?!\d)",
    re.IGNORECASE,
)

_DECADE = re.compile(r"\b([Ll]es|des|aux|[Dd]ans les) (?:19|20)?([1-9]0)s\b")


def _day(d: int) -> str:
    return "premier" if d == 1 else fr_cardinal(d)


def _date(d: int, m: int, y: int | None) -> str | None:
    if not (1 <= d <= 31 and 1 <= m <= 12):
        return None
    return f"{_day(d)} {_MONTHS[m - 1]}" + (f" {fr_cardinal(y)}" if y is not None else "")


def dates(text: str) -> str:
    """ "02/03/2003" -> "deux mars deux mille trois", "les 17/18 juin", "17.06"."""
    text = _DATE_DMY.sub(
        lambda m: _date(int(m.group(1)), int(m.group(3)), int(m.group(4))) or m.group(0), text
    )
    text = _DATE_YMD.sub(
        lambda m: _date(int(m.group(3)), int(m.group(2)), int(m.group(1))) or m.group(0), text
    )
    text = _DATE_DM.sub(lambda m: _date(int(m.group(1)), int(m.group(2)), None) or m.group(0), text)

    def days(m: re.Match[str]) -> str:
        numbers = [int(d) for d in re.findall(r"\d+", m.group(1))]
        if not all(1 <= d <= 31 for d in numbers):
            return m.group(0)
        words = " ".join(_day(d) for d in numbers) + " " + m.group(2).lower()
        return words + (f" {fr_cardinal(int(m.group(3)))}" if m.group(3) else "")

    text = _DAYS_MONTH.sub(days, text)
    return _DECADE.sub(
        lambda m: f"{m.group(1)} années {fr_cardinal(int(m.group(2)) % 100).rstrip('s')}", text
    )


_TIME = re.compile(
    r"(?<![\w.,:])(\d{1,2})(?: ?h(?![\w])(?: ?(\d{2})(?![\w]|[.,]\d))?|:(\d{2})(?::(\d{2}))?(?![\w]|[.,:]\d))"
)


def times(text: str) -> str:
    """ "20 h 30" / "20h30" / "20:30" -> "vingt heures trente"; "1 h" -> "une heure"."""

    def sub(m: re.Match[str]) -> str:
        h = int(m.group(1))
        mi = int(m.group(2) or m.group(3) or 0)
        s = int(m.group(4) or 0)
        if h > 24 or mi > 59 or s > 59:
            return m.group(0)
        words = f"{fr_cardinal(h, fem=True)} {'heure' if h <= 1 else 'heures'}"
        if s:
            minutes = f"{fr_cardinal(mi, fem=True)} minute{'s' if mi > 1 else ''}"
            seconds = f"{fr_cardinal(s, fem=True)} seconde{'s' if s > 1 else ''}"
            return f"{words} {minutes} et {seconds}"
        return words + (f" {fr_cardinal(mi)}" if mi else "")

    return _TIME.sub(sub, text)


_ORDINAL = re.compile(
    r"(?<![\w,.])(\d{1,3}(?:[ \u00a0\u202f]\d{3})+|\d+)"
    r"(ers?|res?|ères?|eres?|es?|èmes?|emes?|ᵉ|ᵉʳ|ʳᵉ|ᵉˢ|nde?s?)(?![\w])"
)


def _ordinal(n: int, mark: str) -> str:
    fem = mark.startswith(("re", "ère", "ere", "ʳᵉ", "nde"))
    if n == 2 and mark.startswith("nd"):
        word = "seconde" if fem else "second"
    else:
        word = fr_ordinal(n, fem)
    return word + ("s" if mark.endswith(("s", "ˢ")) and len(mark) > 1 else "")


def ordinals(text: str) -> str:
    """ "1er" -> "premier", "1re" -> "première", "21e" -> "vingt et unième", "2nde"."""
    return _ORDINAL.sub(lambda m: _ordinal(r.to_int(m.group(1)), m.group(2)), text)


# one letter only for I, V, X: "Le", "Ce", "De", "Me" are words
_ROMAN_ORDINAL = re.compile(r"(?<![\w.])([IVXLCDM]{2,}|[IVX])(er|re|e|ème|ᵉ|ᵉʳ|ʳᵉ)(?![\w])")
_NOT_NAMES = frozenset("Chapitre Tome Livre Partie Acte Scène Volume Titre Article Chant".split())


def romans(text: str) -> str:
    """ "XIXe siècle" -> "dix-neuvième siècle", "François Ier" -> "François premier",
    "Louis XIV" -> "Louis quatorze"."""

    def ordinal(m: re.Match[str]) -> str:
        value = r.roman_value(m.group(1))
        return m.group(0) if value is None else _ordinal(value, m.group(2))

    text = _ROMAN_ORDINAL.sub(ordinal, text)
    return r.regnal(text, lambda v, _name: fr_ordinal(1) if v == 1 else fr_cardinal(v), _NOT_NAMES)


_FR_PHONE = re.compile(r"(?<![\w+])(\+33 ?|0)(\d)((?:[ .]?\d\d){4})(?![\w]|[.,]\d)")


def _phones(text: str) -> str:
    """ "01 23 45 67 89" -> "zéro un, vingt-trois, quarante-cinq, soixante-sept, quatre-vingt-neuf"."""

    def sub(m: re.Match[str]) -> str:
        lead = "plus trente-trois" if m.group(1).startswith("+") else "zéro"
        pairs = re.findall(r"\d\d", m.group(3))
        words = [f"{lead} {fr_cardinal(int(m.group(2)))}"]
        words += [("zéro " if p[0] == "0" else "") + fr_cardinal(int(p)) for p in pairs]
        return ", ".join(words)

    text = _FR_PHONE.sub(sub, text)
    return r.phones(SPEC, text, "poste", country_number=True)


SPEC = Romance(
    lang="fr", comma="virgule", minus="moins", plus="plus", equals="égale", times="fois",
    less="inférieur à", greater="supérieur à",
    less_equal="inférieur ou égal à", greater_equal="supérieur ou égal à", not_equal="différent de", digits_after_comma=False,
    currencies=_CURRENCIES, units=_UNITS,
    scales=("millions", "million", "milliards", "milliard", "billions", "billion"),
    of="de", minor_joiner=" ", name_minor=False, range_word="à", and_word="et",
    e_words={".": "point", "@": "arobase", "/": "slash", ":": "deux-points", "-": "tiret",
             "_": "tiret bas", "!": "point d'exclamation", "&": "et commercial",
             "|": "barre verticale", "^": "accent circonflexe"},
    known_words=r.KNOWN_WORDS,
    abbreviations=_ABBREVIATIONS,
    feminine_nouns=frozenset(
        "heure heures fois année années semaine semaines minute minutes seconde secondes page "
        "pages personne personnes femme femmes fille filles chose choses nuit nuits journée "
        "journées tonne tonnes livre livres voix maison maisons ville villes lettre lettres "
        "victime victimes voiture voitures place places partie parties fin".split()
    ),
    extra=(_phones, dates, times),
    late=(romans,),
)  # fmt: skip

verbalize = r.make_verbalizer(SPEC, (ordinals,))
