"""split_sentences: the stable public function, the golden rules, and the combination rules."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tts_cli.text import SUPPORTED_LANGUAGES, split_sentences
from tts_cli.text.sentences import library_ends, plausible_boundary, sentence_ends, split_spans

EVAL = Path(__file__).resolve().parents[2] / "shared" / "eval-data"


def _squash(s: str) -> str:
    return re.sub(r"\s+", "", s)


@pytest.mark.parametrize("lang", SUPPORTED_LANGUAGES)
def test_every_language_splits_a_simple_text(lang):
    text = "Alpha beta gamma. Delta epsilon zeta! Eta theta iota?"
    got = split_sentences(text, lang)
    assert _squash("".join(got)) == _squash(text)
    assert got[0].startswith("Alpha") and got[-1].endswith("iota?")


def test_english_abbreviations_and_numbers_stay_inside_sentences():
    text = "Mr. Smith paid $3.50 at 5 p.m. today. He left at 6. Then Dr. Who came."
    assert split_sentences(text, "en") == [
        "Mr. Smith paid $3.50 at 5 p.m. today.",
        "He left at 6.",
        "Then Dr. Who came.",
    ]


def test_cjk_sentences_split_without_spaces():
    assert split_sentences("今天天气很好。我们去公园吧！你觉得呢？", "zh") == [
        "今天天气很好。",
        "我们去公园吧！",
        "你觉得呢？",
    ]
    assert split_sentences("これはペンです。あれは本です。", "ja") == [
        "これはペンです。",
        "あれは本です。",
    ]


def test_whitespace_only_gives_no_sentences():
    assert split_sentences("", "en") == []
    assert split_sentences(" \n\t ", "fr") == []


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.text(
            alphabet=st.sampled_from(list("abcXYZ .!?,;:'\"()-\n0123«»。…")),
            min_size=0,
            max_size=40,
        ),
        max_size=6,
    ),
    st.sampled_from(["en", "de", "fr", "es", "ru", "zh", "ja", "ar", "ko"]),
)
def test_joining_sentences_gives_back_the_text_up_to_whitespace(parts, lang):
    text = " ".join(parts)
    got = split_sentences(text, lang)
    assert _squash("".join(got)) == _squash(text)
    assert all(s == s.strip() and s for s in got)
    spans = split_spans(text, lang)
    assert "".join(text[a:b] for a, b in spans) == text


@pytest.mark.skipif(not (EVAL / "sbd" / "en.json").exists(), reason="shared eval data absent")
def test_english_golden_rules_exact_match_at_least_94_percent():
    cases = json.loads((EVAL / "sbd" / "en.json").read_text(encoding="utf-8"))
    cases = [c for c in cases if c.get("sentences_verbatim_in_text")]
    ok = [
        c["id"]
        for c in cases
        if split_sentences(c["text"], "en") == [s.strip() for s in c["sentences"] if s.strip()]
    ]
    assert len(cases) == 192
    assert len(ok) / len(cases) >= 0.94, sorted(set(c["id"] for c in cases) - set(ok))


@pytest.mark.skipif(not (EVAL / "sbd" / "en.json").exists(), reason="shared eval data absent")
@pytest.mark.parametrize(
    "rule_id",
    ["en-0001", "en-0004", "en-0009", "en-0013", "en-0019", "en-0035", "en-0054", "en-0160"],
)
def test_named_golden_rules(rule_id):
    case = next(
        c
        for c in json.loads((EVAL / "sbd" / "en.json").read_text(encoding="utf-8"))
        if c["id"] == rule_id
    )
    assert split_sentences(case["text"], "en") == [s.strip() for s in case["sentences"]]


# --- regression tests, one per bug found while measuring -----------------------


def test_blingfire_offsets_assertion_on_empty_text_is_avoided():
    # blingfire.text_to_sentences_and_offsets("") raises AssertionError (0.1.8).
    assert library_ends("", "es", "blingfire") == []
    assert split_sentences("", "es") == []


def test_sentence_glued_to_the_next_is_split():
    assert split_sentences("Very poor service.There are better places.", "en") == [
        "Very poor service.",
        "There are better places.",
    ]


def test_urls_and_file_names_are_not_unglued():
    text = "See www.example.Com, bob@mail.Org and report.pdf files."
    assert split_sentences(text, "en") == [text]


def test_ellipsis_before_lowercase_continues_the_sentence():
    assert split_sentences("These guys know their stuff.. they have everything.", "en") == [
        "These guys know their stuff.. they have everything."
    ]


def test_exclamation_runs_end_sentences():
    assert split_sentences("Excellent medical care!!!!!! Highly recommend.", "en") == [
        "Excellent medical care!!!!!!",
        "Highly recommend.",
    ]


def test_typographic_quotation_of_two_sentences_is_kept_whole():
    text = "He wrote: “It is late. We go home.” Then he slept."
    assert split_sentences(text, "en") == ["He wrote: “It is late. We go home.”", "Then he slept."]


def test_list_numbers_are_not_sentence_ends():
    assert split_sentences("1. The first item 2. The second item", "en") == [
        "1. The first item",
        "2. The second item",
    ]


def test_supplement_boundary_needs_a_capital_after():
    text = "Oh dear! thump! down she came."
    assert not plausible_boundary(text, text.index("!") + 1)
    assert plausible_boundary("It ends. Then", 8)


def test_shortcut_gives_the_same_ends_on_plain_prose():
    text = "The rabbit ran. Alice followed it! Was it late? Nobody knew."
    assert sentence_ends(text, "en") == sentence_ends(text, "en", shortcut=False)


def test_closing_guillemet_stays_with_its_sentence():
    # regression: "holen!«" was cut between "!" and "«" (Kafka, German quotes »…«)
    got = split_sentences("Er rief: »Ich werde es holen!« Dann ging er hinaus.", "de")
    assert got == ["Er rief: »Ich werde es holen!«", "Dann ging er hinaus."]


def test_title_abbreviation_is_not_a_sentence_end():
    # regression: sentencex split "Dr.| Who"; pySBD's list of titles now vetoes it
    assert split_sentences("Then Dr. Who came home.", "en") == ["Then Dr. Who came home."]
