"""Portuguese verbalizer (Brazilian number words): written forms as a narrator reads them.

"R$ 12,05" -> "doze reais e cinco centavos", "14h30" -> "catorze horas e trinta",
"1º de maio" -> "primeiro de maio", "3,14" -> "três vírgula um quatro", "século XIX" ->
"século dezenove", "D. Pedro II" -> "dom Pedro segundo", "Sra. Silva" -> "senhora Silva".
"""

from __future__ import annotations

import re

from tts_cli.text.normalize import _romance as r
from tts_cli.text.normalize._romance import Noun, Romance
from tts_cli.text.normalize._romance_num import pt_cardinal, pt_ordinal

_CENT = Noun("centavo", "centavos")
_CURRENCIES = {
    "r$": Noun("real", "reais", minor=_CENT),
    "brl": Noun("real", "reais", minor=_CENT),
    "$": Noun("dólar", "dólares", minor=_CENT),
    "us$": Noun("dólar", "dólares", minor=_CENT),
    "usd": Noun("dólar", "dólares", minor=_CENT),
    "€": Noun("euro", "euros", minor=_CENT),
    "eur": Noun("euro", "euros", minor=_CENT),
    "£": Noun("libra", "libras", True, Noun("pêni", "pence")),
    "gbp": Noun("libra", "libras", True, Noun("pêni", "pence")),
    "¥": Noun("iene", "ienes"),
    "jpy": Noun("iene", "ienes"),
    "₽": Noun("rublo", "rublos"),
    "chf": Noun("franco suíço", "francos suíços"),
    "kz": Noun("kwanza", "kwanzas", minor=Noun("cêntimo", "cêntimos")),
}


def _u(one: str, many: str | None = None, fem: bool = False) -> Noun:
    return Noun(one, many or one + "s", fem)


_UNITS = {
    "km": _u("quilômetro"), "m": _u("metro"), "cm": _u("centímetro"), "mm": _u("milímetro"),
    "kg": _u("quilo"), "g": _u("grama"), "mg": _u("miligrama"), "t": _u("tonelada", fem=True),
    "l": _u("litro"), "ml": _u("mililitro"), "L": _u("litro"),
    "h": _u("hora", fem=True), "min": _u("minuto"), "s": _u("segundo"), "ms": _u("milissegundo"),
    "km/h": _u("quilômetro por hora", "quilômetros por hora"),
    "m/s": _u("metro por segundo", "metros por segundo"),
    "m²": _u("metro quadrado", "metros quadrados"),
    "km²": _u("quilômetro quadrado", "quilômetros quadrados"),
    "m³": _u("metro cúbico", "metros cúbicos"), "ha": _u("hectare"),
    "kW": _u("quilowatt"), "W": _u("watt"), "kWh": _u("quilowatt-hora", "quilowatts-hora"),
    "MB": _u("megabyte"), "GB": _u("gigabyte"),
    "%": Noun("por cento", "por cento", bare=True),
    "°C": _u("grau Celsius", "graus Celsius"), "ºC": _u("grau Celsius", "graus Celsius"),
    "° C": _u("grau Celsius", "graus Celsius"),
    "°F": _u("grau Fahrenheit", "graus Fahrenheit"), "°": Noun("grau", "graus"),
}  # fmt: skip

_ABBREVIATIONS = r.abbreviation_table({
    "Sr.": "senhor", "Sra.": "senhora", "Srta.": "senhorita", "Srs.": "senhores",
    "Sras.": "senhoras", "Dr.": "doutor", "Dra.": "doutora", "Drs.": "doutores",
    "Prof.": "professor", "Profa.": "professora", "^D.": "dom", "Exmo.": "excelentíssimo",
    "Exma.": "excelentíssima", "V. Exa.": "Vossa Excelência", "Sto.": "santo", "Sta.": "santa",
    "Av.": "avenida", "nº": "número", "n.º": "número", "pág.": "página", "págs.": "páginas",
    "tel.": "telefone", "etc.": "et cetera", "a.C.": "antes de Cristo",
    "d.C.": "depois de Cristo", "p. ex.": "por exemplo", "aprox.": "aproximadamente", "~art.": "artigo", "~vol.": "volume", "~cap.": "capítulo",
})  # fmt: skip

_MONTHS = ("janeiro fevereiro março abril maio junho julho agosto setembro outubro novembro "
           "dezembro").split()  # fmt: skip
_MONTH_KEYS = {m: i for i, m in enumerate(_MONTHS, 1)}
_MONTH = "(" + r._alternation(_MONTH_KEYS) + r")(?![\w])"
_DATE_DMY = re.compile(r"(?<![\w.,/-])(\d{1,2})º?([./-])(\d{1,2})\2(\d{4})(?![\w]|[.,/-]\d)")
_DATE_YMD = re.compile(r"(?<![\w.,/-])(\d{4})([./-])(\d{1,2})\2(\d{1,2})(?![\w]|[.,/-]\d)")
_DATE_WRITTEN = re.compile(
    rf"(?<![\w,.])(\d{{1,2}})(?:º|°)? de {_MONTH}(?: de (\d{{4}}))?(?!\d)", re.IGNORECASE
)


def _date(d: int, m: int, y: int | None) -> str | None:
    if m > 12 and d <= 12:
        d, m = m, d
    if not (1 <= d <= 31 and 1 <= m <= 12):
        return None
    day = "primeiro" if d == 1 else pt_cardinal(d)
    return f"{day} de {_MONTHS[m - 1]}" + (f" de {pt_cardinal(y)}" if y is not None else "")


def dates(text: str) -> str:
    """ "15/03/2024" and "15 de março de 2024" -> "quinze de março de dois mil e vinte e quatro"."""
    text = _DATE_DMY.sub(
        lambda m: _date(int(m.group(1)), int(m.group(3)), int(m.group(4))) or m.group(0), text
    )
    text = _DATE_YMD.sub(
        lambda m: _date(int(m.group(4)), int(m.group(3)), int(m.group(1))) or m.group(0), text
    )

    def written(m: re.Match[str]) -> str:
        y = int(m.group(3)) if m.group(3) else None
        return _date(int(m.group(1)), _MONTH_KEYS[m.group(2).lower()], y) or m.group(0)

    return _DATE_WRITTEN.sub(written, text)


_TIME = re.compile(
    r"(?<![\w.,:])(\d{1,2})(?:([:.hH])(\d{2})(?::(\d{2}))?|[hH])(?![\w]|[.,:]\d)"
    r"(?=( da (?:manhã|tarde|noite|madrugada))?)"
)


def _hours(n: int) -> str:
    return f"{pt_cardinal(n, fem=True)} {'hora' if n == 1 else 'horas'}"


def times(text: str) -> str:
    """ "14:30" -> "catorze horas e trinta"; "3:30 da tarde"; "14h"."""

    def sub(m: re.Match[str]) -> str:
        h, mi, s = int(m.group(1)), int(m.group(3) or 0), m.group(4)
        if h > 24 or mi > 59 or (s and int(s) > 59):
            return m.group(0)
        if m.group(5) and "tarde" in m.group(5) and 13 <= h <= 19:
            h -= 12
        if s is not None:
            minutes = f"{pt_cardinal(mi)} {'minuto' if mi == 1 else 'minutos'}"
            seconds = f"{pt_cardinal(int(s))} {'segundo' if int(s) == 1 else 'segundos'}"
            return f"{_hours(h)} e {minutes} e {seconds}"
        return _hours(h) + (f" e {pt_cardinal(mi)}" if mi else "")

    return _TIME.sub(sub, text)


_ORDINAL = re.compile(r"(?<![\w.,])(\d{1,3}(?:\.\d{3})+|\d+)\.?(º|ª|o|a)(?![\w])")


def ordinals(text: str) -> str:
    """ "1º" -> "primeiro", "11ª" -> "décima primeira"."""
    return _ORDINAL.sub(lambda m: pt_ordinal(r.to_int(m.group(1)), m.group(2) in "ªa"), text)


_FEMININE_NAMES = frozenset("Isabel Beatriz Inês Leonor".split())
_NOT_NAMES = frozenset("Capítulo Tomo Parte Livro Ato Volume Canto Século Título Artigo".split())
_CENTURY = re.compile(r"\b(séculos?|milênio|milénio) ([IVXLCDM]+|[ivxlcdm]+)\b", re.IGNORECASE)
_ARTICLE_ROMAN = re.compile(r"\b(o|a|os|as|do|da|no|na) ([IVXLC]{2,6})\b(?= [a-zà-ú])")


def romans(text: str) -> str:
    """ "século XIX" -> "século dezenove", "D. Pedro II" -> "Pedro segundo", "o XV Congresso"."""

    def century(m: re.Match[str]) -> str:
        value = r.roman_value(m.group(2))
        return m.group(0) if value is None else f"{m.group(1)} {pt_cardinal(value)}"

    text = _CENTURY.sub(century, text)

    def reign(value: int, name: str) -> str:
        fem = name.endswith("a") or name in _FEMININE_NAMES
        return pt_ordinal(value, fem) if value <= 10 else pt_cardinal(value)

    text = r.regnal(text, reign, _NOT_NAMES)

    def article(m: re.Match[str]) -> str:
        value = r.roman_value(m.group(2))
        fem = m.group(1).endswith(("a", "as"))
        return m.group(0) if value is None else f"{m.group(1)} {pt_ordinal(value, fem)}"

    return _ARTICLE_ROMAN.sub(article, text)


def _phones(text: str) -> str:
    return r.phones(SPEC, text, "extensão", country_number=False)


SPEC = Romance(
    lang="pt", comma="vírgula", minus="menos", plus="mais", equals="igual a", times="vezes",
    less="menor que", greater="maior que",
    less_equal="menor ou igual a", greater_equal="maior ou igual a", not_equal="diferente de", digits_after_comma=True,
    currencies=_CURRENCIES, units=_UNITS,
    scales=("milhões", "milhão", "bilhões", "bilhão", "trilhões", "trilhão", "mil"),
    of="de", minor_joiner=" e ", name_minor=True, range_word="a", and_word="e",
    e_words={".": "ponto", "@": "arroba", "/": "barra", ":": "dois pontos", "-": "hífen",
             "_": "sublinhado", "!": "exclamação", "&": "e comercial", "|": "barra vertical",
             "^": "circunflexo"},
    known_words=r.KNOWN_WORDS,
    abbreviations=_ABBREVIATIONS,
    feminine_nouns=frozenset("vez vezes mulher mulheres noite noites parte partes flor flores "
                             "luz luzes voz vozes lei leis mão mãos imagem imagens viagem "
                             "viagens cidade cidades idade idades tarde tardes ordem".split()),
    masculine_nouns=frozenset("dia dias mapa mapas problema problemas sistema sistemas tema "
                              "temas programa programas idioma idiomas planeta planetas clima "
                              "grama gramas quilograma quilogramas telefonema".split()),
    extra=(_phones, dates, times),
    late=(romans,),
)  # fmt: skip

verbalize = r.make_verbalizer(SPEC, (ordinals,))
