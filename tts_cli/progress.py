"""The progress bar on stderr: chunks, audio made, real-time factor and ETA."""

from __future__ import annotations

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


class ProgressView:
    """A rich progress bar driven by pipeline ``Progress`` events; silent when disabled."""

    def __init__(self, total: int, enabled: bool = True, console: Console | None = None) -> None:
        self.enabled = enabled
        self._progress = Progress(
            TextColumn("synthesising"),
            BarColumn(),
            TaskProgressColumn(),
            TextColumn("{task.fields[status]}"),
            console=console or Console(stderr=True),
            transient=False,
            disable=not enabled,
        )
        self._task = self._progress.add_task("synthesis", total=total, status="loading voice")

    def __enter__(self) -> ProgressView:
        self._progress.__enter__()
        return self

    def __exit__(self, *exc) -> None:
        self._progress.__exit__(*exc)

    def update(self, p: RunProgress) -> None:
        self._progress.update(self._task, completed=p.chunks_done, status=format_progress(p))
