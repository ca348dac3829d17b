"""Speech-token sampling on the device, batched, equivalent to stock ``T3.inference``.

Stock runs Hugging Face logits processors on one row per step. Two orders exist upstream:

* ``stock`` (``T3.inference``, English and multilingual): repetition penalty over the tokens
  generated so far (the start-of-speech token included), temperature, min-p, top-p;
* ``turbo`` (``T3.inference_turbo``): temperature, top-k, top-p, then the repetition
  penalty; the start-of-speech token is penalised on the first step only (later steps
  penalise the generated tokens alone).

Here the same arithmetic runs on ``(B, V)`` logits with a ``seen`` mask standing in for the
generated-id list, min-p without a sort (the top token always survives it, which is all its
sort was for), top-k by one ``topk`` per row and top-p skipped at 1.0, where it removes
nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch

from tts_cli.engine.seeding import counter_uniform

ORDERS = ("stock", "turbo")


@dataclass(frozen=True)
class SamplingParams:
    """Concrete sampling settings of one decode (stock ``T3.inference`` defaults).

    ``GenerationOptions`` may leave fields to the model (None); ``from_generation`` turns
    those into values: the defaults here, or "off" for the filters and CFG.
    """

    temperature: float = 0.8
    repetition_penalty: float = 1.2
    min_p: float = 0.05
    top_p: float = 1.0
    cfg_weight: float = 0.5
    top_k: int = 0
    """Keep the k most likely tokens (0: off)."""
    order: str = "stock"
    """``stock`` (penalty, temperature, min-p, top-k, top-p) or ``turbo`` (temperature,
    top-k, min-p, top-p, penalty; start token penalised on the first step only)."""

    def __post_init__(self):
        if self.order not in ORDERS:
            raise ValueError(f"order must be one of {ORDERS}, got {self.order!r}")

    @property
    def start_penalised_once(self) -> bool:
        """True when the start-of-speech token leaves the penalised set after step one."""
        return self.order == "turbo"

    @classmethod
    def from_generation(cls, gen, *, order: str | None = None) -> SamplingParams:
        """The sampling settings of ``gen`` (a ``GenerationOptions``, resolved or not).

        None fields: temperature, penalty and top-p take this class's defaults; CFG, min-p
        and top-k are off. ``order`` None: ``turbo`` when ``gen.penalty_last`` is set (a
        Turbo-resolved ``GenerationOptions``), else ``stock``.
        """
        if order is None:
            order = "turbo" if getattr(gen, "penalty_last", False) else "stock"

        def pick(value, default):
            return default if value is None else value

        return cls(
            temperature=float(pick(gen.temperature, cls.temperature)),
            repetition_penalty=float(pick(gen.repetition_penalty, cls.repetition_penalty)),
            min_p=float(pick(gen.min_p, 0.0)),
            top_p=float(pick(gen.top_p, cls.top_p)),
            cfg_weight=float(pick(gen.cfg_weight, 0.0)),
            top_k=int(pick(gen.top_k, 0)),
            order=order,
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


def apply_top_k(logits: torch.Tensor, top_k: int) -> torch.Tensor:
    """Hugging Face's ``TopKLogitsWarper``: drop tokens below the k-th largest (ties kept)."""
    if top_k <= 0:
        return logits
    k = min(top_k, logits.size(-1))
    kth = torch.topk(logits, k, dim=-1).values[..., -1:]
    return logits.masked_fill(logits < kth, float("-inf"))


def process_logits(
    logits: torch.Tensor, seen: torch.Tensor, params: SamplingParams
) -> torch.Tensor:
    """The filters of ``params.order`` applied to ``(B, V)`` logits, in float32."""
    logits = logits.float()
    if params.order == "turbo":
        if params.temperature > 0 and params.temperature != 1.0:
            logits = logits / params.temperature
        logits = apply_top_k(logits, params.top_k)
        logits = apply_min_p(logits, params.min_p)
        logits = apply_top_p(logits, params.top_p)
        return apply_repetition_penalty(logits, seen, params.repetition_penalty)
    logits = apply_repetition_penalty(logits, seen, params.repetition_penalty)
    if params.temperature != 1.0:
        logits = logits / params.temperature
    logits = apply_min_p(logits, params.min_p)
    logits = apply_top_k(logits, params.top_k)
    return apply_top_p(logits, params.top_p)


def sample(
    logits: torch.Tensor,
    generator: torch.Generator | None = None,
    keys: torch.Tensor | None = None,
    keyed: torch.Tensor | None = None,
    step: int = 0,
) -> torch.Tensor:
    """One token per row from processed logits; shape ``(B,)``.

    ``keys`` None: ``multinomial`` from ``generator`` (or the global RNG). ``keys`` (B,)
    int64: each row draws from its own counter-based stream at ``step``
    (``sample_keyed``); ``keyed`` (B,) bool then says which rows do, the others keep the
    multinomial draw (drawn for every row, so their stream is as it would be without keys).
    """
    probs = torch.softmax(logits, dim=-1)
    if keys is None:
        return torch.multinomial(probs, num_samples=1, generator=generator).squeeze(1)
    tok = _inverse_cdf(probs, counter_uniform(keys, step))
    if keyed is None:
        return tok
    drawn = torch.multinomial(probs, num_samples=1, generator=generator).squeeze(1)
    return torch.where(keyed, tok, drawn)


def sample_keyed(logits: torch.Tensor, keys: torch.Tensor, step: int) -> torch.Tensor:
    """One token per row from each row's own stream (``keys``), draw number ``step``."""
    return sample(logits, keys=keys, step=step)


def _inverse_cdf(probs: torch.Tensor, u: torch.Tensor) -> torch.Tensor:
    """The token whose CDF interval holds ``u`` (B,) in [0, 1): multinomial's distribution.

    A zero-probability token has an empty interval, so it is never picked; rounding that
    puts ``u * total`` at the very top is clamped to the row's last possible token.
    """
    cdf = probs.cumsum(dim=-1)
    target = (u * cdf[:, -1]).unsqueeze(1)
    tok = torch.searchsorted(cdf, target, right=True).squeeze(1)
    ids = torch.arange(probs.size(-1), device=probs.device)
    last = torch.where(probs > 0, ids, 0).amax(dim=-1)
    return torch.minimum(tok, last)
