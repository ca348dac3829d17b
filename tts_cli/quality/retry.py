"""The retry policy as a generator around an engine's ``synthesize_batch``.

A suspect take (``checks.assess``) is spoken again with a derived seed up to
``options.retries`` times; then its text is split in two at a sentence (else clause,
else word) boundary near its middle, the pieces are spoken and joined with a short pause,
and the joined take is checked. The best take by score is kept; no chunk is ever dropped.

Batching: each ``speak`` call takes up to ``batch_size`` requests, pending retries and
pieces first, then fresh requests, so retries of several suspect chunks share calls.

Lookahead: ``speak`` may return a pending result (``result()`` gives the takes; an engine's
``submit_batch``) instead of the takes. Then the gate speaks the next batch before it reads
this one's takes, so the engine decodes batch k+1 while batch k's host work (copies,
watermark) finishes and its takes are assessed; retries and pieces decided from batch k go
into batch k+2. At most one batch waits so. A list is used at once (batch k's retries go
into batch k+1), as before. With each request's own seed (``ttsgen`` gives every chunk and
take one) a take does not depend on the batch it is spoken in, up to the float rounding
that batch shapes can bring (README, Determinism).

Errors: one raised while a batch is spoken comes out after the chunks of the batch before
it, whose decode had ended, are yielded: what a caller stores is what it stored when batches
ran one at a time. One raised while reading a batch's takes comes out at once.

Order: a chunk is yielded when its final take is decided: a chunk that passes at once
comes out with its batch, a retried one later. Callers store by ``index`` (or use
``in_order``).
"""

from __future__ import annotations

import hashlib
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np

from tts_cli.engine.base import ChunkAudio, Request, SynthesisRequest
from tts_cli.errors import TtsgenError
from tts_cli.quality.checks import GateOptions, Verdict, assess, ran_out

SENTENCE_GAP_S = 0.3  # pause between split pieces cut at a sentence end (--pause-chunk-ms)
CLAUSE_GAP_S = 0.15  # pause between pieces cut at a clause or word boundary
FADE_MS = 10.0  # fade at each piece's cut edges


class SpeakMismatch(TtsgenError):
    """The engine returned a different number of takes than it was asked for."""


@dataclass
class GatedChunk:
    """A chunk's final take and what the gate did to get it."""

    index: int
    audio: np.ndarray = field(repr=False)
    tokens: int
    stopped: bool | None
    reasons: tuple[str, ...]
    """Why it is listed: the first take's reasons when fixed, the kept take's when not."""
    action: str
    """``accepted``, ``reported`` (retries 0), ``retried``, ``split`` or ``kept_best``."""
    attempts: int
    """Takes spoken: the first, each retry and the split take (one for all its pieces)."""

    @property
    def suspect(self) -> bool:
        """Listed in the summary's ``suspect_chunks``."""
        return self.action != "accepted"

    def record(self) -> dict:
        """The ``suspect_chunks`` entry."""
        return {"index": self.index, "reasons": list(self.reasons), "action": self.action}


def derive_seed(seed: int | None, index: int, attempt: int, piece: int = 0) -> int | None:
    """Seed of take ``attempt`` (piece ``piece``) of a chunk: the request's own for the
    first take, else a hash of (seed or index, attempt, piece) in [0, 2**31)."""
    if attempt == 0 and piece == 0:
        return seed
    base = seed if seed is not None else f"i{index}"
    digest = hashlib.blake2b(f"{base}/{attempt}/{piece}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") % (2**31)


def split_text(text: str, lang: str) -> tuple[list[str], float]:
    """Two (or three) pieces of ``text`` covering it in order, cut at the sentence end
    nearest its middle, else at clause punctuation or a space; and the gap to put
    between them. One piece when it cannot be cut."""
    from tts_cli.text.chunker import split_long
    from tts_cli.text.languages import profile
    from tts_cli.text.sentences import split_spans

    n = len(text)
    shortest = profile(lang).min_chunk_chars
    spans = split_spans(text, lang)
    if len(spans) > 1:
        ends = [b for _, b in spans[:-1]]
        cut = min(ends, key=lambda e: abs(e - n / 2))
        pieces = [text[:cut].strip(), text[cut:].strip()]
        if all(len(p) >= shortest for p in pieces):
            return pieces, SENTENCE_GAP_S
    cuts = split_long(text, 0, n, max(1, int(n * 0.6)), max(1, n // 4), 1.0)
    pieces = [text[a:b].strip() for a, b in cuts if text[a:b].strip()]
    if len(pieces) > 1 and all(len(p) >= shortest for p in pieces):
        return pieces, CLAUSE_GAP_S
    return [text], 0.0


def join_pieces(takes: list[np.ndarray], gap_s: float, sample_rate_hz: int) -> np.ndarray:
    """Pieces trimmed of edge silence, faded at their edges and joined by ``gap_s``."""
    from tts_cli.audio.joins import fade_in, fade_out, prepare_chunk

    gap = np.zeros(int(round(gap_s * sample_rate_hz)), dtype=np.float32)
    out: list[np.ndarray] = []
    for k, take in enumerate(takes):
        x = prepare_chunk(take, sample_rate_hz, trim=True).copy()
        c = min(int(sample_rate_hz * FADE_MS / 1000), x.size // 2)
        if c:
            x[:c] *= fade_in(c)
            x[-c:] *= fade_out(c)
        if k:
            out.append(gap)
        out.append(x)
    return np.concatenate(out) if out else np.zeros(0, dtype=np.float32)


@dataclass
class _State:
    request: Request
    takes: list[tuple[Verdict, ChunkAudio]] = field(default_factory=list)
    attempt: int = 0
    pieces: list[str] = field(default_factory=list)
    piece_budgets: list[int] = field(default_factory=list)
    piece_takes: dict[int, ChunkAudio] = field(default_factory=dict)
    gap_s: float = 0.0


def gate(
    requests: Iterable[Request],
    speak: Callable[[list[Request]], list[ChunkAudio] | PendingTakes],
    options: GateOptions | None = None,
    *,
    batch_size: int = 1,
    sample_rate_hz: int = 24000,
) -> Iterator[GatedChunk]:
    """Speak ``requests`` with ``speak`` (an engine's ``synthesize_batch``, or its
    ``submit_batch`` for a one-batch lookahead), regenerating suspect takes; yields one
    ``GatedChunk`` per request (see the module docstring)."""
    options = options or GateOptions()
    options.validate()
    source = iter(requests)
    pending: deque[tuple[_State, int | None, Request]] = deque()  # (state, piece, request)
    held = None  # (batch, pending takes): read once the next batch is on its way
    while True:
        batch = [pending.popleft() for _ in range(min(batch_size, len(pending)))]
        for req in source:
            batch.append((_State(req), None, req))
            if len(batch) >= batch_size:
                break
        if not batch and held is None:
            return
        outs = None
        if batch:
            try:
                outs = speak([r for _, _, r in batch])
            except BaseException:
                if held is not None:  # decoded before this batch began: yield it, as before
                    yield from _decide(*held, options, sample_rate_hz, pending)
                raise
        if held is not None:
            yield from _decide(*held, options, sample_rate_hz, pending)
            held = None
        if batch:
            if callable(getattr(outs, "result", None)):
                held = (batch, outs)
            else:
                yield from _decide(batch, outs, options, sample_rate_hz, pending)


class PendingTakes(Protocol):
    """A batch being spoken (``concurrent.futures.Future`` is one)."""

    def result(self) -> list[ChunkAudio]: ...


def _decide(batch, outs, options, rate, pending) -> Iterator[GatedChunk]:
    """Read a batch's takes; yield the chunks whose final take they decide."""
    if callable(getattr(outs, "result", None)):
        outs = outs.result()
    if len(outs) != len(batch):
        raise SpeakMismatch(
            f"engine returned {len(outs)} takes for {len(batch)} requests",
            "report this bug; rerun with --retries 0 meanwhile",
        )
    for (state, piece, req), out in zip(batch, outs, strict=True):
        done = _take(state, piece, req, out, options, rate, pending)
        if done is not None:
            yield done


def _take(state, piece, req, out, options, rate, pending) -> GatedChunk | None:
    """Record one take; return the chunk when its final take is decided."""
    base = state.request
    if piece is not None:
        state.piece_takes[piece] = out
        if len(state.piece_takes) < len(state.pieces):
            return None
        parts = [state.piece_takes[k] for k in range(len(state.pieces))]
        reqs = [
            SynthesisRequest(base.index, p, b, base.language)
            for p, b in zip(state.pieces, state.piece_budgets, strict=True)
        ]
        out = ChunkAudio(
            index=base.index,
            audio=join_pieces([p.audio for p in parts], state.gap_s, rate),
            tokens=sum(p.tokens for p in parts),
            stopped=not any(ran_out(r, p) for r, p in zip(reqs, parts, strict=True)),
        )
    verdict = assess(base, out, rate, options)
    state.takes.append((verdict, out))
    first = state.takes[0][0].reasons
    if verdict.passed:
        action = (
            "accepted" if len(state.takes) == 1 else ("split" if piece is not None else "retried")
        )
        return _result(state, verdict, out, first if action != "accepted" else (), action)
    if options.retries == 0:
        return _result(state, verdict, out, verdict.reasons, "reported")
    if piece is None and state.attempt < options.retries:
        state.attempt += 1
        seed = derive_seed(getattr(base, "seed", None), base.index, state.attempt)
        pending.append((state, None, _request(base, base.text, base.max_new_tokens, seed)))
        return None
    if piece is None and options.split and _start_split(state, pending):
        return None
    best_verdict, best = min(state.takes, key=lambda t: t[0].score)
    return _result(state, best_verdict, best, best_verdict.reasons, "kept_best")


def _start_split(state: _State, pending: deque) -> bool:
    from tts_cli.text.plan import token_budget

    base = state.request
    pieces, gap = split_text(base.text, base.language)
    if len(pieces) < 2:
        return False
    state.pieces, state.gap_s = pieces, gap
    attempt = state.attempt + 1
    for k, text in enumerate(pieces):
        budget = min(base.max_new_tokens, token_budget(len(text), base.language))
        state.piece_budgets.append(budget)
        seed = derive_seed(getattr(base, "seed", None), base.index, attempt, k + 1)
        pending.append((state, k, _request(base, text, budget, seed)))
    return True


def _request(base: Request, text: str, budget: int, seed: int | None) -> SynthesisRequest:
    return SynthesisRequest(
        index=base.index,
        text=text,
        max_new_tokens=budget,
        language=base.language,
        model=getattr(base, "model", None),
        seed=seed,
    )


def _result(state, verdict, out, reasons, action) -> GatedChunk:
    return GatedChunk(
        index=state.request.index,
        audio=np.asarray(out.audio, dtype=np.float32),
        tokens=out.tokens,
        stopped=out.stopped,
        reasons=tuple(reasons),
        action=action,
        attempts=len(state.takes),
    )


def in_order(chunks: Iterable[GatedChunk], first_index: int = 0) -> Iterator[GatedChunk]:
    """``chunks`` re-ordered by consecutive ``index`` from ``first_index`` (holds the
    early ones until their turn)."""
    held: dict[int, GatedChunk] = {}
    nxt = first_index
    for chunk in chunks:
        held[chunk.index] = chunk
        while nxt in held:
            yield held.pop(nxt)
            nxt += 1
    yield from (held[k] for k in sorted(held))
