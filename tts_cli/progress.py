"""Progress on stderr: a rich bar on a terminal, plain periodic lines otherwise (the log of
a batch job stays readable: no ANSI codes, no carriage returns), nothing with ``--quiet``."""

from __future__ import annotations

import time
from collections.abc import Callable

from rich.console import Console
from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn

from tts_cli.pipeline import Progress as RunProgress


def format_progress(p: RunProgress) -> str:
    """One status line: ``12/40 chunks | 95.3 s audio | RTF 0.42 (2.4x realtime) | ETA 1:20``."""
    if p.audio_seconds > 0:
        speed = f"RTF {p.rtf:.2f} ({1 / p.rtf:.1f}x realtime)"
    else:
        speed = "RTF -"
    eta = p.eta_seconds
    eta_text = "-" if eta is None else f"{int(eta // 60)}:{int(eta % 60):02d}"
    return (
        f"{p.chunks_done}/{p.chunks_total} chunks | {p.audio_seconds:.1f} s audio | "
        f"{speed} | ETA {eta_text}"
    )


#: Seconds between two plain progress lines: a line per 10 s keeps an hour-long job's log
#: at a few hundred lines, and says within seconds that a job is alive; by time rather than
#: by 5 % steps, as a long book's 5 % can take many minutes.
PLAIN_EVERY_S = 10.0


def format_plain(p: RunProgress) -> str:
    """``progress: 12/40 chunks (30%), 1.6 min audio, 2.4x realtime, ETA 1:20``."""
    speed = f"{1 / p.rtf:.1f}x realtime" if p.audio_seconds > 0 and p.rtf > 0 else "- realtime"
    eta = p.eta_seconds
    eta_text = "-" if eta is None else f"{int(eta // 60)}:{int(eta % 60):02d}"
    share = 100 * p.chunks_done / p.chunks_total if p.chunks_total else 100
    return (
        f"progress: {p.chunks_done}/{p.chunks_total} chunks ({share:.0f}%), "
        f"{p.audio_seconds / 60:.1f} min audio, {speed}, ETA {eta_text}"
    )


class PlainProgress:
    """A plain line every ``every_s`` seconds of ``clock`` and one when the last chunk is
    done, written to ``write`` (stderr's console when it is not a terminal)."""

    def __init__(
        self,
        write: Callable[[str], None],
        every_s: float = PLAIN_EVERY_S,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._write, self._every_s, self._clock = write, every_s, clock
        self._last = clock()

    def update(self, p: RunProgress) -> None:
        now = self._clock()
        if now - self._last >= self._every_s or p.chunks_done == p.chunks_total:
            self._last = now
            self._write(format_plain(p))


class ProgressView:
    """Progress driven by pipeline ``Progress`` events: a rich bar when ``console`` is a
    terminal, ``PlainProgress`` lines when it is not; silent when disabled."""

    def __init__(
        self,
        total: int,
        enabled: bool = True,
        console: Console | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.enabled = enabled
        console = console or Console(stderr=True)
        self._console = console
        self._plain = None
        if enabled and not console.is_terminal:
            self._plain = PlainProgress(
                lambda line: console.print(line, markup=False, highlight=False, soft_wrap=True),
                clock=clock,
            )
            enabled = False  # the rich bar stays off
        self._progress = Progress(
            TextColumn("synthesising"),
            BarColumn(),
            TaskProgressColumn(),
            TextColumn("{task.fields[status]}"),
            console=console,
            transient=False,
            disable=not enabled,
        )
        self._task = self._progress.add_task("synthesis", total=total, status="loading voice")

    def __enter__(self) -> ProgressView:
        self._progress.__enter__()
        return self

    def __exit__(self, *exc) -> None:
        self._progress.__exit__(*exc)

    def print(self, line: str) -> None:
        """A line above the bar (a finished book, in a Ray run); nothing when disabled."""
        if self.enabled:
            self._console.print(line, markup=False, highlight=False, soft_wrap=True)

    def update(self, p: RunProgress) -> None:
        if self._plain is not None:
            self._plain.update(p)
            return
        self._progress.update(self._task, completed=p.chunks_done, status=format_progress(p))
