"""Russian verbalizer: readings written from Russian grammar, grouped by class."""

from __future__ import annotations

import pytest

from tts_cli.text.normalize import speakable

pytest.importorskip("pymorphy3")


def say(text: str) -> str:
    return speakable(text, "ru")


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("0", "Ноль."),
        ("254", "Двести пятьдесят четыре."),
        ("2 300", "Две тысячи триста."),
        ("-50", "Минус пятьдесят."),
        ("у него 2 книги", "У него две книги."),
        ("21 ручка", "Двадцать одна ручка."),
        ("в 5 книгах", "В пяти книгах."),
    ],
)
def test_cardinals_agree_with_their_nouns(source, expected):
    assert say(source) == expected


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("8-го", "Восьмого."),
        ("2-я", "Вторая."),
        ("5-й", "Пятый."),
        ("на 3-й улице", "На третьей улице."),
        ("1960-х", "Тысяча девятьсот шестидесятых."),
        ("в 90-е годы", "В девяностые годы."),
        ("в 4-х томах", "В четырех томах."),
    ],
)
def test_ordinals(source, expected):
    assert say(source) == expected


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("в 1990 году", "В тысяча девятьсот девяностом году."),
        ("в 1995 г.", "В тысяча девятьсот девяносто пятом году."),
        ("12 апреля 1961 года", "Двенадцатого апреля тысяча девятьсот шестьдесят первого года."),
        ("по 5 мая", "По пятое мая."),
        ("06.03.2006", "Шестого марта две тысячи шестого."),
        ("в XIX веке", "В девятнадцатом веке."),
        ("Екатерина II", "Екатерина Вторая."),
        ("при Николае II", "При Николае Втором."),
    ],
)
def test_years_dates_and_roman_numerals(source, expected):
    assert say(source) == expected


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("1,2", "Одна целая две десятых."),
        ("3,02", "Три целых две сотых."),
        ("1,5 млн человек", "Одна целая пять десятых миллиона человек."),
        ("2 руб.", "Два рубля."),
        ("150 руб.", "Сто пятьдесят рублей."),
        ("6 руб. 35 коп.", "Шесть рублей тридцать пять копеек."),
        ("$5", "Пять долларов."),
        ("3,2 л", "Три целых две десятых литра."),
        ("3 км/ч", "Три километра в час."),
        ("15 %", "Пятнадцать процентов."),
        ("300 км²", "Триста квадратных километров."),
        ("до -5 °C", "До минус пяти градусов Цельсия."),
    ],
)
def test_decimals_money_and_measures(source, expected):
    assert say(source) == expected


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("13:05", "Тринадцать часов пять минут."),
        ("02:00", "Два часа."),
        ("21:01", "Двадцать один час одна минута."),
        (
            "8-913-983-56-01",
            "Восемь девятьсот тринадцать девятьсот восемьдесят три пятьдесят шесть ноль один.",
        ),
        ("a@abc.com", "Эй собака эй би си точка ком."),
        ("т. е. везде, и т. д.", "То есть везде, и так далее."),
    ],
)
def test_times_phones_addresses_and_abbreviations(source, expected):
    assert say(source) == expected


def test_prose_without_forms_is_unchanged():
    text = "Жил-был король, и было у него три дочери."
    assert say(text) == text
