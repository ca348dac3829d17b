"""The pipeline's contract with engines and the assembler, with a fake engine (the model is
not what these tests are about), and the progress line."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pytest
import soundfile as sf

from tts_cli.audio import Assembler, AssemblyOptions
from tts_cli.engine.base import ChunkAudio
from tts_cli.pipeline import ChunkCountMismatch, Progress, synthesize_book
from tts_cli.progress import format_progress

RATE = 24_000


@dataclass
class FakeChunk:
    index: int
    text: str
    pause_after: str
    language: str = "en"
    max_new_tokens: int = 50


@dataclass
class FakeChapter:
    title: str
    first_chunk: int


@dataclass
class FakePlan:
    chunks: list
    chapters: list
    language: str = "en"


class ToneEngine:
    """Each chunk is ``tokens`` x 960 samples of a tone; can drop or reorder chunks on request."""

    name = "tone"
    sample_rate_hz = RATE

    def __init__(self, drop: int | None = None, swap: bool = False, extra: bool = False):
        self.stage_seconds = {"t3": 0.5}
        self.drop, self.swap, self.extra = drop, swap, extra
        self.stats = {"batches": 0}

    def synthesize(self, requests):
        out = []
        for r in requests:
            tokens = 10 + r.index
            t = np.arange(tokens * 960) / RATE
            out.append(
                ChunkAudio(r.index, (0.3 * np.sin(2 * np.pi * 220 * t)).astype(np.float32), tokens)
            )
        if self.swap:
            out[0], out[1] = out[1], out[0]
        if self.extra:
            out.append(ChunkAudio(len(out), np.zeros(960, dtype=np.float32), 1))
        for c in out:
            if c.index != self.drop:
                yield c
        self.stats["batches"] = 1  # end-of-run work, after the last chunk was handed out


def plan_of(n: int) -> FakePlan:
    kinds = ["chunk", "paragraph", "chapter"]
    chunks = [
        FakeChunk(i, f"Chunk number {i}.", kinds[i % 3] if i < n - 1 else "end") for i in range(n)
    ]
    return FakePlan(chunks, [FakeChapter("One", 0), FakeChapter("Two", 3)])


def run(plan, engine, out):
    options = AssemblyOptions(trim=False, loudness_lufs=None)
    events = []
    with Assembler(
        out, options, RATE, chapters=[(c.title, c.first_chunk) for c in plan.chapters]
    ) as asm:
        steps = synthesize_book(plan, engine, asm, device="cpu", model="fake", output=str(out))
        while True:
            try:
                events.append(next(steps))
            except StopIteration as stop:
                return events, stop.value


def test_every_chunk_reaches_the_file_in_order_with_progress(tmp_path):
    out = tmp_path / "book.wav"
    events, summary = run(plan_of(5), ToneEngine(), out)
    assert [e.chunks_done for e in events] == [1, 2, 3, 4, 5]
    assert all(e.chunks_total == 5 for e in events)
    tokens = sum(10 + i for i in range(5))
    assert summary.tokens == tokens and summary.chunks == 5
    assert summary.speech_seconds == pytest.approx(tokens * 960 / RATE)
    assert events[-1].audio_seconds == pytest.approx(summary.speech_seconds)
    audio, rate = sf.read(str(out))
    assert rate == RATE
    assert len(audio) / RATE == pytest.approx(summary.audio_seconds, abs=1e-3)
    assert summary.stages == {"t3": 0.5}


def test_a_lost_chunk_is_an_error_and_writes_nothing(tmp_path):
    out = tmp_path / "book.wav"
    with pytest.raises(ChunkCountMismatch, match="returned 4 of 5 chunks"):
        run(plan_of(5), ToneEngine(drop=4), out)
    assert list(tmp_path.iterdir()) == []


def test_an_extra_chunk_is_an_error_and_writes_nothing(tmp_path):
    with pytest.raises(ChunkCountMismatch, match="more than the 3 chunks it was given"):
        run(plan_of(3), ToneEngine(extra=True), tmp_path / "book.wav")
    assert list(tmp_path.iterdir()) == []


def test_engine_runs_to_its_end_so_its_final_stats_reach_the_summary(tmp_path):
    """Regression: the pipeline stopped pulling after the last chunk, so the fast engine's
    end-of-batch work never ran and the summary said ``"batches": 0``."""
    engine = ToneEngine()
    _, summary = run(plan_of(4), engine, tmp_path / "book.wav")
    assert summary.engine_stats == {"batches": 1}


def test_chunks_out_of_order_are_an_error(tmp_path):
    with pytest.raises(ChunkCountMismatch, match="chunk 1 where chunk 0 was due"):
        run(plan_of(3), ToneEngine(swap=True), tmp_path / "book.wav")
    assert list(tmp_path.iterdir()) == []


def test_progress_line_shows_rtf_realtime_and_eta():
    p = Progress(chunks_done=3, chunks_total=12, audio_seconds=30.0, wall_seconds=15.0)
    assert p.rtf == 0.5 and p.eta_seconds == 45.0
    assert format_progress(p) == "3/12 chunks | 30.0 s audio | RTF 0.50 (2.0x realtime) | ETA 0:45"
    first = Progress(0, 12, 0.0, 1.0)
    assert first.eta_seconds is None
    assert format_progress(first) == "0/12 chunks | 0.0 s audio | RTF - | ETA -"
