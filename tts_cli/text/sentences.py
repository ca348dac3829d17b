"""Sentence segmentation: well-kept libraries, combined per language by measurement.

Three segmenters are wrapped behind one shape, ``(text, lang) -> end offsets``:
pySBD (a port of the rule-based Pragmatic Segmenter), sentencex (Wikimedia,
Rust) and blingfire (Microsoft, finite-state, language-agnostic). Libraries may
change whitespace in what they return (blingfire joins with newlines, pySBD
strips), so every backend's output is mapped back onto the input by walking
non-whitespace characters: offsets always index the original text.

Per language, ``SEGMENTERS`` names a *primary* library, whose boundaries are
all kept, and a *supplement*, whose extra boundaries are kept only where
``plausible_boundary`` agrees. The two libraries fail differently: pySBD
keeps a quotation with several sentences in it as one sentence and ignores
``!!!``; sentencex and blingfire miss fewer such ends but split after list
numbers and initials. The table and its figures come from
``python -m tts_cli.benchmarks.sbd``.

Before segmenting, a sentence end glued to the next sentence ("service.There")
gets a space in a working copy, so that every library sees it (see
``_unglue``); the offsets still index the original text.
"""

from __future__ import annotations

import functools
import logging
import re
from collections.abc import Callable, Sequence

logger = logging.getLogger(__name__)

#: Per language: ``(primary, supplement)``, chosen by boundary F1 measured on
#: Universal Dependencies treebanks (en de es fr it ja pt ru zh) and exact match
#: on the pySBD / Pragmatic Segmenter golden rules. Languages without UD data
#: use sentencex, which has per-language abbreviation lists and fallbacks for
#: all 23, supplemented by blingfire.
SEGMENTERS: dict[str, tuple[str, str | None]] = {
    "en": ("pysbd", "sentencex"),
    "de": ("pysbd", "sentencex"),
    "es": ("pysbd", "blingfire"),
    "fr": ("pysbd", "sentencex"),
    "it": ("pysbd", "sentencex"),
    "ja": ("pysbd", "sentencex"),
    "pt": ("blingfire", "sentencex"),
    "ru": ("blingfire", "sentencex"),
    "zh": ("blingfire", "sentencex"),
}
DEFAULT_SEGMENTERS: tuple[str, str | None] = ("sentencex", "blingfire")

_TERMINALS = ".!?…‼⁇⁈⁉\u037e"  # U+037E: the Greek question mark
_TERMINALS_NO_SPACE = "。！？｡"  # CJK full stops end a sentence with no space after
_CLOSERS = "\"'”’»)]」』）›〉》"
_OPENERS = "\"'“‘«¿¡「『‹〈《—–-"
_ENUMERATOR = re.compile(r"\d{1,3}|[ivxlcIVXLC]{1,4}|\w")
_GLUED = re.compile(r"(?<=[^\W_][^\W_])([.!?])(?=[^\W\d_][^\W\d_]+(?=[\s,;:!?]|\.(?!\w)|$))")
_WS = re.compile(r"\s+")
_CANDIDATE = re.compile(
    "[" + re.escape(_TERMINALS + _TERMINALS_NO_SPACE) + "]+[" + re.escape(_CLOSERS) + "]*"
)


def _align(text: str, pieces: Sequence[str]) -> list[int]:
    """End offsets in ``text`` of ``pieces``, matching non-whitespace characters in order.

    A piece whose characters cannot be found where expected (a library that
    rewrote text) ends the alignment there: the rest of the text is one piece.
    """
    ends: list[int] = []
    pos = 0
    n = len(text)
    for piece in pieces:
        core = _WS.sub("", piece)
        if not core:
            continue
        i = pos
        for ch in core:
            while i < n and text[i].isspace():
                i += 1
            if i >= n or text[i] != ch:
                logger.debug("segmenter output does not match the input at %d", i)
                return ends
            i += 1
        ends.append(i)
        pos = i
    return ends


def _unglue(text: str) -> str:
    """Put a space after a sentence end glued to a capitalised word: "well.Then" -> "well. Then".

    Only between two words of at least two letters (the first may end in
    digits: "bought 1,000.That"), the first in lower case, and not inside a URL, e-mail address or file name (the next word
    must not be followed by another dot and a letter). Lengths never shrink,
    so offsets found in the copy are mapped back by ``_align``.
    """

    def repl(m: re.Match[str]) -> str:
        start = m.start()
        word_start = max(text.rfind(" ", 0, start), text.rfind("\n", 0, start)) + 1
        word = text[word_start:start]
        nxt = text[m.end() : m.end() + 1]
        last = word[-1:]
        if not nxt.isupper() or not (last.islower() or last.isdigit()) or any(c in word for c in "/@:._"):
            return m.group(1)
        return m.group(1) + " "

    return _GLUED.sub(repl, text) if any(c in text for c in ".!?") else text


def _pysbd_language(lang: str) -> str:
    import pysbd.languages

    return lang if lang in pysbd.languages.LANGUAGE_CODES else "en"


@functools.lru_cache(maxsize=32)
def _pysbd_segmenter(lang: str):
    import pysbd

    return pysbd.Segmenter(language=_pysbd_language(lang), clean=False)


def _pieces_pysbd(text: str, lang: str) -> list[str]:
    # Segmenter.segment() re-finds every sentence with a fresh regex to give
    # char spans; the processor's output is the same sentences, found 1.4x faster.
    return _pysbd_segmenter(lang).processor(text).process() or []


def _pieces_sentencex(text: str, lang: str) -> list[str]:
    import sentencex

    return list(sentencex.segment(lang, text))


def _pieces_blingfire(text: str, lang: str) -> list[str]:
    import blingfire

    # text_to_sentences_and_offsets asserts on some inputs (blingfire 0.1.8);
    # the newline-joined form is reliable and aligns back like the others.
    return blingfire.text_to_sentences(text).split("\n")


_PIECES: dict[str, Callable[[str, str], list[str]]] = {
    "pysbd": _pieces_pysbd,
    "sentencex": _pieces_sentencex,
    "blingfire": _pieces_blingfire,
}
BACKENDS = tuple(_PIECES)


def library_ends(text: str, lang: str, backend: str) -> list[int]:
    """End offsets of one library's sentences in ``text``, as the library gives them."""
    return _align(text, _PIECES[backend](text, lang))


def _tight(text: str, ends: Sequence[int]) -> set[int]:
    """Move each end back over whitespace, drop the text's start and end."""
    limit = len(text.rstrip())
    out = set()
    for end in ends:
        while end > 0 and text[end - 1].isspace():
            end -= 1
        if 0 < end < limit:
            out.add(end)
    return out


def plausible_boundary(text: str, end: int) -> bool:
    """True when a sentence may end at ``end``: the test a supplement boundary must pass.

    Sentence-final punctuation (after any closing quotes or brackets) is
    required; after ``. ! ?`` and the like, whitespace and then a word that
    starts in upper case, with a digit, or in a caseless script (opening
    quotes and dashes skipped); the word before must not look like a list
    number, a roman numeral or an initial ("1.", "iv.", "Q."). A CJK full
    stop needs nothing more.
    """
    i = end
    while i > 0 and text[i - 1] in _CLOSERS:
        i -= 1
    if i == 0:
        return False
    if text[i - 1] in _TERMINALS_NO_SPACE:
        return True
    if text[i - 1] not in _TERMINALS:
        return False
    j = i
    while j > 0 and text[j - 1] in _TERMINALS:
        j -= 1
    if j == 0 or not (text[j - 1].isalnum() or text[j - 1] in _CLOSERS):
        return False
    if end >= len(text) or not text[end].isspace():
        return False
    k = end
    n = len(text)
    while k < n and text[k].isspace():
        k += 1
    while k < n and text[k] in _OPENERS:
        k += 1
    if k >= n:
        return False
    first = text[k]
    if not (first.isupper() or first.isdigit() or (first.isalpha() and not first.islower())):
        return False
    before = text[:j].rsplit(None, 1)
    word = "".join(c for c in (before[-1] if before else "") if c.isalnum())
    return not _ENUMERATOR.fullmatch(word)


def _candidates(text: str) -> set[int] | None:
    """Every place a library could end a sentence: terminal punctuation (and closers) then space.

    ``None`` when some terminal punctuation is glued to what follows ("3.5",
    "e.g.", "end.[1]"): there rule-based libraries make their own decisions.
    """
    out = []
    n = len(text)
    for m in _CANDIDATE.finditer(text):
        end = m.end()
        if end >= n:
            continue
        if text[end].isspace() or any(c in _TERMINALS_NO_SPACE for c in m.group()):
            out.append(end)
        else:
            return None
    return _tight(text, out)


def sentence_ends(text: str, lang: str, *, shortcut: bool = True) -> list[int]:
    """Offsets in ``text`` where sentences end, in order (the end of the text not included).

    ``shortcut=False`` always runs the primary library (for measuring that the
    shortcut below changes nothing).
    """
    if not text.strip():
        return []
    primary, supplement = SEGMENTERS.get(lang, DEFAULT_SEGMENTERS)
    work = _unglue(text)
    # Offsets are found in ``work`` and mapped back through non-space characters.
    extra: set[int] = set()
    if supplement is not None:
        extra = {e for e in _tight(work, library_ends(work, lang, supplement))}
        plausible = {e for e in extra if plausible_boundary(work, e)}
        # A slow primary (pySBD, ~0.25 MB/s) cannot add anything when the fast
        # supplement already ends a plausible sentence at every candidate and
        # nowhere else: skip it there. This only saves time.
        if (
            shortcut
            and primary == "pysbd"
            and "\n" not in work
            and plausible == extra
            and extra == _candidates(work)
        ):
            ends = sorted(extra)
            return _map_back(work, text, _merge_unspoken(work, ends) if MERGE else ends)
        extra = plausible
    base = _tight(work, library_ends(work, lang, primary))
    if supplement is not None:
        # The primary's boundaries stand unless the supplement disagrees and
        # the text after the boundary shows it cannot start a sentence.
        base = {e for e in base if e in extra or not _continues(work, e)}
    ends = sorted(base | extra)
    return _map_back(work, text, _merge_unspoken(work, ends) if MERGE else ends)


MERGE = False
_LIST_ITEM = re.compile(r"(?:\w{1,3}|[ivxlc]{1,5})[.)]\s")


def _continues(text: str, end: int) -> bool:
    """True when the text after ``end`` visibly continues the same sentence.

    On the same line, what follows is a lower-case word (not a list item such
    as "b) ..."), a comma, semicolon or colon, or more sentence punctuation
    ("wait.. what", "?hl=en" in a URL).
    """
    n = len(text)
    k = end
    while k < n and text[k].isspace():
        if text[k] == "\n":
            return False
        k += 1
    if k >= n:
        return False
    c = text[k]
    if c.islower():
        return not _LIST_ITEM.match(text, k)
    if c in ",;:" or c in _TERMINALS:
        return True
    return k == end and not (c.isupper() or c in _OPENERS)


def _merge_unspoken(text: str, ends: list[int]) -> list[int]:
    """Drop ends that leave a piece with no letter or digit (":)", "!!!", "..") on one line.

    Such a piece joins the sentence before it: alone it is nothing a voice can
    say, and after a sentence on the same line it belongs to it. A piece after
    a line break (a "***" separator) stays apart.
    """
    out: list[int] = []
    start = 0
    for end in [*ends, len(text)]:
        piece = text[start:end]
        if out and not any(c.isalnum() for c in piece) and "\n" not in piece:
            if end == len(text):
                out.pop()
            else:
                out[-1] = end
        elif end < len(text):
            out.append(end)
        start = end
    return out


def _map_back(work: str, text: str, ends: list[int]) -> list[int]:
    """Map end offsets in ``work`` (``text`` with spaces added) to offsets in ``text``."""
    if work is text or len(work) == len(text):
        return ends
    pieces = [work[a:b] for a, b in zip([0, *ends], ends)]
    return _align(text, pieces)


def split_spans(text: str, lang: str) -> list[tuple[int, int]]:
    """``(start, end)`` spans that tile ``text`` exactly, one per sentence."""
    ends = sentence_ends(text, lang)
    starts = [0, *ends]
    return list(zip(starts, [*ends, len(text)]))


def split_sentences(text: str, lang: str) -> list[str]:
    """Split ``text`` into sentences in ``lang`` (ISO 639-1 code), in order.

    Stable public API. Each sentence is stripped of surrounding whitespace;
    joining the sentences gives back ``text`` up to whitespace. Whitespace-only
    input gives an empty list.
    """
    return [s for a, b in split_spans(text, lang) if (s := text[a:b].strip())]
