"""A book as read from its file: chapters of paragraphs, before planning."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Section:
    """One chapter of a document."""

    title: str | None
    """Heading as written ("CHAPTER I. Down the Rabbit-Hole"), or None before the first one."""
    paragraphs: tuple[str, ...]
    """Paragraph texts in reading order, lines joined, never empty."""


@dataclass(frozen=True)
class Document:
    """A book as read from its file, before planning."""

    title: str | None
    """Title from EPUB metadata, a Markdown title or a Gutenberg header; else the file name."""
    author: str | None
    """Author from EPUB metadata or a Gutenberg header, if any."""
    sections: tuple[Section, ...]
    """Chapters in reading order; at least one, each with at least one paragraph."""
    source: str
    """Where it was read from: a path, or "-" for stdin."""

    @property
    def paragraphs(self) -> list[str]:
        """All paragraphs of all chapters, in order."""
        return [p for s in self.sections for p in s.paragraphs]
