"""Shared helpers of the batched-T3 tests: texts, stock reference calls, greedy settings."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from engine_support import fresh

from tts_cli.engine.sampling import SamplingParams

# top_p this small keeps only the most likely token: sampling becomes deterministic
GREEDY = SamplingParams(
    temperature=0.8, repetition_penalty=1.2, min_p=0.05, top_p=1e-6, cfg_weight=0.5
)
STOP = 6562


def text_ids(n: int, seed: int, high: int = 200) -> torch.Tensor:
    """``n`` random text ids in [3, high)."""
    g = torch.Generator().manual_seed(seed)
    return torch.randint(3, high, (n,), generator=g)


def stock_tokens(t3, cond, ids: torch.Tensor, budget: int, params: SamplingParams):
    """Stock ``T3.inference`` as ``ChatterboxTTS``/``ChatterboxMultilingualTTS.generate``
    call it: start/stop text tokens, two CFG rows; returns the cond row's tokens."""
    text = F.pad(F.pad(ids[None], (1, 0), value=255), (0, 1), value=0)
    text = torch.cat([text, text])
    out = t3.inference(
        t3_cond=fresh(cond),
        text_tokens=text,
        max_new_tokens=budget,
        temperature=params.temperature,
        cfg_weight=params.cfg_weight,
        repetition_penalty=params.repetition_penalty,
        min_p=params.min_p,
        top_p=params.top_p,
    )
    return out[0]
