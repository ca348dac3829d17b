"""Speech-token sampling on the device, batched, equivalent to stock ``T3.inference``.

Stock runs Hugging Face logits processors on one row per step: repetition penalty over
the tokens generated so far (the start-of-speech token included), temperature, min-p,
top-p, softmax, multinomial. Here the same arithmetic runs on ``(B, V)`` logits with a
``seen`` mask standing in for the generated-id list, min-p without a sort (the top token
always survives it, which is all its sort was for) and top-p skipped at 1.0, where it
removes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch

from tts_cli.engine.base import GenerationOptions


@dataclass(frozen=True)
class SamplingParams:
    """The sampling part of ``GenerationOptions``; its defaults are the stock ones kept there."""

    temperature: float = GenerationOptions.temperature
    repetition_penalty: float = GenerationOptions.repetition_penalty
    min_p: float = GenerationOptions.min_p
    top_p: float = GenerationOptions.top_p
    cfg_weight: float = GenerationOptions.cfg_weight

    @classmethod
    def from_generation(cls, gen: GenerationOptions) -> SamplingParams:
        """The sampling settings of ``gen``."""
        return cls(
            temperature=gen.temperature,
            repetition_penalty=gen.repetition_penalty,
            min_p=gen.min_p,
            top_p=gen.top_p,
            cfg_weight=gen.cfg_weight,
        )


def cfg_combine(logits: torch.Tensor, n_chunks: int, cfg_weight: float) -> torch.Tensor:
    """``cond + w * (cond - uncond)`` for rows laid out as [cond rows; uncond rows]."""
    if logits.size(0) == n_chunks:  # no CFG rows
        return logits
    cond, uncond = logits[:n_chunks], logits[n_chunks:]
    return cond + cfg_weight * (cond - uncond)


def apply_repetition_penalty(
    logits: torch.Tensor, seen: torch.Tensor, penalty: float
) -> torch.Tensor:
    """Stock's penalty: seen tokens' logits divided by ``penalty`` (multiplied when negative)."""
    if penalty == 1.0:
        return logits
    penalised = torch.where(logits < 0, logits * penalty, logits / penalty)
    return torch.where(seen, penalised, logits)


def apply_min_p(logits: torch.Tensor, min_p: float) -> torch.Tensor:
    """Drop tokens whose probability is below ``min_p`` times the top token's."""
    if min_p <= 0.0:
        return logits
    probs = torch.softmax(logits, dim=-1)
    threshold = min_p * probs.amax(dim=-1, keepdim=True)
    return logits.masked_fill(probs < threshold, float("-inf"))


def apply_top_p(logits: torch.Tensor, top_p: float) -> torch.Tensor:
    """Nucleus filter exactly as Hugging Face's ``TopPLogitsWarper`` (identity at 1.0)."""
    if top_p >= 1.0:
        return logits
    sorted_logits, sorted_idx = torch.sort(logits, descending=False)
    cumulative = sorted_logits.softmax(dim=-1).cumsum(dim=-1)
    remove_sorted = cumulative <= (1 - top_p)
    remove_sorted[..., -1:] = False  # keep at least the top token
    remove = remove_sorted.scatter(1, sorted_idx, remove_sorted)
    return logits.masked_fill(remove, float("-inf"))


def process_logits(
    logits: torch.Tensor, seen: torch.Tensor, params: SamplingParams
) -> torch.Tensor:
    """Repetition penalty, temperature, min-p, top-p: stock order, float32."""
    logits = apply_repetition_penalty(logits.float(), seen, params.repetition_penalty)
    if params.temperature != 1.0:
        logits = logits / params.temperature
    logits = apply_min_p(logits, params.min_p)
    return apply_top_p(logits, params.top_p)


def sample(logits: torch.Tensor, generator: torch.Generator | None = None) -> torch.Tensor:
    """One token per row from processed logits; shape ``(B,)``."""
    probs = torch.softmax(logits, dim=-1)
    return torch.multinomial(probs, num_samples=1, generator=generator).squeeze(1)
