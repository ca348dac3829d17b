"""GPU memory policy: periodic cleanup, out-of-memory detection, CPU offload.

Long runs slow down as the CUDA caching allocator fragments; earlier Chatterbox apps
clear it every ``max(5, batches // 3)`` batches, which is the default here. An
out-of-memory error is never fatal while a smaller batch is possible: the engine frees
memory, halves the batch and runs the same chunks again (see ``FastEngine``).
"""

from __future__ import annotations

import gc
import logging

import torch

logger = logging.getLogger(__name__)


def is_oom(exc: BaseException) -> bool:
    """True for CUDA (or other accelerator) out-of-memory errors."""
    oom_type = getattr(torch, "OutOfMemoryError", None) or getattr(
        torch.cuda, "OutOfMemoryError", None
    )
    if oom_type is not None and isinstance(exc, oom_type):
        return True
    return isinstance(exc, RuntimeError) and "out of memory" in str(exc).lower()


# A test hook: ``fault_point(stage)`` is called at the start of each decode stage
# ("prefill", "step", "s3gen", "vocoder", "capture"); tests set ``FAULTS`` to a function that
# raises an out-of-memory error at the Nth call of a stage. None (always, outside tests): free.
FAULTS = None


def fault_point(stage: str) -> None:
    """Let an injected fault (``FAULTS``) strike at ``stage``; nothing when none is set."""
    if FAULTS is not None:
        FAULTS(stage)


def free_memory(device: str) -> None:
    """Collect garbage and return ``device``'s cached blocks to the driver (waiting for its
    queued work first). Freed only what nothing refers to: call it outside an ``except``
    block, whose traceback holds the failed batch's tensors."""
    gc.collect()
    dev = torch.device(device)
    if dev.type == "cuda" and torch.cuda.is_available():
        torch.cuda.synchronize(dev)
        with torch.cuda.device(dev):  # empty_cache() takes no device: make it current
            torch.cuda.empty_cache()


class CleanupPolicy:
    """Decides after which batches to free memory; ``every=None`` adapts to the run length."""

    def __init__(self, device: str, every: int | None, total_batches: int | None):
        self.device = device
        self.every = every if every is not None else max(5, (total_batches or 0) // 3)
        self.batches = 0
        self.cleanups = 0

    def after_batch(self) -> bool:
        """Count a finished batch; clean up when due. Returns whether it cleaned."""
        self.batches += 1
        if self.batches % self.every:
            return False
        free_memory(self.device)
        self.cleanups += 1
        return True

    def final(self) -> None:
        free_memory(self.device)
        self.cleanups += 1


class Offloader:
    """Keeps only the active phase's submodels on the accelerator (``--cpu-offload``).

    ``phases`` maps a phase name to the modules it needs; ``activate(name)`` moves the
    other phases' modules to the CPU first (so peak memory is one phase's), then these to
    ``device``. Disabled, it does nothing.
    """

    def __init__(self, phases: dict[str, list[torch.nn.Module]], device: str, enabled: bool):
        self.phases = phases
        self.device = device
        self.enabled = enabled
        self.active: str | None = None
        self.moves = 0

    def activate(self, name: str) -> None:
        if not self.enabled or name == self.active:
            return
        keep = {id(m) for m in self.phases[name]}
        for other, modules in self.phases.items():
            if other != name:
                for m in modules:
                    if id(m) not in keep:
                        m.to("cpu")
        free_memory(self.device)
        for m in self.phases[name]:
            m.to(self.device)
        self.active = name
        self.moves += 1

    def restore(self) -> None:
        """Put every module back on the device (the state the engine found them in)."""
        if not self.enabled:
            return
        for modules in self.phases.values():
            for m in modules:
                m.to(self.device)
        self.active = None
