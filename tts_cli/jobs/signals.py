"""SIGINT, SIGTERM and SIGHUP as a clean stop.

``interruptible()`` installs handlers that raise ``Interrupted`` in the main thread: the
batch in flight is abandoned (its chunks are not stored), every chunk stored so far stays,
context managers remove their temp files, and the CLI prints how to resume. Exit codes
follow the shell's convention, 128 + the signal number: 130 (SIGINT), 143 (SIGTERM),
129 (SIGHUP). A second signal while stopping is ignored rather than left to cut the
cleanup short.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager

SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


class Interrupted(BaseException):
    """A stop signal arrived (a ``BaseException``, like ``KeyboardInterrupt``, so library
    ``except Exception`` blocks do not swallow it)."""

    def __init__(self, signum: int):
        self.signum = signum
        self.name = signal.Signals(signum).name
        self.exit_code = 128 + signum
        super().__init__(self.name)


@contextmanager
def interruptible() -> Iterator[None]:
    """Within the block, the stop signals raise ``Interrupted`` (main thread only)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    stopping = False

    def handler(signum, _frame):
        nonlocal stopping
        if stopping:
            return
        stopping = True
        raise Interrupted(signum)

    old = {s: signal.signal(s, handler) for s in SIGNALS}
    try:
        yield
    finally:
        for s, h in old.items():
            signal.signal(s, h)
