"""On-device batched sampling equals stock's Hugging Face logits processors, row by row."""

from __future__ import annotations

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from transformers.generation.logits_process import (
    LogitsProcessorList,
    MinPLogitsWarper,
    RepetitionPenaltyLogitsProcessor,
    TemperatureLogitsWarper,
    TopKLogitsWarper,
    TopPLogitsWarper,
)

from tts_cli.engine.base import GenerationOptions
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


def _stock_turbo(logits: torch.Tensor, ids: torch.Tensor, p: SamplingParams) -> torch.Tensor:
    """What T3.inference_turbo builds: temperature, top-k, top-p, then the penalty."""
    procs = LogitsProcessorList()
    if p.temperature > 0 and p.temperature != 1.0:
        procs.append(TemperatureLogitsWarper(p.temperature))
    if p.top_k > 0:
        procs.append(TopKLogitsWarper(p.top_k))
    if p.top_p < 1.0:
        procs.append(TopPLogitsWarper(p.top_p))
    if p.repetition_penalty != 1.0:
        procs.append(RepetitionPenaltyLogitsProcessor(p.repetition_penalty))
    return procs(ids, logits.clone())


@settings(max_examples=40, deadline=None)
@given(
    seed=st.integers(0, 10_000),
    temperature=st.sampled_from([0.5, 0.8, 1.0]),
    penalty=st.sampled_from([1.0, 1.2, 2.0]),
    top_k=st.sampled_from([0, 1, 5, 1000]),
    top_p=st.sampled_from([1.0, 0.95, 0.5]),
)
def test_turbo_order_equals_stock_turbo_processors(seed, temperature, penalty, top_k, top_p):
    g = torch.Generator().manual_seed(seed)
    rows, vocab = 3, 97
    logits = torch.randn(rows, vocab, generator=g) * 3
    history = [torch.randint(0, vocab, (k,), generator=g) for k in (1, 4, 9)]
    params = SamplingParams(temperature, penalty, 0.0, top_p, 0.0, top_k=top_k, order="turbo")
    seen = torch.zeros(rows, vocab, dtype=torch.bool)
    for r, h in enumerate(history):
        seen[r, h] = True
    ours = process_logits(logits, seen, params)
    for r, h in enumerate(history):
        want = _stock_turbo(logits[r : r + 1], h[None], params)[0]
        assert torch.equal(torch.isinf(ours[r]), torch.isinf(want))
        finite = torch.isfinite(want)
        assert torch.allclose(ours[r][finite], want[finite], rtol=1e-6, atol=1e-6)


def test_penalty_position_changes_which_tokens_survive_top_k():
    # token 0 is the top logit but was generated: penalised first (stock) it drops below
    # token 1; penalised last (turbo) it survives top-k 1 and only then is divided
    logits = torch.tensor([[3.0, 2.0, -1.0]])
    seen = torch.tensor([[True, False, False]])
    stock = process_logits(logits, seen, SamplingParams(1.0, 2.0, 0.0, 1.0, 0.0, top_k=1))
    turbo = process_logits(
        logits, seen, SamplingParams(1.0, 2.0, 0.0, 1.0, 0.0, top_k=1, order="turbo")
    )
    assert torch.isfinite(stock[0]).tolist() == [False, True, False]
    assert torch.isfinite(turbo[0]).tolist() == [True, False, False]
    assert turbo[0, 0].item() == 1.5


def test_defaults_are_concrete_stock_values():
    p = SamplingParams()
    assert (p.temperature, p.repetition_penalty, p.min_p, p.top_p) == (0.8, 1.2, 0.05, 1.0)
    assert (p.cfg_weight, p.top_k, p.order) == (0.5, 0, "stock")
    with pytest.raises(ValueError):
        SamplingParams(order="sideways")


def test_from_generation_maps_unset_options():
    p = SamplingParams.from_generation(GenerationOptions())
    assert (p.temperature, p.repetition_penalty, p.top_p) == (0.8, 1.2, 1.0)
    assert (p.cfg_weight, p.min_p, p.top_k) == (0.0, 0.0, 0)  # None means off
    assert p.order == "stock"
    given_ = GenerationOptions(temperature=0.6, cfg_weight=0.3, min_p=0.1, top_k=50, top_p=0.9)
    q = SamplingParams.from_generation(given_, order="turbo")
    assert (q.temperature, q.cfg_weight, q.min_p, q.top_k, q.top_p) == (0.6, 0.3, 0.1, 50, 0.9)
    assert q.order == "turbo" and q.start_penalised_once
    assert isinstance(q.repetition_penalty, float)


def test_from_generation_takes_turbo_order_from_a_turbo_resolved_gen():
    gen = GenerationOptions(penalty_last=True, repetition_penalty=1.2, top_k=1000, top_p=0.95)
    p = SamplingParams.from_generation(gen)
    assert p.order == "turbo" and p.top_k == 1000
    assert SamplingParams.from_generation(gen, order="stock").order == "stock"
