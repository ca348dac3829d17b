"""Reduced precision for T3 and the flow decoder; everything else stays float32.

Weights are cast (not autocast) so T3 reads half the bytes per decode step, which is what
bounds its speed on a GPU and on a CPU with native bfloat16. The vocoder (fp16 artefacts
are a known complaint), the speech tokenizer, the voice encoder and the flow encoder keep
float32. Inside the cast modules, non-persistent buffers keep float32: they are tables that
upstream computes in float32 (Llama's rotary ``inv_freq``, which Hugging Face reads with
``.float()``), and ``module.to(dtype)`` would round them for good (``inv_freq`` off by up to
1.8e-4, about 0.23 rad at position 1300). ``ReducedPrecision`` puts every cast tensor back
on exit, so a model shared with the stock engine is left as it was found.

The originals are needed only then, so they wait in an unnamed temporary file (written and
read back one tensor at a time), not in memory: a resident float32 copy of T3 and the flow
decoder would hold ~2.5 GB of host memory for the whole run (on a CPU, 1.5x the model's
weights). Where the file cannot be written they stay in memory (``resident_bytes``).
On a CPU the engine keeps them in memory when there is room (``spill_originals``): there
they are the model's own tensors, so keeping them costs no copy, and the file's write and
read-back were most of the engine's setup and teardown time.
"""

from __future__ import annotations

import logging
import tempfile

import torch

from tts_cli.engine.device import DtypeChoice, choose_dtype

logger = logging.getLogger(__name__)


def engine_dtype(name: str, model) -> DtypeChoice:
    """``auto``: the dtype the model was loaded for; otherwise ``name`` checked against the
    device. The reason says which."""
    if name != "auto":
        return choose_dtype(name, str(model.device))
    auto = choose_dtype("auto", str(model.device))
    if auto.dtype == model.dtype:
        return auto
    name = str(model.dtype).removeprefix("torch.")
    return DtypeChoice(model.dtype, f"the model was loaded for {name}")


RESIDENT_HEADROOM = 2.0  # on a CPU, originals stay in memory when this many times fit


def host_available_bytes() -> int | None:
    """Host memory the kernel says is available now (``MemAvailable``), or None."""
    try:
        with open("/proc/meminfo") as f:
            for line in f:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return None


def spill_originals(tts, device, available: int | None = None) -> bool:
    """Whether the engine should write the full-precision originals to a file.

    From a GPU always (keeping them would copy them to the host). On a CPU the originals
    are the model's own tensors, already resident: keeping them costs no copy and no time,
    where the file costs a write and a read of every tensor (on the 2-core build machine,
    full size: cast 3.5 s and restore 1.6 s with the file, 0.8 s and 0.05 s without). So a
    CPU keeps them unless available host memory is short of ``RESIDENT_HEADROOM`` times
    their size (or unknown)."""
    if torch.device(device).type != "cpu":
        return True
    if available is None:
        available = host_available_bytes()
    if available is None:
        return True
    size = sum(getattr(o, n).nbytes for m in reduced_modules(tts) for o, n, _ in _cast_targets(m))
    return available < RESIDENT_HEADROOM * size


def reduced_modules(tts) -> list[torch.nn.Module]:
    """The submodels that run in reduced precision: T3 and S3Gen's CFM estimator."""
    return [tts.t3, tts.s3gen.flow.decoder.estimator]


def _cast_targets(module: torch.nn.Module):
    """(owner, name, kind) of every floating parameter and persistent buffer under
    ``module``, each once; non-persistent buffers (rotary tables) are left out."""
    seen: set[int] = set()
    for owner in module.modules():
        for name, p in owner.named_parameters(recurse=False):
            if p.is_floating_point() and id(p) not in seen:
                seen.add(id(p))
                yield owner, name, "param"
        for name, b in owner.named_buffers(recurse=False):
            if name in owner._non_persistent_buffers_set:
                continue
            if b is not None and b.is_floating_point() and id(b) not in seen:
                seen.add(id(b))
                yield owner, name, "buffer"


class _Spill:
    """Tensors in an unnamed temporary file (gone when closed), read back one at a time."""

    def __init__(self):
        self.file = tempfile.TemporaryFile(prefix="ttsgen-precision-")
        self.nbytes = 0

    def put(self, tensor: torch.Tensor) -> tuple:
        flat = tensor.detach().to("cpu").contiguous().reshape(-1)
        raw = flat.view(torch.uint8).numpy()
        entry = (self.nbytes, raw.nbytes, tuple(tensor.shape), tensor.dtype)
        self.file.write(memoryview(raw))
        self.nbytes += raw.nbytes
        return entry

    def get(self, entry: tuple) -> torch.Tensor:
        offset, nbytes, shape, dtype = entry
        raw = torch.empty(nbytes, dtype=torch.uint8)
        self.file.seek(offset)
        if nbytes and self.file.readinto(raw.numpy()) != nbytes:
            raise OSError("the saved full-precision weights were cut short")
        return raw.view(dtype).reshape(shape)

    def close(self) -> None:
        self.file.close()


class ReducedPrecision:
    """Casts T3 and the flow decoder to ``dtype``; ``restore()`` puts the exact tensors back.

    Casting back from bfloat16 would round the weights for good, so the originals are kept:
    written to a temporary file (``spill``, the default), or else in host memory: on a CPU
    the original tensors themselves, from a GPU a copy (``resident_bytes`` says how much).
    """

    def __init__(self, tts, dtype: torch.dtype, spill: bool = True):
        self.dtype = dtype
        self._saved: list[tuple[torch.nn.Module, str, str, object]] = []
        self._spill: _Spill | None = None
        self.resident_bytes = 0  # host bytes held for restore()
        if dtype == torch.float32:
            return
        if spill:
            try:
                self._spill = _Spill()
            except OSError as e:
                logger.info("full-precision weights stay in memory (%s)", e)
        with torch.inference_mode(False), torch.no_grad():
            for module in reduced_modules(tts):
                for owner, name, kind in _cast_targets(module):
                    tensor = getattr(owner, name)
                    kept = self._keep(tensor)  # may rebuild self._saved: call it first
                    self._saved.append((owner, name, kind, kept))
                    low = tensor.detach().to(dtype)
                    if kind == "param":
                        tensor.data = low
                    else:
                        setattr(owner, name, low)
        logger.info("T3 and the flow decoder run in %s", str(dtype).removeprefix("torch."))

    @property
    def spilled_bytes(self) -> int:
        """Bytes of original weights waiting in the temporary file."""
        return self._spill.nbytes if self._spill is not None else 0

    def _keep(self, tensor: torch.Tensor):
        """What ``restore`` needs to put ``tensor`` back: a file entry or the tensor."""
        if self._spill is not None:
            try:
                return self._spill.put(tensor)
            except OSError as e:  # a full disk: keep this and the rest in memory
                logger.info("full-precision weights stay in memory (%s)", e)
                self._saved = [(o, n, k, self._read(v)) for o, n, k, v in self._saved]
                self._spill.close()
                self._spill = None
        original = tensor.detach() if tensor.device.type == "cpu" else tensor.to("cpu")
        self.resident_bytes += original.nbytes
        return original

    def _read(self, kept) -> torch.Tensor:
        if isinstance(kept, torch.Tensor):
            return kept
        value = self._spill.get(kept)
        self.resident_bytes += value.nbytes
        return value

    def restore(self) -> None:
        """Every cast parameter and buffer back, bit for bit, on the device it is on now."""
        with torch.inference_mode(False), torch.no_grad():
            for owner, name, kind, kept in reversed(self._saved):
                current = getattr(owner, name)
                value = self._read(kept).to(current.device)
                if kind == "param":
                    current.data = value
                else:
                    setattr(owner, name, value)
        self._saved.clear()
        self.resident_bytes = 0
        if self._spill is not None:
            self._spill.close()
            self._spill = None
