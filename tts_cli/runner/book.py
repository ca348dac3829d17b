"""One book, start to finish: its work directory (lock, manifest, store, stale temp files),
its chunks spoken through the quality gate into the assembler, progress on stderr.

The work directory is kept after success (removed with ``--clean``) and always after a
failure or a stop, so the same command resumes where it ended.
"""

from __future__ import annotations

import contextlib
import dataclasses
import logging
from dataclasses import replace
from pathlib import Path

from tts_cli.runner.request import RunRequest

logger = logging.getLogger("tts_cli.runner")


def work_dir_of(req: RunRequest, book, batch: bool) -> Path | str:
    """Where a book's chunks are stored: ``--work-dir`` (a folder or a URL; one folder per
    output inside it in batch mode), else beside the output."""
    from tts_cli.jobs import default_work_dir
    from tts_cli.jobs.storage import join, location_of

    if req.work_dir is None:
        return default_work_dir(book.output, book.input)
    where = location_of(req.work_dir)
    return join(where, f"{Path(book.output).name}.ttsgen") if batch else where


def work_of(req: RunRequest, book, batch: bool):
    """The book's ``WorkDir`` (not yet open: ``with`` takes its lock); None for stdin to
    stdout without ``--work-dir`` (a pipe is not resumed, and two pipes must not share
    one folder's lock)."""
    from tts_cli.jobs import WorkDir

    if book.input == "-" and book.output == "-" and req.work_dir is None:
        return None
    output = book.output
    ident = "-" if output == "-" else str(Path(output).expanduser().resolve())
    return WorkDir(work_dir_of(req, book, batch), book=book.input, output=ident, fresh=req.fresh)


def chunk_keys(plan, keysets: dict) -> list[str]:
    """Each chunk's content key, from its model's shared part and its own text."""
    return [keysets[c.model].key(c) for c in plan.chunks]


def speak_book(
    req: RunRequest,
    book,
    plan,
    engine,
    assembly,
    *,
    device: str,
    model: str,
    keysets: dict,
    gate_options,
    batch: bool,
):
    """Synthesise and write one book; returns its ``Summary``.

    A stop signal (``Interrupted``) or ``KeyboardInterrupt`` leaves with ``work_dir``,
    ``stored`` and ``total`` set on the exception, for the CLI's resume message."""
    from tts_cli.audio import Assembler
    from tts_cli.jobs import chunk_seed
    from tts_cli.jobs.signals import Interrupted
    from tts_cli.jobs.workdir import temp_files_of
    from tts_cli.pipeline import synthesize_book
    from tts_cli.progress import ProgressView

    if assembly.title is None and getattr(plan, "title", None):
        assembly = replace(assembly, title=plan.title)
    if assembly.author is None and getattr(plan, "author", None):
        assembly = replace(assembly, author=plan.author)
    chapters = [(c.title, c.first_chunk) for c in plan.chapters]
    output = book.output if book.output == "-" else Path(book.output)
    keys = chunk_keys(plan, keysets)
    seeds = [chunk_seed(k) for k in keys]
    work = work_of(req, book, batch)
    with work if work is not None else contextlib.nullcontext():
        if output != "-":
            subtitles = Path(assembly.subtitles) if assembly.subtitles else None
            stale = temp_files_of(Path(output), subtitles)
            for p in stale:
                p.unlink(missing_ok=True)
            if stale:
                logger.info("removed %d temp files of an earlier, stopped run", len(stale))
        try:
            with Assembler(
                output, assembly, sample_rate_hz=engine.sample_rate_hz, chapters=chapters
            ) as assembler:
                steps = synthesize_book(
                    plan,
                    engine,
                    assembler,
                    device=device,
                    model=model,
                    output=book.output,
                    keys=keys,
                    seeds=seeds,
                    work=work,
                    fresh=req.fresh,
                    gate=quality_gate(gate_options),
                )
                with ProgressView(total=len(plan.chunks), enabled=not req.quiet) as view:
                    while True:
                        try:
                            view.update(next(steps))
                        except StopIteration as stop:
                            summary = stop.value
                            break
        except (Interrupted, KeyboardInterrupt) as stop:
            if work is not None:
                stored = _finish(work, "interrupted", keys)
                stop.book, stop.work_dir, stop.stored, stop.total = (
                    book.input,
                    str(work.path),
                    stored,
                    len(keys),
                )
            raise
        except BaseException:
            _finish(work, "failed", keys)
            raise
        _finish(work, "done", keys)
    if req.clean and work is not None:
        work.remove()
        summary.work_dir = None
    return summary


def _finish(work, status: str, keys: list[str]) -> int:
    """Record how the run ended in the manifest; returns the chunks stored."""
    if work is None:
        return 0
    try:
        stored = work.store.count(keys)
    except OSError:  # the work directory itself is gone
        stored = 0
    work.finish(status, stored)
    return stored


def quality_gate(options):
    """``gate(requests, engine)`` for the pipeline: each chunk checked, suspect ones spoken
    again (``--retries``) or split; None leaves every take as the engine made it.

    An engine with ``submit_batch`` (``RoutedEngine``, every run's) is spoken through it, one
    batch ahead: the next batch decodes while this one's host work finishes (see
    ``quality.retry``); its run is started and finished around the gate, so its worker
    threads stop however the gate ends."""
    if options is None:
        return None
    from tts_cli.quality import gate

    def run(requests, engine):
        inner = getattr(engine, "engines", None) or {"": engine}
        batch = sum(max(1, int(getattr(e, "batch_size", 1))) for e in inner.values())
        submit = getattr(engine, "submit_batch", None)
        if submit is not None:
            chunks = gate(
                requests, submit, options, batch_size=batch, sample_rate_hz=engine.sample_rate_hz
            )
            return _in_run(engine, chunks)

        def speak(reqs):
            # the pieces of a split chunk share its index: the engine gets them numbered
            numbered = [dataclasses.replace(r, index=k) for k, r in enumerate(reqs)]
            takes = list(engine.synthesize(numbered))
            return [dataclasses.replace(t, index=r.index) for t, r in zip(takes, reqs, strict=True)]

        return gate(
            requests, speak, options, batch_size=batch, sample_rate_hz=engine.sample_rate_hz
        )

    return run


def _in_run(engine, chunks):
    """``chunks`` with the engine's run started before the first and finished after the
    last, or when the caller stops early, or on an error."""
    start, finish = getattr(engine, "start", None), getattr(engine, "finish", None)
    if start is not None:
        start()
    try:
        yield from chunks
    finally:
        if finish is not None:
            finish()
