"""Pronunciation lexicon: file format, errors with line numbers, case rules, counts in JSON."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tts_cli.errors import InputError
from tts_cli.text import PlanOptions, plan_document
from tts_cli.text.document import Document, Section
from tts_cli.text.lexicon import Lexicon, load_lexicon, parse_lexicon
from tts_cli.text.normalize import speakable

LEXICON = """# names in the book
Hermione\ther-my-oh-nee

nginx\tengine x
Worcester\twooster\ten
  # an indented comment
Paris\tpa-ree\tfr
"""


REPO = Path(__file__).resolve().parents[1]


def ttsgen(*args: str) -> subprocess.CompletedProcess:
    """The command line in a fresh process (its logging set-up stays out of this one)."""
    env = dict(os.environ, TQDM_DISABLE="1", HF_HUB_OFFLINE="1", COLUMNS="200")
    return subprocess.run(
        [sys.executable, "-m", "tts_cli", *args],
        capture_output=True,
        text=True,
        cwd=REPO,
        env=env,
        timeout=300,
    )


def test_format_comments_blank_lines_and_language_column():
    lex = parse_lexicon(LEXICON)
    assert [(e.word, e.spoken, e.lang, e.line) for e in lex.entries] == [
        ("Hermione", "her-my-oh-nee", None, 2),
        ("nginx", "engine x", None, 4),
        ("Worcester", "wooster", "en", 5),
        ("Paris", "pa-ree", "fr", 7),
    ]
    assert isinstance(lex, Lexicon)


def test_language_column_limits_an_entry():
    lex = parse_lexicon(LEXICON)
    assert lex.apply("Paris and Worcester", "en")[0] == "Paris and wooster"
    assert lex.apply("Paris and Worcester", "fr")[0] == "pa-ree and Worcester"


def test_capitals_make_an_entry_case_sensitive_lower_case_entries_match_any_case():
    lex = parse_lexicon("Hermione\ther-my-oh-nee\nnginx\tengine x\n")
    text, counts = lex.apply("Hermione, hermione, HERMIONE; nginx, Nginx, NGINX.", "en")
    assert text == "her-my-oh-nee, hermione, HERMIONE; engine x, engine x, engine x."
    assert counts == {"Hermione": 1, "nginx": 3}


def test_whole_words_only_and_longest_entry_first():
    lex = parse_lexicon("Al\tal\nAl Capone\tscarface\n")
    text, counts = lex.apply("Al Capone met Alan and Al.", "en")
    assert text == "scarface met Alan and al."
    assert counts == {"Al Capone": 1, "Al": 1}


@pytest.mark.parametrize(
    ("content", "line"),
    [
        ("ok\tfine\njust-a-word\n", 2),
        ("# c\n\nword\t\n", 3),
        ("a\tb\tc\td\n", 1),
        ("a\tb\tEnglish\n", 1),
        ("\tspoken\n", 1),
    ],
)
def test_malformed_line_is_an_input_error_naming_path_and_line(tmp_path, content, line):
    path = tmp_path / "names.tsv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(InputError) as err:
        load_lexicon(path)
    message = str(err.value)
    assert str(path) in message and f"line {line}:" in message
    assert "\n" not in message


def test_missing_lexicon_file(tmp_path):
    with pytest.raises(InputError, match="lexicon file not found"):
        load_lexicon(tmp_path / "nope.tsv")


def test_speakable_applies_the_lexicon_after_the_verbalizer_and_counts():
    lex = parse_lexicon("Hermione\ther-my-oh-nee\n")
    counts: dict[str, int] = {}
    said = speakable("Hermione had 3 cats.", "en", lexicon=lex, counts=counts)
    assert said == "Her-my-oh-nee had three cats."
    assert counts == {"Hermione": 1}
    assert speakable("Hermione had 3 cats.", "en") == "Hermione had three cats."


def test_plan_counts_entries_and_keeps_the_source():
    lex = parse_lexicon("Hermione\ther-my-oh-nee\n")
    doc = Document(
        "t", None, (Section(None, ("Hermione ran.", "Then Hermione and Hermione sat.")),), "t"
    )
    plan = plan_document(doc, PlanOptions(lang="en", lexicon=lex))
    assert plan.lexicon_counts == {"Hermione": 3}
    assert all("Hermione" in c.source_text for c in plan.chunks)
    assert all("Hermione" not in c.text for c in plan.chunks)
    d = plan.to_dict()
    assert d["lexicon"] == {"Hermione": 3}
    assert "lexicon" not in plan_document(doc, PlanOptions(lang="en")).to_dict()


def test_cli_dry_run_json_has_lexicon_counts_and_source_beside_text(tmp_path):
    book = tmp_path / "book.txt"
    book.write_text("Hermione read the nginx logs.\n\nHermione slept.\n", encoding="utf-8")
    lex = tmp_path / "lex.tsv"
    lex.write_text("Hermione\ther-my-oh-nee\nnginx\tengine x\n", encoding="utf-8")
    result = ttsgen(str(book), "--lexicon", str(lex), "--lang", "en", "--dry-run", "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["lexicon"] == {"Hermione": 2, "nginx": 1}
    first = data["chunks"][0]
    assert first["source"].startswith("Hermione read the nginx logs.")
    assert first["text"].startswith("Her-my-oh-nee read the engine x logs.")


def test_cli_malformed_lexicon_is_one_line_error_with_line_number(tmp_path):
    book = tmp_path / "book.txt"
    book.write_text("Words to read.\n", encoding="utf-8")
    lex = tmp_path / "lex.tsv"
    lex.write_text("# names\nHermione\n", encoding="utf-8")
    result = ttsgen(str(book), "--lexicon", str(lex), "--dry-run")
    assert result.returncode == 2
    err = result.stderr.strip()
    assert err.startswith("ttsgen: error:") and "line 2" in err and str(lex) in err
    assert len(err.splitlines()) == 1 and "Traceback" not in result.stderr
