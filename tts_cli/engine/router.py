"""Several models behind one engine: each chunk goes to its model, in batches per model,
and comes back in plan order.

A book in English and French has its chunks interleaved in reading order, while each
engine works best on full batches of its own chunks. ``RoutedEngine`` reads requests ahead
within a window, queues them per model, runs a batch of a model when its queue is full
(or when the oldest unfinished chunk is waiting on a part-filled queue), and yields each
chunk as soon as every chunk before it is done. Memory is bounded by the window (finished
chunks waiting for an earlier one), never by the book.

The quality gate (every ``ttsgen`` run) speaks its batches through ``submit_batch``
instead: each model's part of a batch goes to its engine at once, and an engine that can
finish a batch on a worker thread (``FastEngine.submit_batch``) does, so the gate can
start the next batch before this one's host work is done. ``start`` and ``finish`` bracket
such a run.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Iterator

from tts_cli.engine.base import ChunkAudio, Request

#: Requests read ahead, in batches of the largest engine (at least two full batches).
WINDOW_BATCHES = 2
#: Engine stats that add up over models (the rest are per model, under ``by_model``).
COUNTERS = ("batches", "oom_retries", "cleanups", "speech_tokens", "graph_captures")


class RoutedEngine:
    """Implements the ``Engine`` protocol over one engine per model name."""

    def __init__(self, engines: dict, seed: int | None = None, window: int | None = None):
        if not engines:
            raise ValueError("need at least one engine")
        self.engines = dict(engines)
        first = next(iter(self.engines.values()))
        self.name = first.name
        self.sample_rate_hz = first.sample_rate_hz
        self.seed = seed
        sizes = [max(1, int(getattr(e, "batch_size", 1))) for e in self.engines.values()]
        self.window = window or max(sum(sizes), WINDOW_BATCHES * max(sizes))
        self.chunks: dict[str, int] = {name: 0 for name in self.engines}
        self.max_waiting = 0  # most finished chunks held back at once (memory bound check)

    @property
    def stage_seconds(self) -> dict[str, float]:
        total: dict[str, float] = {}
        for e in self.engines.values():
            for k, v in e.stage_seconds.items():
                total[k] = total.get(k, 0.0) + v
        return total

    @property
    def stats(self) -> dict:
        """One engine's stats as they are; with several, ``COUNTERS`` summed plus ``by_model``."""
        per = {name: dict(getattr(e, "stats", {})) for name, e in self.engines.items()}
        if len(per) == 1:
            return next(iter(per.values()))
        out: dict = {}
        for stats in per.values():
            for k in COUNTERS:
                if k in stats:
                    out[k] = out.get(k, 0) + stats[k]
        out["by_model"] = per
        return out

    def _engine(self, req: Request):
        name = getattr(req, "model", None) or next(iter(self.engines))
        try:
            return name, self.engines[name]
        except KeyError:
            raise ValueError(
                f"chunk {req.index} is for model {name!r}, which is not loaded"
            ) from None

    def start(self) -> None:
        """Begin a run: torch's RNG seeded with ``seed`` (when given), every engine started."""
        if self.seed is not None:
            import torch

            torch.manual_seed(self.seed)
        for e in self.engines.values():
            start = getattr(e, "start", None)
            if start is not None:
                start()

    def finish(self) -> None:
        """End a run: every engine finished (their worker threads stopped)."""
        for e in self.engines.values():
            finish = getattr(e, "finish", None)
            if finish is not None:
                finish()

    def synthesize(self, requests: Iterable[Request]) -> Iterator[ChunkAudio]:
        """Audio for each request in request order; each model's chunks batched together."""
        source = iter(requests)
        pending: deque = deque()  # requests read, in order, not yet yielded
        queues: dict[str, list] = {name: [] for name in self.engines}
        done: dict[int, ChunkAudio] = {}
        exhausted = False
        self.start()
        try:
            while True:
                while not exhausted and len(pending) < self.window:
                    try:
                        req = next(source)
                    except StopIteration:
                        exhausted = True
                        break
                    name, _ = self._engine(req)
                    if any(p.index == req.index for p in pending):
                        raise ValueError(f"chunk index {req.index} is given twice")
                    pending.append(req)
                    queues[name].append(req)
                while pending and pending[0].index in done:
                    yield done.pop(pending.popleft().index)
                if not pending:
                    break
                name = self._next_batch(pending, queues)
                engine = self.engines[name]
                size = max(1, int(getattr(engine, "batch_size", 1)))
                batch, queues[name] = queues[name][:size], queues[name][size:]
                results = engine.synthesize_batch(batch)
                for req, chunk in zip(batch, results, strict=True):
                    done[req.index] = chunk
                self.chunks[name] += len(results)
                self.max_waiting = max(self.max_waiting, len(done))
        finally:
            self.finish()

    def submit_batch(self, batch: list[Request]) -> list[ChunkAudio] | PendingBatch:
        """Audio for ``batch`` in its order, each model's chunks one batch of its engine.

        An engine with ``submit_batch`` decodes its part now and finishes it on its worker
        thread (``FastEngine``); the others make theirs at once. So this returns the list
        when every part is made, else a ``PendingBatch`` whose ``result()`` is the list.
        Chunks are matched by position: the pieces of a split chunk may share an index."""
        groups: dict[str, list[int]] = {}
        for position, req in enumerate(batch):
            groups.setdefault(self._engine(req)[0], []).append(position)
        parts = []
        for name, positions in groups.items():
            engine = self.engines[name]
            reqs = [batch[p] for p in positions]
            submit = getattr(engine, "submit_batch", None)
            parts.append((positions, submit(reqs) if submit else engine.synthesize_batch(reqs)))
            self.chunks[name] += len(reqs)
        joined = PendingBatch(len(batch), parts)
        return joined.result() if joined.made else joined

    def _next_batch(self, pending: deque, queues: dict[str, list]) -> str:
        """The model to run next: the oldest chunk's when its batch is full, else any model
        with a full batch, else the oldest chunk's part-filled one (the window is full or
        the requests have run out, so waiting would not fill it)."""
        head = self._engine(pending[0])[0]

        def full(name: str) -> bool:
            return len(queues[name]) >= max(1, int(getattr(self.engines[name], "batch_size", 1)))

        return next((n for n in (head, *queues) if full(n)), head)

    def close(self) -> None:
        for e in self.engines.values():
            e.close()


class PendingBatch:
    """A batch's chunks from several engines, some still finishing on worker threads:
    ``result()`` waits for them and puts them back in the batch's order."""

    def __init__(self, size: int, parts: list[tuple[list[int], object]]):
        self.size = size
        self.parts = parts  # (positions in the batch, their chunks or a future of them)

    @property
    def made(self) -> bool:
        """Every part is a list already (no engine left work on a worker)."""
        return all(isinstance(chunks, list) for _, chunks in self.parts)

    def result(self) -> list[ChunkAudio]:
        out: list = [None] * self.size
        for positions, chunks in self.parts:
            made = chunks if isinstance(chunks, list) else chunks.result()
            for position, chunk in zip(positions, made, strict=True):
                out[position] = chunk
        return out
