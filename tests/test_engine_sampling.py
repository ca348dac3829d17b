"""On-device batched sampling equals stock's Hugging Face logits processors, row by row."""

from __future__ import annotations

import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from transformers.generation.logits_process import (
    MinPLogitsWarper,
    RepetitionPenaltyLogitsProcessor,
    TopPLogitsWarper,
)

from tts_cli.engine.sampling import SamplingParams, cfg_combine, process_logits


def _stock(logits: torch.Tensor, ids: torch.Tensor, p: SamplingParams) -> torch.Tensor:
    """What T3.inference does to one row's guided logits."""
    out = RepetitionPenaltyLogitsProcessor(penalty=float(p.repetition_penalty))(ids, logits.clone())
    if p.temperature != 1.0:
        out = out / p.temperature
    out = MinPLogitsWarper(min_p=p.min_p)(ids, out)
    return TopPLogitsWarper(top_p=p.top_p)(ids, out)


@settings(max_examples=40, deadline=None)
@given(
    seed=st.integers(0, 10_000),
    temperature=st.sampled_from([0.5, 0.8, 1.0, 1.3]),
    penalty=st.sampled_from([1.0, 1.2, 2.0]),
    min_p=st.sampled_from([0.0, 0.05, 0.3]),
    top_p=st.sampled_from([1.0, 0.9, 0.5]),
)
def test_processed_logits_equal_stock_processors(seed, temperature, penalty, min_p, top_p):
    g = torch.Generator().manual_seed(seed)
    rows, vocab = 3, 97
    logits = torch.randn(rows, vocab, generator=g) * 3
    history = [torch.randint(0, vocab, (k,), generator=g) for k in (1, 5, 12)]
    params = SamplingParams(temperature, penalty, min_p, top_p)
    seen = torch.zeros(rows, vocab, dtype=torch.bool)
    for r, h in enumerate(history):
        seen[r, h] = True
    ours = process_logits(logits, seen, params)
    for r, h in enumerate(history):
        want = _stock(logits[r : r + 1], h[None], params)[0]
        assert torch.equal(torch.isinf(ours[r]), torch.isinf(want))
        finite = torch.isfinite(want)
        assert torch.allclose(ours[r][finite], want[finite], rtol=1e-6, atol=1e-6)


def test_cfg_combine_uses_cond_then_uncond_halves():
    logits = torch.tensor([[1.0, 2.0], [3.0, 4.0], [0.0, 1.0], [1.0, 1.0]])
    out = cfg_combine(logits, n_chunks=2, cfg_weight=0.5)
    assert out.tolist() == [[1.5, 2.5], [4.0, 5.5]]
    assert cfg_combine(logits, n_chunks=4, cfg_weight=0.5) is logits
