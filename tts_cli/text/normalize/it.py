"""Italian verbalizer: written forms as an Italian narrator reads them.

"3,50 €" -> "tre euro cinquanta centesimi", "alle 16:30" -> "alle sedici e mezza", "il 2°
posto" -> "il secondo posto", "Luigi XIV" -> "Luigi quattordicesimo", "il XIX secolo" -> "il
diciannovesimo secolo", "sig.ra Rossi" -> "signora Rossi".
"""

from __future__ import annotations

import re

from tts_cli.text.normalize import _romance as r
from tts_cli.text.normalize._romance import Noun, Romance
from tts_cli.text.normalize._romance_num import it_cardinal, it_ordinal

_CENT = Noun("centesimo", "centesimi")
_CURRENCIES = {
    "€": Noun("euro", "euro", minor=_CENT),
    "eur": Noun("euro", "euro", minor=_CENT),
    "$": Noun("dollaro", "dollari", minor=_CENT),
    "usd": Noun("dollaro", "dollari", minor=_CENT),
    "£": Noun("sterlina", "sterline", True, Noun("penny", "penny")),
    "gbp": Noun("sterlina", "sterline", True, Noun("penny", "penny")),
    "¥": Noun("yen", "yen"),
    "₽": Noun("rublo", "rubli", minor=Noun("copeco", "copechi")),
    "chf": Noun("franco svizzero", "franchi svizzeri", minor=_CENT),
}


def _u(one: str, many: str, fem: bool = False) -> Noun:
    return Noun(one, many, fem)


_UNITS = {
    "km": _u("chilometro", "chilometri"), "m": _u("metro", "metri"),
    "cm": _u("centimetro", "centimetri"), "mm": _u("millimetro", "millimetri"),
    "kg": _u("chilogrammo", "chilogrammi"), "g": _u("grammo", "grammi"),
    "mg": _u("milligrammo", "milligrammi"), "t": _u("tonnellata", "tonnellate", True),
    "l": _u("litro", "litri"), "ml": _u("millilitro", "millilitri"), "cl": _u("centilitro", "centilitri"),
    "h": _u("ora", "ore", True), "min": _u("minuto", "minuti"), "s": _u("secondo", "secondi"),
    "d": _u("giorno", "giorni"), "km/h": _u("chilometro orario", "chilometri orari"),
    "km/s": _u("chilometro per secondo", "chilometri per secondo"),
    "m/s": _u("metro per secondo", "metri per secondo"),
    "m²": _u("metro quadrato", "metri quadrati"), "km²": _u("chilometro quadrato", "chilometri quadrati"),
    "m³": _u("metro cubo", "metri cubi"), "ha": _u("ettaro", "ettari"),
    "A": _u("ampere", "ampere"), "V": _u("volt", "volt"), "W": _u("watt", "watt"),
    "kW": _u("chilowatt", "chilowatt"), "kWh": _u("chilowattora", "chilowattora"),
    "MB": _u("megabyte", "megabyte"), "GB": _u("gigabyte", "gigabyte"),
    "%": Noun("per cento", "per cento", bare=True),
    "°C": _u("grado Celsius", "gradi Celsius"), "° C": _u("grado Celsius", "gradi Celsius"),
    "°F": _u("grado Fahrenheit", "gradi Fahrenheit"), "°": _u("grado", "gradi"),
}  # fmt: skip

_ABBREVIATIONS = r.abbreviation_table({
    "sig.na": "signorina", "sig.ra": "signora", "sig.": "signor", "sigg.": "signori",
    "dott.ssa": "dottoressa", "dott.": "dottor", "prof.ssa": "professoressa", "prof.": "professor",
    "avv.": "avvocato", "ing.": "ingegner", "arch.": "architetto", "geom.": "geometra",
    "on.": "onorevole", "dip.": "dipartimento", "p.za": "piazza", "v.le": "viale", "c.so": "corso",
    "ecc.": "eccetera", "pag.": "pagina", "pagg.": "pagine", "tel.": "telefono",
    "a.C.": "avanti Cristo", "d.C.": "dopo Cristo", "S.p.A.": "società per azioni",
    "p.es.": "per esempio", "~art.": "articolo", "~vol.": "volume", "~cap.": "capitolo", "n°": "numero", "nº": "numero",
})  # fmt: skip

_MONTHS = ("gennaio febbraio marzo aprile maggio giugno luglio agosto settembre ottobre "
           "novembre dicembre").split()  # fmt: skip
_MONTH_KEYS = {m: i for i, m in enumerate(_MONTHS, 1)}
_MONTH = "(" + r._alternation(_MONTH_KEYS) + r")(?![\w])"
_DATE_DMY = re.compile(r"(?<![\w.,/-])(\d{1,2})([./-])(\d{1,2})\2(\d{4})(?![\w]|[.,/-]\d)")
_DATE_YMD = re.compile(r"(?<![\w.,/-])(\d{4})-(\d{1,2})-(\d{1,2})(?![\w]|[.,/-]\d)")
_DATE_WRITTEN = re.compile(rf"(?<![\w,.])(\d{{1,2}}) {_MONTH}(?: (\d{{4}}))?(?!\d)", re.IGNORECASE)


def _date(d: int, m: int, y: int | None) -> str | None:
    if not (1 <= d <= 31 and 1 <= m <= 12):
        return None
    day = "primo" if d == 1 else it_cardinal(d)
    return f"{day} {_MONTHS[m - 1]}" + (f" {it_cardinal(y)}" if y is not None else "")


def dates(text: str) -> str:
    """ "25/04/1945" -> "venticinque aprile mille novecento quarantacinque"; "1 maggio"."""
    text = _DATE_DMY.sub(
        lambda m: _date(int(m.group(1)), int(m.group(3)), int(m.group(4))) or m.group(0), text
    )

    text = _DATE_YMD.sub(
        lambda m: _date(int(m.group(3)), int(m.group(2)), int(m.group(1))) or m.group(0), text
    )

    def written(m: re.Match[str]) -> str:
        y = int(m.group(3)) if m.group(3) else None
        return _date(int(m.group(1)), _MONTH_KEYS[m.group(2).lower()], y) or m.group(0)

    return _DATE_WRITTEN.sub(written, text)


_TIME = re.compile(r"(?<![\w.,:])(\d{1,2})[:.](\d{2})(?:[:.](\d{2}))?(?![\w]|[.,:]\d)")


def times(text: str) -> str:
    """ "16:00" -> "sedici", "12:30" -> "dodici e mezza", "03:38" -> "tre e trentotto minuti"."""

    def sub(m: re.Match[str]) -> str:
        h, mi, s = int(m.group(1)), int(m.group(2)), int(m.group(3) or 0)
        if h > 24 or mi > 59 or s > 59:
            return m.group(0)
        words = "una" if h == 1 else it_cardinal(h)
        if mi == 15:
            words += " e un quarto"
        elif mi == 30:
            words += " e mezza"
        elif mi:
            words += f" e {it_cardinal(mi)} {'minuto' if mi == 1 else 'minuti'}"
        if s:
            words += f" e {it_cardinal(s)} {'secondo' if s == 1 else 'secondi'}"
        return words

    return _TIME.sub(sub, text)


_ARTICLE = r"(?:il|lo|la|i|gli|le|l'|al|allo|alla|del|dello|della|nel|nello|nella|dal|sul)"
_ORDINAL = re.compile(r"(?<![\w.,])(\d{1,3}(?:\.\d{3})+|\d+)(º|ª)(?![\w])")
_DEGREE_ORDINAL = re.compile(rf"(?<![\w])({_ARTICLE} ?)(\d+)°(?![\w])", re.IGNORECASE)


def ordinals(text: str) -> str:
    """ "1º" -> "primo", "2ª" -> "seconda"; "il 2° posto" -> "il secondo posto" (after an
    article the degree sign is an ordinal mark)."""
    text = _DEGREE_ORDINAL.sub(
        lambda m: (
            m.group(1)
            + it_ordinal(
                int(m.group(2)),
                m.group(1).lower().startswith(("la", "le", "alla", "della", "nella")),
            )
        ),
        text,
    )
    return _ORDINAL.sub(lambda m: it_ordinal(r.to_int(m.group(1)), m.group(2) == "ª"), text)


_NOT_NAMES = frozenset("Capitolo Tomo Parte Libro Atto Volume Canto Titolo Articolo".split())
_ROMAN_BEFORE = re.compile(r"(?<![\w.])([IVXLCDM]{2,7}|[IVX]) (secolo|sec\.|millennio)(?!\w)")
_ARTICLE_ROMAN = re.compile(rf"\b({_ARTICLE}) ?([IVXLC]{{2,6}})\b(?= [a-zà-ù])")
_AFTER_CENTURY = re.compile(r"\b(secolo|millennio) ([IVXLCDM]+)\b")


def romans(text: str) -> str:
    """ "XIX secolo" -> "diciannovesimo secolo", "Luigi XIV" -> "Luigi quattordicesimo"."""

    def before(m: re.Match[str]) -> str:
        value = r.roman_value(m.group(1))
        return m.group(0) if value is None else f"{it_ordinal(value)} {m.group(2)}"

    text = _ROMAN_BEFORE.sub(before, text)
    text = _AFTER_CENTURY.sub(
        lambda m: (
            f"{m.group(1)} {it_ordinal(r.roman_value(m.group(2)) or 0)}"
            if r.roman_value(m.group(2))
            else m.group(0)
        ),
        text,
    )

    def article(m: re.Match[str]) -> str:
        value = r.roman_value(m.group(2))
        fem = m.group(1).lower().startswith(("la", "le", "alla", "della", "nella"))
        sep = "" if m.group(1).endswith("'") else " "
        return m.group(0) if value is None else f"{m.group(1)}{sep}{it_ordinal(value, fem)}"

    text = _ARTICLE_ROMAN.sub(article, text)
    return r.regnal(text, lambda v, name: it_ordinal(v, name.endswith("a")), _NOT_NAMES)


def _phones(text: str) -> str:
    return r.phones(SPEC, text, "interno", country_number=False)


SPEC = Romance(
    lang="it", comma="virgola", minus="meno", plus="più", equals="uguale a", times="per",
    less="minore di", greater="maggiore di",
    less_equal="minore o uguale a", greater_equal="maggiore o uguale a", not_equal="diverso da", digits_after_comma=False,
    currencies=_CURRENCIES, units=_UNITS,
    scales=("milioni", "milione", "miliardi", "miliardo"),
    of="di", minor_joiner=" ", name_minor=True, range_word="a", and_word="e",
    e_words={".": "punto", "@": "chiocciola", "/": "slash", ":": "due punti", "-": "trattino",
             "_": "trattino basso", "!": "punto esclamativo", "&": "e commerciale",
             "|": "barra verticale", "^": "accento circonflesso"},
    known_words=r.KNOWN_WORDS,
    abbreviations=_ABBREVIATIONS,
    masculine_nouns=frozenset("problema problemi sistema sistemi tema temi programma programmi "
                              "clima pianeta pianeti poeta poeti".split()),
    extra=(_phones, dates, times, ordinals),
    late=(romans,),
)  # fmt: skip

verbalize = r.make_verbalizer(SPEC, ())
