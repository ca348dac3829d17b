"""Linear layers with weights packed once by oneDNN, for float32 or bf16 inference on a CPU.

A T3 decode step multiplies a few rows by 2 GB of weights. On the 2-core build machine,
torch's default CPU linear gets through those weights at only 7-10 GB/s, where a plain
sum reads memory at 52 GB/s: the default kernel lays the weight matrix out again for its
inner loop on every call. oneDNN can lay it out once (``_reorder_linear_weight``) and
reuse that: 30 Llama MLP projections (4096 x 1024) at 8 rows take 53-73 ms with
``F.linear`` and 14-17 ms packed; at 512 rows (a prefill) packing is 1.35x faster, at
4000 rows (the flow decoder) ~1.1x. The arithmetic is
the same float32 dot products summed in another order (relative difference ~1e-6), so
this changes no quality setting.

``PackedLinears`` swaps every plain ``nn.Linear`` under the given modules, and every
Hugging Face ``Conv1D`` (GPT-2's linear layer, weight stored ``[in, out]``: Turbo's T3), for
a ``PackedLinear`` holding the packed copy (of ``weight.T`` for a ``Conv1D``), and frees
the original weight's memory while it is packed (2.3 GB for the full model), so packing costs no extra host memory. The
packed layout converts back to the original weights bit for bit (``to_dense``), so
``restore()`` puts back the original modules with their exact weights, and a model shared
with the stock engine is left as it was found. A weight shared by two modules is packed
but not freed. Packing happens only on a CPU, in float32 or (where the CPU computes it
natively) bfloat16, with a torch built with oneDNN; in bf16 it still doubles ``F.linear``
at 16 decode rows (0.21 against 0.39 ms for 4096 x 1024 on the build machine) and gains
~25 % at 512 rows. A packing failure warns once and leaves the modules as they were.
"""

from __future__ import annotations

import functools
import logging

import torch
import torch.nn.functional as F
from torch import nn

logger = logging.getLogger(__name__)

BATCH_HINT_ROWS = 8  # rows oneDNN picks the packed layout for: a decode step's 2B rows


PACKABLE = (torch.float32, torch.bfloat16)


def packing_available(device, dtype: torch.dtype) -> bool:
    """Whether oneDNN packed linears can run here: a CPU, float32 or bfloat16 (bf16 only
    where the CPU computes it natively), a build whose ops work."""
    if torch.device(device).type != "cpu" or dtype not in PACKABLE:
        return False
    if dtype == torch.bfloat16:
        from tts_cli.engine.device import cpu_bf16

        if not cpu_bf16()[0]:
            return False
    return _packing_works(dtype)


@functools.cache
def _packing_works(dtype: torch.dtype = torch.float32) -> bool:
    """One small packed product checked against ``F.linear``, once per process and dtype: a
    build can have the ops and still lack a working kernel (some non-x86 builds)."""
    ops = torch.ops.mkldnn
    if not (
        torch.backends.mkldnn.is_available()
        and hasattr(ops, "_reorder_linear_weight")
        and hasattr(ops, "_linear_pointwise")
    ):
        return False
    tol = 1e-4 if dtype == torch.float32 else 2e-2
    try:
        with torch.inference_mode():
            g = torch.Generator().manual_seed(0)
            weight = torch.randn(48, 32, generator=g).to(dtype)
            bias = torch.randn(48, generator=g).to(dtype)
            x = torch.randn(3, 32, generator=g).to(dtype)
            packed = ops._reorder_linear_weight(weight, BATCH_HINT_ROWS)
            got = ops._linear_pointwise(x, packed, bias, "none", [], "")
            want = F.linear(x, weight, bias)
            ok = got.dtype == dtype and torch.allclose(
                got.float(), want.float(), rtol=tol, atol=tol * want.abs().max().item()
            )
    except RuntimeError as e:
        logger.debug("packed CPU linears unavailable: %s", e)
        return False
    if not ok:
        logger.debug("packed CPU linears disagree with F.linear here; not used")
    return ok


class PackedLinear(nn.Module):
    """An ``nn.Linear`` (or HF ``Conv1D``) whose forward runs on a oneDNN-packed weight."""

    def __init__(self, linear: nn.Module, batch_hint: int = BATCH_HINT_ROWS):
        super().__init__()
        self.original = linear
        self.transposed = _is_conv1d(linear)  # Conv1D keeps its weight as [in, out]
        weight = linear.weight.detach()
        if self.transposed:
            weight = weight.t()
        self.out_features, self.in_features = weight.shape
        # a plain attribute, not a buffer: the model's state_dict keys stay as they were
        self._packed = torch.ops.mkldnn._reorder_linear_weight(weight.contiguous(), batch_hint)
        self._released: torch.Size | None = None

    @property
    def weight(self) -> torch.Tensor:
        return self.original.weight

    @property
    def bias(self) -> torch.Tensor | None:
        return self.original.bias

    def release_weight(self) -> None:
        """Free the original weight's memory; ``unpack()`` brings it back exactly."""
        if self._released is None:
            self._released = self.original.weight.shape
            self.original.weight.data = self.original.weight.data.new_empty(0)

    def unpack(self) -> None:
        """Give the original layer its weight back (exact) and drop the packed copy.

        Layer by layer, so restoring a whole model never holds both copies of it.
        """
        if self._released is not None:
            dense = self._packed.to_dense()  # [out, in]
            if self.transposed:
                dense = dense.t()
            self.original.weight.data = dense.reshape(self._released).contiguous()
            self._released = None
        self._packed = None

    def forward(self, x: torch.Tensor, scale: float = 1.0) -> torch.Tensor:
        """``scale``: the LoRA scale diffusers' ``LoRACompatibleLinear`` takes; swapped only
        without a LoRA layer, where it has no effect."""
        bias = self.original.bias
        return torch.ops.mkldnn._linear_pointwise(
            x, self._packed, None if bias is None else bias.detach(), "none", [], ""
        )


def _is_conv1d(module: nn.Module) -> bool:
    """Hugging Face's ``Conv1D`` (``x @ W + b`` with ``W`` of shape ``[in, out]``)."""
    cls = type(module)
    return cls.__name__ == "Conv1D" and cls.__module__.startswith("transformers")


def _plain_linear(module: nn.Module) -> bool:
    """An ``nn.Linear`` (or HF ``Conv1D``) that computes nothing more than ``x @ W.T + b``.

    Subclasses may add behaviour; the one the flow decoder uses, diffusers'
    ``LoRACompatibleLinear``, adds none while it has no LoRA layer.
    """
    if type(module) is nn.Linear or _is_conv1d(module):
        return True
    return (
        isinstance(module, nn.Linear)
        and type(module).__name__ == "LoRACompatibleLinear"
        and getattr(module, "lora_layer", True) is None
    )


class PackedLinears:
    """Swaps the ``nn.Linear`` layers under ``modules`` for packed ones until ``restore()``.

    ``release_weights``: free each original weight while it is packed (not a weight that
    another module also uses); ``restore()`` rebuilds it exactly. Only layers whose weight
    is of ``dtype`` (float32 or bfloat16: what the engine runs in) are packed.
    """

    def __init__(
        self,
        modules: list[nn.Module],
        batch_hint: int = BATCH_HINT_ROWS,
        release_weights: bool = True,
        dtype: torch.dtype = torch.float32,
    ):
        if dtype not in PACKABLE:
            raise ValueError(f"packed linears run in {PACKABLE}, not {dtype}")
        self.dtype = dtype
        self._swapped: list[tuple[nn.Module, str, nn.Linear]] = []
        self._wrappers: dict[int, PackedLinear] = {}
        # freed layer by layer, so the next packed copy can reuse the memory
        users = _parameter_users(modules) if release_weights else None
        try:
            with torch.inference_mode(False), torch.no_grad():
                for module in modules:
                    self._swap_under(module, batch_hint, users)
        except RuntimeError as e:  # a build whose oneDNN cannot pack: run as stock does
            self.restore()
            logger.warning("packed CPU linears unavailable (%s); using torch's default", e)
        self.count = len(self._wrappers)  # distinct layers packed

    def _swap_under(self, root: nn.Module, batch_hint: int, users: dict | None) -> None:
        for parent in list(root.modules()):
            for name, child in list(parent.named_children()):
                if _plain_linear(child) and child.weight.dtype == self.dtype:
                    # a layer shared by two parents (stock's backend wrapper holds T3's
                    # heads too) gets one packed copy
                    packed = self._wrappers.get(id(child))
                    if packed is None:
                        packed = self._wrappers[id(child)] = PackedLinear(child, batch_hint)
                        if users is not None and users.get(id(child.weight)) == 1:
                            packed.release_weight()
                    setattr(parent, name, packed)
                    self._swapped.append((parent, name, child))

    @property
    def active(self) -> bool:
        return bool(self._swapped)

    def restore(self) -> None:
        """Put every original ``nn.Linear`` back where it was, with its exact weight."""
        with torch.inference_mode(False), torch.no_grad():
            for packed in self._wrappers.values():
                packed.unpack()
        for parent, name, original in reversed(self._swapped):
            setattr(parent, name, original)
        self._swapped.clear()
        self._wrappers.clear()


def _parameter_users(modules: list[nn.Module]) -> dict[int, int]:
    """How many distinct modules hold each parameter (by ``id``); tied weights count 2+."""
    users: dict[int, int] = {}
    seen: set[int] = set()
    for root in modules:
        for module in root.modules():
            if id(module) in seen:
                continue
            seen.add(id(module))
            for param in module.parameters(recurse=False):
                users[id(param)] = users.get(id(param), 0) + 1
    return users
