"""plan_document: chunks cover the input exactly, stay within limits, and carry budgets and pauses."""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tts_cli.errors import OptionError
from tts_cli.text import (
    MODEL_MAX_NEW_TOKENS,
    PROFILES,
    SUPPORTED_LANGUAGES,
    Document,
    PlanOptions,
    Section,
    plan_document,
    read_document,
    token_budget,
)
from tts_cli.text.chunker import cuttable
from tts_cli.text.normalize import speakable
from tts_cli.text.plan import max_chunk_chars, min_chunk_chars
from tts_cli.text.reader import sections_from_paragraphs, split_paragraphs

EVAL_TEXTS = Path(__file__).resolve().parents[2] / "shared" / "eval-data" / "texts"


def _doc(*sections: tuple[str | None, list[str]], title="Book") -> Document:
    return Document(title, None, tuple(Section(t, tuple(p)) for t, p in sections), "test")


def _words(text: str) -> list[str]:
    return text.split()


def check_plan(doc: Document, plan, options: PlanOptions) -> None:
    """Every invariant a plan must keep; used by all tests below."""
    # 1. coverage: per chapter, chunk sources tile the chapter text exactly, in order
    by_chapter: dict[int, list] = {}
    for i, chunk in enumerate(plan.chunks):
        assert chunk.index == i
        by_chapter.setdefault(chunk.chapter, []).append(chunk)
    spoken_sections = [s for s in doc.sections]
    chapter_texts = ["\n\n".join(s.paragraphs) for s in spoken_sections]
    joined = [
        ("".join(c.source_text for c in by_chapter.get(k, []))) for k in range(len(plan.chapters))
    ]
    # chapters with nothing speakable are dropped; the rest appear in order
    remaining = [t for t in chapter_texts if any(ch.isalnum() for ch in t)]
    assert joined == remaining
    # every input word is in exactly one chunk, in order: tiling is exact and no
    # chunk ends inside a word (only at spaces, glued sentence ends, CJK), unless the word
    # alone says more than a chunk may ("000000000" is nine words in English)
    for k, text in enumerate(remaining):
        pos = 0
        for chunk in by_chapter[k][:-1]:
            pos += len(chunk.source_text)
            if not cuttable(text, pos):
                start = max(text.rfind(" ", 0, pos), text.rfind("\n", 0, pos)) + 1
                end = min(
                    i for i in (text.find(" ", pos), text.find("\n", pos), len(text)) if i >= 0
                )
                word = text[start:end]
                mx = max_chunk_chars(chunk.language, options.chunk_chars)
                assert len(speakable(word, chunk.language)) > mx, (word, pos - start)
    # 2. chapters: first chunks increase, chunks never cross a chapter
    firsts = [c.first_chunk for c in plan.chapters]
    assert firsts == sorted(firsts) and (not firsts or firsts[0] == 0)
    for k, chapter in enumerate(plan.chapters):
        assert plan.chunks[chapter.first_chunk].chapter == k
    # 3. limits and budgets
    for chunk in plan.chunks:
        mx = max_chunk_chars(chunk.language, options.chunk_chars)
        assert chunk.chars == len(chunk.text) and chunk.text.strip() == chunk.text
        assert 0 < chunk.chars <= mx, (chunk.chars, mx, chunk.text)
        assert 1 <= chunk.max_new_tokens <= MODEL_MAX_NEW_TOKENS
        if options.max_new_tokens:
            assert chunk.max_new_tokens <= options.max_new_tokens
        assert chunk.language in SUPPORTED_LANGUAGES
    # 4. pauses
    pauses = [c.pause_after for c in plan.chunks]
    assert pauses[-1] == "end" and pauses.count("end") == 1
    for chapter in plan.chapters[1:]:
        assert plan.chunks[chapter.first_chunk - 1].pause_after == "chapter"


# --- properties ------------------------------------------------------------------

_word = st.text(
    alphabet=st.sampled_from(list("abcdefghijklmnopqrstuvwxyzABCDEFG0123456789éü")),
    min_size=1,
    max_size=14,
)
_punct = st.sampled_from(
    ["", "", "", ",", ".", "!", "?", ";", ":", "--", "...", "'", '"', " * * *"]
)
_sentence = st.lists(st.tuples(_word, _punct), min_size=1, max_size=40).map(
    lambda ws: " ".join(w + p for w, p in ws)
)
_paragraph = st.lists(_sentence, min_size=1, max_size=6).map(" ".join)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(st.lists(_paragraph, min_size=1, max_size=5), min_size=1, max_size=3),
    st.sampled_from(["en", "fr", "de", "ru", "ja"]),
    st.sampled_from([None, 40, 120, 400]),
    st.sampled_from([None, 50, 1000]),
)
def test_chunks_cover_the_input_and_stay_within_limits(chapters, lang, chunk_chars, max_tokens):
    doc = _doc(*((f"Chapter {i}", paras) for i, paras in enumerate(chapters)))
    options = PlanOptions(lang=lang, chunk_chars=chunk_chars, max_new_tokens=max_tokens)
    if not any(ch.isalnum() for p in doc.paragraphs for ch in p):
        return
    plan = plan_document(doc, options)
    check_plan(doc, plan, options)


@settings(max_examples=25, deadline=None)
@given(
    st.text(
        alphabet=st.sampled_from(list("一二三四五六七八九十人大中小。，、！？「」 ")),
        min_size=1,
        max_size=600,
    )
)
def test_cjk_text_without_spaces_is_bounded(text):
    if not any(ch.isalnum() for ch in text):
        return
    doc = _doc((None, [text.strip() or "。"]))
    options = PlanOptions(lang="zh")
    plan = plan_document(doc, options)
    check_plan(doc, plan, options)


# --- eval texts -----------------------------------------------------------------


@pytest.mark.skipif(not EVAL_TEXTS.is_dir(), reason="shared eval texts absent")
@pytest.mark.parametrize(
    "name", sorted(p.name for p in EVAL_TEXTS.glob("*.txt")) if EVAL_TEXTS.is_dir() else []
)
def test_eval_texts_plan_within_limits(name):
    doc = read_document(EVAL_TEXTS / name)
    lang = name[:2]
    options = PlanOptions(lang="auto")
    plan = plan_document(doc, options)
    check_plan(doc, plan, options)
    assert [w for c in plan.chunks for w in c.source_text.split()] == [
        w for p in doc.paragraphs for w in p.split()
    ]
    assert plan.language == lang
    # short chunks are rare and only where a neighbour could not take them
    assert sum(c.chars < PROFILES[c.language].min_chunk_chars for c in plan.chunks) <= 2
    # the text the model sees has no Gutenberg markup left
    for chunk in plan.chunks:
        assert "_" not in chunk.text and "--" not in chunk.text and "…" not in chunk.text


@pytest.mark.skipif(not EVAL_TEXTS.is_dir(), reason="shared eval texts absent")
def test_ulysses_paragraph_without_full_stops_is_cut_at_clauses_and_words():
    doc = read_document(EVAL_TEXTS / "en_awkward_ulysses_penelope_first_sentence.txt")
    plan = plan_document(doc, PlanOptions(lang="en"))
    check_plan(doc, plan, PlanOptions(lang="en"))
    assert len(plan.chunks) > 60
    assert all(c.chars <= 270 for c in plan.chunks)
    # most cuts land after a word, none inside one
    assert all(
        not c.source_text[-1:].isalnum() or c.source_text.endswith(c.source_text.split()[-1])
        for c in plan.chunks
    )


def test_ten_megabyte_line_without_punctuation_plans_quickly():
    words = ("lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod " * 20).split()
    line = " ".join(
        words[i % len(words)] for i in range(350_000)
    )  # ~2 MB here; 10 MB in the benchmark
    doc = _doc((None, [line]))
    start = time.perf_counter()
    plan = plan_document(doc, PlanOptions(lang="en"))
    elapsed = time.perf_counter() - start
    assert elapsed < 20
    assert max(c.chars for c in plan.chunks) <= 270
    assert "".join(c.source_text for c in plan.chunks) == line


def test_one_giant_word_is_cut_at_the_maximum():
    doc = _doc((None, ["x" * 1000 + " tail words here."]))
    plan = plan_document(doc, PlanOptions(lang="en", chunk_chars=100))
    assert all(c.chars <= 100 for c in plan.chunks)
    assert "".join(c.source_text for c in plan.chunks) == "x" * 1000 + " tail words here."


# --- rules ------------------------------------------------------------------------


def test_short_sentences_join_a_neighbour_and_chapters_are_not_crossed():
    doc = _doc(
        ("One", ["Yes.", "No. It was a long and winding road that led to the house."]),
        ("Two", ["Fine.", "Then the second chapter begins with a proper sentence."]),
    )
    plan = plan_document(doc, PlanOptions(lang="en"))
    texts = [c.text for c in plan.chunks]
    assert texts == [
        "Yes. No. It was a long and winding road that led to the house.",
        "Fine. Then the second chapter begins with a proper sentence.",
    ]
    assert [c.chapter for c in plan.chunks] == [0, 1]
    assert [c.pause_after for c in plan.chunks] == ["chapter", "end"]
    assert [(c.title, c.first_chunk) for c in plan.chapters] == [("One", 0), ("Two", 1)]


def test_pause_after_marks_paragraph_ends():
    para1 = "The first paragraph has one sentence that is long enough to stand alone."
    para2 = "The second one too, and it is also long enough to be its own chunk here."
    plan = plan_document(_doc(("Only", [para1, para2])), PlanOptions(lang="en"))
    assert [c.pause_after for c in plan.chunks] == ["paragraph", "end"]


def test_chunk_chars_overrides_the_profile_and_packs_whole_sentences():
    sentence = "This sentence has exactly fifty characters in it. "
    text = (sentence * 10).strip()
    plan = plan_document(_doc((None, [text])), PlanOptions(lang="en", chunk_chars=110))
    assert [c.chars for c in plan.chunks] == [99] * 5
    assert all(c.text.count(".") == 2 for c in plan.chunks)


def test_token_budget_tracks_length_and_respects_caps():
    assert token_budget(270, "en") == 700  # 18 s x 25 x 1.5 + 25
    assert token_budget(15, "en") == 63
    assert token_budget(80, "zh") == token_budget(270, "en") - 0 or token_budget(80, "zh") > 600
    assert token_budget(5000, "en") == MODEL_MAX_NEW_TOKENS
    assert token_budget(270, "en", cap=300) == 300


def test_chunk_chars_beyond_what_1000_tokens_can_say_is_clamped(caplog):
    assert max_chunk_chars("en", 2000) == 390
    assert max_chunk_chars("zh", 300) == 117
    assert min_chunk_chars("en", 30) == 10


def test_unsupported_language_lists_the_23():
    with pytest.raises(OptionError) as err:
        plan_document(_doc((None, ["Hello there, world."])), PlanOptions(lang="xx"))
    assert "xx" in err.value.problem
    for code in SUPPORTED_LANGUAGES:
        assert code in err.value.fix
    assert len(SUPPORTED_LANGUAGES) == 23


@pytest.mark.parametrize(
    "options",
    [PlanOptions(chunk_chars=5), PlanOptions(chunk_chars=True), PlanOptions(max_new_tokens=1001),
     PlanOptions(max_new_tokens=0), PlanOptions(chunk_chars="300")],
)  # fmt: skip
def test_bad_options_are_option_errors(options):
    with pytest.raises(OptionError):
        options.validate()


def test_auto_language_routes_each_paragraph():
    en = "The old man walked slowly down the road towards the village, thinking about the harvest."
    fr = "Le vieil homme marchait lentement sur la route vers le village, en pensant à la récolte."
    de = "Der alte Mann ging langsam die Straße hinunter zum Dorf und dachte an die Ernte des Jahres."
    plan = plan_document(_doc(("Mixed", [en, fr, de, en])), PlanOptions(lang="auto"))
    assert [c.language for c in plan.chunks] == ["en", "fr", "de", "en"]
    assert plan.language == "en"
    explicit = plan_document(_doc(("Mixed", [en, fr])), PlanOptions(lang="fr"))
    assert {c.language for c in explicit.chunks} == {"fr"}


def test_unspeakable_paragraph_joins_its_neighbour():
    doc = _doc(
        (
            "One",
            [
                "A first paragraph that is long enough to stand.",
                "* * *",
                "And the second paragraph after the break.",
            ],
        )
    )
    plan = plan_document(doc, PlanOptions(lang="en"))
    assert len(plan.chunks) == 2
    assert "* * *" in plan.chunks[0].source_text + plan.chunks[1].source_text
    assert all("*" not in c.text for c in plan.chunks)


def test_to_dict_is_the_dry_run_json_object():
    plan = plan_document(
        _doc(("Start", ["Start", "Some words to say here, enough of them."])),
        PlanOptions(lang="en"),
    )
    d = json.loads(json.dumps(plan.to_dict()))
    assert set(d) >= {"language", "chapters", "chunks", "estimated_audio_seconds"}
    assert d["chapters"] == [{"title": "Start", "first_chunk": 0}]
    assert set(d["chunks"][0]) == {
        "index", "source", "text", "language", "chars", "max_new_tokens", "chapter",
        "pause_after", "expected_seconds",
    }  # fmt: skip
    assert d["estimated_audio_seconds"] == round(sum(c["chars"] for c in d["chunks"]) / 15.0, 1)
    # one estimate for the plan, each chunk and the quality gate: chars / 15 per s in English
    assert [c["expected_seconds"] for c in d["chunks"]] == [
        round(c["chars"] / 15.0, 2) for c in d["chunks"]
    ]


def test_no_chapter_heading_uses_the_book_title():
    plan = plan_document(
        _doc((None, ["Just a little text with no heading at all."]), title="My Book")
    )
    assert plan.chapters[0].title == "My Book"


def test_text_is_normalised_but_source_is_kept():
    plan = plan_document(_doc((None, ["He paid $8 -- in 1812… “Really?”"])), PlanOptions(lang="en"))
    (chunk,) = plan.chunks
    assert chunk.source_text == "He paid $8 -- in 1812… “Really?”"
    assert chunk.text == 'He paid eight dollars, in eighteen twelve, "Really?"'


def test_plan_is_deterministic():
    doc = _doc(("A", ["Some text. More text here! And a question? " * 20]))
    assert plan_document(doc, PlanOptions(lang="en")) == plan_document(doc, PlanOptions(lang="en"))


def test_chunk_text_never_splits_a_word():
    text = " ".join(f"word{i}" for i in range(400))
    plan = plan_document(_doc((None, [text])), PlanOptions(lang="en", chunk_chars=60))
    for chunk in plan.chunks:
        assert re.fullmatch(r"(word\d+\s*)+", chunk.source_text)


def test_place_names_do_not_switch_language():
    # regression: "St. John's Wood, Serpentine Avenue" was identified as Polish
    story = (
        "I had seen little of Holmes lately. My marriage had drifted us away from each other, "
        "and my own complete happiness absorbed all my attention for many weeks."
    )
    doc = _doc((None, [story, "“Is Briony Lodge, Serpentine Avenue, St. John’s Wood.”", story]))
    plan = plan_document(doc, PlanOptions(lang="auto"))
    assert {c.language for c in plan.chunks} == {"en"}


def test_giant_prose_paragraph_is_segmented_in_windows():
    # regression: pySBD on a 0.5 MB paragraph took 7.8 s with 20k windows
    sentences = [
        f"Sentence number {i} tells of Mr. Holmes and “a quoted line. Yes.” in Baker Street!"
        for i in range(600)
    ]
    para = " ".join(sentences)
    assert len(para) > 40_000
    doc = _doc(("One", [para]))
    options = PlanOptions(lang="en")
    plan = plan_document(doc, options)
    check_plan(doc, plan, options)
    # windows never cut a sentence in two: every chunk starts a sentence
    assert all(c.source_text.lstrip().startswith("Sentence number") for c in plan.chunks)


def test_chapter_heading_stays_alone_with_its_pause():
    body = "The first sentence of the chapter is long enough to be a chunk of its own."
    plan = plan_document(_doc(("Chapter One", ["Chapter One", body])), PlanOptions(lang="en"))
    assert [c.text for c in plan.chunks] == ["Chapter One.", body]
    assert plan.chunks[0].pause_after == "paragraph"
    # a bare numeral is too short to say alone: it joins the heading before it
    plan = plan_document(
        _doc(
            (
                "PREMIÈRE PARTIE: I",
                ["PREMIÈRE PARTIE", "I", "Nous étions à l'Étude, quand le Proviseur entra."],
            )
        ),
        PlanOptions(lang="fr"),
    )
    assert plan.chunks[0].text == "PREMIÈRE PARTIE un."


@pytest.mark.parametrize("ornament", ["* * *", "***", "---", "~~~", "⁂"])
def test_scene_break_is_a_paragraph_pause_never_words(ornament):
    text = f"The door shut behind them all.\n{ornament}\nMorning came, grey and cold."
    doc = Document("t", None, tuple(sections_from_paragraphs(split_paragraphs(text))), "t")
    plan = plan_document(doc, PlanOptions(lang="en"))
    assert [c.text for c in plan.chunks] == [
        "The door shut behind them all.",
        "Morning came, grey and cold.",
    ]
    assert plan.chunks[0].pause_after == "paragraph"
    assert ornament in plan.chunks[0].source_text


def test_dialogue_dashes_stay_pauses():
    doc = _doc(("A", ["\u2014 Come here \u2014 she said. Here -- there."]))
    text = plan_document(doc, PlanOptions(lang="en")).chunks[0].text
    assert text == "Come here, she said. Here, there."
