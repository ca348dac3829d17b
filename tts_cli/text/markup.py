"""Markdown and EPUB into chapters of plain paragraphs: markup, navigation and notes are not read."""

from __future__ import annotations

import logging
import re
import zipfile
from pathlib import Path

from tts_cli.errors import InputError
from tts_cli.text.document import Section

logger = logging.getLogger(__name__)

# --- Markdown -----------------------------------------------------------------

_ATX = re.compile(r"^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$")
_SETEXT = re.compile(r"^\s{0,3}(=+|-+)\s*$")
_FENCE = re.compile(r"^\s{0,3}(```|~~~)")
_RULE = re.compile(r"^\s{0,3}([-*_])(\s*\1){2,}\s*$")
_LIST = re.compile(r"^\s*(?:[-*+]|\d{1,3}[.)])\s+")
_QUOTE = re.compile(r"^\s*(?:>\s?)+")
_TABLE_SEP = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?\s*$")
_IMAGE = re.compile(r"!\[[^\]]*\]\([^)]*\)")
_LINK = re.compile(r"\[([^\]]+)\]\([^)]*\)|\[([^\]]+)\]\[[^\]]*\]")
_FOOTNOTE_REF = re.compile(r"\[\^[^\]]+\]")
_FOOTNOTE_DEF = re.compile(r"^\s{0,3}\[\^[^\]]+\]:")
_LINK_DEF = re.compile(r"^\s{0,3}\[[^\]]+\]:\s*\S+")
_HTML_TAG = re.compile(r"</?[A-Za-z][^>]*>|<!--.*?-->", re.DOTALL)
_AUTOLINK = re.compile(r"<(https?://[^>]+)>")
_EMPHASIS = re.compile(r"(\*{1,3}|_{1,3})(?=\S)(.+?)(?<=\S)\1")
_CODE = re.compile(r"`+([^`]*)`+")
_STRIKE = re.compile(r"~~(.+?)~~")


def strip_inline_markdown(text: str) -> str:
    """Inline Markdown to the words it shows: links keep their text, images and notes go."""
    text = _IMAGE.sub("", text)
    text = _FOOTNOTE_REF.sub("", text)
    text = _LINK.sub(lambda m: m.group(1) or m.group(2), text)
    text = _AUTOLINK.sub(r"\1", text)
    text = _HTML_TAG.sub("", text)
    text = _CODE.sub(r"\1", text)
    text = _STRIKE.sub(r"\1", text)
    for _ in range(3):
        text = _EMPHASIS.sub(r"\2", text)
    text = re.sub(r"\\([\\`*_{}\[\]()#+\-.!|>])", r"\1", text)
    return " ".join(text.replace("|", " ").split())


def markdown_sections(text: str) -> tuple[str | None, list[Section]]:
    """Markdown to ``(title, sections)``: every heading starts a chapter and is its first paragraph.

    The title is the text of the first heading when it is the only level-1
    heading. Code blocks, tables' rule rows, horizontal rules, front matter,
    link and footnote definitions, HTML tags and images are not read.
    """
    from tts_cli.text.reader import join_lines

    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if lines and lines[0].strip() == "---":  # YAML front matter
        for i in range(1, len(lines)):
            if lines[i].strip() in ("---", "..."):
                lines = lines[i + 1 :]
                break
    sections: list[Section] = []
    title: str | None = None
    paragraphs: list[str] = []
    block: list[str] = []
    h1: list[str] = []
    in_fence = False
    in_note = False

    def flush_block() -> None:
        if block:
            para = strip_inline_markdown(join_lines("\n".join(block)))
            if any(c.isalnum() for c in para):
                paragraphs.append(para)
            block.clear()

    def start_section(heading: str) -> None:
        nonlocal title, paragraphs
        flush_block()
        if paragraphs or title is not None:
            sections.append(Section(title, tuple(paragraphs)))
        title = heading
        paragraphs = [heading] if any(c.isalnum() for c in heading) else []

    for i, line in enumerate(lines):
        if _FENCE.match(line):
            flush_block()
            in_fence = not in_fence
            continue
        if in_fence:
            continue
        if in_note:
            if line.strip() and line.startswith(("    ", "\t")):
                continue
            in_note = False
        if _FOOTNOTE_DEF.match(line):
            flush_block()
            in_note = True
            continue
        if _LINK_DEF.match(line):
            continue
        m = _ATX.match(line)
        if m:
            heading = strip_inline_markdown(m.group(2))
            if len(m.group(1)) == 1:
                h1.append(heading)
            start_section(heading)
            continue
        if (
            _SETEXT.match(line)
            and len(block) == 1
            and not _LIST.match(block[0])
            and (line.strip()[0] == "=" or i > 0)
        ):
            heading = strip_inline_markdown(block.pop())
            if line.strip()[0] == "=":
                h1.append(heading)
            start_section(heading)
            continue
        if _RULE.match(line) or _TABLE_SEP.match(line):
            flush_block()
            continue
        if not line.strip():
            flush_block()
            continue
        stripped = _QUOTE.sub("", line)
        if _LIST.match(stripped):
            flush_block()
            stripped = _LIST.sub("", stripped)
        block.append(stripped)
    flush_block()
    if paragraphs or title is not None:
        sections.append(Section(title, tuple(paragraphs)))
    doc_title = h1[0] if len(h1) == 1 else None
    return doc_title, sections


# --- EPUB ---------------------------------------------------------------------

_SKIP_TYPES = {
    "footnote", "footnotes", "endnote", "endnotes", "rearnote", "rearnotes", "note",
    "noteref", "toc", "landmarks", "page-list", "pagebreak", "index", "annotation",
}  # fmt: skip
_SKIP_ROLES = {"doc-footnote", "doc-endnotes", "doc-endnote", "doc-noteref", "doc-toc",
               "doc-pagebreak", "doc-index", "navigation"}  # fmt: skip
_BLOCKS = ("p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "blockquote", "pre", "dd", "dt",
           "figcaption", "td", "th", "div", "section", "article")  # fmt: skip
_HEADINGS = ("h1", "h2", "h3")


def _skipped(tag) -> bool:
    types = set((tag.get("epub:type") or "").split())
    role = tag.get("role") or ""
    classes = {c.lower() for c in (tag.get("class") or [])}
    if tag.name in ("nav", "script", "style", "head", "aside", "sup") and (
        tag.name != "sup" or tag.find("a") is not None
    ):
        return True
    return bool(
        types & _SKIP_TYPES
        or role in _SKIP_ROLES
        or classes & {"footnote", "footnotes", "endnote", "endnotes", "noteref", "pagenum"}
    )


def html_paragraphs(html: bytes | str) -> tuple[str | None, list[str]]:
    """XHTML to ``(first heading, paragraphs)``, leaving out navigation, footnotes and note marks."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(html, "html.parser")
    body = soup.body or soup
    for tag in body.find_all(True):
        if tag.parent is not None and _skipped(tag):
            tag.decompose()
    heading = None
    paragraphs: list[str] = []
    for tag in body.find_all(_BLOCKS):
        # Only leaf blocks: a <div> holding <p>s is read through its <p>s.
        if tag.find(_BLOCKS) is not None:
            continue
        text = " ".join(tag.get_text(" ").split())
        if not any(c.isalnum() for c in text):
            continue
        if heading is None and tag.name in _HEADINGS:
            heading = text
        paragraphs.append(text)
    # Text directly in <body> or a <div> with no block children at all
    if not paragraphs:
        text = " ".join(body.get_text(" ").split())
        if any(c.isalnum() for c in text):
            paragraphs.append(text)
    return heading, paragraphs


def _toc_titles(book) -> dict[str, str]:
    """File name (no fragment) -> TOC title, first entry wins."""
    titles: dict[str, str] = {}

    def walk(entries) -> None:
        for entry in entries:
            if isinstance(entry, (list, tuple)):
                walk(entry)
                continue
            href = getattr(entry, "href", None)
            title = getattr(entry, "title", None)
            if href and title:
                titles.setdefault(href.split("#")[0], title.strip())

    walk(book.toc or [])
    return titles


def epub_sections(path: Path) -> tuple[str | None, str | None, list[Section]]:
    """An EPUB to ``(title, author, sections)``: one chapter per spine document that has text."""
    if not zipfile.is_zipfile(path):
        raise InputError(
            f"not an EPUB (not a zip archive): {path}",
            "give a valid .epub file, or rename a text file to .txt",
        )
    try:
        import ebooklib
        from ebooklib import epub

        book = epub.read_epub(str(path), options={"ignore_ncx": False})
    except InputError:
        raise
    except Exception as e:  # ebooklib raises bare Exception/KeyError for broken books
        raise InputError(
            f"cannot read EPUB {path}: {e}", "check that the file is a complete, valid EPUB"
        ) from e

    def meta(name: str) -> str | None:
        values = book.get_metadata("DC", name)
        return values[0][0].strip() if values and values[0][0] else None

    toc = _toc_titles(book)
    sections: list[Section] = []
    for item_id, _linear in book.spine:
        item = book.get_item_with_id(item_id)
        if item is None or item.get_type() != ebooklib.ITEM_DOCUMENT:
            continue
        if isinstance(item, epub.EpubNav) or "nav" in (getattr(item, "properties", None) or []):
            continue
        heading, paragraphs = html_paragraphs(item.get_content())
        if not paragraphs:
            continue
        name = item.get_name()
        title = toc.get(name) or toc.get(Path(name).name) or heading
        if title and heading is None and paragraphs[0] != title:
            paragraphs.insert(0, title)
        sections.append(Section(title, tuple(paragraphs)))
    if not sections:
        raise InputError(f"EPUB has no readable text: {path}", "check the book opens in a reader")
    return meta("title"), meta("creator"), sections
