"""Reading books: plain text, Markdown and EPUB (or stdin) into chapters of paragraphs.

A ``Document`` keeps the structure later stages need (chapters and paragraph
breaks, where pauses and chapter markers go) and nothing a voice should not
read: Markdown markup, EPUB navigation and footnotes, Gutenberg's hard line
wrapping. Paragraph text is otherwise kept as written; making it speakable
happens per chunk (``normalize.py``), so chunks can show both forms.
"""

from __future__ import annotations

import codecs
import logging
import re
import sys
from pathlib import Path

from tts_cli.errors import InputError
from tts_cli.text.document import Document, Section
from tts_cli.text.markup import epub_sections, html_paragraphs, markdown_sections
from tts_cli.text.normalize.common import ORNAMENT_LINE

logger = logging.getLogger(__name__)

_BINARY_SNIFF_BYTES = 8192
_WESTERN = ("cp1252", "latin_1", "iso8859_15")


def read_document(source: str | Path) -> Document:
    """Read a .txt, .md, .epub (or .html) file, or stdin for ``"-"``, into a ``Document``.

    Raises ``InputError`` for a missing file, a directory, a binary file, an
    EPUB that is not a zip or has no text, and empty or whitespace-only text.
    """
    if str(source) == "-":
        data = sys.stdin.buffer.read()
        text = decode_text(data, "stdin")
        return _from_plain_text(text, source="-", default_title=None)
    path = Path(source)
    if not path.exists():
        raise InputError(f"input file not found: {path}", "check the path and spelling")
    if path.is_dir():
        raise InputError(f"input is a directory: {path}", "give a .txt, .md or .epub file")
    suffix = path.suffix.lower()
    if suffix == ".epub":
        title, author, sections = epub_sections(path)
        return _document(title or path.stem, author, sections, str(path))
    data = path.read_bytes()
    text = decode_text(data, str(path))
    if suffix in (".md", ".markdown"):
        title, sections = markdown_sections(text)
        return _document(title or path.stem, None, sections, str(path))
    if suffix in (".html", ".htm", ".xhtml"):
        heading, paragraphs = html_paragraphs(text)
        section = Section(heading, tuple(paragraphs))
        return _document(heading or path.stem, None, [section], str(path))
    return _from_plain_text(text, source=str(path), default_title=path.stem)


def decode_text(data: bytes, name: str) -> str:
    """Decode UTF-8 (with or without BOM) or UTF-16 with BOM; else guess a legacy encoding.

    A guessed encoding is logged as a warning. Binary data (NUL bytes without
    a UTF-16 BOM, or nothing charset-normalizer can make sense of) raises
    ``InputError``.
    """
    if data.startswith(codecs.BOM_UTF8):
        return _decode(data[len(codecs.BOM_UTF8) :], "utf-8", name)
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return _decode(data, "utf-16", name)
    if b"\x00" in data[:_BINARY_SNIFF_BYTES] or data.startswith(b"PK\x03\x04"):
        raise _binary(name)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    results = from_bytes(data)
    best = results.best()
    if best is None:
        raise _binary(name)
    # Windows-1252 and its relatives decode a Western text to nearly the same
    # letters, and charset-normalizer's coherence score cannot always tell
    # them apart on a page of French; when 1252 is as clean as the winner,
    # take it: it is what most legacy e-texts (and Gutenberg's Latin-1) use.
    for match in results:
        if match.encoding in _WESTERN and match.percent_chaos <= best.percent_chaos + 1.0:
            best = match
            break
    text = str(best)
    if sum(1 for c in text[:4096] if not c.isprintable() and c not in "\n\r\t") > 8:
        raise _binary(name)
    logger.warning("%s is not UTF-8; read it as %s (a guess)", name, best.encoding)
    return text


def _decode(data: bytes, encoding: str, name: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as e:
        raise InputError(
            f"{name} starts with a {encoding} byte-order mark but is not valid {encoding}",
            "re-save the file as UTF-8",
        ) from e


def _binary(name: str) -> InputError:
    return InputError(
        f"input looks like a binary file, not text: {name}",
        "give a plain-text (.txt), Markdown (.md) or EPUB (.epub) file",
    )


def _document(title, author, sections, source: str) -> Document:
    sections = tuple(s for s in sections if s.paragraphs)
    if not sections:
        raise InputError(f"no text to read in {source}", "give a file that contains text")
    return Document(title=title, author=author, sections=sections, source=source)


# --- plain text -------------------------------------------------------------

_BLANK_LINE = re.compile(r"\n[ \t\f\v\u00a0]*\n")
_ROMAN = r"[IVXLC]{1,7}|[ivxlc]{1,7}"
_NUMBER_WORDS = (
    "one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|"
    "sixteen|seventeen|eighteen|nineteen|twenty|first|second|third|fourth|fifth|sixth|seventh|"
    "eighth|ninth|tenth|last|final|un|une|deux|trois|quatre|cinq|six|sept|huit|neuf|dix|"
    "eins|zwei|drei|vier|fünf|sechs|sieben|acht|neun|zehn|uno|dos|tres|cuatro|cinco|seis|"
    "siete|ocho|nueve|diez|primero|segundo|tercero|primo|secondo|terzo"
)
_ORDINAL_WORDS = (
    "première|premier|deuxième|seconde|second|troisième|quatrième|cinquième|sixième|septième|"
    "huitième|neuvième|dixième|dernière|erster|erstes|erste|zweiter|zweites|zweite|dritter|"
    "drittes|dritte|vierter|viertes|vierte|first|second|third|fourth|fifth|primera|segunda|"
    "tercera|prima|seconda|terza"
)
_HEADING_WORDS = (
    "chapter|chap|book|part|volume|vol|canto|act|scene|chapitre|partie|livre|tome|kapitel|teil|"
    "buch|abschnitt|capítulo|capitulo|parte|libro|capitolo|hoofdstuk|deel|rozdział|część|глава|"
    "часть|книга|bölüm|kısım|luku|osa|kapittel|del|kapitel|bok|kafli|κεφάλαιο|fasl|sura"
)
_STANDALONE = (
    "prologue|epilogue|preface|foreword|introduction|conclusion|afterword|prolog|epilog|"
    "vorwort|einleitung|nachwort|préface|avant-propos|prólogo|epílogo|prefacio|prefazione|"
    "introduzione|пролог|эпилог|предисловие"
)
_HEADING = re.compile(
    rf"^(?:(?:{_ORDINAL_WORDS})\s+(?:{_HEADING_WORDS})\b"
    rf"|(?:{_HEADING_WORDS})\.?\s+(?:\d{{1,3}}|{_ROMAN}|{_NUMBER_WORDS})\b"
    rf"|(?:{_STANDALONE})\s*$"
    r"|(?-i:(?=[IVXLC])C{0,3}(?:XC|XL|L?X{0,3})(?:IX|IV|V?I{0,3}))\.?\s*$"
    r"|第[0-9一二三四五六七八九十百千〇零]+[章回部卷節节篇]"
    r"|제\s?\d+\s?[장부]"
    r")",
    re.IGNORECASE,
)
_STRONG_HEADING = re.compile(
    rf"^(?:(?:{_ORDINAL_WORDS})\s+(?:{_HEADING_WORDS})\b"
    rf"|(?:{_HEADING_WORDS})\.?\s+(?:\d{{1,3}}|{_ROMAN}|{_NUMBER_WORDS})\b"
    r"|第[0-9一二三四五六七八九十百千〇零]+[章回部卷節节篇]|제\s?\d+\s?[장부])",
    re.IGNORECASE,
)
_GUTENBERG_FIELD = re.compile(r"^(Title|Author):\s*(.+)$", re.MULTILINE)


def is_heading(paragraph: str) -> bool:
    """True when a paragraph is a chapter heading: "CHAPTER I.", "Chapter 2: Title", "IV", "Première partie".

    Conservative: a line of at most 80 characters starting with a heading
    word and a number (or ordinal), a lone roman numeral, or a lone
    "Prologue"/"Epilogue"-style word; or up to three lines (200 characters)
    for "Capítulo primero. Que trata de..." when it does not end like a
    sentence. A line that reads like a sentence ("Part of the problem
    was...") does not match.
    """
    lines = [line for line in paragraph.splitlines() if line.strip()]
    if not lines or len(lines) > 3 or len(paragraph) > 200:
        return False
    first = lines[0].strip()
    if not _HEADING.match(first):
        return False
    if len(lines) == 1 and len(paragraph) <= 80:
        return True
    # Longer: only "Chapter N. Title" kinds, with a title that is not a sentence.
    if re.fullmatch(r"[IVXLC]+\.?", first) or not _STRONG_HEADING.match(first):
        return False
    last = paragraph.rstrip()
    return paragraph.upper() == paragraph or last[-1] not in ".!?" or len(paragraph) <= 80


def join_lines(paragraph: str) -> str:
    """Join hard-wrapped lines of one paragraph: "aide-\\nchirurgien" keeps its hyphen, others get a space."""
    lines = [line.strip() for line in paragraph.splitlines()]
    lines = [line for line in lines if line]
    if not lines:
        return ""
    out = lines[0]
    for line in lines[1:]:
        if out.endswith("-") and not out.endswith("--") and line[:1].isalpha():
            out += line
        else:
            out += " " + line
    return out


def split_paragraphs(text: str) -> list[str]:
    """Blank-line separated paragraphs of ``text``, each with its lines still in it.

    A scene-break line (``* * *``, ``***``, ``---``, ``~~~``) is a paragraph of its own even
    without blank lines around it, so it ends the paragraph before it (a paragraph pause)
    and is never joined to the words next to it.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    out = []
    for p in _BLANK_LINE.split(text):
        if not p.strip():
            continue
        if "\n" in p.strip("\n") and ORNAMENT_LINE.search(p):
            pos = 0
            for m in ORNAMENT_LINE.finditer(p):
                out.extend(x.strip("\n") for x in (p[pos : m.start()], m.group(0)) if x.strip())
                pos = m.end()
            if p[pos:].strip():
                out.append(p[pos:].strip("\n"))
            continue
        out.append(p.strip("\n"))
    return out


def sections_from_paragraphs(paragraphs: list[str]) -> list[Section]:
    """Group raw paragraphs into sections at headings, joining each paragraph's lines."""
    sections: list[Section] = []
    title: str | None = None
    current: list[str] = []
    for raw in paragraphs:
        if is_heading(raw):
            heading = join_lines(raw)
            if title is not None and current == [title]:
                # "PREMIÈRE PARTIE" then "I": one chapter, both headings read.
                title = f"{title}: {heading}"
                current.append(heading)
                continue
            if current or title is not None:
                sections.append(Section(title, tuple(current)))
            title = heading
            current = [heading]
            continue
        joined = join_lines(raw)
        if joined:
            current.append(joined)
    if current:
        sections.append(Section(title, tuple(current)))
    return sections


def _from_plain_text(text: str, source: str, default_title: str | None) -> Document:
    text = text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff")
    if not text.strip():
        name = "stdin" if source == "-" else source
        raise InputError(f"no text to read in {name}", "give a file that contains text")
    title, author = default_title, None
    head = text[:3000]
    for field, value in _GUTENBERG_FIELD.findall(head):
        if field == "Title":
            title = value.strip()
        else:
            author = value.strip()
    sections = sections_from_paragraphs(split_paragraphs(text))
    return _document(title, author, sections, source)
