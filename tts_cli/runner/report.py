"""What a run reports: the plan table of ``--dry-run``, notes on stderr, and the summary of
a batch run (each book's summary, the failures, the totals, the exit code)."""

from __future__ import annotations

from tts_cli.runner.request import RunRequest

EXIT_SOME_FAILED = 6
"""Exit code of a batch run in which some books failed (the others were written)."""


def stderr_console():
    from rich.console import Console

    return Console(stderr=True)


def note(req: RunRequest, message: str) -> None:
    """A line on stderr, unless ``--quiet``."""
    if not req.quiet:
        stderr_console().print(message, highlight=False, markup=False, soft_wrap=True)


def failure(book, err) -> dict:
    """A failed book's entry in the batch summary; its error line goes to stderr at once
    (even with ``--quiet``), as the CLI prints a single book's error."""
    stderr_console().print(
        f"ttsgen: error: {book.input}: {err}", highlight=False, markup=False, soft_wrap=True
    )
    return {
        "input": book.input,
        "output": book.output,
        "error": str(err),
        "exit_code": getattr(err, "exit_code", 1),
    }


def batch_result(results: list[dict], failed: list[dict], wall_seconds: float) -> dict:
    """The summary of a batch run: each written book's summary, the failures, the totals."""
    audio = sum(r.get("audio_seconds", 0.0) for r in results)
    return {
        "books": results,
        "failed": failed,
        "books_written": len(results),
        "books_failed": len(failed),
        "chunks_synthesized": sum(r.get("chunks_synthesized", 0) for r in results),
        "chunks_reused": sum(r.get("chunks_reused", 0) for r in results),
        "suspect_chunks": sum(len(r.get("suspect_chunks", ())) for r in results),
        "audio_seconds": round(audio, 3),
        "wall_seconds": round(wall_seconds, 3),
        "exit_code": EXIT_SOME_FAILED if failed else 0,
    }


def dry_run(req: RunRequest, planned: list, failed: list[dict], batch: bool):
    """``--dry-run``: the plan of each book (a table, or JSON with ``--json``)."""
    from tts_cli.models.routing import chunks_per_model

    code = EXIT_SOME_FAILED if failed else 0
    if req.json_out:
        plans = [{**plan.to_dict(), "models": chunks_per_model(plan)} for _, plan in planned]
        if not batch:
            return plans[0]
        for (book, _), entry in zip(planned, plans, strict=True):
            entry.update(input=book.input, output=book.output)
        return {"books": plans, "failed": failed, "exit_code": code}
    for book, plan in planned:
        if batch:
            note(req, f"{book.input} -> {book.output}")
        print_plan(plan)
    return {"exit_code": code} if batch and failed else None


def print_plan(plan) -> None:
    from rich.console import Console
    from rich.table import Table

    from tts_cli.text.languages import expected_seconds

    table = Table(
        title=f"{len(plan.chunks)} chunks, language {plan.language}, "
        f"about {plan.estimated_audio_seconds / 60:.1f} min"
    )
    for name in ("#", "chapter", "lang", "model", "chars", "tokens", "secs", "pause", "text"):
        table.add_column(name, overflow="fold" if name == "text" else "ellipsis")
    for c in plan.chunks:
        text = c.text if len(c.text) <= 80 else c.text[:77] + "..."
        table.add_row(
            str(c.index),
            str(c.chapter),
            c.language,
            c.model or "",
            str(c.chars),
            str(c.max_new_tokens),
            f"{expected_seconds(c.text, c.language):.1f}",
            c.pause_after,
            text,
        )
    Console().print(table)
