"""A peak tracker of live tensor bytes for CPU tests and benchmarks (no CUDA needed)."""

from __future__ import annotations

import torch
from torch.multiprocessing.reductions import StorageWeakRef
from torch.utils._python_dispatch import TorchDispatchMode
from torch.utils._pytree import tree_flatten


class PeakTracker(TorchDispatchMode):
    """Live bytes of the storages that aten ops create under it, and their peak.

    Each storage counts from the op that returned it until it is freed. Frees are looked
    for whenever the count would pass the peak, after the op's outputs exist, so the peak
    errs on the high side (a temporary the op freed itself still counts). ``ignore``:
    tensors that existed before (model weights) whose views must not count.
    """

    def __init__(self, ignore: list[torch.Tensor] = ()):
        super().__init__()
        self.ignore = {t.untyped_storage().data_ptr() for t in ignore}
        self.live: dict[int, tuple[StorageWeakRef, int]] = {}
        self.now = self.peak = 0

    def __torch_dispatch__(self, func, types, args=(), kwargs=None):
        out = func(*args, **(kwargs or {}))
        for t in tree_flatten(out)[0]:
            if isinstance(t, torch.Tensor):
                st = t.untyped_storage()
                ptr = st.data_ptr()
                if ptr not in self.live and ptr not in self.ignore and st.nbytes():
                    self.live[ptr] = (StorageWeakRef(st), st.nbytes())
                    self.now += st.nbytes()
        if self.now > self.peak:
            for ptr, (ref, n) in list(self.live.items()):
                if ref.expired():
                    del self.live[ptr]
                    self.now -= n
            self.peak = max(self.peak, self.now)
        return out
