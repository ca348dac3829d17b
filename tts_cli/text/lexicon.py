"""Pronunciation lexicon: the user's own spoken forms for names, invented words and acronyms.

File format (UTF-8), one entry a line::

    # comment
    Hermione<TAB>her-my-oh-nee
    nginx<TAB>engine x
    Worcester<TAB>wooster<TAB>en

``word<TAB>spoken form[<TAB>language]``. The word matches whole words only. An entry with
a capital letter matches that exact spelling; an all-lower-case entry matches any case.
Without a language column an entry applies to every language. Blank lines and lines
starting with ``#`` are skipped. Entries apply to the speakable text, after the language's
verbalizer (``C++`` has become ``C plus plus`` by then), longest word first.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from tts_cli.errors import InputError

__all__ = ["Entry", "Lexicon", "load_lexicon", "parse_lexicon"]


@dataclass(frozen=True)
class Entry:
    """One lexicon line."""

    word: str
    """The written word, as in the file."""
    spoken: str
    """What to say instead."""
    lang: str | None = None
    """Language code it is limited to; None = every language."""
    line: int = 0
    """Line number in the file (1-based), for messages."""

    @property
    def case_sensitive(self) -> bool:
        """An entry with a capital letter matches only that spelling."""
        return self.word != self.word.lower()


@dataclass(frozen=True)
class Lexicon:
    """The entries of one lexicon file; ``apply`` replaces them in speakable text."""

    entries: tuple[Entry, ...] = ()
    source: str = ""
    """Where it was read from (for messages)."""
    _compiled: dict = field(default_factory=dict, compare=False, repr=False, hash=False)

    def __bool__(self) -> bool:
        return bool(self.entries)

    def _for(self, lang: str):
        """(pattern, exact words, lower-case words) for ``lang``, compiled once."""
        if lang not in self._compiled:
            exact: dict[str, Entry] = {}
            folded: dict[str, Entry] = {}
            for e in self.entries:
                if e.lang is not None and e.lang != lang:
                    continue
                if e.case_sensitive:
                    exact.setdefault(e.word, e)
                else:
                    folded.setdefault(e.word, e)
            words = sorted(
                [(w, False) for w in exact] + [(w, True) for w in folded],
                key=lambda x: -len(x[0]),
            )
            if not words:
                self._compiled[lang] = None
            else:
                alts = "|".join(f"(?i:{re.escape(w)})" if i else re.escape(w) for w, i in words)
                pattern = re.compile(rf"(?<!\w)(?:{alts})(?!\w)")
                self._compiled[lang] = (pattern, exact, folded)
        return self._compiled[lang]

    def may_apply(self, text: str, lang: str) -> bool:
        """True when some entry occurs in ``text`` (cheap check for planners)."""
        compiled = self._for(lang)
        return compiled is not None and compiled[0].search(text) is not None

    def apply(self, text: str, lang: str) -> tuple[str, dict[str, int]]:
        """``text`` with entries of ``lang`` replaced, and how often each entry was used."""
        compiled = self._for(lang)
        counts: dict[str, int] = {}
        if compiled is None:
            return text, counts
        pattern, exact, folded = compiled

        def replace(m: re.Match[str]) -> str:
            found = m.group(0)
            entry = exact.get(found) or folded.get(found.lower())
            if entry is None:  # pragma: no cover - the pattern only matches entries
                return found
            counts[entry.word] = counts.get(entry.word, 0) + 1
            return entry.spoken

        return pattern.sub(replace, text), counts


def parse_lexicon(text: str, source: str = "<lexicon>") -> Lexicon:
    """Parse lexicon file contents; ``InputError`` naming ``source`` and the line of a bad entry."""
    entries = []
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.rstrip("\r\n")
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        fields = line.split("\t")
        problem = None
        if len(fields) not in (2, 3):
            problem = (
                "needs word<TAB>spoken form[<TAB>language]"
                if len(fields) < 2
                else f"has {len(fields)} tab-separated fields, at most 3 are allowed"
            )
        else:
            word, spoken = fields[0].strip(), fields[1].strip()
            lang = fields[2].strip() if len(fields) == 3 else ""
            if not word or not spoken:
                problem = "has an empty word or spoken form"
            elif len(fields) == 3 and not re.fullmatch(r"[a-z]{2,3}", lang):
                problem = f"has language {lang!r}; use a code such as en, de, fr"
        if problem:
            raise InputError(
                f"{source}, line {number}: lexicon entry {problem}: {line[:60]!r}",
                "write one entry a line as word<TAB>spoken form, optionally <TAB>language",
            )
        entries.append(Entry(word, spoken, lang or None, number))
    return Lexicon(tuple(entries), source)


def load_lexicon(path: str | Path) -> Lexicon:
    """Read a lexicon file (format in the module docstring); ``InputError`` when it cannot be."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise InputError(f"lexicon file not found: {path}", "check the path and spelling") from None
    except OSError as err:
        raise InputError(f"cannot read lexicon {path}: {err.strerror}", "check the path") from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise InputError(f"lexicon {path} is not UTF-8", "re-save it as UTF-8") from err
    return parse_lexicon(text, str(path))
