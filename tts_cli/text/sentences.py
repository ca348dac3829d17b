"""Sentence segmentation: well-kept libraries, combined per language by measurement.

Three segmenters are wrapped behind one shape, ``(text, lang) -> end offsets``:
pySBD (a port of the rule-based Pragmatic Segmenter), sentencex (Wikimedia,
Rust) and blingfire (Microsoft, finite-state, language-agnostic). Libraries may
change whitespace in what they return (blingfire joins with newlines, pySBD
strips), so every backend's output is mapped back onto the input by walking
non-whitespace characters: offsets always index the original text.

Per language, ``SEGMENTERS`` names a *primary* and a *supplement* library,
chosen by boundary F1 (``python -m tts_cli.benchmarks.sbd --grid``). They fail
differently: pySBD keeps a quotation of several sentences as one and ignores
"!!!"; sentencex and blingfire split after list numbers, initials and titles.
The combination, in ``sentence_ends``:

1. ``_unglue``: a sentence end glued to the next sentence ("service.There")
   gets a space in a working copy, so every library sees it.
2. A supplement boundary is added only if ``plausible_boundary`` holds
   (terminal punctuation, then a capital, digit or caseless letter; no list
   number or initial before it) and, with pySBD primary, it is not inside a
   typographic quotation pySBD kept whole nor after a title such as "Dr.".
3. A primary boundary the supplement lacks is dropped when the text visibly
   continues (``_continues``: a comma or colon next, a lower-case word after
   an ellipsis, URL characters glued on).
4. ``_attach_closers``: closing quotes and brackets stay with their sentence.

With pySBD primary, a paragraph where the fast supplement already ends a
plausible sentence at every candidate and nowhere else skips pySBD (it runs
at ~0.25 MB/s); ``shortcut=False`` turns this off for measuring.
"""

from __future__ import annotations

import functools
import logging
import re
from collections.abc import Callable, Sequence

logger = logging.getLogger(__name__)

#: Per language: ``(primary, supplement)``. Rule: the best boundary F1 on the
#: Universal Dependencies data (``python -m tts_cli.benchmarks.sbd --grid``);
#: among pairs within 0.0025 of it, the best exact match on the pySBD /
#: Pragmatic Segmenter golden rules (``--other-golden``), then the faster
#: (pySBD runs at ~0.25 MB/s, the others at 4-10 MB/s). English keeps pySBD
#: first because its golden rules (abbreviations, lists, numbers) need it:
#: pysbd+blingfire has a higher F1 (0.902) but 0.87 golden exact match.
#: Languages without UD data: by golden exact match where pySBD has rules and
#: the data has cases (da, ar), else sentencex (rules for all 23 languages)
#: with blingfire.
SEGMENTERS: dict[str, tuple[str, str | None]] = {
    "ar": ("pysbd", "sentencex"),
    "da": ("pysbd", "sentencex"),
    "de": ("pysbd", "sentencex"),
    "en": ("pysbd", "sentencex"),
    "es": ("pysbd", "blingfire"),
    "fr": ("blingfire", "sentencex"),
    "it": ("pysbd", "sentencex"),
    "ja": ("pysbd", "sentencex"),
    "pt": ("blingfire", "sentencex"),
    "ru": ("blingfire", "sentencex"),
    "zh": ("pysbd", "sentencex"),
}
DEFAULT_SEGMENTERS: tuple[str, str | None] = ("sentencex", "blingfire")

_TERMINALS = ".!?…‼⁇⁈⁉\u037e"  # U+037E: the Greek question mark
_TERMINALS_NO_SPACE = "。！？｡"  # CJK full stops end a sentence with no space after
_CLOSERS = "\"'”’»)]」』）›〉》"
_OPENERS = "\"'“‘«¿¡「『‹〈《—–-"
_ENUMERATOR = re.compile(r"\d{1,3}|[ivxlcIVXLC]{1,4}|\w")
_GLUED = re.compile(r"(?<=[^\W_][^\W_])([.!?])(?=[^\W\d_][^\W\d_]+(?=[\s,;:!?]|\.(?!\w)|$))")
_WS = re.compile(r"\s+")
_OPEN_QUOTES = {"“": "”", "‘": "’", "«": "»", "„": "“", "‚": "‘"}
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
        core = piece.strip()
        if not core:
            continue
        # Fast path: the piece is a verbatim slice after some whitespace.
        found = text.find(core, pos, pos + len(core) + 256)
        if found >= 0 and not text[pos:found].strip():
            pos = found + len(core)
            ends.append(pos)
            continue
        i = pos
        for ch in _WS.sub("", core):
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
        if (
            not nxt.isupper()
            or not (last.islower() or last.isdigit())
            or any(c in word for c in "/@:._")
        ):
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


@functools.lru_cache(maxsize=32)
def _pysbd_titles(lang: str) -> frozenset[str]:
    """pySBD's abbreviations that stand before a name ("mr", "dr", "prof"): not sentence ends."""
    import pysbd.languages

    module = pysbd.languages.Language.get_language_code(_pysbd_language(lang))
    return frozenset(a.strip().lower() for a in module.Abbreviation.PREPOSITIVE_ABBREVIATIONS)


def _word_before(text: str, end: int) -> str:
    """The word before the punctuation that ends at ``end``, lower case: "Dr." -> "dr"."""
    i = end
    while i > 0 and not text[i - 1].isalnum():
        i -= 1
    j = i
    while j > 0 and text[j - 1].isalnum():
        j -= 1
    return text[j:i].lower()


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
    w = j
    while w > 0 and not text[w - 1].isspace():
        w -= 1
    word = "".join(c for c in text[w:j] if c.isalnum())
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
    titles = _pysbd_titles(lang) if primary == "pysbd" else frozenset()
    if supplement is not None:
        extra = _tight(work, library_ends(work, lang, supplement))
        plausible = {
            e
            for e in extra
            if plausible_boundary(work, e) and not (titles and _word_before(work, e) in titles)
        }
        # A slow primary (pySBD, ~0.25 MB/s) cannot change the result when the
        # fast supplement already ends a plausible sentence at every candidate
        # and nowhere else, and none of them lies inside a typographic quotation
        # pySBD might keep whole: skip it there. This only saves time.
        if (
            shortcut
            and primary == "pysbd"
            and "\n" not in work
            and plausible == extra
            and extra == _candidates(work)
            and not _any_quoted(work, extra)
        ):
            return _map_back(work, text, _attach_closers(work, sorted(extra)))
        extra = plausible
    base = _tight(work, library_ends(work, lang, primary))
    if supplement is not None and primary == "pysbd":
        extra = {e for e in extra if e in base or not _inside_quotation(work, base, e)}
    if supplement is not None:
        # The primary's boundaries stand unless the supplement disagrees and
        # the text after the boundary shows it cannot start a sentence.
        base = {e for e in base if e in extra or not _continues(work, e)}
    return _map_back(work, text, _attach_closers(work, sorted(base | extra)))


def _closes_later(text: str, closer: str, start: int, stop: int) -> bool:
    """True when ``closer`` occurs in ``text[start:stop]`` as a closing mark (not an apostrophe)."""
    i = text.find(closer, start, stop)
    while i >= 0:
        if not (closer == "’" and i + 1 < len(text) and text[i + 1].isalpha()):
            return True
        i = text.find(closer, i + 1, stop)
    return False


def _any_quoted(text: str, ends: set[int]) -> bool:
    """True when any of ``ends`` lies inside a typographic quotation (one pass over ``text``)."""
    if not ends or not any(q in text for q in _OPEN_QUOTES):
        return False
    targets = sorted(ends)
    t = 0
    stack: list[str] = []
    for i, c in enumerate(text):
        while t < len(targets) and targets[t] == i:
            if stack and _closes_later(text, stack[-1], i, len(text)):
                return True
            t += 1
        if t >= len(targets):
            return False
        if c in _OPEN_QUOTES:
            stack.append(_OPEN_QUOTES[c])
        elif stack and c == stack[-1]:
            if not (c == "’" and i + 1 < len(text) and text[i + 1].isalpha()):
                stack.pop()
    return False


def _inside_quotation(text: str, base: set[int], end: int) -> bool:
    """True when ``end`` lies inside a typographic quotation within one primary sentence.

    pySBD keeps a quotation of several sentences together. Where the quote
    marks say which way they face (“ ” ‘ ’ « »), that judgement is kept; a
    straight ``"`` cannot tell an opening from a closing mark (and a quotation
    running over paragraphs is never closed), so there the supplement decides.
    A ’ between letters is an apostrophe, not a closing mark.
    """
    start = max((b for b in base if b < end), default=0)
    stop = min((b for b in base if b > end), default=len(text))
    stack: list[str] = []
    for i in range(start, end):
        c = text[i]
        if c in _OPEN_QUOTES:
            stack.append(_OPEN_QUOTES[c])
        elif stack and c == stack[-1]:
            if c == "’" and i + 1 < len(text) and text[i + 1].isalpha():
                continue
            stack.pop()
    if not stack:
        return False
    closer = stack[-1]
    rest = text[end:stop]
    for i, c in enumerate(rest):
        if c == closer and not (c == "’" and i + 1 < len(rest) and rest[i + 1].isalpha()):
            return True
    return False


def _continues(text: str, end: int) -> bool:
    """True when the text after ``end`` visibly continues the same sentence.

    On the same line, what follows is a comma, semicolon or colon, a
    lower-case word after an ellipsis ("well.. maybe"), or, with no
    space between, anything but a capital, digit or opening quote: more
    sentence punctuation ("wait.|.what") or the rest of a URL ("search?|hl=en").
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
    if c in ",;:":
        return True
    if c.islower():
        # An ellipsis before a lower-case word trails off mid-sentence.
        i = end
        while i > 0 and text[i - 1] in ".…":
            i -= 1
        return text[i:end].count(".") >= 2 or "…" in text[i:end]
    if k == end and c in _TERMINALS:
        # Inside a run of punctuation that ends a word ("wait..what"); a run
        # standing apart (" .. ") is left as the library split it.
        i = end
        while i > 0 and text[i - 1] in _TERMINALS:
            i -= 1
        return i > 0 and not text[i - 1].isspace()
    if k > end or text[end - 1] in _TERMINALS_NO_SPACE:
        return False
    return not (c.isupper() or c.isdigit() or c in _OPENERS or (c.isalpha() and not c.islower()))


def _attach_closers(text: str, ends: list[int]) -> list[int]:
    """Move an end past punctuation glued to it: 'holen!|«' -> 'holen!«|', '。|」' -> '。」|'.

    A sentence never ends inside a token: closing quotes and brackets, and
    other punctuation (not another full stop) running on to the next space,
    belong to the sentence before.
    """
    out: list[int] = []
    n = len(text)
    for end in ends:
        k = end
        while k < n and text[k] in _CLOSERS:
            k += 1
        j = k
        while j < n and not (text[j].isspace() or text[j].isalnum() or text[j] in _TERMINALS):
            j += 1
        if j == n or text[j].isspace():
            k = j
        if k < n and (not out or k > out[-1]):
            out.append(k)
    return out


def _map_back(work: str, text: str, ends: list[int]) -> list[int]:
    """Map end offsets in ``work`` (``text`` with spaces added) to offsets in ``text``."""
    if work is text or len(work) == len(text):
        return ends
    pieces = [work[a:b] for a, b in zip([0, *ends], ends, strict=False)]
    return _align(text, pieces)


def split_spans(text: str, lang: str) -> list[tuple[int, int]]:
    """``(start, end)`` spans that tile ``text`` exactly, one per sentence."""
    ends = sentence_ends(text, lang)
    starts = [0, *ends]
    return list(zip(starts, [*ends, len(text)], strict=False))


def split_sentences(text: str, lang: str) -> list[str]:
    """Split ``text`` into sentences in ``lang`` (ISO 639-1 code), in order.

    Stable public API. Each sentence is stripped of surrounding whitespace;
    joining the sentences gives back ``text`` up to whitespace. Whitespace-only
    input gives an empty list.
    """
    return [s for a, b in split_spans(text, lang) if (s := text[a:b].strip())]
