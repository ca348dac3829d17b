"""Reading books: plain text, Markdown and EPUB (or stdin) into chapters of paragraphs.

A ``Document`` keeps the structure later stages need (chapters and paragraph
breaks, where pauses and chapter markers go) and nothing a voice should not
read: Markdown markup, EPUB navigation and footnotes, Gutenberg's hard line
wrapping. Paragraph text is otherwise kept as written; making it speakable
happens per chunk (``normalize.py``), so chunks can show both forms.
"""

from __future__ import annotations

import logging
import re
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path

from tts_cli.errors import InputError, OptionError
from tts_cli.text.document import Document, Section
from tts_cli.text.encoding import decode_text
from tts_cli.text.markup import epub_sections, html_paragraphs, markdown_sections
from tts_cli.text.normalize.common import ORNAMENT_LINE

logger = logging.getLogger(__name__)

# --- size limits ------------------------------------------------------------

#: Default of ``--max-book-mb``. The longest novels are 5-10 MB of text (Proust's "In Search
#: of Lost Time", 1.3 million words, is about 7.5 MB); EPUB markup adds 2-3x. 200 MB is ten
#: times that and some 3,700 hours of speech at 15 characters a second, while planning it
#: stays within memory; a zip bomb (1 MB unpacking to GBs) is stopped before it unpacks.
DEFAULT_MAX_BOOK_MB = 200.0
#: Pictures, fonts and sound barely compress; a member that unpacks to more than this many
#: times its packed size is not one, whatever its name says, and counts as text.
MEDIA_MAX_RATIO = 20
_MEDIA_SUFFIXES = (
    ".jpg", ".jpeg", ".png", ".gif", ".webp", ".bmp", ".tif", ".tiff", ".avif",
    ".otf", ".ttf", ".woff", ".woff2", ".mp3", ".m4a", ".mp4", ".aac", ".ogg", ".opus",
    ".wav", ".webm",
)  # fmt: skip


@dataclass(frozen=True)
class ReadOptions:
    """How a book is read."""

    lang: str | None = None
    """The book's language when the user gave one (``--lang``): it narrows the legacy
    encodings tried for a file that is not UTF-8. None: identified from the text."""
    max_book_mb: float = DEFAULT_MAX_BOOK_MB
    """Largest book accepted, in MB (10^6 bytes) of text and markup as unpacked: a text
    file's size, an EPUB's members as its zip directory lists them (``--max-book-mb``)."""

    def validate(self) -> None:
        if not self.max_book_mb > 0:
            raise OptionError(
                f"--max-book-mb must be above 0 (got {self.max_book_mb:g})",
                f"give a size in MB such as {DEFAULT_MAX_BOOK_MB:g}",
            )

    @property
    def max_book_bytes(self) -> int:
        return int(self.max_book_mb * 1_000_000)


def read_document(source: str | Path, options: ReadOptions | None = None) -> Document:
    """Read a .txt, .md, .epub (or .html) file, or stdin for ``"-"``, into a ``Document``.

    Raises ``InputError`` for a missing file, a directory, a binary file, a book larger
    than ``options.max_book_mb``, an EPUB that is not a zip or has no text, and empty or
    whitespace-only text.
    """
    options = options or ReadOptions()
    if str(source) == "-":
        # one byte more than the limit tells a book at the limit from one above it
        data = sys.stdin.buffer.read(options.max_book_bytes + 1)
        _check_size(len(data), "stdin", options)
        text = decode_text(data, "stdin", options.lang)
        return _from_plain_text(text, source="-", default_title=None)
    path = Path(source)
    if not path.exists():
        raise InputError(f"input file not found: {path}", "check the path and spelling")
    if path.is_dir():
        raise InputError(f"input is a directory: {path}", "give a .txt, .md or .epub file")
    suffix = path.suffix.lower()
    if suffix == ".epub":
        check_epub_size(path, options)
        title, author, sections = epub_sections(path)
        return _document(title or path.stem, author, sections, str(path))
    _check_size(path.stat().st_size, str(path), options)
    data = path.read_bytes()
    text = decode_text(data, str(path), options.lang)
    if suffix in (".md", ".markdown"):
        title, sections = markdown_sections(text)
        return _document(title or path.stem, None, sections, str(path))
    if suffix in (".html", ".htm", ".xhtml"):
        heading, paragraphs = html_paragraphs(text)
        section = Section(heading, tuple(paragraphs))
        return _document(heading or path.stem, None, [section], str(path))
    return _from_plain_text(text, source=str(path), default_title=path.stem)


def _too_big(what: str, size: int | None, options: ReadOptions) -> InputError:
    amount = f"{size / 1e6:.0f} MB" if size is not None else "more"
    need = f" {int(size / 1e6) + 1}" if size is not None else ""
    return InputError(
        f"{what} {amount}, above the {options.max_book_mb:g} MB limit for one book",
        f"if it really is one book, raise the limit with --max-book-mb{need}",
    )


def _check_size(size: int, name: str, options: ReadOptions) -> None:
    if size > options.max_book_bytes:
        if name == "stdin":
            raise _too_big("stdin gives", None, options)
        raise _too_big(f"{name} is", size, options)


def check_epub_size(path: Path, options: ReadOptions) -> None:
    """Refuse an EPUB whose text and markup unpack beyond the limit, from the zip directory
    alone: nothing is decompressed. The listed sizes are binding, as zipfile stops reading a
    member at its listed size (and fails its CRC check if the data goes on)."""
    try:
        with zipfile.ZipFile(path) as zf:
            members = zf.infolist()
    except (zipfile.BadZipFile, OSError):
        return  # not a zip: epub_sections says so in its own words
    total = 0
    for m in members:
        media = m.filename.lower().endswith(_MEDIA_SUFFIXES)
        if not media or m.file_size > MEDIA_MAX_RATIO * max(m.compress_size, 1) + 65536:
            total += m.file_size
    if total > options.max_book_bytes:
        raise _too_big(f"EPUB {path} unpacks to text and markup of", total, options)


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
