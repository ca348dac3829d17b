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


@contextmanager
def kept() -> Iterator[None]:
    """The stop-signal handlers in force before the block are in force after it, whatever
    the block installed (``ray.init`` sets a SIGTERM handler of its own, in Python and in its
    native core worker, that would end a run with exit 1 and no resume line)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    saved = {s: signal.getsignal(s) for s in SIGNALS}
    try:
        yield
    finally:
        for s, h in saved.items():
            if h is not None:
                signal.signal(s, h)


class Deferred:
    """The stop signal recorded by ``deferred()``; ``check()`` raises it at a safe point."""

    def __init__(self) -> None:
        self.signum: int | None = None

    def check(self) -> None:
        if self.signum is not None:
            raise Interrupted(self.signum)


@contextmanager
def deferred() -> Iterator[Deferred]:
    """Within the block the stop signals are recorded, not raised: the caller raises them
    with ``check()`` where that is safe. For code that waits inside native libraries (Ray's
    ``ray.wait``/``ray.get``), which cannot unwind an exception raised by a handler: it
    turns into a ``SystemError``. After a recorded signal, further ones are ignored until
    the handlers from before the block are back, so they cannot cut the cleanup short."""
    state = Deferred()
    if threading.current_thread() is not threading.main_thread():
        yield state
        return

    def handler(signum, _frame):
        if state.signum is None:
            state.signum = signum

    old = {s: signal.signal(s, handler) for s in SIGNALS}
    try:
        yield state
    finally:
        for s, h in old.items():
            signal.signal(s, h if state.signum is None else signal.SIG_IGN)
