"""The text plan: chunks with their language, token budget and pause, chapter by chapter.

Token budget
------------
A chunk's budget comes from how long it should take to say::

    max_new_tokens = ceil(chars / chars_per_second x 25 tokens/s x 1.5) + 25

capped by the model's 1000-token limit (40 s) and by ``--max-new-tokens``.
The 1.5 margin covers slow, expressive reading and pauses at commas; the +25
(one second) covers the breath and silence the model puts around short
texts. A budget that runs out cuts the last words off, and one far too big
lets a model that misses its stop token babble, so it tracks length.

An earlier Chatterbox app used ``300 + 150 x (chunk length / max length)``.
That rule ignores the speaking rate: its largest budget, 450 tokens, is 18 s
of audio, which a full 300-character English chunk (~20 s at 15 chars/s)
already exceeds, so the longest chunks are the ones that get cut; and it
gives a 13-character "Yes, said he." 306 tokens (12 s) of room to babble.
Ours gives a full 270-character chunk 700 tokens (28 s) and the short one
58 tokens (2.3 s).
"""

from __future__ import annotations

import functools
import logging
import math
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Literal

from tts_cli.errors import InputError, OptionError
from tts_cli.text.chunker import Span, enforce_max, merge_short, pack_paragraph
from tts_cli.text.document import Document
from tts_cli.text.languages import check_language, expected_seconds, profile
from tts_cli.text.normalize import _ALNUM, may_grow, speakable

if TYPE_CHECKING:
    from tts_cli.text.lexicon import Lexicon

logger = logging.getLogger(__name__)

MODEL_MAX_NEW_TOKENS = 1000  # T3 stops here: 40 s of audio at 25 tokens/s
SPEECH_TOKENS_PER_S = 25  # S3 speech tokens per second of audio
BUDGET_MARGIN = 1.5  # budget / expected tokens
BUDGET_EXTRA_TOKENS = 25  # one second for breath and edge silence
MIN_CHUNK_CHARS_OPTION = 20  # smallest --chunk-chars accepted
MAX_CHUNK_CHARS_OPTION = 2000  # largest --chunk-chars accepted (clamped per language below)

PauseAfter = Literal["chunk", "paragraph", "chapter", "end"]


@dataclass(frozen=True)
class PlanOptions:
    """How to plan a document. Checked by ``verify_options`` before any work."""

    lang: str = "auto"
    """"auto" (identify per paragraph) or one of the 23 language codes."""
    chunk_chars: int | None = None
    """Longest chunk in speakable characters; None = the language profile's."""
    max_new_tokens: int | None = None
    """Upper bound on every chunk's token budget (at most 1000); None = no extra bound."""
    languages: tuple[str, ...] = ()
    """Language codes beyond the 23 that a loaded model speaks (a fine-tune's), planned with
    a generic profile; they become valid ``lang`` values and language-id targets."""
    lexicon: Lexicon | None = None
    """Pronunciation lexicon applied to every chunk's speakable text (``--lexicon``)."""

    def validate(self) -> None:
        """Raise ``OptionError`` if any field is invalid (see ``verify_options``)."""
        verify_options(self)


@dataclass(frozen=True)
class Chunk:
    """One piece of text for the model, in reading order."""

    index: int
    """Position in ``Plan.chunks`` (0-based)."""
    text: str
    """Speakable text, given to the model as is."""
    language: str
    """Language code the model should speak it in."""
    chars: int
    """``len(text)``."""
    max_new_tokens: int
    """Speech-token budget for this chunk (25 tokens per second of audio)."""
    chapter: int
    """Index into ``Plan.chapters``."""
    pause_after: PauseAfter
    """Pause the assembler puts after it: "chunk", "paragraph", "chapter" or "end"."""
    source_text: str = field(default="", repr=False)
    """The exact slice of the chapter text it was made from (chunks of a chapter tile it)."""
    model: str | None = None
    """The model family that reads it (``english``, ``multilingual``, ``turbo``), once routed
    (``tts_cli.models.routing.route_plan``); None in a plan that has not been routed."""


@dataclass(frozen=True)
class Chapter:
    """A chapter of the plan."""

    title: str
    """Heading, or the book title / "Chapter N" when the text has none."""
    first_chunk: int
    """Index of its first chunk."""


@dataclass(frozen=True)
class Plan:
    """Everything to say, in order, without having loaded a model."""

    language: str
    """Dominant language (most speakable characters)."""
    chapters: tuple[Chapter, ...]
    """Chapters that have something to say, in order."""
    chunks: tuple[Chunk, ...]
    """All chunks, in reading order."""
    title: str | None
    """Book title, if known."""
    author: str | None
    """Book author, if known."""
    estimated_audio_seconds: float
    """Expected speech duration from the speaking rates (pauses not included)."""
    lexicon_counts: dict[str, int] | None = None
    """Replacements per lexicon entry (entry word -> count); None when no lexicon was given."""

    def to_dict(self) -> dict:
        """The ``--dry-run --json`` object."""
        return {
            "language": self.language,
            "title": self.title,
            "author": self.author,
            "chapters": [{"title": c.title, "first_chunk": c.first_chunk} for c in self.chapters],
            "chunks": [
                {
                    "index": c.index,
                    "source": c.source_text,
                    "text": c.text,
                    "language": c.language,
                    "chars": c.chars,
                    "max_new_tokens": c.max_new_tokens,
                    "chapter": c.chapter,
                    "pause_after": c.pause_after,
                    "expected_seconds": round(expected_seconds(c.text, c.language), 2),
                    **({"model": c.model} if c.model is not None else {}),
                }
                for c in self.chunks
            ],
            "estimated_audio_seconds": round(self.estimated_audio_seconds, 1),
            **({"lexicon": dict(self.lexicon_counts)} if self.lexicon_counts is not None else {}),
        }


def verify_options(options: PlanOptions) -> PlanOptions:
    """Check ``options`` and return them normalised; raise ``OptionError`` naming the allowed values."""
    extra = tuple(options.languages)
    lang = check_language(options.lang, extra=extra)
    cc = options.chunk_chars
    if cc is not None and (
        isinstance(cc, bool)
        or not isinstance(cc, int)
        or not MIN_CHUNK_CHARS_OPTION <= cc <= MAX_CHUNK_CHARS_OPTION
    ):
        raise OptionError(
            f"--chunk-chars must be a whole number of characters, got {cc!r}",
            f"use {MIN_CHUNK_CHARS_OPTION}-{MAX_CHUNK_CHARS_OPTION} (default: per language, 270 for English)",
        )
    mt = options.max_new_tokens
    if mt is not None and (
        isinstance(mt, bool) or not isinstance(mt, int) or not 1 <= mt <= MODEL_MAX_NEW_TOKENS
    ):
        raise OptionError(
            f"--max-new-tokens must be 1-{MODEL_MAX_NEW_TOKENS}, got {mt!r}",
            f"the model stops at {MODEL_MAX_NEW_TOKENS} tokens (40 s); leave it unset for per-chunk budgets",
        )
    return replace(options, lang=lang, chunk_chars=cc, max_new_tokens=mt, languages=extra)


def token_budget(chars: int, lang: str, cap: int | None = None) -> int:
    """Speech-token budget for ``chars`` speakable characters in ``lang`` (see module docstring)."""
    seconds = expected_seconds(chars, lang)
    tokens = math.ceil(seconds * SPEECH_TOKENS_PER_S * BUDGET_MARGIN) + BUDGET_EXTRA_TOKENS
    return max(1, min(tokens, MODEL_MAX_NEW_TOKENS, cap or MODEL_MAX_NEW_TOKENS))


def max_chunk_chars(lang: str, chunk_chars: int | None) -> int:
    """Longest chunk for ``lang``: the profile's, or ``chunk_chars`` within what 1000 tokens can say."""
    prof = profile(lang)
    if chunk_chars is None:
        return prof.max_chunk_chars
    # Beyond this the budget would hit the 1000-token cap and cut speech off.
    ceiling = int(
        (MODEL_MAX_NEW_TOKENS - BUDGET_EXTRA_TOKENS)
        / (SPEECH_TOKENS_PER_S * BUDGET_MARGIN)
        * prof.chars_per_second
    )
    if chunk_chars > ceiling:
        logger.warning(
            "--chunk-chars %d is more than %s can say in %d tokens; using %d",
            chunk_chars, prof.name, MODEL_MAX_NEW_TOKENS, ceiling,
        )  # fmt: skip
        return ceiling
    return chunk_chars


def min_chunk_chars(lang: str, max_chars: int) -> int:
    """Shortest chunk for ``lang``: the profile's, but never more than a third of the maximum."""
    return max(1, min(profile(lang).min_chunk_chars, max_chars // 3))


def _measure(text: str, lang: str, lexicon: Lexicon | None = None) -> int:
    """Speakable length of ``text``, or a cheap upper bound when nothing in it can grow.

    Clean-up only shortens text, except spelled-out numbers, symbols and
    chapter numerals (and the final stop): without those, the collapsed
    length plus one bounds it. Chunk texts are always measured exactly.
    """
    if lexicon and lexicon.may_apply(text, lang):
        return len(speakable(text, lang, lexicon=lexicon))
    if may_grow(text, lang):
        return len(speakable(text, lang))
    if not _ALNUM.search(text):
        return 0
    return len(" ".join(text.split())) + 1


def plan_document(doc: Document, options: PlanOptions | None = None) -> Plan:
    """Cut ``doc`` into chunks with languages, token budgets and pauses. Loads no model."""
    options = verify_options(options or PlanOptions())
    lexicon = options.lexicon
    counts: dict[str, int] | None = {} if lexicon is not None else None
    measure = _measure if not lexicon else functools.partial(_measure, lexicon=lexicon)
    paragraph_langs = _paragraph_languages(doc, options.lang, options.languages)
    limits: dict[str, tuple[int, int]] = {}

    def limit(lang: str) -> tuple[int, int]:
        if lang not in limits:
            mx = max_chunk_chars(lang, options.chunk_chars)
            limits[lang] = (mx, min_chunk_chars(lang, mx))
        return limits[lang]

    chunks: list[Chunk] = []
    chapters: list[Chapter] = []
    seconds = 0.0
    by_lang: dict[str, int] = {}
    p = 0
    for number, section in enumerate(doc.sections):
        text = "\n\n".join(section.paragraphs)
        spans: list[Span] = []
        pos = 0
        heading_paragraphs = 0  # leading paragraphs that make up the title
        for k, para in enumerate(section.paragraphs):
            lang = paragraph_langs[p]
            p += 1
            mx, mn = limit(lang)
            end = pos + len(para)
            packed = pack_paragraph(text, pos, end, lang, mx, mn, measure)
            if section.title is not None and k == heading_paragraphs and len(packed) == 1:
                if para in section.title:
                    packed[0].heading = True
                    heading_paragraphs += 1
            spans.extend(packed)
            pos = end + 2
        spans = merge_short(text, spans, lambda lg: limit(lg)[0], lambda lg: limit(lg)[1], measure)
        spans = enforce_max(text, spans, lambda lg: limit(lg)[0], measure)
        # Spans tile each paragraph; stretch them over the blank lines between.
        for k in range(len(spans) - 1):
            spans[k].end = spans[k + 1].start
        if spans:
            spans[0].start, spans[-1].end = 0, len(text)
        spans = _absorb_unspeakable(text, spans)
        if not spans:
            continue
        paragraph_ends = _paragraph_ends(section.paragraphs)
        title = section.title or (
            doc.title if number == 0 and doc.title else f"Chapter {number + 1}"
        )
        chapters.append(Chapter(title=title, first_chunk=len(chunks)))
        for span in spans:
            said = speakable(text[span.start : span.end], span.lang, lexicon=lexicon, counts=counts)
            if not said and chunks and chunks[-1].chapter == len(chapters) - 1:
                # Nothing to say after all: its source goes with the chunk before.
                last = chunks[-1]
                chunks[-1] = replace(
                    last, source_text=last.source_text + text[span.start : span.end]
                )
                continue
            end_stripped = span.end
            while end_stripped > span.start and text[end_stripped - 1].isspace():
                end_stripped -= 1
            pause: PauseAfter = "paragraph" if end_stripped in paragraph_ends else "chunk"
            chunks.append(
                Chunk(
                    index=len(chunks),
                    text=said,
                    language=span.lang,
                    chars=len(said),
                    max_new_tokens=token_budget(len(said), span.lang, options.max_new_tokens),
                    chapter=len(chapters) - 1,
                    pause_after=pause,
                    source_text=text[span.start : span.end],
                )
            )
            seconds += expected_seconds(said, span.lang)
            by_lang[span.lang] = by_lang.get(span.lang, 0) + len(said)
        chunks[-1] = _with_pause(chunks[-1], "chapter")
    if not chunks:
        raise InputError(f"nothing speakable in {doc.source}", "give a file with words in it")
    chunks[-1] = _with_pause(chunks[-1], "end")
    language = max(by_lang, key=lambda k: by_lang[k])
    _warn_if_capped(chunks, options)
    return Plan(
        language=language,
        chapters=tuple(chapters),
        chunks=tuple(chunks),
        title=doc.title,
        author=doc.author,
        estimated_audio_seconds=seconds,
        lexicon_counts=counts,
    )


def _paragraph_languages(doc: Document, lang: str, extra: tuple[str, ...] = ()) -> list[str]:
    paragraphs = doc.paragraphs
    if lang != "auto":
        return [lang] * len(paragraphs)
    from tts_cli.text.langid import identify_paragraphs

    return identify_paragraphs(paragraphs, extra=extra)


def _paragraph_ends(paragraphs: tuple[str, ...]) -> set[int]:
    ends, pos = set(), 0
    for para in paragraphs:
        pos += len(para)
        ends.add(pos)
        pos += 2
    return ends


def _absorb_unspeakable(text: str, spans: list[Span]) -> list[Span]:
    """Spans with nothing to say ("* * *") join the span before (or after) them."""
    out: list[Span] = []
    pending_start: int | None = None
    for span in spans:
        if span.chars == 0:
            if out:
                out[-1].end = span.end
            elif pending_start is None:
                pending_start = span.start
            continue
        if pending_start is not None:
            span.start = pending_start
            pending_start = None
        out.append(span)
    return out


def _with_pause(chunk: Chunk, pause: PauseAfter) -> Chunk:
    return replace(chunk, pause_after=pause)


def _warn_if_capped(chunks: list[Chunk], options: PlanOptions) -> None:
    if options.max_new_tokens is None:
        return
    short = sum(1 for c in chunks if token_budget(c.chars, c.language) > options.max_new_tokens)
    if short:
        logger.warning(
            "--max-new-tokens %d is below the expected need of %d chunk(s); their ends may be cut",
            options.max_new_tokens, short,
        )  # fmt: skip
