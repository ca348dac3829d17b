"""Packing one chapter's text into chunks: spans that tile it exactly.

Everything here works on *spans* ``(start, end)`` of the chapter text (its
paragraphs joined by blank lines), so coverage is exact by construction: the
chunks of a chapter are consecutive spans from 0 to its length, and every
word lies in exactly one of them. Lengths are measured in characters of
*speakable* text (``normalize.speakable``), which is what the model reads.

Rules, in order:

1. Sentences come from ``sentences.split_spans`` (per paragraph; a paragraph
   longer than ``WINDOW_CHARS`` is segmented window by window, so a 10 MB
   line costs linear time).
2. A sentence longer than the maximum is cut at clause punctuation (, ; : and
   dashes, CJK ，、；：), else at the last space, else (no spaces at all) at
   the maximum itself.
3. Whole sentences are packed up to the maximum, never across a paragraph.
4. A chunk shorter than the minimum (or with nothing speakable, like "* * *")
   joins a neighbour in the same chapter, preferring the previous one and the
   same language; if the pair is then too long, it is cut again at a word
   boundary near its middle. A chapter heading of at least
   ``HEADING_MIN_CHARS`` stays alone so its pause is kept.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from tts_cli.text.sentences import split_spans

#: Paragraphs longer than this are segmented in windows of about this size.
#: pySBD's cost grows faster than linearly with its input (0.5 MB in one
#: paragraph: 7.8 s with 20k windows, 2.4 s with 2k); a window holds many
#: sentences, and any sentence this long is cut at clauses anyway.
WINDOW_CHARS = 4_000
_CLAUSE = re.compile(r"(?:[,;:)\]»”]|--+|—|–|[，、；：）」』])(?=\s)|[，、；：）」』。！？]")
_SPACE = re.compile(r"\s+")


@dataclass
class Span:
    """A piece of the chapter text and what it measures once made speakable."""

    start: int
    end: int
    lang: str
    chars: int
    """Length of the speakable form."""
    heading: bool = False
    """A chapter heading said on its own: it may be shorter than the minimum."""


#: A heading stands alone (with its pause) from this many speakable characters,
#: about 5 text tokens; shorter ones ("I.") join the text after them.
HEADING_MIN_CHARS = 8

Measure = Callable[[str, str], int]


def sentence_spans(text: str, start: int, end: int, lang: str) -> list[tuple[int, int]]:
    """Sentence spans tiling ``text[start:end]`` (absolute offsets), windowed for long paragraphs."""
    out: list[tuple[int, int]] = []
    pos = start
    while pos < end:
        stop = min(end, pos + WINDOW_CHARS)
        if stop < end:
            # Cut the window at a space so no word is split between windows.
            space = text.rfind(" ", pos + WINDOW_CHARS // 2, stop)
            stop = space + 1 if space > pos else stop
        spans = [(pos + a, pos + b) for a, b in split_spans(text[pos:stop], lang)]
        if stop < end and len(spans) > 1:
            # The last sentence may run on past the window: segment it again.
            spans.pop()
            stop = spans[-1][1]
        out.extend(spans)
        pos = stop
    return _snap_to_spaces(text, out)


def cuttable(text: str, i: int) -> bool:
    """True when a chunk may end at ``i``: at a space, after a sentence end glued to a
    capital ("service.There"), or next to text written without spaces (CJK)."""
    if i <= 0 or i >= len(text):
        return True
    before, after = text[i - 1], text[i]
    if before.isspace() or after.isspace():
        return True
    if before in ".!?" and after.isupper():
        return True
    return _no_spaces(before) or _no_spaces(after)


def _no_spaces(c: str) -> bool:
    """Scripts written without spaces between words (CJK, kana, Thai)."""
    return (
        "\u2e80" <= c <= "\u9fff"
        or "\uac00" <= c <= "\ud7af"
        or "\uff00" <= c <= "\uffef"
        or "\u0e00" <= c <= "\u0e7f"
    )


def _snap_to_spaces(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Move sentence ends that fall inside a token (".|." in " .. ") to the next space."""
    out: list[tuple[int, int]] = []
    for a, b in spans:
        if out:
            a = out[-1][1]
        if a >= b:
            continue
        end = b
        if not cuttable(text, end):
            m = _SPACE.search(text, end, spans[-1][1])
            end = m.start() if m else spans[-1][1]
        if end > a:
            out.append((a, end))
    if out and out[-1][1] < spans[-1][1]:
        out[-1] = (out[-1][0], spans[-1][1])
    return out


def split_long(
    text: str,
    start: int,
    end: int,
    max_chars: int,
    min_chars: int,
    ratio: float,
    inside_words: bool = False,
) -> list[tuple[int, int]]:
    """Cut ``text[start:end]`` into spans of at most ``max_chars`` speakable characters.

    ``ratio`` estimates speakable length per source character (numbers grow
    when spelled out), so cuts are chosen on source offsets. A word longer than the
    window is kept whole (the estimate may be wrong for it; ``enforce_max`` measures),
    unless ``inside_words`` or it is several windows long: then it is cut, where digits meet
    letters if it can be.
    """
    limit = max(1, int(max_chars / max(ratio, 0.1)))
    floor = max(1, int(min_chars / max(ratio, 0.1)))
    out: list[tuple[int, int]] = []
    pos = start
    while end - pos > limit:
        window_end = pos + limit
        cut = -1
        for m in _CLAUSE.finditer(text, pos + floor, window_end):
            cut = m.end()
        if cut <= pos:
            space = text.rfind(" ", pos + floor, window_end)
            if space < 0:
                m = _SPACE.search(text, pos + floor, window_end)
                space = m.start() if m else -1
            if space < 0:  # a short piece is better than a cut inside a word
                space = text.rfind(" ", pos + 1, pos + floor)
            if space > pos:
                cut = space + 1
            else:
                # the word's end, when the word is not many windows long (then it is no word)
                m = None if inside_words else _SPACE.search(text, window_end, pos + 4 * limit)
                cut = m.start() if m else _word_cut(text, pos, window_end)
        # Keep trailing whitespace with the piece before.
        while cut < end and text[cut].isspace():
            cut += 1
        out.append((pos, cut))
        pos = cut
    if pos < end:
        out.append((pos, end))
    return out


def pack_paragraph(
    text: str,
    start: int,
    end: int,
    lang: str,
    max_chars: int,
    min_chars: int,
    measure: Measure,
) -> list[Span]:
    """Chunks of one paragraph: whole sentences up to ``max_chars``, long ones cut."""
    pieces: list[Span] = []
    for a, b in sentence_spans(text, start, end, lang):
        n = measure(text[a:b], lang)
        if n > max_chars:
            ratio = n / max(1, len(text[a:b].strip()))
            for c, d in split_long(text, a, b, max_chars, min_chars, ratio):
                pieces.append(Span(c, d, lang, measure(text[c:d], lang)))
        else:
            pieces.append(Span(a, b, lang, n))
    chunks: list[Span] = []
    for piece in pieces:
        last = chunks[-1] if chunks else None
        if last is not None and last.chars + 1 + piece.chars <= max_chars:
            last.end = piece.end
            last.chars += (1 if last.chars and piece.chars else 0) + piece.chars
        else:
            chunks.append(Span(piece.start, piece.end, lang, piece.chars))
    return chunks


def merge_short(
    text: str,
    chunks: list[Span],
    max_chars: Callable[[str], int],
    min_chars: Callable[[str], int],
    measure: Measure,
) -> list[Span]:
    """Join chunks shorter than their language's minimum to a neighbour (see module rules)."""
    out = list(chunks)
    i = 0
    while i < len(out):
        chunk = out[i]
        if (
            chunk.chars >= min_chars(chunk.lang)
            or len(out) == 1
            or (chunk.heading and chunk.chars >= HEADING_MIN_CHARS)
        ):
            i += 1
            continue
        prev = out[i - 1] if i > 0 else None
        nxt = out[i + 1] if i + 1 < len(out) else None
        if (
            prev is not None
            and prev.heading
            and not chunk.heading
            and prev.chars >= HEADING_MIN_CHARS
            and nxt is not None
        ):
            prev = None  # a heading keeps its pause: join the text after instead
        if prev is not None and (nxt is None or prev.lang == chunk.lang or nxt.lang != chunk.lang):
            j = i - 1
        else:
            j = i
        a, b = out[j], out[j + 1]
        lang = a.lang if a.chars >= b.chars else b.lang
        merged = Span(a.start, b.end, lang, measure(text[a.start : b.end], lang))
        if merged.chars <= max_chars(lang):
            out[j : j + 2] = [merged]
            i = j
            continue
        # Too long together: cut the pair at a space near its middle instead.
        halves = _rebalance(text, merged, min_chars(lang), max_chars(lang), measure)
        if len(halves) == 2:
            out[j : j + 2] = halves
        i += 1
    return out


def _rebalance(
    text: str, span: Span, min_chars: int, max_chars: int, measure: Measure
) -> list[Span]:
    middle = (span.start + span.end) // 2
    best = None
    for m in _SPACE.finditer(text, span.start, span.end):
        cut = m.end()
        if best is None or abs(cut - middle) < abs(best - middle):
            best = cut
    if best is None or best <= span.start or best >= span.end:
        return [span]  # one word longer than the maximum: leave it whole
    left = Span(span.start, best, span.lang, measure(text[span.start : best], span.lang))
    right = Span(best, span.end, span.lang, measure(text[best : span.end], span.lang))
    if left.chars > max_chars or right.chars > max_chars:
        return [span]
    return [left, right]


def enforce_max(
    text: str, chunks: Sequence[Span], max_chars: Callable[[str], int], measure: Measure
) -> list[Span]:
    """Cut again any chunk whose speakable form came out longer than its maximum."""
    out: list[Span] = []
    for chunk in chunks:
        limit = max_chars(chunk.lang)
        if chunk.chars <= limit:
            out.append(chunk)
            continue
        ratio = chunk.chars / max(1, len(text[chunk.start : chunk.end].strip()))
        for inside_words in (False, True):  # cut inside a word only when one says too much
            shrink = limit
            while True:
                shrink = int(shrink * 0.9)
                parts = split_long(text, chunk.start, chunk.end, shrink, 1, ratio, inside_words)
                spans = [Span(a, b, chunk.lang, measure(text[a:b], chunk.lang)) for a, b in parts]
                if all(s.chars <= limit for s in spans) or shrink < 8:
                    break
            if all(s.chars <= limit for s in spans):
                break
        # words that were cut but fit whole are joined again
        out.extend(_join_cut_words(text, spans, limit, measure))
    return out


def _word_cut(text: str, pos: int, window_end: int) -> int:
    """Where to cut a word that does not fit: its last change between digits and letters
    ("12222|A"), so both sides stay speakable; else the end of the window."""
    for i in range(window_end, pos + 1, -1):
        if i < len(text) and text[i - 1].isdigit() != text[i].isdigit():
            return i
    return window_end


def _join_cut_words(text: str, spans: list[Span], limit: int, measure: Measure) -> list[Span]:
    """Neighbours cut apart inside a word, joined wherever the join still fits ``limit``."""
    joined = [spans[0]]
    for span in spans[1:]:
        prev = joined[-1]
        if 0 < span.start < len(text) and not (
            text[span.start - 1].isspace() or text[span.start].isspace()
        ):
            chars = measure(text[prev.start : span.end], span.lang)
            if chars <= limit:
                joined[-1] = Span(prev.start, span.end, span.lang, chars)
                continue
        joined.append(span)
    return joined
