"""Per-chunk determinism: a chunk with a seed sounds the same whatever batch it is in."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from engine_support import reference_wav, tiny_model

from tts_cli.engine.base import GenerationOptions, SynthesisRequest
from tts_cli.engine.fast import FastEngine
from tts_cli.engine.options import EngineOptions
from tts_cli.engine.sampling import sample
from tts_cli.engine.seeding import _GAMMA, counter_uniform, mix64_int, row_key

GEN = GenerationOptions(cfm_steps=2)
TEXTS = [f"Sentence {i} is here, and it is short." for i in range(8)]


def _requests(order, seed_base=1000, budget=6):
    return [
        SynthesisRequest(index=i, text=TEXTS[i], max_new_tokens=budget, seed=seed_base + i)
        for i in order
    ]


def test_counter_uniform_equals_splitmix64_reference():
    keys = [row_key(s) for s in (0, 1, 2**62 + 5)]
    got = counter_uniform(torch.tensor(keys), 7).tolist()
    want = [(mix64_int(k + 8 * _GAMMA) >> 40) / 2**24 for k in keys]
    assert got == want


def test_keyed_sampling_follows_the_distribution_and_skips_zero_probability():
    probs = torch.tensor([0.5, 0.0, 0.3, 0.15, 0.05])
    logits = probs.log().expand(4000, -1).contiguous()
    keys = torch.tensor([row_key(s) for s in range(4000)])
    counts = torch.zeros(5)
    for step in range(5):
        tok = sample(logits, keys=keys, step=step)
        counts += torch.bincount(tok, minlength=5)
    freq = counts / counts.sum()
    assert counts[1] == 0
    # 20000 draws: a binomial standard error of at most 0.0036; allow 4 of them
    assert torch.allclose(freq, probs, atol=0.015), freq


def test_keyed_row_draw_does_not_depend_on_its_neighbours():
    g = torch.Generator().manual_seed(0)
    logits = torch.randn(8, 300, generator=g) * 3
    keys = torch.tensor([row_key(s) for s in range(8)])
    batch = sample(logits, keys=keys, step=3)
    alone = torch.cat([sample(logits[i : i + 1], keys=keys[i : i + 1], step=3) for i in range(8)])
    assert torch.equal(batch, alone)


def test_mixed_rows_keep_the_generator_draw_for_seedless_rows():
    g = torch.Generator().manual_seed(0)
    logits = torch.randn(4, 50, generator=g)
    keys = torch.tensor([row_key(1), 0, row_key(3), 0])
    keyed = torch.tensor([True, False, True, False])
    plain = sample(logits, torch.Generator().manual_seed(5))
    mixed = sample(logits, torch.Generator().manual_seed(5), keys, keyed, 0)
    assert torch.equal(mixed[~keyed], plain[~keyed])
    assert torch.equal(mixed[keyed], sample(logits[keyed], keys=keys[keyed], step=0))


@pytest.fixture(scope="module")
def engine(tmp_path_factory):
    voice = reference_wav(2.0, seed=2)
    eng = FastEngine(
        tiny_model(),
        GEN,
        EngineOptions(voice_cache_dir=tmp_path_factory.mktemp("voices"), batch_size=8),
        voice=voice,
    )
    yield eng
    eng.close()


def _run(engine, requests, batch_size):
    engine.batch_size = batch_size
    return {c.index: c for c in engine.synthesize(requests)}


def test_batch_sizes_1_3_8_give_identical_chunks(engine):
    runs = [_run(engine, _requests(range(8)), b) for b in (1, 3, 8)]
    assert sum(c.tokens for c in runs[0].values()) > 0
    for other in runs[1:]:
        for i in range(8):
            assert other[i].tokens == runs[0][i].tokens
            assert np.array_equal(other[i].audio, runs[0][i].audio), i


def test_neighbours_order_and_global_rng_do_not_change_a_chunk(engine):
    first = _run(engine, _requests([2, 5]), 8)
    torch.manual_seed(123)  # the global RNG is not what seeded chunks draw from
    other = _run(engine, _requests([7, 5, 0, 2]), 8)
    for i in (2, 5):
        assert np.array_equal(first[i].audio, other[i].audio)
    again = _run(engine, _requests([2, 5], seed_base=2000), 8)
    assert not np.array_equal(first[2].audio, again[2].audio)


def test_a_chunk_sounds_the_same_whatever_thread_count_the_caller_runs(engine):
    """The worker thread takes torch's thread count when it first runs an op, and the decode
    loop's thread probe sets 1 or 2 on the caller's thread meanwhile; float sums depend on
    that count. The engine pins its own for its work on either thread, so a caller on 1
    thread gets the same audio, and gets its own count back."""
    if (engine._host_threads or 0) < 2:
        pytest.skip("needs an engine made with 2 or more threads")
    tts = engine.model.tts
    seen = []
    real = tts.watermarker

    class Recorder:
        def apply_watermark(self, wav, sample_rate):
            seen.append(torch.get_num_threads())
            return real.apply_watermark(wav, sample_rate=sample_rate)

    before = torch.get_num_threads()
    tts.watermarker = Recorder()
    try:
        engine.batch_size = 8
        alone = {c.index: c for c in engine.synthesize(_requests([1, 4]))}
        engine.finish()  # a fresh worker thread next, made while the caller runs 1 thread
        torch.set_num_threads(1)
        fut = engine.submit_batch(_requests([1, 4]))
        pinned = {c.index: c for c in fut.result()}
        assert torch.get_num_threads() == 1
    finally:
        torch.set_num_threads(before)
        tts.watermarker = real
        engine.finish()
    assert seen == [engine._host_threads] * 4
    for i in (1, 4):
        assert np.array_equal(pinned[i].audio, alone[i].audio), i


def test_decode_step_kernels_give_the_same_bits_on_1_and_2_threads():
    """The decode loop's thread probe (``cpu_threads``) switches a step between 1 and 2
    threads by timing; a chunk's tokens stay its own only if what a step computes does not
    depend on that count. The full model's decode shapes (8 rows, bf16 where this CPU has it,
    else float32): packed linears, one-query attention, the RMS norm's mean."""
    from torch import nn

    from tts_cli.engine.cpu_linear import PackedLinear, packing_available
    from tts_cli.engine.device import cpu_bf16
    from tts_cli.engine.t3.decoder import attention

    dtype = torch.bfloat16 if cpu_bf16()[0] else torch.float32
    g = torch.Generator().manual_seed(0)
    before = torch.get_num_threads()

    def on_both(fn):
        torch.set_num_threads(1)
        one = fn()
        torch.set_num_threads(2)
        two = fn()
        torch.set_num_threads(before)
        return one, two

    shapes = [(1024, 1024), (4096, 1024), (1024, 4096), (8194, 1024)]
    with torch.inference_mode():
        for out_f, in_f in shapes:
            lin = nn.Linear(in_f, out_f, bias=False, dtype=dtype)
            if packing_available("cpu", dtype):
                lin = PackedLinear(lin)
            x = torch.randn(8, 1, in_f, generator=g).to(dtype)
            one, two = on_both(lambda lin=lin, x=x: lin(x))
            assert torch.equal(one, two), (out_f, in_f)
        q = torch.randn(8, 16, 1, 64, generator=g).to(dtype)
        k = torch.randn(8, 16, 300, 64, generator=g).to(dtype)
        v = torch.randn(8, 16, 300, 64, generator=g).to(dtype)
        mask = torch.ones(8, 1, 1, 300, dtype=torch.bool)
        mask[:4, ..., :40] = False  # padded rows
        one, two = on_both(lambda: attention(q, k, v, mask, 0.125))
        assert torch.equal(one, two)
        h = torch.randn(8, 1, 1024, generator=g).to(dtype)
        one, two = on_both(lambda: h.float().pow(2).mean(-1, keepdim=True))
        assert torch.equal(one, two)
