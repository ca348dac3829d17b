"""What one ``ttsgen`` invocation does, in order: check every option, plan each book, route
each chunk to its model, then (unless ``--dry-run``) check what those models need, load
each needed model once for all the books, and speak each book into its output.

* ``request``: ``RunRequest``, the command line's values;
* ``checks``: every option checked before anything big is read or any model loads;
* ``models``: the models the plans need, loaded once, and their chunks' key parts;
* ``book``: one book through its work directory, the quality gate and the assembler;
* ``report``: notes, the plan table, the batch summary.

In batch mode (several inputs, or ``-o DIR/``) a book that fails is reported and the
others go on; the summary lists the failures and the exit code is 6.
"""

from __future__ import annotations

import logging
import time

from tts_cli.errors import TtsgenError
from tts_cli.runner.checks import DEFAULT_RETRIES, check_request
from tts_cli.runner.report import EXIT_SOME_FAILED, note
from tts_cli.runner.request import ENGINES, RunRequest

logger = logging.getLogger("tts_cli.runner")

__all__ = ["DEFAULT_RETRIES", "ENGINES", "EXIT_SOME_FAILED", "RunRequest", "execute"]


def execute(req: RunRequest) -> dict | None:
    """Run one request; returns the JSON-able summary (or plan, with ``--dry-run``).

    One book: its ``Summary`` as a dict. Several: ``report.batch_result`` (``exit_code``
    is 6 when some failed)."""
    from tts_cli.models.routing import route_plan
    from tts_cli.runner import report
    from tts_cli.text import plan_document, read_document

    # 1. options, all before reading anything big or loading any model
    checked = check_request(req)
    batch = checked.batch
    started = time.perf_counter()

    # 2. each text, and which model reads each chunk; in batch mode a book that cannot be
    # read is reported and the others go on
    planned: list = []
    failed: list[dict] = []
    for book in checked.books:
        try:
            document = read_document(book.input, checked.read)
            planned.append((book, route_plan(plan_document(document, checked.plan), req.model)))
        except TtsgenError as err:
            if not batch:
                raise
            failed.append(report.failure(book, err))
    if req.dry_run:
        return report.dry_run(req, planned, failed, batch)
    if batch:
        _check_outputs(req, checked, planned)
    planned = _check_work_dirs(req, planned, failed, batch)
    if not planned:
        return report.batch_result([], failed, time.perf_counter() - started)
    if req.ray is not None:  # the same plans, spoken by a Ray cluster's workers
        from tts_cli.cluster.driver import run_on_ray

        return run_on_ray(req, checked, planned, failed, started)

    # 3. the device, what the models need, checked before any of them loads; then each
    # needed model is loaded once for all the books
    from tts_cli.engine.device import resolve_device, resolve_dtype
    from tts_cli.runner.models import key_sets, make_engines, prepare_models

    device = resolve_device(req.device)
    dtype = resolve_dtype(req.dtype, device)
    if req.device == "auto":
        note(req, f"device: {device} (auto)")
    plans = [p for _, p in planned]
    folders = prepare_models(req, plans, checked.model_dirs, checked.generation)
    engine = make_engines(req, folders, device, dtype, checked.generation, checked.engine)
    try:
        keysets = key_sets(req, folders, checked.generation, device, engine, checked.gate)
        results = _speak_books(req, checked, planned, engine, device, folders, keysets, failed)
    finally:
        engine.close()
    if batch:
        return report.batch_result(results, failed, time.perf_counter() - started)
    return results[0]


def _check_outputs(req: RunRequest, checked, planned: list) -> None:
    """Batch mode: the output folder exists and every book's output is one we can write."""
    from tts_cli.audio import check_output
    from tts_cli.runner.checks import book_assembly

    _make_folder(req.output)
    for book, _ in planned:
        check_output(book.output, book_assembly(checked.assembly, book, True))


def _check_work_dirs(req: RunRequest, planned: list, failed: list[dict], batch: bool) -> list:
    """Each book's work directory opened once and closed, before any model loads: another
    run holding it, or another job's or version's folder, is refused at once (in batch
    mode, that book fails and the others go on). ``speak_book`` takes the lock for real."""
    from tts_cli.runner import report
    from tts_cli.runner.book import work_of

    usable = []
    for book, plan in planned:
        try:
            work = work_of(req, book, batch)
            # a new folder has nothing to refuse; a store is opened anyway, so that a missing
            # bucket or credentials fail here, before the models load
            if work is not None and (not work.folder.is_local or work.exists()):
                with work:
                    pass
        except TtsgenError as err:
            if not batch:
                raise
            failed.append(report.failure(book, err))
            continue
        usable.append((book, plan))
    return usable


def _make_folder(output: str) -> None:
    from pathlib import Path

    from tts_cli.errors import OutputError

    folder = Path(output).expanduser()
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(
            f"cannot create the output folder {folder}: {exc.strerror}",
            "give a writable folder with -o DIR/",
        ) from None


def _speak_books(req, checked, planned, engine, device, folders, keysets, failed) -> list[dict]:
    from tts_cli.runner.book import speak_book
    from tts_cli.runner.checks import book_assembly

    batch = checked.batch
    model = ", ".join(f.source for f in folders.values())
    results: list[dict] = []
    for n, (book, plan) in enumerate(planned, 1):
        head = f"[{n}/{len(planned)}] {book.input} -> {book.output}: " if batch else ""
        note(
            req,
            f"{head}{len(plan.chunks)} chunks, about "
            f"{plan.estimated_audio_seconds / 60:.1f} min of audio",
        )
        try:
            summary = speak_book(
                req,
                book,
                plan,
                engine,
                book_assembly(checked.assembly, book, batch),
                device=device,
                model=model,
                keysets=keysets,
                gate_options=checked.gate,
                batch=batch,
            )
        except TtsgenError as err:
            if not batch:
                raise
            from tts_cli.runner.report import failure

            failed.append(failure(book, err))
            continue
        if not req.json_out:
            reused = f", {summary.chunks_reused} reused" if summary.chunks_reused else ""
            suspects = len(summary.suspect_chunks)
            flagged = f", {suspects} suspect (see --json)" if suspects else ""
            note(
                req,
                f"wrote {summary.output}: {summary.audio_seconds / 60:.1f} min of audio in "
                f"{summary.wall_seconds:.1f} s ({1 / summary.rtf:.2f}x realtime; "
                f"{summary.chunks_synthesized} chunks made{reused}{flagged})",
            )
        result = summary.to_dict()
        if plan.lexicon_counts is not None:
            result["lexicon"] = dict(plan.lexicon_counts)
        results.append(result)
    return results
