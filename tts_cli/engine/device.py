"""Compute device and precision resolution: explicit, never a silent fallback."""

from __future__ import annotations

import logging

from tts_cli.errors import DeviceError, OptionError

logger = logging.getLogger(__name__)

DEVICES = ("auto", "cpu", "cuda", "mps")
DTYPES = ("auto", "float32", "bfloat16", "float16")


def _cuda_available() -> bool:
    import torch

    return torch.cuda.is_available()


def _mps_available() -> bool:
    import torch

    backend = getattr(torch.backends, "mps", None)
    return bool(backend and backend.is_available())


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
    if base == "cuda" and ":" in name:
        import torch

        index, count = name.split(":", 1)[1], torch.cuda.device_count()
        if not index.isdigit() or int(index) >= count:
            raise DeviceError(
                f"--device {name} was requested but this machine has {count} CUDA "
                f"device{'s' if count != 1 else ''} (cuda:0 to cuda:{count - 1})",
                "give an index below the device count, or --device cuda",
            )
    return name


def resolve_dtype(name: str, device: str):
    """Precision for T3 and the flow decoder on ``device``.

    ``auto``: bfloat16 on GPUs with native bf16 (Ampere and newer), float16 on older GPUs,
    float32 on CPU and MPS. Reduced precision is only allowed on CUDA.
    """
    import torch

    if name not in DTYPES:
        raise OptionError(f"unknown dtype {name!r}", f"use one of: {', '.join(DTYPES)}")
    on_cuda = device.startswith("cuda")
    if name == "auto":
        if not on_cuda:
            return torch.float32
        return torch.bfloat16 if torch.cuda.is_bf16_supported() else torch.float16
    if name != "float32" and not on_cuda:
        raise OptionError(
            f"--dtype {name} needs a CUDA device (got {device})",
            "use --dtype float32 (or auto) on CPU and MPS",
        )
    return getattr(torch, name)
