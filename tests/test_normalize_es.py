"""Spanish written forms as a narrator reads them (readings written from Spanish usage)."""

from __future__ import annotations

import pytest

from tts_cli.text.normalize import speakable


def say(text: str) -> str:
    return speakable(text, "es")


@pytest.mark.parametrize(
    ("written", "spoken"),
    [
        ("Tenía 21 años.", "Tenía veintiún años."),
        ("Había 21 personas.", "Había veintiuna personas."),
        ("Costó 1.500.000 pesetas.", "Costó un millón quinientas mil pesetas."),
        ("Eran 2.000.000.000.", "Eran dos mil millones."),
        ("Unos 3 000 000 000 000.", "Unos tres billones."),
        ("Bajó a -15.", "Bajó a menos quince."),
    ],
)
def test_cardinals(written, spoken):
    assert say(written) == spoken


@pytest.mark.parametrize(
    ("written", "spoken"),
    [
        ("el 3.º piso", "El tercer piso."),
        ("llegó 3.º", "Llegó tercero."),
        ("el 1.er piso", "El primer piso."),
        ("la 2.ª edición", "La segunda edición."),
        ("su 15.º aniversario", "Su decimoquinto aniversario."),
        ("el 11.º", "El undécimo."),
        ("el 23.º", "El vigesimotercero."),
        ("la 47.ª", "La cuadragésima séptima."),
    ],
)
def test_ordinals(written, spoken):
    assert say(written) == spoken


@pytest.mark.parametrize(
    ("written", "spoken"),
    [
        ("Pi vale 3,1416.", "Pi vale tres coma catorce dieciséis."),
        ("Mide 2,5 metros.", "Mide dos coma cinco metros."),
        ("Tiene 0,05 g.", "Tiene cero coma cero cinco gramos."),
        ("Son 1,2 millones.", "Son uno coma dos millones."),
    ],
)
def test_decimals_as_written(written, spoken):
    assert say(written) == spoken


@pytest.mark.parametrize(
    ("written", "spoken"),
    [
        ("3/4 de la población", "Tres cuartos de la población."),
        ("1/2", "Un medio."),
        ("2 1/3 tazas", "Dos y un tercio tazas."),
        ("1/25", "Un veinticincoavo."),
        ("1 1/2 l", "Uno y medio litro."),
    ],
)
def test_fractions(written, spoken):
    assert say(written) == spoken


@pytest.mark.parametrize(
    ("written", "spoken"),
    [
        ("Cuesta 3,50 €.", "Cuesta tres euros cincuenta céntimos."),
        ("Cuesta $20,05.", "Cuesta veinte dólares cinco centavos."),
        ("Pagó 1 £.", "Pagó una libra."),
        ("Pagó 0,75 €.", "Pagó setenta y cinco céntimos."),
        ("Ganó 2,5 millones de euros.", "Ganó dos coma cinco millones de euros."),
        ("Recaudó 1.000.000 $.", "Recaudó un millón de dólares."),
    ],
)
def test_money(written, spoken):
    assert say(written) == spoken


@pytest.mark.parametrize(
    ("written", "spoken"),
    [
        ("Subió un 12 %.", "Subió un doce por ciento."),
        ("Caminó 5 km.", "Caminó cinco kilómetros."),
        ("a 120 km/h", "A ciento veinte kilómetros por hora."),
        ("Hacía -3 °C.", "Hacía menos tres grados centígrados."),
        ("Pesa 1 kg.", "Pesa un kilogramo."),
    ],
)
def test_measures(written, spoken):
    assert say(written) == spoken


@pytest.mark.parametrize(
    ("written", "spoken"),
    [
        ("el 12/10/1492", "El doce de octubre de mil cuatrocientos noventa y dos."),
        ("el 1 de mayo de 2024", "El primero de mayo de dos mil veinticuatro."),
        ("el 2024-03-05", "El cinco de marzo de dos mil veinticuatro."),
        ("en el siglo XIX", "En el siglo diecinueve."),
        ("en 1975", "En mil novecientos setenta y cinco."),
        (
            "entre 1936-1939",
            "Entre mil novecientos treinta y seis a mil novecientos treinta y nueve.",
        ),
    ],
)
def test_dates_years_ranges(written, spoken):
    assert say(written) == spoken


@pytest.mark.parametrize(
    ("written", "spoken"),
    [
        ("a las 13:30", "A las trece y media."),
        ("a las 7:05 a.m.", "A las siete y cinco de la mañana."),
        ("a las 21:45", "A las veintiuna y cuarenta y cinco."),
        ("a las 4.15 p.m.", "A las cuatro y cuarto de la tarde."),
    ],
)
def test_times(written, spoken):
    assert say(written) == spoken


@pytest.mark.parametrize(
    ("written", "spoken"),
    [
        ("Felipe II reinó.", "Felipe segundo reinó."),
        ("Alfonso XIII", "Alfonso trece."),
        ("Isabel II", "Isabel segunda."),
        ("Juan Pablo II", "Juan Pablo segundo."),
        ("el XV aniversario", "El decimoquinto aniversario."),
        ("Capítulo IV", "Capítulo cuatro."),
    ],
)
def test_roman_numerals(written, spoken):
    assert say(written) == spoken


@pytest.mark.parametrize(
    ("written", "spoken"),
    [
        ("El Sr. Gómez y la Sra. Ruiz", "El señor Gómez y la señora Ruiz."),
        ("la Dra. Vega", "La doctora Vega."),
        ("D. Quijote", "Don Quijote."),
        ("libros, cuadros, etc.", "Libros, cuadros, etcétera."),
        ("en EE. UU.", "En Estados Unidos."),
    ],
)
def test_abbreviations(written, spoken):
    assert say(written) == spoken


@pytest.mark.parametrize(
    ("written", "spoken"),
    [
        ("Escribe a ana@correo.es", "Escribe a a n a arroba c o r r e o punto e s."),
        ("Visita www.google.com", "Visita w w w punto google punto com."),
        (
            "Llama al 912-345-6789",
            "Llama al nueve uno dos tres cuatro cinco seis siete ocho nueve.",
        ),
        ("2 + 3 = 5", "Dos más tres es igual a cinco."),
        ("C&A", "C y A."),
    ],
)
def test_electronic_phones_math(written, spoken):
    assert say(written) == spoken


def test_plain_prose_is_untouched():
    text = "Era una noche oscura y tormentosa; nadie sabía nada."
    assert say(text) == "Era una noche oscura y tormentosa, nadie sabía nada."
