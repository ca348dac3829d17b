"""French, Spanish, Italian and Portuguese: passages full of written forms leave nothing unread."""

from __future__ import annotations

import re

import pytest

from tts_cli.text.normalize import speakable

# Digits, and symbols that the clean-up after the verbalizer would drop unspoken.
_UNREAD = re.compile(r"[\d#*|~^<>{}\[\]\\=+@%€$£°]")

PASSAGES = {
    "fr": "Le 14 juillet 1789, vers 17 h, 954 Parisiens prirent la Bastille. Il coûte 12,99 € "
    "(TVA 20 %). Tél. : 06 12 34 56 78. Voir www.exemple.fr ou écrire à jean@mail.fr. La 3e "
    "édition, le 1er tome, Henri IV, le XVIe siècle, 1/3 du total, 2,5 km, -5 °C, 3 × 4 = 12, "
    "x > 5, C++ et C#, 1960-1970, le 2024-03-01, 45 000 $, £5, 100 km/h, n° 7, 15:45, 30 m².",
    "es": "El 2 de mayo de 1808, a las 16:30 h, unos 1.500 madrileños se alzaron. Cuesta 12,99 € "
    "(IVA 21 %). Tel.: +34 912 345 678. Ver www.ejemplo.es o escribir a ana@correo.es. La 3.ª "
    "edición, el 1.er tomo, Carlos V, el siglo XVI, 1/3 del total, 2,5 km, -5 °C, 3 × 4 = 12, "
    "x > 5, C++ y C#, 1960-1970, el 2024-03-01, 45.000 $, £5, 100 km/h, n.º 7, 15:45, 30 m².",
    "pt": "Em 22 de abril de 1500, às 10h, 13 caravelas chegaram. Custa R$ 12,99 (imposto de "
    "18%). Tel.: +55 (21) 98765-4321. Veja www.exemplo.com.br ou escreva para ana@correio.com.br. "
    "A 3ª edição, o 1º volume, D. João VI, o século XVI, 1/3 do total, 2,5 km, -5 °C, "
    "3 × 4 = 12, x > 5, C++ e C#, 1960-1970, em 2024-03-01, US$ 45.000, € 5, nº 7, 15:45.",
    "it": "Il 2 giugno 1946, alle 18:30, 12.718.641 italiani votarono. Costa 12,99 € (IVA 22%). "
    "Tel.: +39 06 1234 5678. Vedi www.esempio.it o scrivi a mario@posta.it. La 3ª edizione, il "
    "1º volume, Enrico VIII, il XVI secolo, 1/3 del totale, 2,5 km, -5 °C, 3 × 4 = 12, x > 5, "
    "C++ e C#, 1960-1970, il 2024-03-01, 45.000 $, £5, 100 km/h, n° 7, 15:45, 30 m².",
}


@pytest.mark.parametrize("lang", sorted(PASSAGES))
def test_nothing_left_unread(lang):
    spoken = speakable(PASSAGES[lang], lang)
    assert not _UNREAD.findall(spoken), spoken


@pytest.mark.parametrize(
    ("lang", "written", "spoken"),
    [
        ("fr", "si x > 5", "Si x supérieur à cinq."),
        ("es", "si x ≤ y", "Si x menor o igual que y."),
        ("it", "Uso C++ e C#.", "Uso C più più e C sharp."),
        ("es", "Llame al +34 912 345 678.", "Llame al más treinta y cuatro nueve uno dos tres "
         "cuatro cinco seis siete ocho."),
        ("it", "il 2024-03-01", "Il primo marzo duemila ventiquattro."),
        # words that look like roman numerals with an ordinal ending stay words
        ("fr", "Le roi, Ce jour-là, De Gaulle.", "Le roi, Ce jour-là, De Gaulle."),
        ("es", "Fui 1 vez.", "Fui una vez."),
        ("pt", "Foi 1 noite.", "Foi uma noite."),
        # version numbers are not times or dates; a decimal point reads like the comma
        ("es", "la versión 3.10", "La versión tres punto diez."),
        ("fr", "la version 2.0.1", "La version deux point zéro point un."),
        ("fr", "Il pèse 3.5 kg.", "Il pèse trois virgule cinq kilogrammes."),
        ("es", "Son 3.500 pesos.", "Son tres mil quinientos pesos."),
        ("it", "art. 5, vol. 2", "Articolo cinque, volume due."),
    ],
)  # fmt: skip
def test_shared_forms(lang, written, spoken):
    assert speakable(written, lang) == spoken


@pytest.mark.parametrize("lang", sorted(PASSAGES))
def test_prose_without_written_forms_is_unchanged(lang):
    prose = {
        "fr": "Il était une fois une reine qui vivait seule.",
        "es": "Había una vez una reina que vivía sola.",
        "pt": "Era uma vez uma rainha que vivia sozinha.",
        "it": "C'era una volta una regina che viveva sola.",
    }[lang]
    assert speakable(prose, lang) == prose
