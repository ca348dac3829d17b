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

    @property
    def rtf(self) -> float:
        """Real-time factor: wall seconds per audio second (below 1 is faster than realtime)."""
        return self.wall_seconds / self.audio_seconds if self.audio_seconds else float("inf")

    @property
    def eta_seconds(self) -> float | None:
        """Remaining wall seconds, assuming the chunks left cost what the ones done cost."""
        if not self.chunks_done:
            return None
        return self.wall_seconds / self.chunks_done * (self.chunks_total - self.chunks_done)


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


def synthesize_book(
    plan, engine, assembler, *, device: str, model: str, output: str
) -> Generator[Progress, None, Summary]:
    """Speak every chunk of ``plan`` with ``engine`` into the open ``assembler``.

    Yields a ``Progress`` after each chunk; the generator's return value is the ``Summary``
    (``yield from`` it, or catch ``StopIteration.value``). Chunks reach the assembler in plan
    order, so a crash leaves everything finished so far in the assembler's work file.
    """
    chunks = list(plan.chunks)
    total = len(chunks)
    models: dict[str, int] = {}
    chapter_titles = {c.first_chunk: c.title for c in plan.chapters}
    sample_rate = engine.sample_rate_hz
    start = time.perf_counter()
    speech_samples = 0
    tokens = 0
    done = 0
    stream = engine.synthesize(chunks)
    try:
        # drain the engine: its own end-of-run work (final cleanup, stats) runs now, and
        # an extra chunk is caught rather than ignored
        for spoken in stream:
            if done == total:
                raise ChunkCountMismatch(
                    f"engine returned more than the {total} chunks it was given",
                    "report this bug; rerun with --engine stock meanwhile",
                )
            chunk = chunks[done]
            if spoken.index != chunk.index:
                raise ChunkCountMismatch(
                    f"engine returned chunk {spoken.index} where chunk {chunk.index} was due",
                    "report this bug; rerun with --engine stock meanwhile",
                )
            assembler.add(
                spoken.audio,
                pause_after=chunk.pause_after,
                text=chunk.text,
                chapter_title=chapter_titles.get(chunk.index),
            )
            speech_samples += len(spoken.audio)
            tokens += spoken.tokens
            name = getattr(chunk, "model", None)
            if name is not None:
                models[name] = models.get(name, 0) + 1
            done += 1
            yield Progress(done, total, speech_samples / sample_rate, time.perf_counter() - start)
    finally:
        close = getattr(stream, "close", None)
        if close is not None:
            close()
    if done != total:
        raise ChunkCountMismatch(
            f"engine returned {done} of {total} chunks",
            "report this bug; rerun with --engine stock meanwhile",
        )
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
        speech_seconds=speech_samples / sample_rate,
        tokens=tokens,
        loudness_lufs=_finite(result.integrated_lufs),
        peak_dbfs=_finite(result.peak_dbfs),
        stages=dict(engine.stage_seconds),
        engine_stats=_jsonable(getattr(engine, "stats", {})),
        models=models,
    )


_SCALARS = (bool, int, float, str, type(None))


def _jsonable(stats: dict) -> dict:
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
