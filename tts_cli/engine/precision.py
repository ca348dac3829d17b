"""Reduced precision for T3 and the flow decoder; everything else stays float32.

Weights are cast (not autocast) so T3 reads half the bytes per decode step, which is what
bounds its speed on a GPU. The vocoder (fp16 artefacts are a known complaint), the speech
tokenizer, the voice encoder and the flow encoder keep float32. ``ReducedPrecision`` undoes
the cast on exit, so a model shared with the stock engine is left as it was found.
"""

from __future__ import annotations

import logging

import torch

from tts_cli.engine.device import resolve_dtype

logger = logging.getLogger(__name__)


def engine_dtype(name: str, model) -> torch.dtype:
    """``auto``: the dtype the model was loaded for; otherwise ``name`` checked against the device."""
    if name == "auto":
        return model.dtype
    return resolve_dtype(name, model.device)


def reduced_modules(tts) -> list[torch.nn.Module]:
    """The submodels that run in reduced precision: T3 and S3Gen's CFM estimator."""
    return [tts.t3, tts.s3gen.flow.decoder.estimator]


class ReducedPrecision:
    """Casts T3 and the flow decoder to ``dtype``; ``restore()`` puts the exact weights back.

    Casting back from bfloat16 would round the weights for good, so the original state is
    kept on the CPU (host memory, not GPU memory) and loaded back on restore.
    """

    def __init__(self, tts, dtype: torch.dtype):
        self.dtype = dtype
        self._saved: list[tuple[torch.nn.Module, dict]] = []
        if dtype == torch.float32:
            return
        for module in reduced_modules(tts):
            state = {k: v.detach().to("cpu", copy=True) for k, v in module.state_dict().items()}
            self._saved.append((module, state))
            module.to(dtype)
        logger.info("T3 and the flow decoder run in %s", str(dtype).removeprefix("torch."))

    def restore(self) -> None:
        for module, state in self._saved:
            original = next(iter(state.values())).dtype
            module.to(original)
            module.load_state_dict(state)
        self._saved.clear()
