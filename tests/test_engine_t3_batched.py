"""Batched T3 decoding equals stock T3.inference chunk by chunk (tiny random model, CPU)."""

from __future__ import annotations

import pytest
import torch
from engine_support import t3_cond, tiny_t3
from t3_support import GREEDY, STOP
from t3_support import stock_tokens as _stock_tokens
from t3_support import text_ids as _text

from tts_cli.engine.sampling import SamplingParams
from tts_cli.engine.t3 import BatchedT3


@pytest.fixture(scope="module")
def setup():
    t3 = tiny_t3()
    cond = t3_cond()
    engine = BatchedT3(t3, check_every=4)
    return t3, cond, engine, engine.cond_embeds(cond)


def test_mixed_length_batch_equals_stock_chunk_by_chunk(setup):
    t3, cond, engine, cemb = setup
    ids = [_text(5, 1), _text(31, 2), _text(14, 3)]  # very different lengths: left padding
    budgets = [12, 7, 10]
    got = engine.generate(cemb, [engine.text_tokens(i) for i in ids], budgets, GREEDY)
    for i, (tokens, budget) in enumerate(zip(got, budgets, strict=True)):
        want = _stock_tokens(t3, cond, ids[i], budget, GREEDY)
        assert tokens.tolist() == want.tolist(), f"chunk {i}"
        assert len(tokens) == budget  # random weights never stop: each row used its own budget


def test_chunk_tokens_do_not_depend_on_batch_neighbours(setup):
    _, _, engine, cemb = setup
    short = engine.text_tokens(_text(4, 7))
    alone = engine.generate(cemb, [short], [9], GREEDY)[0]
    padded = engine.generate(cemb, [engine.text_tokens(_text(60, 8)), short], [3, 9], GREEDY)[1]
    assert padded.tolist() == alone.tolist()


def test_forced_stop_ends_one_row_and_leaves_the_others_alone(setup):
    t3, cond, engine, cemb = setup
    ids = [_text(8, 11), _text(20, 12), _text(13, 13)]
    budgets = [14, 14, 14]
    stop_row, stop_step = 1, 5

    def bias(step):
        b = torch.zeros(3, 8194)
        if step == stop_step:
            b[stop_row, STOP] = 1e4  # this row must emit the stop token at this step
        return b

    got = engine.generate(
        cemb, [engine.text_tokens(i) for i in ids], budgets, GREEDY, logit_bias=bias
    )
    stock = [_stock_tokens(t3, cond, i, b, GREEDY) for i, b in zip(ids, budgets, strict=True)]
    assert got[stop_row].tolist() == stock[stop_row][:stop_step].tolist() + [STOP]
    for r in (0, 2):
        assert got[r].tolist() == stock[r].tolist()


def test_each_row_keeps_its_own_budget_and_stop_checks_are_not_per_step(setup):
    _, _, engine, cemb = setup
    texts = [engine.text_tokens(_text(n, n)) for n in (6, 9, 12, 15)]
    budgets = [3, 17, 1, 8]
    every = BatchedT3(engine.t3, check_every=1).generate(cemb, texts, budgets, GREEDY)
    sparse = BatchedT3(engine.t3, check_every=64).generate(cemb, texts, budgets, GREEDY)
    assert [len(t) for t in every] == budgets
    assert [t.tolist() for t in every] == [t.tolist() for t in sparse]


def test_without_cfg_a_batch_equals_single_chunks(setup):
    _, _, engine, cemb = setup
    params = SamplingParams(top_p=1e-6, cfg_weight=0.0)
    texts = [engine.text_tokens(_text(n, n + 100)) for n in (3, 22)]
    batch = engine.generate(cemb, texts, [6, 6], params)
    single = [engine.generate(cemb, [t], [6], params)[0] for t in texts]
    assert [t.tolist() for t in batch] == [t.tolist() for t in single]


def test_prefill_mask_keeps_padded_rows_finite(setup):
    _, _, engine, cemb = setup
    texts = [engine.text_tokens(_text(1, 5)), engine.text_tokens(_text(120, 6))]
    logits = engine._prefill(cemb, texts, use_cfg=True, max_budget=2)
    assert torch.isfinite(logits).all()
    assert engine._batch.pad.tolist()[0] == 119 and engine._batch.pad.tolist()[1] == 0


def test_sampled_run_is_reproducible_with_a_generator(setup):
    _, _, engine, cemb = setup
    texts = [engine.text_tokens(_text(n, n)) for n in (7, 11)]
    params = SamplingParams()
    a = engine.generate(cemb, texts, [10, 10], params, torch.Generator().manual_seed(3))
    b = engine.generate(cemb, texts, [10, 10], params, torch.Generator().manual_seed(3))
    assert [t.tolist() for t in a] == [t.tolist() for t in b]
