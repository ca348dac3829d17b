"""read_document: txt/md/epub/stdin, encodings, structure, and input errors."""

from __future__ import annotations

import io
import logging
import sys
from pathlib import Path

import pytest

from tts_cli.errors import InputError
from tts_cli.text import read_document
from tts_cli.text.reader import is_heading, join_lines, split_paragraphs

EVAL_TEXTS = Path(__file__).resolve().parents[2] / "shared" / "eval-data" / "texts"

GUTENBERG = """\
CHAPTER I.
Down the Rabbit-Hole


Alice was beginning to get very tired of sitting by her sister on the
bank, and of having nothing to do: once or twice she had peeped into
the book her sister was reading.

So she was considering in her own mind (as well as she could, for the
hot day made her feel very sleepy and stupid), whether the aide-
chirurgien would come.

CHAPTER II.
The Pool of Tears

'Curiouser and curiouser!' cried Alice.
"""


def test_plain_text_joins_hard_wrapped_lines_and_finds_chapters(tmp_path):
    path = tmp_path / "alice.txt"
    path.write_text(GUTENBERG, encoding="utf-8")
    doc = read_document(path)
    assert doc.title == "alice"
    assert [s.title for s in doc.sections] == [
        "CHAPTER I. Down the Rabbit-Hole",
        "CHAPTER II. The Pool of Tears",
    ]
    first = doc.sections[0].paragraphs
    assert first[0] == "CHAPTER I. Down the Rabbit-Hole"
    assert first[1].startswith(
        "Alice was beginning to get very tired of sitting by her sister on the bank,"
    )
    assert "\n" not in first[1]
    assert "the aide-chirurgien would come." in first[2]
    assert doc.sections[1].paragraphs == (
        "CHAPTER II. The Pool of Tears",
        "'Curiouser and curiouser!' cried Alice.",
    )


@pytest.mark.parametrize(
    "line",
    ["CHAPTER I.", "Chapter 2", "Chapter 12: The End", "Première partie", "IV", "II.",
     "PROLOGUE", "Kapitel 3", "Capítulo primero", "第一章 开始", "Глава 5", "BOOK ONE"],
)  # fmt: skip
def test_headings_detected(line):
    assert is_heading(line)


@pytest.mark.parametrize(
    "line",
    ["Part of the problem was the rain.", "I went home.", "I", "Chapter and verse were quoted at length by the vicar.",
     "Civil.", "The chapter 3 of the law says so, and more.", "Mix"],
)  # fmt: skip
def test_sentences_are_not_headings(line):
    if line == "I":
        # A lone roman numeral paragraph is a part marker (Kafka's "I").
        assert is_heading(line)
    else:
        assert not is_heading(line)


def test_join_lines_keeps_dashes():
    assert join_lines("one--\ntwo") == "one-- two"
    assert join_lines("well-\nknown  \n  fact") == "well-known fact"


def test_utf8_bom_and_utf16_bom(tmp_path):
    text = "Café «crème». Ça va?\n\nOui."
    p8 = tmp_path / "bom8.txt"
    p8.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    p16 = tmp_path / "bom16.txt"
    p16.write_bytes(text.encode("utf-16"))  # with BOM
    for path in (p8, p16):
        doc = read_document(path)
        assert doc.paragraphs == ["Café «crème». Ça va?", "Oui."]


def test_latin1_file_is_guessed_with_a_warning(tmp_path, caplog):
    path = tmp_path / "legacy.txt"
    text = (
        "Nous étions à l'Étude, quand le Proviseur entra, suivi d'un nouveau habillé en "
        "bourgeois et d'un garçon de classe qui portait un grand pupitre. Ceux qui dormaient "
        "se réveillèrent, et chacun se leva comme surpris dans son travail. Le Proviseur nous "
        "fit signe de nous rasseoir; puis, se tournant vers le maître d'études: « Monsieur "
        "Roger, lui dit-il à demi-voix, voici un élève que je vous recommande, il entre en "
        "cinquième. Si son travail et sa conduite sont méritoires, il passera dans les grands, "
        "où l'appelle son âge. » Resté dans l'angle, derrière la porte, si bien qu'on "
        "l'apercevait à peine, le nouveau était un gars de la campagne, d'une quinzaine "
        "d'années environ, et plus haut de taille qu'aucun de nous tous.\n"
    )
    path.write_bytes(text.encode("latin-1"))
    with caplog.at_level(logging.WARNING, logger="tts_cli.text.reader"):
        doc = read_document(path)
    assert doc.paragraphs[0].startswith("Nous étions à l'Étude, quand le Proviseur entra")
    assert "« Monsieur Roger" in doc.paragraphs[0]
    assert any("not UTF-8" in r.getMessage() for r in caplog.records)


def test_binary_file_is_an_input_error(tmp_path):
    path = tmp_path / "image.txt"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4)
    with pytest.raises(InputError, match="binary") as err:
        read_document(path)
    assert err.value.fix


@pytest.mark.parametrize("content", ["", "   \n\n\t  \n"])
def test_empty_or_whitespace_text_is_an_input_error(tmp_path, content):
    path = tmp_path / "empty.txt"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(InputError, match="no text"):
        read_document(path)


def test_missing_file_and_directory_are_input_errors(tmp_path):
    with pytest.raises(InputError, match="not found") as err:
        read_document(tmp_path / "nope.txt")
    assert "path" in err.value.fix
    with pytest.raises(InputError, match="directory"):
        read_document(tmp_path)


def test_stdin(monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"Hello there.\n\nBye.")))
    doc = read_document("-")
    assert doc.source == "-"
    assert doc.paragraphs == ["Hello there.", "Bye."]


MARKDOWN = """\
---
title: front matter is not read
---
# My Book

Intro with **bold**, _italic_, `code` and a [link](http://example.com).
![cover](cover.png)

## Chapter One

- first item
- second item

```python
print("never read aloud")
```

> A quoted line[^1].

[^1]: A footnote that is not read.

Second Part
-----------

| a | b |
|---|---|
| cell one | cell two |

***
Last words <span>here</span>.
"""


def test_markdown_headings_become_chapters_and_markup_is_not_read(tmp_path):
    path = tmp_path / "book.md"
    path.write_text(MARKDOWN, encoding="utf-8")
    doc = read_document(path)
    assert doc.title == "My Book"
    assert [s.title for s in doc.sections] == ["My Book", "Chapter One", "Second Part"]
    assert doc.sections[0].paragraphs == (
        "My Book",
        "Intro with bold, italic, code and a link.",
    )
    assert doc.sections[1].paragraphs == (
        "Chapter One",
        "first item",
        "second item",
        "A quoted line.",
    )
    assert doc.sections[2].paragraphs == (
        "Second Part",
        "a b",
        "cell one cell two",
        "Last words here.",
    )
    everything = " ".join(doc.paragraphs)
    for hidden in ("never read aloud", "footnote", "front matter", "http", "cover", "**", "#", "|"):
        assert hidden not in everything


def _make_epub(path: Path, chapters: list[tuple[str, str]], with_nav=True) -> None:
    from ebooklib import epub

    book = epub.EpubBook()
    book.set_identifier("id123")
    book.set_title("The Test Book")
    book.set_language("en")
    book.add_author("Ada Writer")
    items = []
    for i, (title, body) in enumerate(chapters):
        item = epub.EpubHtml(title=title, file_name=f"chap_{i}.xhtml", lang="en")
        item.content = body
        book.add_item(item)
        items.append(item)
    book.toc = [
        epub.Link(it.file_name, t, f"c{i}")
        for i, (it, (t, _)) in enumerate(zip(items, chapters, strict=False))
    ]
    book.add_item(epub.EpubNcx())
    if with_nav:
        book.add_item(epub.EpubNav())
        book.spine = ["nav", *items]
    else:
        book.spine = items
    epub.write_epub(str(path), book)


def test_epub_chapters_metadata_and_no_clutter(tmp_path):
    path = tmp_path / "book.epub"
    _make_epub(
        path,
        [
            (
                "The Beginning",
                "<html><body><h1>The Beginning</h1><p>It was a dark night."
                '<sup><a href="#n1" epub:type="noteref">1</a></sup></p>'
                "<p>The end of the start.</p>"
                '<aside epub:type="footnote" id="n1"><p>A footnote never read.</p></aside>'
                "</body></html>",
            ),
            ("Second", "<html><body><div><p>No heading here, just text.</p></div></body></html>"),
            ("Empty", "<html><body><p>   </p></body></html>"),
        ],
    )
    doc = read_document(path)
    assert doc.title == "The Test Book"
    assert doc.author == "Ada Writer"
    assert [s.title for s in doc.sections] == ["The Beginning", "Second"]
    assert doc.sections[0].paragraphs == (
        "The Beginning",
        "It was a dark night.",
        "The end of the start.",
    )
    assert doc.sections[1].paragraphs == ("Second", "No heading here, just text.")
    assert "footnote" not in " ".join(doc.paragraphs)


def test_epub_not_a_zip_is_an_input_error(tmp_path):
    path = tmp_path / "fake.epub"
    path.write_text("just text pretending", encoding="utf-8")
    with pytest.raises(InputError, match="not a zip"):
        read_document(path)


def test_epub_without_text_is_an_input_error(tmp_path):
    path = tmp_path / "blank.epub"
    _make_epub(path, [("Blank", "<html><body><p> </p><img src='x.png'/></body></html>")])
    with pytest.raises(InputError, match="no readable text"):
        read_document(path)


@pytest.mark.skipif(not EVAL_TEXTS.is_dir(), reason="shared eval texts absent")
def test_eval_texts_read_without_losing_words():
    for path in sorted(EVAL_TEXTS.glob("*.txt")):
        raw = path.read_text(encoding="utf-8")
        doc = read_document(path)
        got = "".join("".join(doc.paragraphs).split())
        # Only line-end hyphens differ: "aide-\nchirurgien" is joined without a space.
        assert got == "".join(raw.split()), path.name


def test_consecutive_headings_fold_into_one_chapter(tmp_path):
    # regression: "PREMIÈRE PARTIE" and "I" became two chapters, the first empty
    path = tmp_path / "bovary.txt"
    path.write_text(
        "PREMIÈRE PARTIE\n\nI\n\nNous étions à l'Étude.\n\nII\n\nSuite.\n", encoding="utf-8"
    )
    doc = read_document(path)
    assert [s.title for s in doc.sections] == ["PREMIÈRE PARTIE: I", "II"]
    assert doc.sections[0].paragraphs == ("PREMIÈRE PARTIE", "I", "Nous étions à l'Étude.")


def test_two_line_spanish_chapter_heading(tmp_path):
    # regression: Don Quijote's headings run over two lines and were missed
    path = tmp_path / "quijote.txt"
    path.write_text(
        "Capítulo primero. Que trata de la condición y ejercicio del famoso hidalgo\n"
        "don Quijote de la Mancha\n\nEn un lugar de la Mancha.\n",
        encoding="utf-8",
    )
    (section,) = read_document(path).sections
    assert section.title.startswith("Capítulo primero. Que trata") and section.title.endswith(
        "Mancha"
    )


def test_html_file_reads_like_an_epub_chapter(tmp_path):
    path = tmp_path / "page.html"
    path.write_text(
        "<html><head><title>x</title><style>p{}</style></head><body><nav>Home | About</nav>"
        "<h1>A Page</h1><p>First words.</p><p>Second <b>bold</b> words.</p></body></html>",
        encoding="utf-8",
    )
    doc = read_document(path)
    assert doc.title == "A Page"
    assert doc.paragraphs == ["A Page", "First words.", "Second bold words."]


@pytest.mark.parametrize("ornament", ["* * *", "***", "---", "~~~", "  *  *  *  "])
def test_scene_break_line_is_its_own_paragraph(ornament):
    text = f"The door shut.\n{ornament}\nMorning came."
    assert split_paragraphs(text) == ["The door shut.", ornament, "Morning came."]
