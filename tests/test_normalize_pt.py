"""Portuguese written forms as a narrator reads them (readings written from Brazilian usage)."""

from __future__ import annotations

import pytest

from tts_cli.text.normalize import speakable


def say(text: str) -> str:
    return speakable(text, "pt")


@pytest.mark.parametrize(
    ("written", "spoken"),
    [
        ("São 1.250 livros.", "São mil duzentos e cinquenta livros."),
        ("Havia 2 pessoas.", "Havia duas pessoas."),
        ("Eram 2.000 dias.", "Eram dois mil dias."),
        ("Pagou 1.000.000.", "Pagou um milhão."),
        ("Nasceram 1.001.000.", "Nasceram um milhão e mil."),
        ("Fez -4 graus.", "Fez menos quatro graus."),
    ],
)
def test_cardinals(written, spoken):
    assert say(written) == spoken


@pytest.mark.parametrize(
    ("written", "spoken"),
    [
        ("o 1º lugar", "O primeiro lugar."),
        ("a 2ª guerra", "A segunda guerra."),
        ("o 21º andar", "O vigésimo primeiro andar."),
        ("a 11ª vez", "A décima primeira vez."),
    ],
)
def test_ordinals(written, spoken):
    assert say(written) == spoken


@pytest.mark.parametrize(
    ("written", "spoken"),
    [
        ("Pi é 3,14.", "Pi é três vírgula um quatro."),
        ("Mede 0,05 m.", "Mede zero vírgula zero cinco metros."),
        ("São 1,5 milhões.", "São um vírgula cinco milhões."),
        ("Comeu 3/4 do bolo.", "Comeu três quartos do bolo."),
        ("Tinha 2 1/2.", "Tinha dois e um meio."),
        ("1/12", "Um doze avos."),
    ],
)
def test_decimals_and_fractions(written, spoken):
    assert say(written) == spoken


@pytest.mark.parametrize(
    ("written", "spoken"),
    [
        ("Custa R$ 12,50.", "Custa doze reais e cinquenta centavos."),
        ("Custa R$ 1,00.", "Custa um real."),
        ("Custa R$ 0,99.", "Custa noventa e nove centavos."),
        ("Ganhou € 2 milhões.", "Ganhou dois milhões de euros."),
        ("Subiu 15%.", "Subiu quinze por cento."),
        ("Andou 3 km.", "Andou três quilômetros."),
        ("Fazia 30 °C.", "Fazia trinta graus Celsius."),
    ],
)
def test_money_and_measures(written, spoken):
    assert say(written) == spoken


@pytest.mark.parametrize(
    ("written", "spoken"),
    [
        ("em 07/09/1822", "Em sete de setembro de mil oitocentos e vinte e dois."),
        ("em 1º de janeiro de 2001", "Em primeiro de janeiro de dois mil e um."),
        ("às 14h30", "Às catorze horas e trinta."),
        ("às 21:00", "Às vinte e uma horas."),
        ("às 3:15 da tarde", "Às três horas e quinze da tarde."),
        ("no século XVI", "No século dezesseis."),
        ("entre 1914-1918", "Entre mil novecentos e catorze a mil novecentos e dezoito."),
    ],
)
def test_dates_times(written, spoken):
    assert say(written) == spoken


@pytest.mark.parametrize(
    ("written", "spoken"),
    [
        ("D. Pedro II", "Dom Pedro segundo."),
        ("João VI", "João sexto."),
        ("Bento XVI", "Bento dezesseis."),
        ("a Sra. Silva e o Dr. Souza", "A senhora Silva e o doutor Souza."),
        ("Capítulo IX", "Capítulo nove."),
    ],
)
def test_romans_and_abbreviations(written, spoken):
    assert say(written) == spoken


@pytest.mark.parametrize(
    ("written", "spoken"),
    [
        (
            "Escreva para joao@site.com.br",
            "Escreva para j o a o arroba s i t e ponto com ponto b r.",
        ),
        ("Ligue (11) 3333-4444", "Ligue um um três três três três quatro quatro quatro quatro."),
        ("2 + 2 = 4", "Dois mais dois igual a quatro."),
    ],
)
def test_electronic_phones_math(written, spoken):
    assert say(written) == spoken
