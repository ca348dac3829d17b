"""The memory formula against the tensors a decode really creates (tiny T3s, CPU).

``PeakTracker`` (``tts_cli/testing/memory.py``) sees every tensor an aten op returns while
a decode runs and counts each storage from its creation until it is freed: the measured
peak of live tensors (the model's own weights excluded). The formula must count at least
that, and not wildly more.
"""

from __future__ import annotations

import weakref

import pytest
import torch
from engine_support import t3_cond, tiny_t3
from t3_support import GREEDY
from t3_support import text_ids as _text
from torch.multiprocessing.reductions import StorageWeakRef

from tts_cli.engine.memory_estimate import (
    DecodeShape,
    T3Geometry,
    batch_bytes,
    fit_batch_size,
    t3_decode_bytes,
    t3_static_bytes,
)
from tts_cli.engine.sampling import SamplingParams
from tts_cli.engine.t3 import BatchedT3, BatchedTurboT3
from tts_cli.testing.memory import PeakTracker


def _shape(engine, n_chunks: int, budget: int) -> DecodeShape:
    """The decode's sizes as the decoder laid them out."""
    n_cond = int(engine._n_cond)
    return DecodeShape(
        chunks=n_chunks,
        rows=engine._cache_k.size(1),
        cache_len=engine._cache_k.size(3),
        prompt_width=engine._batch.prefill_len - n_cond,
        cond_len=n_cond,
        max_budget=budget,
    )


def _measure(engine, cemb, texts, budget, params):
    model = [*engine.t3.parameters(), *engine.t3.buffers(), cemb]
    engine.release()
    with PeakTracker(model) as tracker:
        engine.generate(cemb, texts, [budget] * len(texts), params)
    return tracker.peak


CASES = {
    "llama-cfg": (lambda: BatchedT3(tiny_t3()), GREEDY, 16, 40),
    "llama-cfg-long": (lambda: BatchedT3(tiny_t3()), GREEDY, 4, 160),
    "gpt2": (
        lambda: BatchedTurboT3(tiny_t3(family="turbo")),
        SamplingParams(top_p=1e-6, cfg_weight=0.0, order="turbo"),
        16,
        40,
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_no_decode_needs_more_than_the_formula_counts(case):
    make, params, n, budget = CASES[case]
    engine = make()
    cemb = engine.cond_embeds(t3_cond())
    high = 50_000 if isinstance(engine, BatchedTurboT3) else 200
    texts = [engine.text_tokens(_text(5 + 7 * i % 40, 70 + i, high=high)) for i in range(n)]
    peak = _measure(engine, cemb, texts, budget, params)
    geometry = T3Geometry.from_t3(engine.t3)
    shape = _shape(engine, n, budget)
    estimate = t3_decode_bytes(geometry, shape, 4)
    assert peak <= estimate, (peak, estimate)
    assert estimate < 3 * peak, (peak, estimate)  # and it is not a blanket over-count


def test_the_static_buffers_are_exactly_what_the_formula_names():
    engine = BatchedT3(tiny_t3())
    cemb = engine.cond_embeds(t3_cond())
    texts = [engine.text_tokens(_text(9 + i, i)) for i in range(5)]
    engine.generate(cemb, texts, [12] * 5, GREEDY)
    formula = t3_static_bytes(T3Geometry.from_t3(engine.t3), _shape(engine, 5, 12), 4)
    held = engine.buffer_bytes()
    assert held == formula["kv_cache"] + formula["step_inputs"] + formula["rotary"]
    assert formula["kv_cache"] == engine._cache_k.nbytes + engine._cache_v.nbytes


def test_a_reallocation_drops_the_old_cache_before_allocating_the_new_one():
    engine = BatchedT3(tiny_t3())
    engine._ensure_buffers(4, 100)
    old = weakref.ref(engine._cache_k)
    alive_at_alloc = []
    real = engine._new_buffer

    def spy(shape, dtype):
        alive_at_alloc.append(old() is not None)
        return real(shape, dtype)

    engine._new_buffer = spy
    engine._ensure_buffers(4, 400)  # longer than the cache holds: a new one
    assert engine._cache_k.size(3) == 400
    assert alive_at_alloc and not any(alive_at_alloc)


def test_compaction_moves_only_the_written_prefix():
    engine = BatchedT3(tiny_t3())
    cemb = engine.cond_embeds(t3_cond())
    texts = [engine.text_tokens(_text(6, i)) for i in range(4)]
    engine._prefill(cemb, texts, use_cfg=True, max_budget=50)
    ck = engine._cache_k
    for r in range(ck.size(1)):
        ck[:, r] = float(r)  # each row's positions hold its row number
    written = engine._batch.prefill_len + 3
    engine._compact(torch.tensor([1, 3]), written)
    # cond rows 1, 3 and their uncond rows 5, 7 move to the front, over the prefix only
    for dest, src in enumerate([1, 3, 5, 7]):
        assert bool((ck[:, dest, :, :written] == src).all())
        assert bool((ck[:, dest, :, written:] == dest).all())  # the rest was not copied


def test_full_size_batch_plan_counts_the_cache_of_both_cfg_rows():
    """Chatterbox English T3 (30 layers, 16 x 64 heads, 1024 wide), bfloat16, on 80 GB."""
    from types import SimpleNamespace

    cfg = SimpleNamespace(
        num_hidden_layers=30,
        num_attention_heads=16,
        num_key_value_heads=16,
        head_dim=64,
        hidden_size=1024,
        intermediate_size=4096,
        model_type="llama",
    )
    g = T3Geometry.from_config(cfg)
    one, two = batch_bytes(g, 1, 2, cfg=True), batch_bytes(g, 2, 2, cfg=True)
    kv_per_chunk = 2 * 30 * 2 * 16 * (int(1.25 * 1400) + 1) * 64 * 2
    assert two - one >= kv_per_chunk
    assert batch_bytes(g, 8, 2, cfg=False) < batch_bytes(g, 8, 2, cfg=True)
    n = fit_batch_size(80 * 2**30, g, 2, cfg=True)
    assert 1 <= n <= 64
    assert batch_bytes(g, n, 2, cfg=True) <= 0.6 * 80 * 2**30
    assert n == 64 or batch_bytes(g, n + 1, 2, cfg=True) > 0.6 * 80 * 2**30
    assert fit_batch_size(2**20, g, 2, cfg=True) == 1  # one chunk is always tried


# ---------------------------------------------------------------- reduced precision


def _originals(tts) -> list[torch.Tensor]:
    from tts_cli.engine.precision import _cast_targets, reduced_modules

    return [getattr(o, n) for m in reduced_modules(tts) for o, n, _ in _cast_targets(m)]


def test_reduced_precision_keeps_no_resident_full_precision_copy():
    from engine_support import tiny_model

    from tts_cli.engine.precision import ReducedPrecision

    tts = tiny_model().tts
    originals = _originals(tts)
    before = {k: v.clone() for k, v in tts.t3.state_dict().items()}
    refs = [StorageWeakRef(t.untyped_storage()) for t in originals]
    total = sum(t.nbytes for t in originals)
    del originals
    policy = ReducedPrecision(tts, torch.bfloat16)
    try:
        assert policy.resident_bytes == 0
        assert policy.spilled_bytes == total  # every float32 original, in the file
        assert all(r.expired() for r in refs)  # and nothing of them left in memory
    finally:
        policy.restore()
    after = tts.t3.state_dict()
    assert all(after[k].dtype == torch.float32 and torch.equal(after[k], before[k]) for k in before)


def test_reduced_precision_keeps_the_originals_in_memory_when_the_file_fails(monkeypatch):
    from engine_support import tiny_model

    from tts_cli.engine import precision

    tts = tiny_model().tts
    before = {k: v.clone() for k, v in tts.t3.state_dict().items()}
    real, calls = precision._Spill.put, []

    def full_disk(self, tensor):
        calls.append(1)
        if len(calls) > 3:
            raise OSError(28, "No space left on device")
        return real(self, tensor)

    monkeypatch.setattr(precision._Spill, "put", full_disk)
    policy = precision.ReducedPrecision(tts, torch.bfloat16)
    assert policy.spilled_bytes == 0
    assert policy.resident_bytes == sum(t.nbytes for t in _originals(tts)) * 2  # fp32 of bf16
    policy.restore()
    after = tts.t3.state_dict()
    assert all(torch.equal(after[k], before[k]) for k in before)


def test_cpu_keeps_the_originals_in_memory_when_there_is_room():
    from engine_support import tiny_model

    from tts_cli.engine.precision import ReducedPrecision, spill_originals

    tts = tiny_model().tts
    total = sum(t.nbytes for t in _originals(tts))
    assert spill_originals(tts, "cpu", available=int(2 * total)) is False
    assert spill_originals(tts, "cpu", available=int(2 * total) - 1) is True
    assert spill_originals(tts, "cuda:0", available=100 * total) is True
    before = {k: v.clone() for k, v in tts.t3.state_dict().items()}
    originals = _originals(tts)
    policy = ReducedPrecision(tts, torch.bfloat16, spill=False)
    try:
        assert policy.spilled_bytes == 0
        assert policy.resident_bytes == total  # the model's own tensors, not copies
        assert tts.t3.speech_head.weight.dtype == torch.bfloat16
    finally:
        policy.restore()
    after = tts.t3.state_dict()
    assert all(after[k].dtype == torch.float32 and torch.equal(after[k], before[k]) for k in before)
    kept = {t.data_ptr() for t in originals}
    assert tts.t3.speech_head.weight.data_ptr() in kept  # restored without a copy
