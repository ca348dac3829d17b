"""Compute device and precision resolution: explicit, never a silent fallback.

The precision decisions are pure functions of what the hardware reports (a CUDA compute
capability, a set of CPU feature names) so that tests exercise the real decision; the
torch queries that feed them are thin wrappers beside them.
"""

from __future__ import annotations

import functools
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tts_cli.errors import DeviceError, OptionError

logger = logging.getLogger(__name__)

DEVICES = ("auto", "cpu", "cuda", "mps")
DTYPES = ("auto", "float32", "bfloat16", "float16")
BF16_MIN_CAPABILITY = (8, 0)  # Ampere: native bf16 tensor cores; torch emulates it below
# CPU features with native bf16 dot products (oneDNN's avx512_core_bf16 and amx ISAs);
# plain AVX-512 only converts, so bf16 there is slower than float32
CPU_BF16_FEATURES = ("amx_bf16", "avx512_bf16")
CPUINFO = Path("/proc/cpuinfo")


@dataclass(frozen=True)
class DtypeChoice:
    """The precision T3 and the flow decoder run in, and why (for the engine's stats)."""

    dtype: Any
    """A ``torch.dtype``."""
    reason: str
    """One phrase: what decided it (``auto: ...`` or ``asked for``)."""

    @property
    def name(self) -> str:
        return str(self.dtype).removeprefix("torch.")


def _cuda_available() -> bool:
    import torch

    return torch.cuda.is_available()


def _cuda_device_count() -> int:
    import torch

    return torch.cuda.device_count()


def _mps_available() -> bool:
    import torch

    backend = getattr(torch.backends, "mps", None)
    return bool(backend and backend.is_available())


def check_cuda_index(name: str, count: int) -> None:
    """Raise ``DeviceError`` unless ``name`` (``cuda`` or ``cuda:N``) is one of ``count`` GPUs."""
    _, _, index = name.partition(":")
    if not index:
        return
    if not index.isdigit():
        raise OptionError(
            f"unknown device {name!r}", "use cuda or cuda:N with N a GPU index (0, 1, ...)"
        )
    if int(index) >= count:
        have = f"GPUs cuda:0 to cuda:{count - 1}" if count > 1 else "one GPU, cuda:0"
        raise DeviceError(
            f"--device {name} was requested but this machine has {have}",
            "use --device cuda (the first GPU) or an index below the number of GPUs",
        )


def cuda_scope(device):
    """A context that makes ``device`` the current CUDA device (nothing for other devices):
    calls that take no device (``empty_cache``, graph capture, new streams) then go to it."""
    import contextlib

    import torch

    dev = torch.device(device)
    if dev.type != "cuda":
        return contextlib.nullcontext()
    return torch.cuda.device(dev)


def resolve_device(name: str) -> str:
    """Turn ``auto|cpu|cuda[:N]|mps`` into an available device, or raise ``DeviceError``.

    ``auto`` picks cuda, then mps, then cpu and logs what it chose. An explicit device
    that is not available is an error, never a fallback.
    """
    base = name.split(":", 1)[0]
    if base not in DEVICES:
        raise OptionError(
            f"unknown --device {name!r}",
            f"use one of: {', '.join(DEVICES)} (cuda:N for a GPU index)",
        )
    if base == "auto":
        chosen = "cuda" if _cuda_available() else "mps" if _mps_available() else "cpu"
        logger.info("device auto: using %s", chosen)
        return chosen
    if base == "cuda" and not _cuda_available():
        raise DeviceError(
            f"--device {name} was requested but CUDA is not available",
            "install a CUDA build of torch on a machine with an NVIDIA GPU, or use --device cpu",
        )
    if base == "mps" and not _mps_available():
        raise DeviceError(
            f"--device {name} was requested but Apple MPS is not available",
            "use --device cpu, or a torch build with MPS on macOS 12.3+",
        )
    if base == "cuda":
        check_cuda_index(name, _cuda_device_count())
    return name


# ---------------------------------------------------------------------- CUDA precision
def cuda_dtype_for_capability(capability: tuple[int, int]) -> tuple[str, str]:
    """``auto`` on a GPU of compute ``capability``: bfloat16 from 8.0 (Ampere), else float16.

    ``torch.cuda.is_bf16_supported()`` says True on older cards too (emulated, slower than
    float32 there), so the capability decides.
    """
    major, minor = capability
    cc = f"{major}.{minor}"
    if (major, minor) >= BF16_MIN_CAPABILITY:
        return "bfloat16", f"auto: compute capability {cc} has native bfloat16"
    return "float16", f"auto: compute capability {cc} has no native bfloat16 (needs 8.0)"


def cuda_capability(device: str) -> tuple[int, int]:
    """Compute capability of ``device`` (``cuda`` or ``cuda:N``), asked of that very GPU."""
    import torch

    return tuple(torch.cuda.get_device_capability(torch.device(device)))


# ---------------------------------------------------------------------- CPU precision
def cpu_bf16_decision(features: frozenset[str], onednn: bool) -> tuple[bool, str]:
    """Whether a CPU with ``features`` (names as /proc/cpuinfo spells them) computes
    bfloat16 natively through oneDNN, and why."""
    if not onednn:
        return False, "this torch build has no oneDNN, so bfloat16 would be emulated"
    native = [f for f in CPU_BF16_FEATURES if f in features]
    if native:
        return True, f"this CPU computes bfloat16 natively ({', '.join(native)})"
    return False, "this CPU has no native bfloat16 (no amx_bf16 or avx512_bf16)"


def _cpuinfo_flags(path: Path = CPUINFO) -> frozenset[str]:
    """The feature flags of the first CPU in ``/proc/cpuinfo`` (empty where there is none)."""
    try:
        with path.open(encoding="utf-8", errors="replace") as f:
            for line in f:
                key, _, value = line.partition(":")
                if key.strip() in ("flags", "Features"):
                    return frozenset(value.split())
    except OSError:
        pass
    return frozenset()


@functools.cache
def cpu_features() -> frozenset[str]:
    """The CPU's bf16 features: torch's own cpuinfo query where this torch has it (what
    oneDNN dispatches on), else the flags in /proc/cpuinfo."""
    import torch

    cpu = getattr(torch._C, "_cpu", None)
    queries = {
        "avx512_bf16": "_is_avx512_bf16_supported",
        # oneDNN's AMX kernels need the tile unit; every CPU with it has AMX-BF16
        "amx_bf16": "_is_amx_tile_supported",
    }
    found: set[str] = set()
    asked = False
    for feature, query in queries.items():
        fn = getattr(cpu, query, None)
        if fn is not None:
            asked = True
            if fn():
                found.add(feature)
    if not asked:
        found = set(_cpuinfo_flags() & set(CPU_BF16_FEATURES))
    return frozenset(found)


def cpu_bf16() -> tuple[bool, str]:
    """Whether this CPU runs bfloat16 natively, and why (``cpu_bf16_decision`` on this CPU)."""
    import torch

    return cpu_bf16_decision(cpu_features(), torch.backends.mkldnn.is_available())


# ---------------------------------------------------------------------- the choice
def choose_dtype(name: str, device: str) -> DtypeChoice:
    """Precision for T3 and the flow decoder on ``device``, with the reason.

    ``auto``: on a GPU, from its compute capability (bfloat16 from 8.0, float16 below); on
    a CPU, bfloat16 where it computes bf16 natively, else float32; float32 on MPS.
    ``bfloat16`` on a CPU needs native bf16; ``float16`` needs CUDA.
    """
    import torch

    if name not in DTYPES:
        raise OptionError(f"unknown dtype {name!r}", f"use one of: {', '.join(DTYPES)}")
    kind = device.split(":", 1)[0]
    if name == "auto":
        if kind == "cuda":
            chosen, reason = cuda_dtype_for_capability(cuda_capability(device))
            return DtypeChoice(getattr(torch, chosen), reason)
        if kind == "cpu":
            native, why = cpu_bf16()
            return DtypeChoice(torch.bfloat16 if native else torch.float32, f"auto: {why}")
        return DtypeChoice(torch.float32, f"auto: float32 on {kind}")
    if name == "bfloat16" and kind == "cpu":
        native, why = cpu_bf16()
        if not native:
            raise OptionError(
                f"--dtype bfloat16 on this CPU would be emulated: {why}",
                "use --dtype auto or float32 on this CPU",
            )
        return DtypeChoice(torch.bfloat16, f"asked for; {why}")
    if name != "float32" and kind != "cuda":
        raise OptionError(
            f"--dtype {name} needs a CUDA device (got {device})",
            "use --dtype float32 (or auto) here; bfloat16 also runs on CPUs that have it natively",
        )
    return DtypeChoice(getattr(torch, name), "asked for")


def resolve_dtype(name: str, device: str):
    """The ``torch.dtype`` of ``choose_dtype(name, device)``."""
    choice = choose_dtype(name, device)
    if name == "auto":
        logger.info("dtype auto: %s (%s)", choice.name, choice.reason)
    return choice.dtype
