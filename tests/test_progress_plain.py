"""Progress when stderr is not a terminal: plain lines every 10 s, no ANSI codes."""

from __future__ import annotations

import io

from rich.console import Console

from tts_cli.pipeline import Progress
from tts_cli.progress import PLAIN_EVERY_S, ProgressView


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def _view(clock, enabled=True):
    out = io.StringIO()
    console = Console(file=out, force_terminal=False, width=200)
    return ProgressView(total=40, enabled=enabled, console=console, clock=clock), out


def test_plain_lines_every_ten_seconds_with_chunks_audio_speed_and_eta():
    clock = FakeClock()
    view, out = _view(clock)
    assert PLAIN_EVERY_S == 10.0
    with view:
        for done in range(1, 41):
            clock.now += 3.0  # a chunk every 3 s of 6 s of speech
            view.update(Progress(done, 40, audio_seconds=6.0 * done, wall_seconds=3.0 * done))
    lines = out.getvalue().splitlines()
    # 120 s of work: a line at 12, 24, ... 120 s (every 4th chunk, the first past 10 s)
    assert len(lines) == 10
    assert lines[0] == "progress: 4/40 chunks (10%), 0.4 min audio, 2.0x realtime, ETA 1:48"
    assert lines[4] == "progress: 20/40 chunks (50%), 2.0 min audio, 2.0x realtime, ETA 1:00"
    assert lines[-1] == "progress: 40/40 chunks (100%), 4.0 min audio, 2.0x realtime, ETA 0:00"
    assert "\x1b" not in out.getvalue() and "\r" not in out.getvalue()


def test_the_last_chunk_always_gets_a_line_and_quiet_gets_none():
    clock = FakeClock()
    view, out = _view(clock)
    with view:
        view.update(Progress(1, 2, audio_seconds=5.0, wall_seconds=1.0))
        view.update(Progress(2, 2, audio_seconds=10.0, wall_seconds=2.0))
    assert out.getvalue().splitlines() == [
        "progress: 2/2 chunks (100%), 0.2 min audio, 5.0x realtime, ETA 0:00"
    ]
    view, out = _view(clock, enabled=False)
    with view:
        view.update(Progress(2, 2, audio_seconds=10.0, wall_seconds=2.0))
    assert out.getvalue() == ""
