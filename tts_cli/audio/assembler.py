"""Streaming audiobook assembly: chunks in, one finished file out.

Each chunk is trimmed and joined to the previous one as it arrives (see
``joins``); everything but the last chunk's un-faded tail (at most one
crossfade) goes straight to an intermediate float32 file next to the output,
and the loudness meter sees each sample as it is written. ``close()`` then
reads that file back once, applies the normalising gain and the peak limiter,
and streams the result into the encoder, which writes a temporary file that
is renamed over the output only when everything succeeded. Memory does not
grow with the length of the book; only a few numbers per chunk are kept.
"""

from __future__ import annotations

import logging
import math
import os
import secrets
import sys
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..errors import OutputError
from . import joins
from .encode import Tags, add_vorbis_chapters, embed_cover, open_sink, remove_quietly
from .formats import format_for
from .loudness import LoudnessMeter, PeakLimiter, db_to_gain, gain_to_db
from .options import PAUSE_KINDS, AssemblyOptions, check_output
from .subtitles import Cue, render, subtitle_kind

log = logging.getLogger(__name__)

READ_BLOCK_SAMPLES = 1 << 16  # samples per read in the final pass (256 KiB of float32)
CEILING_MARGIN_DB = 0.1  # keeps the ceiling clear of PCM rounding
LOSSY_HEADROOM_DB = 1.0  # lossy decoders overshoot sample peaks; measured < 1 dB for speech


@dataclass(frozen=True)
class ChunkPlacement:
    """Where one chunk landed in the output, in samples; ``end`` is exclusive.

    Fades included: the chunk's audible span is ``start``..``end``. Neighbours
    overlap only when the pause between them is shorter than the crossfade.
    """

    index: int
    trimmed_samples: int  # the chunk's length after trimming
    start_sample: int
    end_sample: int
    text: str


@dataclass(frozen=True)
class ChapterMark:
    """A chapter starts where its first chunk starts."""

    title: str
    start_sample: int
    start_s: float


@dataclass(frozen=True)
class Join:
    """The join after a chunk: it adds ``pause_samples - crossfade_samples`` samples."""

    pause_samples: int
    crossfade_samples: int


@dataclass(frozen=True)
class AssemblyResult:
    """What was written, measured on the samples that went into the encoder."""

    output: Path | str  # "-" for stdout
    sample_rate_hz: int
    samples: int  # = sum(trimmed_samples) + sum(pauses) - sum(crossfades)
    duration_s: float
    integrated_lufs: float  # of the output; -inf for silence
    input_lufs: float  # of the joined audio before gain
    gain_db: float  # static gain applied before the limiter
    peak_dbfs: float  # sample peak of the output
    limited_ms: float  # how much of the book the peak limiter touched
    chapters: tuple[ChapterMark, ...]
    chunks: tuple[ChunkPlacement, ...]
    joins: tuple[Join, ...]
    subtitles: Path | None


class Assembler:
    """Context manager that turns chunks, added in order, into one audio file.

    ``chapters`` lists ``(title, first_chunk_index)`` pairs (or objects with
    ``.title`` and ``.first_chunk``, like the text plan's chapters); a chunk can
    also open a chapter with ``add(..., chapter_title=...)``. Leaving the block
    with an exception deletes every temporary file and leaves an existing
    output untouched; leaving it normally calls ``close()``.
    """

    def __init__(
        self,
        output: Path | str,
        options: AssemblyOptions | None = None,
        sample_rate_hz: int = 24000,
        chapters: Iterable[tuple[str, int]] | None = None,
    ) -> None:
        self.options = options or AssemblyOptions()
        check_output(output, self.options)
        self._to_stdout = str(output) == "-"
        self._output: Path | str = "-" if self._to_stdout else Path(output)
        self._format = format_for(".wav" if self._to_stdout else self._output.suffix)
        self.sample_rate_hz = int(sample_rate_hz)
        self._crossfade = int(round(self.options.crossfade_ms * self.sample_rate_hz / 1000))
        self._pauses = {
            "chunk": self._ms(self.options.pause_chunk_ms),
            "paragraph": self._ms(self.options.pause_paragraph_ms),
            "chapter": self._ms(self.options.pause_chapter_ms),
            "end": self._ms(self.options.pause_chapter_ms),  # only used if chunks follow an "end"
        }
        self._chapter_titles: dict[int, str] = {}
        for chapter in chapters or ():
            title, first = (
                (chapter.title, chapter.first_chunk) if hasattr(chapter, "first_chunk") else chapter
            )
            self._chapter_titles[int(first)] = str(title)
        folder = Path(tempfile.gettempdir()) if self._to_stdout else self._output.parent
        # next to the output, not in /tmp: ten hours are 3.5 GB, and /tmp is often RAM
        name = "stdout" if self._to_stdout else self._output.name
        self._raw_file = tempfile.NamedTemporaryFile(
            mode="w+b", dir=folder, prefix=f".{name}.", suffix=".ttsgen.f32", delete=False
        )
        self._raw_path = Path(self._raw_file.name)
        self._meter = LoudnessMeter(self.sample_rate_hz)
        self._written = 0  # samples committed to the intermediate file
        self._held = np.zeros(0, dtype=np.float32)  # last chunk's unfaded tail
        self._held_chunk_len = 0  # trimmed length of the chunk that owns the tail
        # pause before the next audible chunk; None until the first one
        self._pause_next: int | None = None
        self._chunks: list[ChunkPlacement] = []
        self._waiting: list[tuple[int, str]] = []  # empty chunks placed at the next audible start
        self._joins: list[Join] = []
        self._temp_paths: list[Path] = []
        self._sink = None
        self._closed = False
        self.result: AssemblyResult | None = None  # set by close()

    @property
    def samples_written(self) -> int:
        """Samples already on disk in the intermediate file."""
        return self._written

    @property
    def samples_so_far(self) -> int:
        """Length of the book so far, including the tail held back for the next crossfade."""
        return self._written + self._held.size

    def _ms(self, ms: float) -> int:
        return int(round(ms * self.sample_rate_hz / 1000))

    # -- streaming ---------------------------------------------------------------------------

    def _commit(self, audio: np.ndarray) -> None:
        if audio.size:
            try:
                self._raw_file.write(audio.astype("<f4", copy=False).tobytes())
            except OSError as exc:
                raise OutputError(
                    f"cannot write intermediate audio {self._raw_path}: {exc.strerror}",
                    "free some disk space in the output folder",
                ) from None
            self._meter.add(audio)
            self._written += audio.size

    def add(
        self,
        audio: np.ndarray,
        pause_after: str = "chunk",
        text: str = "",
        chapter_title: str | None = None,
    ) -> None:
        """Append the next chunk (float mono at ``sample_rate_hz``); ``pause_after`` is
        chunk|paragraph|chapter|end and sets the silence before the following chunk."""
        if self._closed:
            raise RuntimeError("Assembler.add() after close()")
        if pause_after not in PAUSE_KINDS:
            raise ValueError(
                f"pause_after must be one of {', '.join(PAUSE_KINDS)}, not {pause_after!r}"
            )
        audio = np.asarray(audio)
        if audio.ndim == 2 and 1 in audio.shape:
            audio = audio.reshape(-1)
        if audio.ndim != 1:
            raise ValueError(f"chunk audio must be mono (1-D), got shape {audio.shape}")
        if not np.all(np.isfinite(audio)):
            raise ValueError("chunk audio contains NaN or infinity")
        index = len(self._chunks) + len(self._waiting)
        if chapter_title is not None:
            self._chapter_titles[index] = chapter_title
        chunk = joins.prepare_chunk(audio, self.sample_rate_hz, self.options.trim)
        pause = self._pauses[pause_after]
        if chunk.size == 0:
            log.warning("chunk %d is silent after trimming; it adds only its pause", index)
            self._waiting.append((index, text))
            if self._pause_next is not None:
                self._pause_next = max(self._pause_next, pause)
            return

        hold = min(self._crossfade, chunk.size // 2)  # tail kept back for the next join
        if self._pause_next is None:  # the book's first sound fades in from silence
            head_len = hold
            chunk[:head_len] *= joins.fade_in(head_len)
            start = self._written
            self._commit(chunk[: chunk.size - hold])
        else:
            c = joins.crossfade_samples(self._crossfade, self._held_chunk_len, chunk.size)
            self._commit(self._held[: self._held.size - c])
            start = self._written + self._pause_next
            region = joins.join(self._held[self._held.size - c :], chunk[:c], self._pause_next)
            self._commit(region)
            self._commit(chunk[c : chunk.size - hold])
            self._joins.append(Join(self._pause_next, c))
        self._held = chunk[chunk.size - hold :].copy()
        self._held_chunk_len = chunk.size
        self._pause_next = pause
        for waiting_index, waiting_text in self._waiting:
            self._chunks.append(ChunkPlacement(waiting_index, 0, start, start, waiting_text))
        self._waiting.clear()
        self._chunks.append(ChunkPlacement(index, chunk.size, start, start + chunk.size, text))

    def _finish_stream(self) -> None:
        """Fade the book's last sound out to silence and flush the intermediate file."""
        self._commit(self._held * joins.fade_out(self._held.size))
        self._held = np.zeros(0, dtype=np.float32)
        for waiting_index, waiting_text in self._waiting:
            self._chunks.append(
                ChunkPlacement(waiting_index, 0, self._written, self._written, waiting_text)
            )
        self._waiting.clear()
        self._raw_file.flush()

    # -- finishing ---------------------------------------------------------------------------

    def _chapter_marks(self) -> tuple[ChapterMark, ...]:
        marks: list[ChapterMark] = []
        for index, title in sorted(self._chapter_titles.items()):
            if index >= len(self._chunks):
                continue  # a chapter whose chunks never came
            start = self._chunks[index].start_sample
            if marks and marks[-1].start_sample == start:
                marks.pop()  # an empty chapter: the later title wins
            marks.append(ChapterMark(title, start, start / self.sample_rate_hz))
        return tuple(marks)

    def _temp_path_for(self, path: Path) -> Path:
        temp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.part")
        self._temp_paths.append(temp)
        return temp

    def close(self) -> AssemblyResult:
        """Finish the book: normalise, encode, and move the file into place.

        Calling it again returns the same result.
        """
        if self.result is not None:
            return self.result
        if self._closed:
            raise RuntimeError("Assembler.close() after the assembly failed or was aborted")
        self._closed = True
        try:
            self.result = self._close()
            return self.result
        except BaseException:
            self._cleanup()
            raise

    def _close(self) -> AssemblyResult:
        options = self.options
        self._finish_stream()
        total = self._written
        input_lufs = self._meter.integrated_lufs()
        gain_db = 0.0
        if options.loudness_lufs is not None and math.isfinite(input_lufs):
            gain_db = options.loudness_lufs - input_lufs
        ceiling_db = (
            options.peak_dbfs
            - CEILING_MARGIN_DB
            - (LOSSY_HEADROOM_DB if self._format.lossy else 0.0)
        )
        limiter = PeakLimiter(self.sample_rate_hz, db_to_gain(gain_db), db_to_gain(ceiling_db))
        chapters = self._chapter_marks()
        tags = Tags(
            options.title,
            options.author,
            tuple(
                (
                    mark.title,
                    mark.start_sample,
                    chapters[i + 1].start_sample if i + 1 < len(chapters) else total,
                )
                for i, mark in enumerate(chapters)
            ),
        )
        target = None if self._to_stdout else self._temp_path_for(self._output)
        self._sink = open_sink(
            target,
            self._format,
            self.sample_rate_hz,
            total,
            options.sample_format,
            tags,
            stdout=sys.stdout.buffer if self._to_stdout else None,
            display_name=None if self._to_stdout else self._output.name,
        )
        out_meter = LoudnessMeter(self.sample_rate_hz)
        peak = 0.0

        def emit(block: np.ndarray) -> None:
            nonlocal peak
            if block.size:
                self._sink.write(block)
                out_meter.add(block)
                peak = max(peak, float(np.abs(block).max()))

        self._raw_file.seek(0)
        while True:
            data = self._raw_file.read(READ_BLOCK_SAMPLES * 4)
            if not data:
                break
            emit(limiter.process(np.frombuffer(data, dtype="<f4")))
        emit(limiter.flush())
        self._sink.finish()
        self._sink = None
        if target is not None and options.cover is not None:
            if self._format.cover:
                embed_cover(target, self._format, Path(options.cover))
            else:
                log.warning(
                    "%s files cannot hold a cover image; --cover ignored", self._format.name
                )
        if target is not None and self._format.muxer == "ogg" and tags.chapters:
            add_vorbis_chapters(target, tags.chapters, self.sample_rate_hz)
        subtitles = Path(options.subtitles) if options.subtitles is not None else None
        if subtitles is not None:
            self._write_subtitles(subtitles)
        if target is not None:
            os.replace(target, self._output)
        self._cleanup()
        return AssemblyResult(
            output=self._output,
            sample_rate_hz=self.sample_rate_hz,
            samples=total,
            duration_s=total / self.sample_rate_hz,
            integrated_lufs=out_meter.integrated_lufs(),
            input_lufs=input_lufs,
            gain_db=gain_db,
            peak_dbfs=gain_to_db(peak),
            limited_ms=limiter.limited_blocks * 5.0,
            chapters=chapters,
            chunks=tuple(self._chunks),
            joins=tuple(self._joins),
            subtitles=subtitles,
        )

    def _write_subtitles(self, path: Path) -> None:
        cues = []
        for i, chunk in enumerate(self._chunks):
            end = chunk.end_sample
            if i + 1 < len(
                self._chunks
            ):  # overlapping neighbours (pause < crossfade): hand over at the next start
                end = min(end, max(chunk.start_sample, self._chunks[i + 1].start_sample))
            cues.append(Cue(chunk.start_sample, end, chunk.text))
        temp = self._temp_path_for(path)
        try:
            temp.write_text(
                render(cues, self.sample_rate_hz, subtitle_kind(path)), encoding="utf-8"
            )
            os.replace(temp, path)
        except OSError as exc:
            raise OutputError(
                f"cannot write subtitles {path}: {exc.strerror}", "check the folder and free space"
            ) from None

    def _cleanup(self) -> None:
        if self._sink is not None:
            self._sink.abort()
            self._sink = None
        self._raw_file.close()
        remove_quietly(self._raw_path)
        for temp in self._temp_paths:
            remove_quietly(temp)
        self._temp_paths.clear()

    def abort(self) -> None:
        """Drop everything written so far; an existing output is left as it was."""
        self._closed = True
        self._cleanup()

    def __enter__(self) -> Assembler:
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is not None:
            if not self._closed:
                self.abort()
            return
        if not self._closed:
            self.close()
