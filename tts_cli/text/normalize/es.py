"""Spanish verbalizer: written forms as a Spanish narrator reads them.

"3,50 €" -> "tres euros cincuenta céntimos", "el 1.º de mayo" -> "el primero de mayo",
"13.30" -> "trece y media", "siglo XIX" -> "siglo diecinueve", "Felipe II" -> "Felipe
segundo", "la 2.ª edición" -> "la segunda edición", "Sr. Pérez" -> "señor Pérez".
"""

from __future__ import annotations

import re

from tts_cli.text.normalize import _romance as r
from tts_cli.text.normalize._romance import Noun, Romance
from tts_cli.text.normalize._romance_num import es_cardinal, es_ordinal

_CENT = Noun("centavo", "centavos")
_CURRENCIES = {
    "$": Noun("dólar", "dólares", minor=_CENT),
    "us$": Noun("dólar estadounidense", "dólares estadounidenses", minor=_CENT),
    "usd": Noun("dólar estadounidense", "dólares estadounidenses", minor=_CENT),
    "€": Noun("euro", "euros", minor=Noun("céntimo", "céntimos")),
    "eur": Noun("euro", "euros", minor=Noun("céntimo", "céntimos")),
    "£": Noun("libra", "libras", True, Noun("penique", "peniques")),
    "gbp": Noun("libra esterlina", "libras esterlinas", True, Noun("penique", "peniques")),
    "¥": Noun("yen", "yenes"),
    "jpy": Noun("yen", "yenes"),
    "₩": Noun("won", "wones"),
    "₽": Noun("rublo", "rublos"),
    "chf": Noun("franco suizo", "francos suizos", minor=Noun("céntimo", "céntimos")),
    "fr": Noun("franco", "francos"),
    "r$": Noun("real", "reales", minor=_CENT),
    "brl": Noun("real brasileño", "reales brasileños", minor=_CENT),
    "mex$": Noun("peso mexicano", "pesos mexicanos", minor=_CENT),
    "mxn": Noun("peso mexicano", "pesos mexicanos", minor=_CENT),
    "ars": Noun("peso argentino", "pesos argentinos", minor=_CENT),
    "clp": Noun("peso chileno", "pesos chilenos"),
    "cop": Noun("peso colombiano", "pesos colombianos", minor=_CENT),
    "kr": Noun("corona", "coronas", True),
    "₧": Noun("peseta", "pesetas", True),
    "ptas": Noun("peseta", "pesetas", True),
    "rs": Noun("rupia", "rupias", True),
    "₹": Noun("rupia", "rupias", True),
    "nio": Noun("córdoba", "córdobas", True, _CENT),
    "pab": Noun("balboa", "balboas", False, _CENT),
    "crc": Noun("colón costarricense", "colones costarricenses", minor=_CENT),
    "₡": Noun("colón", "colones", minor=_CENT),
    "gtq": Noun("quetzal", "quetzales", minor=_CENT),
    "q": Noun("quetzal", "quetzales", minor=_CENT),
    "hnl": Noun("lempira", "lempiras", minor=_CENT),
    "bob": Noun("boliviano", "bolivianos", minor=_CENT),
    "pen": Noun("sol", "soles", minor=Noun("céntimo", "céntimos")),
    "uyu": Noun("peso uruguayo", "pesos uruguayos", minor=_CENT),
    "hkd": Noun("dólar de Hong Kong", "dólares de Hong Kong", minor=_CENT),
    "cad": Noun("dólar canadiense", "dólares canadienses", minor=_CENT),
    "aud": Noun("dólar australiano", "dólares australianos", minor=_CENT),
    "cny": Noun("yuan", "yuanes"),
    "mk": Noun("marco", "marcos"),
    "dm": Noun("marco", "marcos"),
}


def _u(one: str, many: str | None = None, fem: bool = False) -> Noun:
    return Noun(one, many or one + "s", fem)


_DEGREE = _u("grado")
_UNITS = {
    "km": _u("kilómetro"), "m": _u("metro"), "cm": _u("centímetro"), "mm": _u("milímetro"),
    "kg": _u("kilogramo"), "g": _u("gramo"), "mg": _u("miligramo"), "t": _u("tonelada", fem=True),
    "l": _u("litro"), "ml": _u("mililitro"), "cl": _u("centilitro"),
    "h": _u("hora", fem=True), "min": _u("minuto"), "s": _u("segundo"), "seg": _u("segundo"),
    "ms": _u("milisegundo"),
    "km/h": _u("kilómetro por hora", "kilómetros por hora"),
    "kph": _u("kilómetro por hora", "kilómetros por hora"),
    "km/s": _u("kilómetro por segundo", "kilómetros por segundo"),
    "m/s": _u("metro por segundo", "metros por segundo"),
    "mph": _u("milla por hora", "millas por hora", True),
    "/s": Noun("por segundo", "por segundo", bare=True),
    "m²": _u("metro cuadrado", "metros cuadrados"), "km²": _u("kilómetro cuadrado", "kilómetros cuadrados"),
    "cm²": _u("centímetro cuadrado", "centímetros cuadrados"),
    "m³": _u("metro cúbico", "metros cúbicos"), "cm³": _u("centímetro cúbico", "centímetros cúbicos"),
    "ha": _u("hectárea", fem=True), "kW": _u("kilovatio"), "kWh": _u("kilovatio hora", "kilovatios hora"),
    "W": _u("vatio"), "MB": _u("megabyte"), "GB": _u("gigabyte"), "psi": _u("p s i", "p s i"),
    "%": Noun("por ciento", "por ciento", bare=True),
    "°C": _u("grado centígrado", "grados centígrados"), "° C": _u("grado centígrado", "grados centígrados"),
    "°c": _u("grado centígrado", "grados centígrados"), "° c": _u("grado centígrado", "grados centígrados"),
    "°F": _u("grado Fahrenheit", "grados Fahrenheit"), "° F": _u("grado Fahrenheit", "grados Fahrenheit"),
    "°K": _u("grado kelvin", "grados kelvin"), "° K": _u("grado kelvin", "grados kelvin"),
    "° k": _u("grado kelvin", "grados kelvin"), "°k": _u("grado kelvin", "grados kelvin"),
    "°": _DEGREE, "K": _u("kelvin", "kelvin"),
}  # fmt: skip

_ABBREVIATIONS = r.abbreviation_table({
    "Dr.": "doctor", "Dra.": "doctora", "Sr.": "señor", "Sra.": "señora", "Srta.": "señorita",
    "Sres.": "señores", "Sras.": "señoras", "^Da.": "doña", "Dña.": "doña", "^D.": "don",
    "Ud.": "usted", "Uds.": "ustedes", "Vd.": "usted", "Vds.": "ustedes", "Lic.": "licenciado",
    "Ing.": "ingeniero", "Prof.": "profesor", "Profa.": "profesora", "Sto.": "santo", "Sta.": "santa",
    "etc.": "etcétera", "EE. UU.": "Estados Unidos", "EE.UU.": "Estados Unidos",
    "esq.": "esquina", "pza.": "plaza", "avda.": "avenida", "av.": "avenida", "c/": "calle",
    "pág.": "página", "págs.": "páginas", "núm.": "número", "n.º": "número", "tel.": "teléfono",
    "a. C.": "antes de Cristo", "a.C.": "antes de Cristo", "d. C.": "después de Cristo",
    "d.C.": "después de Cristo", "a. e. c.": "antes de la era común", "aprox.": "aproximadamente",
    "vs.": "contra", "~art.": "artículo", "~vol.": "volumen", "~cap.": "capítulo", "p. ej.": "por ejemplo",
})  # fmt: skip

_MONTHS = ("enero febrero marzo abril mayo junio julio agosto septiembre octubre noviembre "
           "diciembre").split()  # fmt: skip
_MONTH_KEYS = (
    {m: i for i, m in enumerate(_MONTHS, 1)}
    | {m[:3] + ".": i for i, m in enumerate(_MONTHS, 1)}
    | {"sept.": 9, "setiembre": 9}
)
_DAYS = {"lun.": "lunes", "mar.": "martes", "mié.": "miércoles", "miér.": "miércoles",
         "jue.": "jueves", "vie.": "viernes", "vier.": "viernes", "sáb.": "sábado",
         "dom.": "domingo"}  # fmt: skip
_MONTH = "(" + r._alternation(_MONTH_KEYS) + r")(?![\w])"
_DAY_ABBR = re.compile(r"(?<!\w)(" + r._alternation(_DAYS) + r")(?= \d)", re.IGNORECASE)
_DATE_DMY = re.compile(r"(?<![\w.,/-])(\d{1,2})º?([./-])(\d{1,2})\2(\d{4})(?![\w]|[.,/-]\d)")
_DATE_YMD = re.compile(r"(?<![\w.,/-])(\d{4})([./-])(\d{1,2})\2(\d{1,2})(?![\w]|[.,/-]\d)")
_DATE_WRITTEN = re.compile(
    rf"(?<![\w,.])(\d{{1,2}})(?:\.?º)? (?:de )?{_MONTH}(?: (de|del) (\d{{4}})| (\d{{4}}))?(?!\d)",
    re.IGNORECASE,
)
_DATE_MONTH_FIRST = re.compile(
    rf"(?<![\w.]){_MONTH} (\d{{1,2}})(?:,? (\d{{4}}))?(?![\d.,:])", re.IGNORECASE
)


def _day(d: int) -> str:
    return "primero" if d == 1 else es_cardinal(d)


def _date(d: int, m: int, y: int | None, of: str = "de") -> str | None:
    if m > 12 and d <= 12:
        d, m = m, d
    if not (1 <= d <= 31 and 1 <= m <= 12):
        return None
    words = f"{_day(d)} de {_MONTHS[m - 1]}"
    return words + (f" {of} {es_cardinal(y)}" if y is not None else "")


def _month(name: str) -> int:
    return _MONTH_KEYS[name.lower()]


def dates(text: str) -> str:
    """Numeric dates (day first, or ISO year first) and written ones."""
    text = _DAY_ABBR.sub(lambda m: _DAYS[m.group(1).lower()], text)

    def numeric(d: str, m: str, y: str, src: str) -> str:
        return _date(int(d), int(m), int(y)) or src

    text = _DATE_DMY.sub(lambda m: numeric(m.group(1), m.group(3), m.group(4), m.group(0)), text)
    text = _DATE_YMD.sub(lambda m: numeric(m.group(4), m.group(3), m.group(1), m.group(0)), text)

    def written(m: re.Match[str]) -> str:
        year = m.group(4) or m.group(5)
        words = _date(int(m.group(1)), _month(m.group(2)), int(year) if year else None,
                      m.group(3) or "de")  # fmt: skip
        return words or m.group(0)

    text = _DATE_WRITTEN.sub(written, text)

    def month_first(m: re.Match[str]) -> str:
        y = int(m.group(3)) if m.group(3) else None
        return _date(int(m.group(2)), _month(m.group(1)), y) or m.group(0)

    return _DATE_MONTH_FIRST.sub(month_first, text)


_ZONES = r"(?:est|edt|pst|pdt|cst|cdt|mst|mdt|gmt|utc|cet|cest|bst|wet)"
_OFFSET = r"(?: ?([+-]) ?(\d{1,2})(?::(\d{2}))?)?"
_TIME = re.compile(
    r"(?<![\w.,:])(\d{1,2})[:.](\d{2})(?:[:.](\d{2}))?(?![\w]|[.,:]\d)(?: ?h\b)?"
    r"(?: ?([ap])\.? ?m\b\.?)?"
    rf"(?: ({_ZONES}){_OFFSET}(?![\w]))?",
    re.IGNORECASE,
)
_TIME_HMS = re.compile(
    r"(?<![\w.,])(\d{1,2}) ?h ?(\d{1,2}) ?(?:min|m)\b(?: ?(\d{1,2}) ?(?:seg|s)\b)?"
    rf"(?: ({_ZONES}){_OFFSET}(?![\w]))?",
    re.IGNORECASE,
)
_TIME_ZERO_H = re.compile(r"(?<![\w.,])(0\d) ?h\b" rf"(?: ({_ZONES}){_OFFSET}(?![\w]))?")
_TIME_BARE_H = re.compile(rf"(?<![\w.,])(\d{{1,2}}) ?h ({_ZONES}){_OFFSET}(?![\w])", re.IGNORECASE)


def _clock(h: int, mi: int, s: int, ampm: str | None, zone: tuple) -> str | None:
    if h > 24 or mi > 59 or s > 59:
        return None
    hour = es_cardinal(h, fem=True)
    if s:
        words = f"{hour} horas {es_cardinal(mi)} minutos y {es_cardinal(s)} segundos"
        words = words.replace("una horas", "una hora").replace("uno minutos", "un minuto")
    elif mi == 15:
        words = f"{hour} y cuarto"
    elif mi == 30:
        words = f"{hour} y media"
    else:
        words = hour + (f" y {es_cardinal(mi)}" if mi else "")
    if ampm:
        if ampm.lower() == "a":
            words += " de la noche" if h == 12 else " de la mañana"
        else:
            words += " del mediodía" if h == 12 else (" de la tarde" if h < 8 else " de la noche")
    return words + _zone(*zone)


def _zone(name: str | None, sign: str | None, hh: str | None, mm: str | None) -> str:
    if not name:
        return ""
    words = " " + " ".join(name.lower())
    if sign:
        words += " " + ("más" if sign == "+" else "menos") + " " + es_cardinal(int(hh), fem=True)
        words += f" {es_cardinal(int(mm))}" if mm and int(mm) else ""
    return words


def times(text: str) -> str:
    """ "13.30" -> "trece y media", "5:02 p.m." -> "cinco y dos de la tarde"."""

    def clock(m: re.Match[str]) -> str:
        words = _clock(int(m.group(1)), int(m.group(2)), int(m.group(3) or 0), m.group(4),
                       m.group(5, 6, 7, 8))  # fmt: skip
        return words or m.group(0)

    text = _TIME.sub(clock, text)
    text = _TIME_HMS.sub(
        lambda m: _clock(int(m.group(1)), int(m.group(2)), int(m.group(3) or 0), None,
                         m.group(4, 5, 6, 7)) or m.group(0),
        text,
    )  # fmt: skip
    text = re.sub(
        r"(?<![\w.,])(\d{1,2})h(\d{2})m(?:(\d{2})s)?(?!\w)",
        lambda m: _clock(int(m.group(1)), int(m.group(2)), int(m.group(3) or 0), None,
                         (None,) * 4) or m.group(0),
        text,
    )  # fmt: skip
    text = _TIME_BARE_H.sub(
        lambda m: _clock(int(m.group(1)), 0, 0, None, m.group(2, 3, 4, 5)) or m.group(0), text
    )
    return _TIME_ZERO_H.sub(
        lambda m: _clock(int(m.group(1)), 0, 0, None, m.group(2, 3, 4, 5)) or m.group(0), text
    )


_ORD_NUM = r"\d{1,3}(?:[. ]\d{3})+|\d+"
_ORDINAL = re.compile(
    rf"(?<![\w.,])({_ORD_NUM})(?:\.?(º|ª)|\.?(ᵉʳ)|\.?(er|ro|ra|do|da|to|ta|vo|va|no|na|mo|ma)\b)"
    r"(?=\s([a-záéíóúñ]{3,}))?"
)


def ordinals(text: str) -> str:
    """ "1.º" -> "primero", "2.ª" -> "segunda", "1.ᵉʳ"/"1er" -> "primer"."""

    def sub(m: re.Match[str]) -> str:
        mark = m.group(2) or m.group(3) or m.group(4)
        fem = mark in ("ª", "ra", "da", "ta", "va", "na", "ma")
        # "el tercer piso": shortened before a masculine noun
        before_noun = mark == "º" and m.group(5) and m.group(5) not in r.FUNCTION_WORDS
        return es_ordinal(r.to_int(m.group(1)), fem, short=mark in ("ᵉʳ", "er") or before_noun)

    return _ORDINAL.sub(sub, text)


_FEMININE_NAMES = frozenset("Isabel Leonor Beatriz Inés Mercedes Urraca Sancha".split())
_NOT_NAMES = frozenset(
    "Capítulo Tomo Parte Libro Acto Volumen Canto Siglo Año Título Artículo Anexo".split()
)
_CENTURY = re.compile(
    r"\b(siglos?|año|milenio) ([IVXLCDM]+|[ivxlcdm]+)\b(?: (ec|e\. ?c\.|a\. ?c\.|d\. ?c\.)(?!\w))?",
    re.IGNORECASE,
)
_ERA = {"ec": "era común", "a": "antes de Cristo", "d": "después de Cristo"}
_ARTICLE_ROMAN = re.compile(r"\b(el|la|los|las|del|al) ([IVXLC]{2,6})\b(?= [a-záéíóúñ])")


def romans(text: str) -> str:
    """Centuries ("siglo XIX"), regnal names ("Felipe II", "Alfonso XIII") and "el XI apóstol"."""

    def century(m: re.Match[str]) -> str:
        value = r.roman_value(m.group(2))
        if value is None:
            return m.group(0)
        era = m.group(3)
        era_words = f" {_ERA.get(era.lower()[:2], _ERA.get(era.lower()[0]))}" if era else ""
        return f"{m.group(1)} {es_cardinal(value)}{era_words}"

    text = _CENTURY.sub(century, text)

    def reign(value: int, name: str) -> str:
        fem = name.endswith("a") or name in _FEMININE_NAMES
        return es_ordinal(value, fem) if value <= 10 else es_cardinal(value)

    text = r.regnal(text, reign, _NOT_NAMES)

    def article(m: re.Match[str]) -> str:
        value = r.roman_value(m.group(2))
        if value is None:
            return m.group(0)
        return f"{m.group(1)} {es_ordinal(value, m.group(1).startswith('la'))}"

    return _ARTICLE_ROMAN.sub(article, text)


def _phones(text: str) -> str:
    return r.phones(SPEC, text, "extensión", country_number=True)


SPEC = Romance(
    lang="es", comma="coma", minus="menos", plus="más", equals="es igual a", times="por",
    less="menor que", greater="mayor que",
    less_equal="menor o igual que", greater_equal="mayor o igual que", not_equal="distinto de", digits_after_comma=False,
    currencies=_CURRENCIES, units=_UNITS,
    scales=("millones", "millón", "billones", "billón", "trillones", "trillón", "mil millones"),
    of="de", minor_joiner=" ", name_minor=True, range_word="a", and_word="y",
    e_words={".": "punto", "@": "arroba", "/": "barra", ":": "dos puntos", "-": "guion",
             "_": "guion bajo", "!": "signo de exclamación", "&": "y", "|": "barra vertical",
             "^": "acento circunflejo"},
    feminine_nouns=frozenset("vez veces mujer mujeres noche noches parte partes calle calles "
                             "clase clases flor flores luz luces voz voces ley leyes mano manos "
                             "imagen imágenes gente llave llaves nave naves torre torres".split()),
    masculine_nouns=frozenset("día días mapa mapas problema problemas sistema sistemas tema temas "
                              "programa programas idioma idiomas planeta planetas clima poema "
                              "poemas drama dramas".split()),
    known_words=r.KNOWN_WORDS,
    abbreviations=_ABBREVIATIONS,
    extra=(_phones, dates, times),
    late=(romans,),
)  # fmt: skip

verbalize = r.make_verbalizer(SPEC, (ordinals,))
