"""Reduced precision for T3 and the flow decoder; everything else stays float32.

Weights are cast (not autocast) so T3 reads half the bytes per decode step, which is what
bounds its speed on a GPU and on a CPU with native bfloat16. The vocoder (fp16 artefacts
are a known complaint), the speech tokenizer, the voice encoder and the flow encoder keep
float32. Inside the cast modules, non-persistent buffers keep float32: they are tables that
upstream computes in float32 (Llama's rotary ``inv_freq``, which Hugging Face reads with
``.float()``), and ``module.to(dtype)`` would round them for good (``inv_freq`` off by up to
1.8e-4, about 0.23 rad at position 1300). ``ReducedPrecision`` puts every cast tensor back
on exit, so a model shared with the stock engine is left as it was found.
"""

from __future__ import annotations

import logging

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


class ReducedPrecision:
    """Casts T3 and the flow decoder to ``dtype``; ``restore()`` puts the exact tensors back.

    Casting back from bfloat16 would round the weights for good, so the originals are kept:
    on a CPU the original tensors themselves (no copy: the cast made new ones), from a GPU a
    copy in host memory (not GPU memory).
    """

    def __init__(self, tts, dtype: torch.dtype):
        self.dtype = dtype
        self._saved: list[tuple[torch.nn.Module, str, str, torch.Tensor]] = []
        if dtype == torch.float32:
            return
        with torch.inference_mode(False), torch.no_grad():
            for module in reduced_modules(tts):
                for owner, name, kind in _cast_targets(module):
                    tensor = getattr(owner, name)
                    original = tensor.detach() if tensor.device.type == "cpu" else tensor.to("cpu")
                    self._saved.append((owner, name, kind, original))
                    low = tensor.detach().to(dtype)
                    if kind == "param":
                        tensor.data = low
                    else:
                        setattr(owner, name, low)
        logger.info("T3 and the flow decoder run in %s", str(dtype).removeprefix("torch."))

    def restore(self) -> None:
        """Every cast parameter and buffer back, bit for bit, on the device it is on now."""
        with torch.inference_mode(False), torch.no_grad():
            for owner, name, kind, original in reversed(self._saved):
                current = getattr(owner, name)
                value = original.to(current.device)
                if kind == "param":
                    current.data = value
                else:
                    setattr(owner, name, value)
        self._saved.clear()
