"""French written forms as a narrator reads them (readings written from French usage)."""

from __future__ import annotations

import pytest

from tts_cli.text.normalize import speakable


def say(text: str) -> str:
    return speakable(text, "fr")


@pytest.mark.parametrize(
    ("written", "spoken"),
    [
        ("Il avait 71 ans.", "Il avait soixante et onze ans."),
        ("Il y a 21 heures.", "Il y a vingt et une heures."),
        ("Elle gagna 1 200 000 francs.", "Elle gagna un million deux cent mille francs."),
        ("Il fait -12.", "Il fait moins douze."),
        ("Ils étaient 80.", "Ils étaient quatre-vingts."),
    ],
)
def test_cardinals(written, spoken):
    assert say(written) == spoken


@pytest.mark.parametrize(
    ("written", "spoken"),
    [
        ("le 1er jour", "Le premier jour."),
        ("la 1re fois", "La première fois."),
        ("la 1ère fois", "La première fois."),
        ("le 2e étage", "Le deuxième étage."),
        ("le 3ème jour", "Le troisième jour."),
        ("les 1ers arrivés", "Les premiers arrivés."),
        ("la 2nde guerre", "La seconde guerre."),
        ("le 21e siècle", "Le vingt et unième siècle."),
    ],
)
def test_ordinals(written, spoken):
    assert say(written) == spoken


@pytest.mark.parametrize(
    ("written", "spoken"),
    [
        ("Pi vaut 3,14.", "Pi vaut trois virgule quatorze."),
        ("Il pèse 0,5 kg.", "Il pèse zéro virgule cinq kilogrammes."),
        ("Soit 2,05 m.", "Soit deux virgule zéro cinq mètres."),
        ("Un total de 1,5 million.", "Un total de un virgule cinq million."),
        ("1/2", "Un demi."),
        ("3/4 des gens", "Trois quarts des gens."),
        ("2 1/2", "Deux et demi."),
        ("1/5", "Un cinquième."),
    ],
)
def test_decimals_and_fractions(written, spoken):
    assert say(written) == spoken


@pytest.mark.parametrize(
    ("written", "spoken"),
    [
        ("Ça coûte 3,50 €.", "Ça coûte trois euros cinquante."),
        ("Ça coûte 1 €.", "Ça coûte un euro."),
        ("Ça coûte 0,20 €.", "Ça coûte vingt centimes."),
        ("Il a payé 12 $.", "Il a payé douze dollars."),
        ("Un budget de 2 millions d'euros.", "Un budget de deux millions d'euros."),
        ("Une hausse de 18 %.", "Une hausse de dix-huit pour cent."),
        ("Il a couru 5 km.", "Il a couru cinq kilomètres."),
        ("Il fait 25 °C.", "Il fait vingt-cinq degrés Celsius."),
        ("à 130 km/h", "À cent trente kilomètres à l'heure."),
    ],
)
def test_money_and_measures(written, spoken):
    assert say(written) == spoken


@pytest.mark.parametrize(
    ("written", "spoken"),
    [
        ("le 14/07/1789", "Le quatorze juillet mille sept cent quatre-vingt-neuf."),
        ("le 1er mai 2024", "Le premier mai deux mille vingt-quatre."),
        ("les 17/18 juin", "Les dix-sept dix-huit juin."),
        ("dans les 80s", "Dans les années quatre-vingt."),
        ("à 20 h 30", "À vingt heures trente."),
        ("à 20h", "À vingt heures."),
        ("à 1 h 05", "À une heure cinq."),
        ("à 09:15", "À neuf heures quinze."),
        ("de 1914-1918", "De mille neuf cent quatorze à mille neuf cent dix-huit."),
    ],
)
def test_dates_times_ranges(written, spoken):
    assert say(written) == spoken


@pytest.mark.parametrize(
    ("written", "spoken"),
    [
        ("Louis XIV régna.", "Louis quatorze régna."),
        ("François Ier", "François premier."),
        ("Napoléon III", "Napoléon trois."),
        ("au XIXe siècle", "Au dix-neuvième siècle."),
        ("Chapitre XII", "Chapitre douze."),
    ],
)
def test_roman_numerals(written, spoken):
    assert say(written) == spoken


@pytest.mark.parametrize(
    ("written", "spoken"),
    [
        ("M. Dupont et Mme Martin", "Monsieur Dupont et madame Martin."),
        ("Mlle Curie", "Mademoiselle Curie."),
        ("le Dr Petit", "Le docteur Petit."),
        ("Me Durand plaide.", "Maître Durand plaide."),
        ("en 52 av. J.-C.", "En cinquante-deux avant Jésus-Christ."),
        ("des pommes, etc.", "Des pommes, et cetera."),
        ("la pièce n° 5", "La pièce numéro cinq."),
    ],
)
def test_abbreviations(written, spoken):
    assert say(written) == spoken


@pytest.mark.parametrize(
    ("written", "spoken"),
    [
        ("Écrivez à paul@exemple.fr", "Écrivez à p a u l arobase e x e m p l e point f r."),
        (
            "Appelez le 01 23 45 67 89",
            "Appelez le zéro un, vingt-trois, quarante-cinq, soixante-sept, quatre-vingt-neuf.",
        ),
        ("2 + 2 = 4", "Deux plus deux égale quatre."),
        ("5 × 3", "Cinq fois trois."),
    ],
)
def test_electronic_phones_math(written, spoken):
    assert say(written) == spoken
