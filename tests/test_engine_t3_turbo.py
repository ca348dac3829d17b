"""Turbo's GPT-2 T3 batched equals stock T3.inference_turbo chunk by chunk (tiny, CPU)."""

from __future__ import annotations

import pytest
import torch
from engine_support import fresh, t3_cond, tiny_t3

from tts_cli.engine.sampling import SamplingParams
from tts_cli.engine.t3 import BatchedT3, BatchedTurboT3

STOP = 6562
VOCAB = 6563  # Turbo's speech vocabulary
# Turbo's defaults; top_p this small leaves one token, so decoding is deterministic
GREEDY = SamplingParams(0.8, 1.2, 0.0, 1e-6, 0.0, top_k=1000, order="turbo")
SAMPLED = SamplingParams(0.8, 1.2, 0.0, 0.95, 0.0, top_k=1000, order="turbo")


def _ids(n: int, seed: int) -> torch.Tensor:
    g = torch.Generator().manual_seed(seed)
    return torch.randint(0, 50_000, (n,), generator=g)


def _stock(t3, cond, ids, budget: int, p: SamplingParams) -> list[int]:
    """``inference_turbo`` for ``budget`` tokens (it returns up to max_gen_len + 1)."""
    out = t3.inference_turbo(
        t3_cond=fresh(cond),
        text_tokens=ids[None],
        temperature=p.temperature,
        top_k=p.top_k,
        top_p=p.top_p,
        repetition_penalty=p.repetition_penalty,
        max_gen_len=budget - 1,
    )
    return out[0].tolist()


@pytest.fixture(scope="module")
def setup():
    t3 = tiny_t3(0, "turbo")
    cond = t3_cond()
    engine = BatchedTurboT3(t3, check_every=3)
    return t3, cond, engine, engine.cond_embeds(cond)


def test_batch_of_three_lengths_equals_three_stock_calls(setup):
    t3, cond, engine, cemb = setup
    ids = [_ids(4, 1), _ids(23, 2), _ids(11, 3)]  # left padding of 19, 0 and 12 tokens
    budgets = [15, 9, 12]
    got = engine.generate(cemb, [engine.text_tokens(i) for i in ids], budgets, GREEDY)
    for i, (tokens, budget) in enumerate(zip(got, budgets, strict=True)):
        assert tokens.tolist() == _stock(t3, cond, ids[i], budget, GREEDY), f"chunk {i}"
        assert len(tokens) == budget


def test_seeded_sampling_equals_stock_and_penalises_the_start_token_once(setup):
    t3, cond, engine, cemb = setup
    ids = _ids(9, 4)
    torch.manual_seed(11)
    want = _stock(t3, cond, ids, 20, SAMPLED)
    torch.manual_seed(11)
    got = engine.generate(cemb, [engine.text_tokens(ids)], [20], SAMPLED)[0].tolist()
    assert got == want


def test_stops_and_budgets_are_per_row(setup):
    t3, cond, engine, cemb = setup
    ids = [_ids(6, 5), _ids(14, 6), _ids(9, 7)]

    def bias(step):
        b = torch.zeros(3, VOCAB)
        if step == 4:
            b[0, STOP] = 1e4
        return b

    got = engine.generate(
        cemb, [engine.text_tokens(i) for i in ids], [10, 10, 3], GREEDY, logit_bias=bias
    )
    stock = [_stock(t3, cond, i, b, GREEDY) for i, b in zip(ids, [10, 10, 3], strict=True)]
    assert got[0].tolist() == stock[0][:4] + [STOP]
    assert got[1].tolist() == stock[1] and got[2].tolist() == stock[2]


def test_cfg_weight_adds_no_rows_and_text_ids_pass_unwrapped(setup):
    _, _, engine, cemb = setup
    ids = _ids(5, 8)
    assert engine.text_tokens(ids).tolist() == ids.tolist()
    with_cfg = SamplingParams(0.8, 1.2, 0.0, 1e-6, 0.5, top_k=1000, order="turbo")
    a = engine.generate(cemb, [ids], [6], with_cfg)[0]
    assert engine._batch.rows == 1
    assert a.tolist() == engine.generate(cemb, [ids], [6], GREEDY)[0].tolist()


def test_each_backbone_refuses_the_other():
    with pytest.raises(NotImplementedError):
        BatchedTurboT3(tiny_t3(0, "english"))
    with pytest.raises(NotImplementedError):
        BatchedT3(tiny_t3(0, "turbo"))


def test_start_token_is_penalised_on_the_first_step_only(setup):
    _, _, engine, cemb = setup
    bos, first, second = 6561, 77, 78

    def bias(step):  # the start token leads by 10; halved by the penalty it trails by 10
        b = torch.zeros(1, VOCAB)
        b[0, bos], b[0, first if step == 0 else second] = 40.0, 30.0
        return b

    turbo = SamplingParams(1.0, 2.0, 0.0, 1.0, 0.0, top_k=2, order="turbo")
    got = engine.generate(cemb, [_ids(6, 9)], [2], turbo, logit_bias=bias)[0].tolist()
    assert got == [first, bos]  # step 0: start token penalised; step 1: no longer
    stock_order = SamplingParams(1.0, 2.0, 0.0, 1.0, 0.0, top_k=2)
    got = engine.generate(cemb, [_ids(6, 9)], [2], stock_order, logit_bias=bias)[0].tolist()
    assert got == [first, second]  # English/multilingual keep it penalised
