"""How many intra-op threads CPU decode steps use: fixed, or chosen by timing them.

A CPU decode step is a chain of skinny matrix-vector products bound by memory bandwidth.
On an idle machine two threads stream the weights ~25 % faster than one. On a busy one,
every one of the ~200 parallel regions per step waits for a thread the OS has not
scheduled. On the 2-core build machine with other jobs running, an 8-row step took
1.25 s on two threads and 0.35 s on one. No fixed choice is right for both, so ``auto``
times a couple of steps on each candidate, keeps the faster one, and probes again every
``REPROBE_EVERY`` steps, because the load on a shared machine changes.
"""

from __future__ import annotations

import contextlib

import torch

PROBE_STEPS = 2  # steps per candidate in a probe; only the last is timed (the first warms up)
REPROBE_EVERY = 32  # steps between probes


class DecodeThreads:
    """Thread count per decode step; ``setting``: None (torch's), N, or "auto"."""

    def __init__(self, setting: int | str | None, default_threads: int | None = None):
        self.default = default_threads or torch.get_num_threads()
        self.fixed: int | None = None
        self.candidates: list[int] = []
        if setting == "auto":
            self.candidates = sorted({1, self.default})
            if len(self.candidates) == 1:
                self.fixed = self.candidates[0]
        elif setting is not None:
            self.fixed = int(setting)
        self.chosen: int | None = None
        self.choices: list[int] = []  # every choice made, for the engine's stats
        self._schedule: list[int] = []
        self._samples: dict[int, float] = {}
        self._current: int | None = None
        self._timed = False
        self._probing = False
        self._since_probe = 0

    @property
    def active(self) -> bool:
        return self.fixed is not None or bool(self.candidates)

    def next_step(self) -> int | None:
        """Threads for the coming step (None: leave torch's setting alone)."""
        if self.fixed is not None:
            self._current = self.fixed
            return self.fixed
        if not self.candidates:
            return None
        if not self._schedule and (self.chosen is None or self._since_probe >= REPROBE_EVERY):
            self._schedule = [c for c in self.candidates for _ in range(PROBE_STEPS)]
            self._samples = {}
            self._probing = True
        if self._schedule:
            self._current = self._schedule.pop(0)
            self._timed = not self._schedule or self._schedule[0] != self._current
        else:
            self._current = self.chosen
            self._timed = False
        return self._current

    def record(self, seconds: float) -> None:
        """Wall seconds the step just taken lasted."""
        if not self.candidates or self.fixed is not None:
            return
        if self._timed:
            self._samples[self._current] = seconds
        if self._probing and not self._schedule:
            self.chosen = min(self._samples, key=self._samples.get)
            self.choices.append(self.chosen)
            self._probing = False
            self._since_probe = 0
        else:
            self._since_probe += 1


@contextlib.contextmanager
def pinned_threads(n: int | None):
    """Run the block on ``n`` intra-op threads (None: as they are), then put the calling
    thread's count back. Counts are per thread under OpenMP; ``get_num_threads`` first makes
    a new thread take torch's count, so that first count does not later undo the pin."""
    before = torch.get_num_threads()
    if n is None or n == before:
        yield
        return
    torch.set_num_threads(n)
    try:
        yield
    finally:
        torch.set_num_threads(before)
