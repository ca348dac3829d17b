"""Italian written forms as a narrator reads them (readings written from Italian usage)."""

from __future__ import annotations

import pytest

from tts_cli.text.normalize import speakable


def say(text: str) -> str:
    return speakable(text, "it")


@pytest.mark.parametrize(
    ("written", "spoken"),
    [
        ("Ha 21 anni.", "Ha ventun anni."),
        ("Sono 1 settimana e 1 giorno.", "Sono una settimana e un giorno."),
        ("Costa 1.250.000.", "Costa un milione duecentocinquantamila."),
        ("Fa -3.", "Fa meno tre."),
        ("I 38 gradini", "I trentotto gradini."),
    ],
)
def test_cardinals(written, spoken):
    assert say(written) == spoken


@pytest.mark.parametrize(
    ("written", "spoken"),
    [
        ("il 1º classificato", "Il primo classificato."),
        ("la 2ª volta", "La seconda volta."),
        ("il 2° posto", "Il secondo posto."),
        ("l'11º giorno", "L'undicesimo giorno."),
        ("il 23º", "Il ventitreesimo."),
    ],
)
def test_ordinals(written, spoken):
    assert say(written) == spoken


@pytest.mark.parametrize(
    ("written", "spoken"),
    [
        ("Pi è 3,14.", "Pi è tre virgola quattordici."),
        ("Sono 4,5 milioni.", "Sono quattro virgola cinque milioni."),
        ("Misura 0,05 m.", "Misura zero virgola zero cinque metri."),
        ("3/4 della torta", "Tre quarti della torta."),
        ("1/3", "Un terzo."),
    ],
)
def test_decimals_and_fractions(written, spoken):
    assert say(written) == spoken


@pytest.mark.parametrize(
    ("written", "spoken"),
    [
        ("Costa 3,50 €.", "Costa tre euro cinquanta centesimi."),
        ("Costa 1 €.", "Costa un euro."),
        ("Costa 0,20 €.", "Costa venti centesimi."),
        ("Pagò 10 $.", "Pagò dieci dollari."),
        ("Il 18% dei voti", "Il diciotto per cento dei voti."),
        ("Corse 2 km.", "Corse due chilometri."),
        ("Ci sono 30 °C.", "Ci sono trenta gradi Celsius."),
    ],
)
def test_money_and_measures(written, spoken):
    assert say(written) == spoken


@pytest.mark.parametrize(
    ("written", "spoken"),
    [
        ("il 25/04/1945", "Il venticinque aprile mille novecento quarantacinque."),
        ("il 1 maggio", "Il primo maggio."),
        ("alle 16:00", "Alle sedici."),
        ("alle 12:30", "Alle dodici e mezza."),
        ("alle 8.15", "Alle otto e un quarto."),
        ("alle 21:40", "Alle ventuno e quaranta minuti."),
    ],
)
def test_dates_times(written, spoken):
    assert say(written) == spoken


@pytest.mark.parametrize(
    ("written", "spoken"),
    [
        ("Luigi XIV", "Luigi quattordicesimo."),
        ("Elisabetta II", "Elisabetta seconda."),
        ("nel XIX secolo", "Nel diciannovesimo secolo."),
        ("il XV canto", "Il quindicesimo canto."),
        ("sig.ra Rossi e dott. Bianchi", "Signora Rossi e dottor Bianchi."),
        ("libri, quadri, ecc.", "Libri, quadri, eccetera."),
        ("avv. Verdi", "Avvocato Verdi."),
    ],
)
def test_romans_and_abbreviations(written, spoken):
    assert say(written) == spoken


@pytest.mark.parametrize(
    ("written", "spoken"),
    [
        ("Scrivi a info@sito.it", "Scrivi a i n f o chiocciola s i t o punto i t."),
        ("3 + 4 = 7", "Tre più quattro uguale a sette."),
    ],
)
def test_electronic_math(written, spoken):
    assert say(written) == spoken
