"""Book to audiobook: the text plan flows through an engine into a streaming assembler.

Nothing here knows about the terminal: ``synthesize_book`` yields a ``Progress`` after every
chunk (the CLI draws it) and returns a ``Summary`` (the CLI prints it as JSON).
"""

from __future__ import annotations

import time
from collections.abc import Generator
from dataclasses import asdict, dataclass, field
from pathlib import Path

from tts_cli.errors import TtsgenError


@dataclass(frozen=True)
class Progress:
    """Where a run stands after a chunk."""

    chunks_done: int
    chunks_total: int
    audio_seconds: float
    """Seconds of speech made so far (before joins and pauses)."""
    wall_seconds: float
    """Wall time since synthesis began (model loading excluded)."""
    chunks_reused: int = 0
    """Chunks taken from the job's store rather than made (counted in ``chunks_done``)."""
    chunks_made: int | None = None
    """Chunks made in this run so far (None: ``chunks_done - chunks_reused``)."""
    chunks_to_make: int | None = None
    """Chunks this run has to make (None: ``chunks_total - chunks_reused``)."""

    @property
    def rtf(self) -> float:
        """Real-time factor: wall seconds per audio second (below 1 is faster than realtime)."""
        return self.wall_seconds / self.audio_seconds if self.audio_seconds else float("inf")

    @property
    def eta_seconds(self) -> float | None:
        """Remaining wall seconds, assuming the chunks left cost what the ones made cost."""
        made = (
            self.chunks_done - self.chunks_reused if self.chunks_made is None else self.chunks_made
        )
        to_make = (
            self.chunks_total - self.chunks_reused
            if self.chunks_to_make is None
            else self.chunks_to_make
        )
        if not made:
            return None
        return self.wall_seconds / made * max(0, to_make - made)


@dataclass
class Summary:
    """What a finished run reports (``--json``)."""

    output: str
    audio_seconds: float
    """Duration of the written audiobook, joins and pauses included."""
    wall_seconds: float
    rtf: float
    """wall_seconds / audio_seconds."""
    chunks: int
    device: str
    model: str
    engine: str
    language: str
    speech_seconds: float
    """Seconds of speech the engine made, before trimming, joins and pauses."""
    tokens: int
    loudness_lufs: float | None = None
    peak_dbfs: float | None = None
    stages: dict[str, float] = field(default_factory=dict)
    """Wall seconds per engine stage (conditionals, t3, s3gen, vocoder, other)."""
    engine_stats: dict = field(default_factory=dict)
    """What the engine did: batches, batch size after any OOM halving, cache hits, dtype;
    with several models, counters summed and each model's own under ``by_model``."""
    models: dict[str, int] = field(default_factory=dict)
    """Model name -> chunks it read (``english``, ``multilingual``, ``turbo``)."""
    chunks_synthesized: int = 0
    """Chunks made in this run (equal chunks of the book are made once)."""
    chunks_reused: int = 0
    """Chunks taken from the job's store (an earlier, interrupted or edited run)."""
    suspect_chunks: list[dict] = field(default_factory=list)
    """Chunks the quality gate found suspect: ``{index, reasons, action, final_reasons}``."""
    work_dir: str | None = None
    """The job's work directory (None when the run kept no store)."""

    def to_dict(self) -> dict:
        d = asdict(self)
        for key in ("audio_seconds", "wall_seconds", "rtf", "speech_seconds"):
            d[key] = round(d[key], 3)
        d["stages"] = {k: round(v, 3) for k, v in self.stages.items()}
        return d


def _finite(value: float) -> float | None:
    # silence measures -inf LUFS, which JSON cannot carry
    return round(value, 2) if value is not None and value > float("-inf") else None


class ChunkCountMismatch(TtsgenError):
    """The engine returned a different set of chunks than it was given (a bug, never silent)."""


class _MemoryStore:
    """Stand-in for a job's ``ChunkStore`` when there is no work directory: chunks wait in
    memory until the assembler takes them (tests, benchmarks, library callers)."""

    corrupt = 0

    def __init__(self):
        self._chunks: dict = {}

    def __contains__(self, key) -> bool:
        return key in self._chunks

    def put(self, key, chunk) -> None:
        self._chunks[key] = chunk

    def get(self, key):
        return self._chunks.get(key)


def _bug(problem: str) -> ChunkCountMismatch:
    return ChunkCountMismatch(problem, "report this bug; rerun with --engine stock meanwhile")


def synthesize_book(
    plan,
    engine,
    assembler,
    *,
    device: str,
    model: str,
    output: str,
    keys: list[str] | None = None,
    seeds: list[int] | None = None,
    work=None,
    fresh: bool = False,
    gate=None,
) -> Generator[Progress, None, Summary]:
    """Speak every chunk of ``plan`` with ``engine`` into the open ``assembler``.

    ``keys``: each chunk's content key (``tts_cli.jobs.keys``; default: its index);
    ``seeds``: each chunk's own random seed (default: none, the engine's shared stream);
    ``work``: an open ``WorkDir``: chunks already in its store are reused (unless ``fresh``)
    and every new chunk is stored as soon as it is made; ``gate(requests, speak)``: the
    quality gate, which yields one checked take per request (default: every take as is).

    Yields a ``Progress`` after each chunk made; the generator's return value is the
    ``Summary`` (``yield from`` it, or catch ``StopIteration.value``). Chunks reach the
    assembler in plan order, each as soon as it and every chunk before it are stored.
    """
    chunks = list(plan.chunks)
    total = len(chunks)
    keys = keys if keys is not None else [f"chunk-{c.index}" for c in chunks]
    if len(keys) != total or (seeds is not None and len(seeds) != total):
        raise ValueError("need one key (and one seed) per chunk")
    store = work.store if work is not None else _MemoryStore()
    chapter_titles = {c.first_chunk: c.title for c in plan.chapters}
    sample_rate = engine.sample_rate_hz
    start = time.perf_counter()

    # 1. what is stored already (a damaged chunk counts as missing and is made again)
    have: set[str] = set()
    if work is not None and not fresh:
        for key in dict.fromkeys(keys):
            if key in store and store.get(key) is not None:
                have.add(key)
    reused = sum(1 for k in keys if k in have)
    uses: dict[str, int] = {}
    for k in keys:
        uses[k] = uses.get(k, 0) + 1
    stored = reused
    todo = chunk_requests(chunks, keys, seeds, have)
    key_of = {r.index: k for k, r in todo.items()}
    if work is not None:
        work.start(keys, total_stored=reused)

    # 2. make what is missing, storing each chunk; assemble in plan order as they land
    state = _Assembly(chunks, keys, store, assembler, chapter_titles, sample_rate)
    state.advance(have)
    made = 0
    speech_samples = 0
    tokens = 0
    requests = list(todo.values())
    stream = takes(engine, requests, gate)
    try:
        for take in stream:
            key = key_of.get(take.index)
            if key is None or key in have:
                raise _bug(f"engine returned chunk {take.index}, which was not asked for")
            store.put(key, stored_take(take, sample_rate))
            have.add(key)
            made += 1
            speech_samples += len(take.audio)
            tokens += int(take.tokens)
            state.advance(have)
            if work is not None:
                stored += uses[key]
                work.progress(stored)
            yield Progress(
                state.next,
                total,
                speech_samples / sample_rate,
                time.perf_counter() - start,
                chunks_reused=reused,
                chunks_made=made,
                chunks_to_make=len(requests),
            )
    finally:
        close = getattr(stream, "close", None)
        if close is not None:
            close()
    if made != len(requests):
        raise _bug(f"engine returned {made} of {len(requests)} chunks")
    if state.next != total:
        raise _bug(f"{total - state.next} chunks are missing after synthesis")
    if work is not None:
        work.progress(total, force=True)
    result = assembler.close()
    wall = time.perf_counter() - start
    audio_seconds = result.duration_s
    return Summary(
        output=str(output if output == "-" else Path(output)),
        audio_seconds=audio_seconds,
        wall_seconds=wall,
        rtf=wall / audio_seconds if audio_seconds else float("inf"),
        chunks=total,
        device=device,
        model=model,
        engine=engine.name,
        language=plan.language,
        speech_seconds=state.speech_samples / sample_rate,
        tokens=state.tokens,
        loudness_lufs=_finite(result.integrated_lufs),
        peak_dbfs=_finite(result.peak_dbfs),
        stages=dict(engine.stage_seconds),
        engine_stats=jsonable_stats(getattr(engine, "stats", {})),
        models=state.models,
        chunks_synthesized=made,
        chunks_reused=reused,
        suspect_chunks=state.suspects,
        work_dir=None if work is None else str(work.path),
    )


def chunk_requests(chunks, keys: list[str], seeds: list[int] | None, have: set[str]) -> dict:
    """Content key -> ``SynthesisRequest`` of each chunk not in ``have``, in plan order; equal
    chunks (one key) are spoken once."""
    from tts_cli.engine.base import SynthesisRequest

    todo: dict = {}
    for i, (c, key) in enumerate(zip(chunks, keys, strict=True)):
        if key not in have and key not in todo:
            todo[key] = SynthesisRequest(
                index=c.index,
                text=c.text,
                max_new_tokens=c.max_new_tokens,
                language=c.language,
                model=getattr(c, "model", None),
                seed=None if seeds is None else seeds[i],
            )
    return todo


def takes(engine, requests: list, gate=None):
    """One take per request, in request order: through the quality gate when there is one
    (the Ray workers speak their batches through this too)."""
    return gate(requests, engine) if gate is not None else _plain(engine, requests)


def stored_take(take, sample_rate_hz: int):
    """A take as the store keeps it (``StoredChunk``), with what the quality gate found."""
    from tts_cli.jobs.store import StoredChunk

    reasons = tuple(getattr(take, "reasons", ()) or ())
    action = getattr(take, "action", None)
    first = tuple(getattr(take, "first_reasons", ()) or ())
    if action in ("retried", "split"):  # fixed: the gate's reasons are the first take's
        first, reasons = reasons, ()
    return StoredChunk(
        audio=take.audio,
        sample_rate_hz=sample_rate_hz,
        tokens=int(take.tokens),
        stopped=getattr(take, "stopped", None),
        reasons=reasons,
        action=action,
        first_reasons=first,
    )


def _plain(engine, requests):
    """Every take as the engine made it, checked only for order and count."""
    expected = iter(requests)
    for take in engine.synthesize(requests):
        want = next(expected, None)
        if want is None:
            raise _bug(f"engine returned more than the {len(requests)} chunks it was given")
        if take.index != want.index:
            raise _bug(f"engine returned chunk {take.index} where chunk {want.index} was due")
        yield take


class _Assembly:
    """Feeds stored chunks to the assembler in plan order, as far as they are available."""

    def __init__(self, chunks, keys, store, assembler, chapter_titles, sample_rate):
        self.chunks, self.keys, self.store = chunks, keys, store
        self.assembler, self.titles, self.rate = assembler, chapter_titles, sample_rate
        self.next = 0
        self.speech_samples = 0
        self.tokens = 0
        self.models: dict[str, int] = {}
        self.suspects: list[dict] = []
        self._last_use = {k: i for i, k in enumerate(keys)}

    def advance(self, have: set[str]) -> None:
        while self.next < len(self.chunks) and self.keys[self.next] in have:
            chunk, key = self.chunks[self.next], self.keys[self.next]
            stored = self.store.get(key)
            if stored is None:
                raise _bug(f"stored chunk {chunk.index} vanished before assembly")
            if isinstance(self.store, _MemoryStore) and self._last_use[key] == self.next:
                self.store._chunks.pop(key, None)  # memory stays flat without a work dir
            self.assembler.add(
                stored.audio,
                pause_after=chunk.pause_after,
                text=chunk.text,
                chapter_title=self.titles.get(chunk.index),
            )
            self.speech_samples += len(stored.audio)
            self.tokens += stored.tokens
            name = getattr(chunk, "model", None)
            if name is not None:
                self.models[name] = self.models.get(name, 0) + 1
            if stored.first_reasons or stored.reasons:
                self.suspects.append(
                    {
                        "index": chunk.index,
                        "reasons": list(stored.first_reasons or stored.reasons),
                        "action": stored.action or "reported",
                        "final_reasons": list(stored.reasons),
                    }
                )
            self.next += 1


_SCALARS = (bool, int, float, str, type(None))


def jsonable_stats(stats: dict) -> dict:
    """Scalars, lists of scalars and dicts of those as they are; anything else as its string."""

    def value(v):
        if isinstance(v, _SCALARS):
            return v
        if isinstance(v, (list, tuple)) and all(isinstance(x, _SCALARS) for x in v):
            return list(v)
        if isinstance(v, dict):
            return {str(k): value(x) for k, x in v.items()}
        return str(v)

    return {k: value(v) for k, v in stats.items()}
