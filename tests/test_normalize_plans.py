"""A plan of German or Russian text dense with written forms leaves nothing unvoiced."""

from __future__ import annotations

import re

import pytest

from tts_cli.text.document import Document, Section
from tts_cli.text.plan import PlanOptions, plan_document

_UNVOICED = re.compile(r"[#*|~^<>{}\[\]\\=+@`$€£¥%&/°₽]")

FORMS = {
    "de": (
        "Am 3. Oktober 1990 um 14:30 Uhr kostete es 3,50 € und 12 % mehr als 1989. "
        "Im 19. Jahrhundert wog er 72,5 kg bei 25 °C; z. B. 3/4 von 1.250 sind 937,5. "
        "Ludwig XIV. schrieb an info@beispiel.de, siehe www.beispiel.de/seite-1, "
        "Tel. 030 1234567, vom 1. bis 3. Mai, x > 5 und y = 2 + 2, Version 3.10."
    ),
    "ru": (
        "В 1990 году 2 книги стоили 150 руб., а 3 км/ч это немного. "
        "12 апреля 1961 г. в 9:07 он полетел; 25 % людей, 3,5 кг и 8-го марта. "
        "При Николае II писали на info@primer.ru, тел. +7 495 123-45-67."
    ),
}


@pytest.mark.parametrize("lang", sorted(FORMS))
def test_no_digit_or_unvoiced_symbol_reaches_the_model(lang):
    if lang == "ru":
        pytest.importorskip("pymorphy3")
    text = FORMS[lang]
    doc = Document("t", None, (Section(None, (text,)),), "t")
    plan = plan_document(doc, PlanOptions(lang=lang))
    assert plan.chunks
    for chunk in plan.chunks:
        assert not re.search(r"\d", chunk.text), chunk.text
        assert not _UNVOICED.search(chunk.text), chunk.text
    # the source is kept beside the spoken form, unchanged
    assert " ".join(c.source_text for c in plan.chunks).split() == text.split()
