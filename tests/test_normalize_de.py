"""German verbalizer: readings written from German grammar, grouped by class."""

from __future__ import annotations

import time

import pytest

from tts_cli.text.normalize import speakable


def say(text: str) -> str:
    return speakable(text, "de")


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("0", "Null."),
        ("1", "Eins."),
        ("21", "Einundzwanzig."),
        ("101", "Einhunderteins."),
        ("1.000.000", "Eine Million."),
        ("2000003", "Zwei Millionen drei."),
        ("-60", "Minus sechzig."),
        (
            "Er hatte 46664 Bücher",
            "Er hatte sechsundvierzigtausendsechshundertvierundsechzig Bücher.",
        ),
    ],
)
def test_cardinals(source, expected):
    assert say(source) == expected


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("am 3. Oktober", "Am dritten Oktober."),
        ("im 19. Jahrhundert", "Im neunzehnten Jahrhundert."),
        ("das 20. Jh. begann", "Das zwanzigste Jahrhundert begann."),
        ("Er wurde 3. im Rennen", "Er wurde dritter im Rennen."),
        ("in der 5. Klasse", "In der fünften Klasse."),
        ("der 100. Geburtstag", "Der einhundertste Geburtstag."),
        ("vom 1. bis 3. Mai", "Vom ersten bis dritten Mai."),
        ("ein 2. Versuch", "Ein zweiter Versuch."),
        ("sein 21tes Jahr", "Sein einundzwanzigstes Jahr."),
    ],
)
def test_ordinals_take_their_case(source, expected):
    assert say(source) == expected


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("Er regierte bis 1786.", "Er regierte bis siebzehnhundertsechsundachtzig."),
        ("Sie zählte bis 3. Dann lief sie.", "Sie zählte bis drei. Dann lief sie."),
        ("im Jahr 1492", "Im Jahr vierzehnhundertzweiundneunzig."),
        ("1914 begann der Krieg", "Neunzehnhundertvierzehn begann der Krieg."),
        ("(1914–1918)", "(neunzehnhundertvierzehn bis neunzehnhundertachtzehn)."),
        ("die 1920er Jahre", "Die neunzehnhundertzwanziger Jahre."),
        ("seit 2003", "Seit zweitausenddrei."),
    ],
)
def test_years(source, expected):
    assert say(source) == expected


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("am 24.12.1923", "Am vierundzwanzigsten Dezember neunzehnhundertdreiundzwanzig."),
        ("2003-03-02", "Zweiter März zweitausenddrei."),
        ("Berlin, 9. Nov. 1989", "Berlin, neunter November neunzehnhundertneunundachtzig."),
        ("seit dem 1. Januar", "Seit dem ersten Januar."),
    ],
)
def test_dates(source, expected):
    assert say(source) == expected


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("3,50 €", "Drei Euro fünfzig."),
        ("Es kostet 12 Euro", "Es kostet zwölf Euro."),
        ("0,80 €", "Achtzig Cent."),
        ("1 €", "Ein Euro."),
        ("$5", "Fünf Dollar."),
        ("2,5 Mio. €", "Zwei Komma fünf Millionen Euro."),
        ("£2,20", "Zwei Pfund zwanzig."),
    ],
)
def test_money(source, expected):
    assert say(source) == expected


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("3,5", "Drei Komma fünf."),
        ("60,2400", "Sechzig Komma zwei vier null null."),
        ("0,2 Millionen", "Null Komma zwei Millionen."),
        ("Version 3.10", "Version drei Punkt zehn."),
        ("1/2", "Ein halb."),
        ("2/9", "Zwei Neuntel."),
        ("1 1/2", "Eineinhalb."),
        ("3/4 der Leute", "Drei Viertel der Leute."),
    ],
)
def test_decimals_and_fractions(source, expected):
    assert say(source) == expected


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("14:30 Uhr", "Vierzehn Uhr dreißig."),
        ("08:00 Uhr", "Acht Uhr."),
        ("um 1 Uhr", "Um ein Uhr."),
        ("2.30 Uhr", "Zwei Uhr dreißig."),
        ("01:01:01 Uhr", "Ein Uhr eine Minute eine Sekunde."),
        ("Es steht 2:1", "Es steht zwei zu eins."),
    ],
)
def test_times(source, expected):
    assert say(source) == expected


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("200 km/h", "Zweihundert Kilometer pro Stunde."),
        ("1 h", "Eine Stunde."),
        ("3 h", "Drei Stunden."),
        ("2 m³", "Zwei Kubikmeter."),
        ("56,3 /km²", "Sechsundfünfzig Komma drei pro Quadratkilometer."),
        ("-5 °C", "Minus fünf Grad Celsius."),
        ("23 %", "Dreiundzwanzig Prozent."),
    ],
)
def test_measures(source, expected):
    assert say(source) == expected


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("z. B. Eis", "Zum Beispiel Eis."),
        ("Äpfel, Birnen usw.", "Äpfel, Birnen und so weiter."),
        ("Dr. Müller", "Doktor Müller."),
        ("Chanel Nr. 5", "Chanel Nummer fünf."),
        ("ca. 200 Leute", "Circa zweihundert Leute."),
        ("Hauptstr. 5", "Hauptstraße fünf."),
        ("Ludwig XIV. war König", "Ludwig der Vierzehnte war König."),
        ("unter Heinrich VIII. fiel", "Unter Heinrich dem Achten fiel."),
        ("Kapitel III", "Kapitel drei."),
    ],
)
def test_abbreviations_and_roman_numerals(source, expected):
    assert say(source) == expected


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("info@beispiel.de", "Info at beispiel Punkt de."),
        ("www.abc.com", "W w w Punkt a b c Punkt com."),
        ("+49 30 1234", "Plus neunundvierzig drei null eins zwei drei vier."),
        ("(0411) 1234-1234", "Null vier eins eins eins zwei drei vier eins zwei drei vier."),
        ("2 + 2 = 4", "Zwei plus zwei gleich vier."),
        ("C++ und C#", "C plus plus und C Sharp."),
        ("ein 3D-Drucker", "Ein drei D-Drucker."),
    ],
)
def test_symbols_addresses_and_phones(source, expected):
    assert say(source) == expected


def test_prose_without_forms_is_unchanged():
    text = "Es war einmal ein König, der hatte drei Töchter."
    assert say(text) == text


def test_a_page_of_prose_is_fast():
    page = ("Am 3. Oktober 1990 kostete es 3,50 € und dauerte 2 h. " * 50) + "Ende."
    start = time.perf_counter()
    for _ in range(20):
        say(page)
    assert time.perf_counter() - start < 2.0


@pytest.mark.parametrize(
    ("written", "spoken"),
    [
        ("Version 3.10", "Version drei Punkt zehn."),
        ("v2.0.1", "Version zwei Punkt null Punkt eins."),
        ("Tel. 030 1234567", "Telefon null drei null, eins zwei drei vier fünf sechs sieben."),
        ("Die Nummer 007", "Die Nummer null null sieben."),
    ],
)
def test_versions_phone_words_and_leading_zeros(written, spoken):
    assert speakable(written, "de") == spoken
