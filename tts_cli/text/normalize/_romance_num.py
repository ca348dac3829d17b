"""Number words for French, Spanish, Italian and Portuguese: cardinals, ordinals, fractions.

Spanish, Italian and Portuguese cardinals are written here because num2words gets their
agreement wrong for reading aloud (Portuguese "três mil, quinhentos", "um milhão e trinta e
quatro mil"; Spanish and Italian have no feminine forms, Spanish "décimoprimero"). French uses
num2words, which follows the 1990-neutral spelling ("quatre-vingts", "deux cent un").

Every function takes ``fem`` (feminine agreement: "una", "duas", "doscientas", "première") and,
where the language shortens a number before a noun, ``short`` ("un millón", "veintiún",
"primer").
"""

from __future__ import annotations

import functools
import unicodedata

from num2words import num2words

# --- Spanish --------------------------------------------------------------------------------

_ES_LOW = (
    "cero uno dos tres cuatro cinco seis siete ocho nueve diez once doce trece catorce quince "
    "dieciséis diecisiete dieciocho diecinueve veinte veintiuno veintidós veintitrés "
    "veinticuatro veinticinco veintiséis veintisiete veintiocho veintinueve"
).split()
_ES_TENS = "_ _ veinte treinta cuarenta cincuenta sesenta setenta ochenta noventa".split()
_ES_HUNDREDS = (
    "_ ciento doscientos trescientos cuatrocientos quinientos seiscientos setecientos "
    "ochocientos novecientos"
).split()
_ES_SCALES = ((10**24, "cuatrillón", "cuatrillones"), (10**18, "trillón", "trillones"),
              (10**12, "billón", "billones"), (10**6, "millón", "millones"))  # fmt: skip


def _es_below_1000(n: int, fem: bool, short: bool) -> str:
    words = []
    hundreds, rest = divmod(n, 100)
    if hundreds:
        if n == 100:
            return "cien"
        word = _ES_HUNDREDS[hundreds]
        words.append(word[:-2] + "as" if fem and hundreds > 1 else word)
    if rest:
        if rest < 30:
            word = _ES_LOW[rest]
        else:
            tens, unit = divmod(rest, 10)
            word = _ES_TENS[tens] + (f" y {_ES_LOW[unit]}" if unit else "")
        if word.endswith("uno"):
            word = word[:-1] + "a" if fem else (word[:-1] if short else word)
            word = word.replace("veintiun", "veintiún") if word == "veintiun" else word
        words.append(word)
    return " ".join(words)


def _es_below_million(n: int, fem: bool, short: bool) -> str:
    thousands, rest = divmod(n, 1000)
    words = []
    if thousands:
        words.append("mil" if thousands == 1 else _es_below_1000(thousands, fem, True) + " mil")
    if rest:
        words.append(_es_below_1000(rest, fem, short))
    return " ".join(words)


def es_cardinal(n: int, fem: bool = False, short: bool = False) -> str:
    """Spanish cardinal, long scale ("mil millones", "billón" = 10^12)."""
    if n < 0:
        return "menos " + es_cardinal(-n, fem, short)
    if n == 0:
        return "cero"
    for scale, one, many in _ES_SCALES:
        if n >= scale:
            head, rest = divmod(n, scale)
            if head >= 1_000_000:
                return " ".join(
                    filter(
                        None,
                        [
                            es_cardinal(head, False, True) + " " + many,
                            es_cardinal(rest, fem, short) if rest else "",
                        ],
                    )
                )
            words = "un " + one if head == 1 else _es_below_million(head, False, True) + " " + many
            return words + (" " + es_cardinal(rest, fem, short) if rest else "")
    return _es_below_million(n, fem, short)


_ES_O_UNITS = "_ primero segundo tercero cuarto quinto sexto séptimo octavo noveno".split()
_ES_O_TENS = (
    "_ décimo vigésimo trigésimo cuadragésimo quincuagésimo sexagésimo septuagésimo "
    "octogésimo nonagésimo"
).split()
_ES_O_HUNDREDS = (
    "_ centésimo ducentésimo tricentésimo cuadringentésimo quingentésimo sexcentésimo "
    "septingentésimo octingentésimo noningentésimo"
).split()


def _strip_accents(word: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFD", word) if unicodedata.category(c) != "Mn")


def _es_ordinal_below_1000(n: int, short: bool) -> list[str]:
    hundreds, rest = divmod(n, 100)
    words = [_ES_O_HUNDREDS[hundreds]] if hundreds else []
    tens, unit = divmod(rest, 10)
    if rest in (11, 12) and not short:
        words.append("undécimo" if rest == 11 else "duodécimo")
    elif tens in (1, 2) and unit:
        # one word: "decimotercero", "vigesimoctavo"
        prefix = _strip_accents(_ES_O_TENS[tens])
        tail = _ES_O_UNITS[unit]
        words.append(prefix[:-1] + tail if tail.startswith("o") else prefix + tail)
    else:
        if tens:
            words.append(_ES_O_TENS[tens])
        if unit:
            words.append(_ES_O_UNITS[unit])
    return words


def es_ordinal(n: int, fem: bool = False, short: bool = False) -> str:
    """Spanish ordinal ("vigesimoprimero", "centésimo trigésimo cuarto", "dosmilésimo")."""
    words: list[str] = []
    for scale, name in ((10**6, "millonésimo"), (1000, "milésimo")):
        head, n = divmod(n, scale)
        if head:
            words.append(
                name if head == 1 else es_cardinal(head, short=True).replace(" ", "") + name
            )
    if n:
        words += _es_ordinal_below_1000(n, short)
    if short and words[-1].endswith(("primero", "tercero")):
        words[-1] = words[-1][:-1]
    if fem:
        words = [w[:-1] + "a" if w.endswith("o") else w for w in words]
    return " ".join(words)


# --- Portuguese (Brazilian) -------------------------------------------------------------------

_PT_LOW = (
    "zero um dois três quatro cinco seis sete oito nove dez onze doze treze catorze quinze "
    "dezesseis dezessete dezoito dezenove"
).split()
_PT_TENS = "_ _ vinte trinta quarenta cinquenta sessenta setenta oitenta noventa".split()
_PT_HUNDREDS = (
    "_ cento duzentos trezentos quatrocentos quinhentos seiscentos setecentos oitocentos novecentos"
).split()
_PT_SCALES = ((10**15, "quatrilhão", "quatrilhões"), (10**12, "trilhão", "trilhões"),
              (10**9, "bilhão", "bilhões"), (10**6, "milhão", "milhões"), (1000, "mil", "mil"))  # fmt: skip


def _pt_below_1000(n: int, fem: bool) -> str:
    if n == 100:
        return "cem"
    hundreds, rest = divmod(n, 100)
    words = []
    if hundreds:
        word = _PT_HUNDREDS[hundreds]
        words.append(word[:-2] + "as" if fem and hundreds > 1 else word)
    if rest:
        tens, unit = divmod(rest, 10)
        parts = (
            [_PT_LOW[rest]] if rest < 20 else [_PT_TENS[tens]] + ([_PT_LOW[unit]] if unit else [])
        )
        if fem and parts[-1] in ("um", "dois"):
            parts[-1] = "uma" if parts[-1] == "um" else "duas"
        words += parts
    return " e ".join(words)


def pt_cardinal(n: int, fem: bool = False, short: bool = False) -> str:
    """Brazilian Portuguese cardinal, short scale, with the "e" between groups where it goes."""
    del short  # Portuguese has no shortened forms
    if n < 0:
        return "menos " + pt_cardinal(-n, fem)
    if n == 0:
        return "zero"
    groups: list[tuple[int, str]] = []
    for scale, one, many in _PT_SCALES:
        head, n = divmod(n, scale)
        if head:
            if scale == 1000:
                groups.append(
                    (head * 1000, "mil" if head == 1 else _pt_below_1000(head, fem) + " mil")
                )
            else:
                groups.append(
                    (head * scale, pt_cardinal(head) + " " + (one if head == 1 else many))
                )
    if n:
        groups.append((n, _pt_below_1000(n, fem)))
    words = groups[0][1]
    for i, (value, text) in enumerate(groups[1:], 1):
        last = i == len(groups) - 1
        lead = value
        while lead >= 1000:
            lead //= 1000
        words += (" e " if last and (lead < 100 or lead % 100 == 0) else " ") + text
    return words


_PT_O_UNITS = "_ primeiro segundo terceiro quarto quinto sexto sétimo oitavo nono".split()
_PT_O_TENS = (
    "_ décimo vigésimo trigésimo quadragésimo quinquagésimo sexagésimo septuagésimo "
    "octogésimo nonagésimo"
).split()
_PT_O_HUNDREDS = (
    "_ centésimo ducentésimo trecentésimo quadringentésimo quingentésimo sexcentésimo "
    "septingentésimo octingentésimo nongentésimo"
).split()


def pt_ordinal(n: int, fem: bool = False, short: bool = False) -> str:
    """Portuguese ordinal ("décimo primeiro", "centésimo trigésimo quarto")."""
    del short
    words: list[str] = []
    for scale, name in ((10**6, "milionésimo"), (1000, "milésimo")):
        head, n = divmod(n, scale)
        if head:
            words += [name] if head == 1 else [pt_cardinal(head), name]
    hundreds, rest = divmod(n, 100)
    tens, unit = divmod(rest, 10)
    words += [
        w[i] for w, i in ((_PT_O_HUNDREDS, hundreds), (_PT_O_TENS, tens), (_PT_O_UNITS, unit)) if i
    ]
    if fem:
        words = [w[:-1] + "a" if w.endswith("o") else w for w in words]
    return " ".join(words)


# --- Italian ---------------------------------------------------------------------------------

_IT_LOW = (
    "zero uno due tre quattro cinque sei sette otto nove dieci undici dodici tredici "
    "quattordici quindici sedici diciassette diciotto diciannove"
).split()
_IT_TENS = "_ _ venti trenta quaranta cinquanta sessanta settanta ottanta novanta".split()


def _it_below_100(n: int) -> str:
    if n < 20:
        return _IT_LOW[n]
    tens, unit = divmod(n, 10)
    word = _IT_TENS[tens]
    if unit in (1, 8):
        word = word[:-1]  # "ventuno", "trentotto"
    return word + (_IT_LOW[unit] if unit else "")


def _it_below_1000(n: int) -> str:
    hundreds, rest = divmod(n, 100)
    head = "" if not hundreds else ("cento" if hundreds == 1 else _IT_LOW[hundreds] + "cento")
    tail = _it_below_100(rest) if rest else ""
    return " ".join(filter(None, [head, tail]))


def it_cardinal(n: int, fem: bool = False, short: bool = False) -> str:
    """Italian cardinal; groups are spaced ("tremila cinquecento quarantaquattro") for reading."""
    if n < 0:
        return "meno " + it_cardinal(-n, fem, short)
    if n == 0:
        return "zero"
    words = []
    for scale, one, many in ((10**9, "un miliardo", "miliardi"), (10**6, "un milione", "milioni")):
        head, n = divmod(n, scale)
        if head:
            words.append(one if head == 1 else it_cardinal(head) + " " + many)
    head, n = divmod(n, 1000)
    if head:
        words.append("mille" if head == 1 else _it_below_1000(head).replace(" ", "") + "mila")
    if n:
        word = _it_below_1000(n)
        if word.endswith("uno") and (fem or short):
            word = word[:-1] + "a" if fem else word[:-1]
        words.append(word)
    return " ".join(words)


_IT_O_LOW = "_ primo secondo terzo quarto quinto sesto settimo ottavo nono decimo".split()


def it_ordinal(n: int, fem: bool = False, short: bool = False) -> str:
    """Italian ordinal ("ventunesimo", "quattordicesimo", "millesimo")."""
    del short
    if n <= 10:
        word = _IT_O_LOW[n]
    else:
        stem = it_cardinal(n).replace(" ", "")
        if stem.endswith("tre"):
            word = stem + "esimo"
        elif stem.endswith("sei"):
            word = stem + "esimo"
        elif stem.endswith("mila"):
            word = stem[:-4] + "millesimo"
        else:
            word = stem[:-1] + "esimo"
    return word[:-1] + "a" if fem else word


# --- French ----------------------------------------------------------------------------------


@functools.lru_cache(maxsize=4096)
def fr_cardinal(n: int, fem: bool = False, short: bool = False) -> str:
    """French cardinal (num2words); "une" for a feminine noun."""
    del short
    if n < 0:
        return "moins " + fr_cardinal(-n, fem)
    words = num2words(n, lang="fr")
    if fem and (words == "un" or words.endswith((" un", "-un"))):
        words += "e"
    return words


def fr_ordinal(n: int, fem: bool = False, short: bool = False) -> str:
    """French ordinal ("premier"/"première", "vingt et unième")."""
    del short
    if n == 1:
        return "première" if fem else "premier"
    return num2words(n, lang="fr", to="ordinal")


CARDINAL = {"es": es_cardinal, "pt": pt_cardinal, "it": it_cardinal, "fr": fr_cardinal}
ORDINAL = {"es": es_ordinal, "pt": pt_ordinal, "it": it_ordinal, "fr": fr_ordinal}


# --- Fractions -------------------------------------------------------------------------------


def _es_denominator(d: int, plural: bool) -> str | None:
    special = {2: "medio", 3: "tercio"}
    if d in special:
        word = special[d]
    elif d <= 10 or (d >= 100 and (d % 1000 == 0 or (d < 1000 and d % 100 == 0))):
        word = es_ordinal(d)
        if d == 1000 or d % 1000 == 0:
            word = word.replace(" ", "")
    elif d < 100:
        word = _strip_accents(es_cardinal(d)).replace(" y ", "i").replace(" ", "")
        word = word[:-1] if word.endswith(("uno", "a")) else word
        word += "avo"
    else:
        return None
    return word + "s" if plural else word


def fraction(lang: str, num: int, den: int, fem: bool = False) -> str:
    """ "2/9": "deux neuvièmes", "dos novenos", "dois nonos", "due noni"."""
    card = CARDINAL[lang]
    plural = num != 1
    if lang == "es":
        word = _es_denominator(den, plural)
        if word is None:
            return f"{card(num, fem)} sobre {card(den)}"
        return f"{card(num, fem, True)} {word}"
    if lang == "pt":
        special = {2: "meio", 3: "terço", 4: "quarto"}
        if den in special or den <= 10 or den in (100, 1000):
            word = special.get(den) or pt_ordinal(den)
            return f"{card(num)} {word}{'s' if plural else ''}"
        return f"{card(num)} {card(den)} avos"
    if lang == "fr":
        special = {2: "demi", 3: "tiers", 4: "quart"}
        word = special.get(den) or fr_ordinal(den)
        if plural and not word.endswith("s"):
            word += "s"
        return f"{card(num)} {word}"
    special = {2: "mezzo", 3: "terzo"}
    word = special.get(den) or it_ordinal(den)
    if plural:
        word = word[:-1] + "i"
    return f"{'un' if num == 1 else card(num)} {word}"
