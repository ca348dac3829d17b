"""Row buckets: a batch decodes with a few fixed row counts, so a book captures few graphs.

Before row buckets, every finished chunk shrank the batch and gave the step a new shape
(one CUDA graph per chunk count and cache bucket). The step path records the graph key of
every step even when it runs eagerly, so the bound is checked here on the CPU.
"""

from __future__ import annotations

import pytest
import torch
from engine_support import t3_cond, tiny_t3
from t3_support import STOP
from t3_support import text_ids as _text

from tts_cli.engine.cuda_graphs import BUCKET_TOKENS
from tts_cli.engine.sampling import SamplingParams
from tts_cli.engine.t3 import BatchedT3, BatchedTurboT3
from tts_cli.engine.t3.decoder import row_bucket

N_CHUNKS = 64
BUDGET = 80  # tokens; every chunk is forced to stop before
SAMPLED = SamplingParams(cfg_weight=0.5)  # real sampling: rows draw from their own keys


@pytest.mark.parametrize(
    ("live", "start", "want"),
    [(64, 64, 64), (63, 64, 64), (33, 64, 64), (32, 64, 32), (17, 64, 32), (5, 64, 8)]
    + [(1, 64, 1), (2, 64, 2), (3, 64, 4), (40, 50, 50), (31, 50, 32), (7, 7, 7), (4, 7, 4)],
)
def test_row_bucket_is_the_batch_or_a_power_of_two_below_it(live, start, want):
    assert row_bucket(live, start) == want


def test_row_bucket_refuses_impossible_counts():
    with pytest.raises(ValueError):
        row_bucket(0, 8)
    with pytest.raises(ValueError):
        row_bucket(9, 8)


def _stop_at(steps: list[int], vocab: int = 8194):
    """A logit bias that makes chunk i emit the stop token at step ``steps[i]``."""
    n = len(steps)

    def bias(step):
        b = torch.zeros(n, vocab)
        for i, at in enumerate(steps):
            if at == step:
                b[i, STOP] = 1e4
        return b

    return bias


@pytest.fixture(scope="module")
def staggered():
    """64 chunks that stop one after another (one per step), sampled with per-chunk seeds,
    decoded with and without row buckets."""
    t3 = tiny_t3()
    texts_ids = [_text(4 + i % 13, 500 + i) for i in range(N_CHUNKS)]
    stops = [2 + i for i in range(N_CHUNKS)]
    seeds = [9000 + i for i in range(N_CHUNKS)]
    runs = {}
    for buckets in (False, True):
        engine = BatchedT3(t3, check_every=1, row_buckets=buckets)
        cemb = engine.cond_embeds(t3_cond())
        texts = [engine.text_tokens(i) for i in texts_ids]
        tokens = engine.generate(
            cemb, texts, [BUDGET] * N_CHUNKS, SAMPLED, logit_bias=_stop_at(stops), seeds=seeds
        )
        runs[buckets] = (engine, tokens)
    return stops, runs


def test_staggered_64_chunk_batch_uses_few_row_counts(staggered):
    _, runs = staggered
    engine, _ = runs[True]
    rows = {key[0] for key in engine.step_shapes}
    assert rows <= {64, 32, 16, 8, 4, 2, 1}
    attends = {key[2] for key in engine.step_shapes}
    capacity = engine._cache_k.size(3)
    assert all(a % BUCKET_TOKENS == 0 or a == capacity for a in attends)
    # rows only shrink and the attended length only grows: a monotone path through the grid
    assert len(engine.step_shapes) <= len(rows) + len(attends) - 1
    assert len(engine.step_shapes) <= 7 + len(attends) - 1


def test_without_row_buckets_every_finished_chunk_was_a_new_shape(staggered):
    """The count before this fix, on the same batch: one shape per chunk count."""
    _, runs = staggered
    before = len(runs[False][0].step_shapes)
    after = len(runs[True][0].step_shapes)
    assert before >= N_CHUNKS - 1
    assert after * 5 < before


def test_masked_rows_change_no_chunk_and_keys_follow_their_rows(staggered):
    stops, runs = staggered
    compacted, bucketed = runs[False][1], runs[True][1]
    for i, (a, b) in enumerate(zip(compacted, bucketed, strict=True)):
        assert b.tolist() == a.tolist(), f"chunk {i}"
        assert len(b) == stops[i] + 1 and b[-1] == STOP  # stopped where forced, not later


def test_a_chunk_alone_equals_the_same_chunk_among_masked_rows(staggered):
    stops, runs = staggered
    engine, tokens = runs[True]
    i = 41  # decoded among masked rows in the 64-row bucket, then in the 32-row one
    alone = BatchedT3(engine.t3, check_every=1).generate(
        engine.cond_embeds(t3_cond()),
        [engine.text_tokens(_text(4 + i % 13, 500 + i))],
        [BUDGET],
        SAMPLED,
        logit_bias=_stop_at([stops[i]]),
        seeds=[9000 + i],
    )[0]
    assert alone.tolist() == tokens[i].tolist()


def test_turbo_buckets_its_rows_too():
    t3 = tiny_t3(family="turbo")
    params = SamplingParams(top_p=1e-6, cfg_weight=0.0, order="turbo")
    stops = [2 + 2 * i for i in range(12)]
    out = {}
    for buckets in (False, True):
        engine = BatchedTurboT3(t3, check_every=2, row_buckets=buckets)
        cemb = engine.cond_embeds(t3_cond())
        texts = [engine.text_tokens(_text(3 + i, 40 + i, high=50000)) for i in range(12)]
        tokens = engine.generate(
            cemb, texts, [40] * 12, params, logit_bias=_stop_at(stops, vocab=6563)
        )
        out[buckets] = ([t.tolist() for t in tokens], engine.step_shapes)
    assert out[True][0] == out[False][0]
    assert {k[0] for k in out[True][1]} == {12, 8, 4, 2, 1}
    assert {k[1] for k in out[True][1]} == {12, 8, 4, 2, 1}  # no CFG rows


def test_row_buckets_default_on_for_graphs_and_compile_only():
    t3 = tiny_t3()
    assert not BatchedT3(t3).row_buckets
    assert BatchedT3(t3, step_mode="graphs").row_buckets
    assert BatchedT3(t3, step_mode="compile").row_buckets
