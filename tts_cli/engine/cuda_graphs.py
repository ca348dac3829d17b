"""Fixed-shape decode steps captured as CUDA graphs, with an eager fallback.

A decode step attends over a prefix of the static KV cache. Rounding that prefix up to a
bucket (``bucket_length``) keeps the number of distinct shapes small, so each
``(rows, bucket)`` pair is captured once and replayed for every step that fits it. If
capture fails (old driver, unsupported op, out of memory) the runner warns once and runs
every later step eagerly: a slower run, never a failed one. Out of memory during a capture
is not such a failure: the captured graphs are dropped and the error goes up to the engine,
which frees memory and runs the batch again smaller, with graphs still on.

Every CUDA call here names the runner's ``device`` (or runs with it current), so a
``cuda:N`` engine captures on GPU N.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Hashable

import torch

from tts_cli.engine.device import cuda_scope
from tts_cli.engine.memory import fault_point, is_oom

logger = logging.getLogger(__name__)

BUCKET_TOKENS = 128  # cache positions per bucket: a new graph every 5 s of audio at most


def bucket_length(needed: int, capacity: int, bucket: int = BUCKET_TOKENS) -> int:
    """Smallest multiple of ``bucket`` >= ``needed``, capped at ``capacity``."""
    if needed <= 0:
        raise ValueError("needed must be positive")
    return min(capacity, -(-needed // bucket) * bucket)


MODES = ("eager", "graphs", "compile")


class GraphedStep:
    """Runs ``fn(key)`` eagerly, as a CUDA graph captured per ``key``, or ``torch.compile``d.

    ``fn`` must read its inputs from, and write its outputs to, tensors whose storage does
    not move between calls (static buffers); ``key`` names everything that changes shapes.
    ``mode``: ``graphs`` (CUDA), ``compile`` (any device, e.g. CPU when asked) or ``eager``;
    ``device``: the GPU graphs are captured on (None: the current one).
    """

    def __init__(
        self,
        fn: Callable[[Hashable], torch.Tensor],
        mode: str = "eager",
        warmup_steps: int = 2,
        device=None,
    ):
        if mode not in MODES:
            raise ValueError(f"mode must be one of {MODES}")
        self.fn = fn
        self.device = device
        self.mode = mode
        self.enabled = mode != "eager"
        self.warmup_steps = warmup_steps
        self._compiled = None
        self.graphs: dict[Hashable, tuple[object, torch.Tensor]] = {}
        self._seen: dict[Hashable, int] = {}
        self.failed: str | None = None
        self.captures = 0  # graphs captured over this runner's life (resets keep counting)
        self._pool = None

    def reset(self) -> None:
        """Forget captured graphs (their buffers were reallocated)."""
        self.graphs.clear()
        self._seen.clear()

    def __call__(self, key: Hashable) -> torch.Tensor:
        if not self.enabled:
            return self.fn(key)
        if self.mode == "compile":
            return self._call_compiled(key)
        entry = self.graphs.get(key)
        if entry is not None:
            graph, out = entry
            with cuda_scope(self._device()):  # a graph replays on the GPU it was captured on
                graph.replay()
            return out
        # Warm up eagerly first: lazy inits and allocator growth must not happen in capture.
        count = self._seen.get(key, 0)
        if count < self.warmup_steps:
            self._seen[key] = count + 1
            return self.fn(key)
        try:
            out = self._capture(key)
        except Exception as e:  # noqa: BLE001 - any capture failure means "run eagerly"
            if is_oom(e):
                self.reset()  # free the graphs and their pool; the engine retries smaller,
                self._pool = None  # with graphs still on
                raise
            self.disable(f"{type(e).__name__}: {str(e).splitlines()[0] if str(e) else ''}")
            return self.fn(key)
        return out

    def disable(self, reason: str) -> None:
        """Fall back to eager steps for the rest of the run, with one warning."""
        self.failed = reason
        self.enabled = False
        self.reset()
        what = "CUDA graph capture" if self.mode == "graphs" else "torch.compile"
        logger.warning("%s failed (%s); decoding eagerly", what, reason)

    def _call_compiled(self, key: Hashable) -> torch.Tensor:
        try:
            if self._compiled is None:
                self._compiled = torch.compile(self.fn, dynamic=False)
            return self._compiled(key)
        except Exception as e:  # noqa: BLE001 - inductor/dynamo failures come in many types
            self.disable(f"{type(e).__name__}: {str(e).splitlines()[0] if str(e) else ''}")
            return self.fn(key)

    def _device(self) -> torch.device:
        if self.device is not None:
            return torch.device(self.device)
        return torch.device("cuda", torch.cuda.current_device())

    def _capture(self, key: Hashable) -> torch.Tensor:
        dev = self._device()
        with cuda_scope(dev):
            fault_point("capture")
            graph = torch.cuda.CUDAGraph()
            stream = torch.cuda.Stream(device=dev)
            stream.wait_stream(torch.cuda.current_stream(dev))
            with torch.cuda.stream(stream):
                self.fn(key)  # one more warm-up on the side stream, as the capture API asks
            torch.cuda.current_stream(dev).wait_stream(stream)
            if self._pool is None:
                self._pool = torch.cuda.graph_pool_handle()
            with torch.cuda.graph(graph, pool=self._pool, stream=stream):
                out = self.fn(key)
            self.graphs[key] = (graph, out)
            self.captures += 1
            graph.replay()  # the capture itself does not run the kernels
        return out
