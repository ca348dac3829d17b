"""English speakable text, by class; readings written from English usage."""

from __future__ import annotations

import re

import pytest

from tts_cli.text import Document, PlanOptions, Section, plan_document
from tts_cli.text.normalize import speakable


def say(text: str) -> str:
    return speakable(text, "en")


@pytest.mark.parametrize(
    ("written", "spoken"),
    [
        ("There were 7 of them.", "There were seven of them."),
        ("It cost 105 lives.", "It cost one hundred and five lives."),
        ("A crowd of 2,350,000 people.", "A crowd of two million three hundred fifty thousand people."),
        ("It fell to -4 overnight.", "It fell to minus four overnight."),
        ("Code 007 again.", "Code zero zero seven again."),
    ],
)  # fmt: skip
def test_cardinals(written, spoken):
    assert say(written) == spoken


@pytest.mark.parametrize(
    ("written", "spoken"),
    [
        ("the 1st and the 22nd", "The first and the twenty-second."),
        ("his 101st birthday", "His one hundred first birthday."),
        ("the 12th man", "The twelfth man."),
        ("in the 19th century", "In the nineteenth century."),
    ],
)
def test_ordinals(written, spoken):
    assert say(written) == spoken


@pytest.mark.parametrize(
    ("written", "spoken"),
    [
        ("Version 3.10 is out.", "Version three point one zero is out."),
        ("It weighs 0.25 of that.", "It weighs zero point two five of that."),
        ("Python 3.11.4 now.", "Python three point eleven point four now."),
        ("about 1/2 of it", "About one half of it."),
        ("add 3/4 cup", "Add three quarters cup."),
        ("1/3 left", "One third left."),
        ("wait 2 1/2 hours", "Wait two and a half hours."),
    ],
)
def test_decimals_and_fractions(written, spoken):
    assert say(written) == spoken


@pytest.mark.parametrize(
    ("written", "spoken"),
    [
        ("It cost $20.50 then.", "It cost twenty dollars fifty cents then."),
        ("Only $1.", "Only one dollar."),
        ("A mere $0.05 each.", "A mere five cents each."),
        ("It sold for £3.01.", "It sold for three pounds one penny."),
        ("a €2.5 million grant", "A two point five million euros grant."),
        ("$350/yr is the fee", "Three hundred and fifty dollars per year is the fee."),
        ("from $5-$10", "From five dollars to ten dollars."),
    ],
)
def test_money(written, spoken):
    assert say(written) == spoken


@pytest.mark.parametrize(
    ("written", "spoken"),
    [
        ("He was born on July 4, 1776.", "He was born on July fourth, seventeen seventy-six."),
        ("On 3 March 2001 it rained.", "On the third of March two thousand one it rained."),
        ("By 2024-03-01 it was done.", "By March first twenty twenty-four it was done."),
        ("Due 12/25/2009.", "Due December twenty-fifth two thousand nine."),
        ("in the 1960s", "In the nineteen sixties."),
        ("In 1994 he left.", "In nineteen ninety-four he left."),
        ("Rome, 44 BC.", "Rome, forty-four BC."),
        ("You may 3 times try.", "You may three times try."),
    ],
)
def test_dates_and_years(written, spoken):
    assert say(written) == spoken


@pytest.mark.parametrize(
    ("written", "spoken"),
    [
        ("at 4:30 p.m.", "At four thirty PM."),
        ("at 9:05", "At nine oh five."),
        ("by 6:00 it was dark", "By six o'clock it was dark."),
        ("from 9am-5pm", "From nine AM to five PM."),
    ],
)
def test_times(written, spoken):
    assert say(written) == spoken


@pytest.mark.parametrize(
    ("written", "spoken"),
    [
        ("It was 25°C outside.", "It was twenty-five degrees Celsius outside."),
        ("a 12kg bag", "A twelve kilograms bag."),
        ("ran 1 km", "Ran one kilometer."),
        ("at 60 mph", "At sixty miles per hour."),
        ("a 2-5 lb fish", "A two to five pounds fish."),
        ("grew 20% in 1998-2003", "Grew twenty percent in nineteen ninety-eight to two thousand "
         "three."),
    ],
)  # fmt: skip
def test_measures_percent_and_ranges(written, spoken):
    assert say(written) == spoken


@pytest.mark.parametrize(
    ("written", "spoken"),
    [
        ("Call 555-123-4567.", "Call five five five, one two three, four five six seven."),
        ("Write to jo.bloggs@example.com today.",
         "Write to jo dot bloggs at example dot com today."),
        ("See https://www.example.org/a-b now.",
         "See HTTPS colon slash slash WWW dot example dot org slash a dash b now."),
        ("Use C++ or C#.", "Use C plus plus or C sharp."),
        ("if x > 5 and y = 2+2", "If x is greater than five and y equals two plus two."),
        ("Use C#, x > 5, y = 2", "Use C sharp, x is greater than five, y equals two."),
        ("then 1 - 2 = -1", "Then one minus two equals minus one."),
        ("R2 and B52s", "R two and B fifty-two s."),
    ],
)  # fmt: skip
def test_phones_electronic_math_and_codes(written, spoken):
    assert say(written) == spoken


@pytest.mark.parametrize(
    ("written", "spoken"),
    [
        ("Dr. Watson and Mrs. Hudson", "Doctor Watson and misses Hudson."),
        ("Mr Darcy bowed.", "Mister Darcy bowed."),
        ("St. Paul's", "Saint Paul's."),
        ("apples, pears, etc.", "Apples, pears, et cetera."),
        ("Henry VIII married six times.", "Henry the eighth married six times."),
        ("Louis XIV", "Louis the fourteenth."),
        ("after World War II", "After World War two."),
        ("CHAPTER XII", "CHAPTER twelve."),
        ("Sam and I", "Sam and I."),
        ("He lived at 221 Baker St.", "He lived at two twenty-one Baker Street."),
    ],
)
def test_titles_abbreviations_and_roman_numerals(written, spoken):
    assert say(written) == spoken


FORMS = (
    "On July 4, 1776 at 4:30 p.m. they paid $20.50, then £3.01 and €2.5 million. "
    "Dr. Smith weighed 72.5kg at 25°C; 3/4 of 1,250 is 937.5, and 2 1/2 is more. "
    "Call +1 (555) 123-4567 or write to a.b@example.com, see www.example.org/x-1. "
    "In the 1960s, x > 5 and y = 2+2, 10% of 2024-03-01, the 21st of May, C++ and C#, "
    "Henry VIII, World War II, room 12B, 9am-5pm, 1998-2003, No. 5, B52s, -4 degrees."
)
_UNVOICED = re.compile(r"[#*|~^<>{}\[\]\\=+@`$€£¥%&/°]")


def test_plan_of_a_text_full_of_written_forms_has_no_digit_or_unvoiced_symbol():
    doc = Document("t", None, (Section(None, (FORMS, FORMS.upper().lower())),), "t")
    plan = plan_document(doc, PlanOptions(lang="en"))
    assert plan.chunks
    for chunk in plan.chunks:
        assert not re.search(r"\d", chunk.text), chunk.text
        assert not _UNVOICED.search(chunk.text), chunk.text
    assert "".join(c.source_text for c in plan.chunks).startswith("On July 4, 1776")
