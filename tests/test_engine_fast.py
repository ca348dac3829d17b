"""The fast engine end to end on the tiny checkpoint: order, lengths, OOM policy, stock parity."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from engine_support import reference_wav, tiny_model

from tts_cli.engine.base import GenerationOptions, SynthesisRequest
from tts_cli.engine.cpu_linear import packing_available
from tts_cli.engine.fast import STAGES, FastEngine
from tts_cli.engine.options import EngineOptions
from tts_cli.engine.stock import StockEngine
from tts_cli.errors import DeviceError

QUICK = GenerationOptions(cfm_steps=2, seed=3)
GREEDY = GenerationOptions(cfm_steps=1, seed=3, top_p=1e-6)  # deterministic T3 tokens


def _requests(budgets):
    return [
        SynthesisRequest(
            index=10 + i, text=f"Sentence number {i} is here, and it is short.", max_new_tokens=b
        )
        for i, b in enumerate(budgets)
    ]


@pytest.fixture(scope="module")
def voice():
    return reference_wav(2.0, seed=2)  # 100 prompt frames: an even count, so 960 samples per token


def _engine(voice, tmp_path, gen=QUICK, **opts):
    opts.setdefault("voice_cache_dir", tmp_path / "voices")
    return FastEngine(tiny_model(), gen, EngineOptions(**opts), voice=voice)


def test_chunks_come_back_in_order_with_960_samples_per_token(voice, tmp_path):
    budgets = [6, 3, 8, 2, 5]
    with _engine(voice, tmp_path, batch_size=2) as engine:
        chunks = list(engine.synthesize(_requests(budgets)))
    assert [c.index for c in chunks] == [10, 11, 12, 13, 14]
    for c, budget in zip(chunks, budgets, strict=True):
        assert 0 <= c.tokens <= budget  # random weights also sample special (unspeakable) tokens
        assert c.audio.dtype == "float32" and c.audio.ndim == 1
        assert c.audio.shape[0] == 960 * c.tokens
    assert sum(c.tokens for c in chunks) > 0
    assert engine.stats["batches"] == 3
    assert set(engine.stage_seconds) == set(STAGES)
    assert engine.stage_seconds["t3"] > 0 and engine.stage_seconds["s3gen"] > 0


def test_injected_oom_halves_the_batch_and_loses_no_chunk(voice, tmp_path):
    engine = _engine(voice, tmp_path, batch_size=4)
    real = engine._run_batch
    sizes = []

    def flaky(batch):
        sizes.append(len(batch))
        if len(sizes) == 1:
            raise torch.OutOfMemoryError("CUDA out of memory. Tried to allocate 2.00 GiB")
        return real(batch)

    engine._run_batch = flaky
    chunks = list(engine.synthesize(_requests([2, 3, 2, 2, 3])))
    engine.close()
    assert [c.index for c in chunks] == [10, 11, 12, 13, 14]  # every chunk once, in order
    assert sizes == [4, 2, 2, 1]  # the failed 4 chunks retried as 2 + 2, then the last one
    assert engine.stats["oom_retries"] == 1 and engine.batch_size == 2


def test_oom_with_one_chunk_per_batch_is_a_device_error(voice, tmp_path):
    engine = _engine(voice, tmp_path, batch_size=1)

    def always(batch):
        raise RuntimeError("CUDA error: out of memory")

    engine._run_batch = always
    with pytest.raises(DeviceError, match="out of GPU memory"):
        list(engine.synthesize(_requests([2])))
    engine.close()


def test_other_errors_are_not_mistaken_for_oom(voice, tmp_path):
    engine = _engine(voice, tmp_path, batch_size=2)

    def broken(batch):
        raise ValueError("bad chunk")

    engine._run_batch = broken
    with pytest.raises(ValueError, match="bad chunk"):
        list(engine.synthesize(_requests([2, 2])))
    assert engine.batch_size == 2
    engine.close()


def test_same_tokens_per_chunk_as_the_stock_engine(voice, tmp_path):
    """With deterministic sampling, each chunk speaks as many valid tokens as stock's."""
    budgets = [7, 4, 9]
    stock = StockEngine(tiny_model(), GREEDY, voice=voice)
    want = [(c.index, c.tokens, c.audio.shape[0]) for c in stock.synthesize(_requests(budgets))]
    with _engine(voice, tmp_path, gen=GREEDY, batch_size=3) as engine:
        got = [(c.index, c.tokens, c.audio.shape[0]) for c in engine.synthesize(_requests(budgets))]
    assert got == want


def test_a_generator_of_requests_is_consumed_lazily(voice, tmp_path):
    pulled = []

    def requests():
        for r in _requests([2, 2, 2, 2, 2, 2]):
            pulled.append(r.index)
            yield r

    with _engine(voice, tmp_path, batch_size=2) as engine:
        stream = engine.synthesize(requests())
        first = next(stream)
        # the first batch, and the next one (decoded while the first one's host work runs)
        assert first.index == 10 and pulled == [10, 11, 12, 13]
        rest = list(stream)
    assert [c.index for c in rest] == [11, 12, 13, 14, 15]


@pytest.mark.parametrize("dtype", [torch.bfloat16, torch.float16])
def test_reduced_precision_path_runs_end_to_end_and_restores_float32(voice, tmp_path, dtype):
    """The GPU precision path (T3 and the flow decoder cast down, the vocoder in float32),
    run on the CPU so CI covers its dtype plumbing; the shared model comes back exact."""
    import dataclasses

    model = tiny_model()
    before = {k: v.clone() for k, v in model.tts.t3.state_dict().items()}
    low = dataclasses.replace(model, dtype=dtype)  # what a CUDA load with --dtype gives
    budgets = [5, 9, 3]
    opts = EngineOptions(voice_cache_dir=tmp_path / "voices")
    with FastEngine(low, QUICK, opts, voice=voice) as engine:
        assert model.tts.t3.speech_head.weight.dtype == dtype
        native = dtype == torch.bfloat16 and packing_available("cpu", dtype)
        assert (engine.stats["cpu_packed_linears"] > 0) is native  # fp32 and native bf16 only
        chunks = list(engine.synthesize(_requests(budgets)))
    assert engine.stats["dtype"] == str(dtype).removeprefix("torch.")
    for chunk, budget in zip(chunks, budgets, strict=True):
        assert chunk.audio.dtype == np.float32 and np.isfinite(chunk.audio).all()
        assert 0 < chunk.tokens <= budget and chunk.audio.shape[0] == chunk.tokens * 960
    after = model.tts.t3.state_dict()
    assert all(
        after[k].dtype == torch.float32 and torch.equal(after[k], v) for k, v in before.items()
    )
