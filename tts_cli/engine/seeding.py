"""Per-chunk random streams: a chunk's draws depend on its own seed, never on its batch.

* ``derive_seed``: independent sub-seeds of one chunk seed, one per use (T3, S3Gen noise,
  vocoder), so the streams never overlap;
* ``counter_uniform``: a counter-based generator on the device (splitmix64 of row key and
  step in int64 tensor ops), so each T3 row draws its own uniform per step with no host
  sync and no generator state to carry through CUDA graphs or ``torch.compile``;
* ``forked_rng``: the global RNG of the CPU and the chunk's CUDA device seeded for a block
  (HiFT draws its noise from it) and put back afterwards.
"""

from __future__ import annotations

import contextlib
import hashlib

import torch

_MASK64 = (1 << 64) - 1
_GAMMA = 0x9E3779B97F4A7C15  # splitmix64's increment


def _signed(value: int) -> int:
    """A 64-bit pattern as the int64 value torch stores for it."""
    value &= _MASK64
    return value - (1 << 64) if value >= 1 << 63 else value


_M1 = _signed(0xBF58476D1CE4E5B9)
_M2 = _signed(0x94D049BB133111EB)


def derive_seed(seed: int, purpose: str) -> int:
    """A 63-bit sub-seed of ``seed`` for ``purpose`` (blake2b of both)."""
    digest = hashlib.blake2b(f"{int(seed)}:{purpose}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "little") >> 1


def mix64(x: torch.Tensor) -> torch.Tensor:
    """splitmix64's finaliser on int64 tensors. Multiplies wrap modulo 2**64 as unsigned
    ones do; ``>>`` on int64 is arithmetic, so each shift is masked to be logical."""
    x = (x ^ ((x >> 30) & ((1 << 34) - 1))) * _M1
    x = (x ^ ((x >> 27) & ((1 << 37) - 1))) * _M2
    return x ^ ((x >> 31) & ((1 << 33) - 1))


def mix64_int(x: int) -> int:
    """``mix64`` on a Python int (the reference the tensor version is tested against)."""
    x &= _MASK64
    x = ((x ^ (x >> 30)) * 0xBF58476D1CE4E5B9) & _MASK64
    x = ((x ^ (x >> 27)) * 0x94D049BB133111EB) & _MASK64
    return x ^ (x >> 31)


def row_key(seed: int) -> int:
    """The T3 stream key of a chunk seed (an int64 value)."""
    return _signed(mix64_int(derive_seed(seed, "t3")))


def counter_uniform(keys: torch.Tensor, counter: int) -> torch.Tensor:
    """One float32 uniform in [0, 1) per key for draw number ``counter`` (24 random bits):
    element ``counter`` of splitmix64's stream started at each key."""
    h = mix64(keys + _signed((counter + 1) * _GAMMA))
    return ((h >> 40) & 0xFFFFFF).to(torch.float32) * (1.0 / (1 << 24))


@contextlib.contextmanager
def forked_rng(seed: int, device):
    """Run the block with the CPU RNG (and ``device``'s, when it is a CUDA device) seeded
    from ``seed``; both are put back afterwards."""
    device = torch.device(device)
    cuda = device.type == "cuda"
    index = (
        device.index
        if device.index is not None
        else (torch.cuda.current_device() if cuda else None)
    )
    with torch.random.fork_rng(devices=[index] if cuda else [], device_type="cuda"):
        torch.default_generator.manual_seed(seed)
        if cuda:
            with torch.cuda.device(index):
                torch.cuda.manual_seed(seed)
        yield
