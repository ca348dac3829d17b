"""Where a bf16 CPU engine keeps the float32 originals, the bf16 single-query attention,
and the bench's setup/close stages (tiny checkpoint).

The decision is driven by its input, the available-memory figure
(``precision.host_available_bytes``): room for ``RESIDENT_HEADROOM`` times the originals
keeps them in memory, less spills them to an unnamed temporary file. Either way the shared
model comes back bit for bit, non-persistent buffers (rotary ``inv_freq``) included.

SDPA tolerance: bf16 SDPA against the matmul form computed in float32 on the same
bf16-rounded inputs differs by at most 2e-2 absolute (outputs are averages of values of
spread ~1; bf16's 8-bit mantissa gives ~4e-3 relative per rounding).
"""

from __future__ import annotations

import json

import pytest
import torch
from engine_support import reference_wav, tiny_model

from tts_cli.engine import precision
from tts_cli.engine.base import GenerationOptions, SynthesisRequest
from tts_cli.engine.device import cpu_bf16
from tts_cli.engine.fast import FastEngine
from tts_cli.engine.options import EngineOptions
from tts_cli.engine.t3.decoder import attention, single_query_attention

needs_bf16 = pytest.mark.skipif(not cpu_bf16()[0], reason="this CPU has no native bfloat16")

GREEDY = GenerationOptions(cfm_steps=2, seed=3, top_k=1)
SDPA_ABS_TOL = 2e-2


def _snapshot(tts) -> dict[str, torch.Tensor]:
    """Every parameter and buffer (persistent or not) of the reduced-precision submodels."""
    out = {}
    for i, module in enumerate(precision.reduced_modules(tts)):
        for name, p in module.named_parameters():
            out[f"{i}.p.{name}"] = p.detach().clone()
        for name, b in module.named_buffers():
            if b is not None:
                out[f"{i}.b.{name}"] = b.detach().clone()
    return out


def _originals_bytes(tts) -> int:
    return sum(
        getattr(o, n).nbytes
        for m in precision.reduced_modules(tts)
        for o, n, _ in precision._cast_targets(m)
    )


@needs_bf16
@pytest.mark.parametrize("room", [True, False], ids=["memory", "file"])
def test_bf16_engine_keeps_or_spills_originals_and_gives_the_model_back(monkeypatch, room):
    model = tiny_model()
    tts = model.tts
    size = _originals_bytes(tts)
    need = int(precision.RESIDENT_HEADROOM * size)
    monkeypatch.setattr(precision, "host_available_bytes", lambda: need if room else need - 1)
    before = _snapshot(tts)
    assert any(k.endswith("inv_freq") for k in before)  # a rotary table is among them
    opts = EngineOptions(dtype="bfloat16", voice_cache=False)
    engine = FastEngine(model, GREEDY, opts, voice=reference_wav())
    spill = engine._precision._spill
    try:
        assert engine.stats["precision_originals"] == ("memory" if room else "file")
        if room:
            assert spill is None
            assert engine._precision.resident_bytes == size
        else:
            assert engine._precision.spilled_bytes == size
            assert engine._precision.resident_bytes == 0
            assert not spill.file.closed
        assert tts.t3.speech_head.weight.dtype == torch.bfloat16
        request = SynthesisRequest(index=0, text="Hello there.", max_new_tokens=8)
        chunks = list(engine.synthesize([request]))
        assert len(chunks) == 1 and chunks[0].audio.shape[0] > 0
    finally:
        engine.close()
    if spill is not None:
        assert spill.file.closed  # the temporary file is gone
    assert engine._precision._spill is None
    after = _snapshot(tts)
    assert after.keys() == before.keys()
    for k in before:
        assert after[k].dtype == before[k].dtype, k
        assert torch.equal(after[k], before[k]), k


def test_float32_engine_keeps_no_originals():
    engine = FastEngine(
        tiny_model(), GREEDY, EngineOptions(dtype="float32", voice_cache=False), reference_wav()
    )
    try:
        assert engine.stats["precision_originals"] == "none"
    finally:
        engine.close()


def _decode_inputs(dtype, rows=8, heads=4, keys=37, head_dim=16):
    g = torch.Generator().manual_seed(0)
    q = torch.randn(rows, heads, 1, head_dim, generator=g)
    k = torch.randn(rows, heads, keys, head_dim, generator=g)
    v = torch.randn(rows, heads, keys, head_dim, generator=g)
    lengths = torch.arange(rows) * 3 + 10  # rows of different lengths, padding masked off
    mask = (torch.arange(keys)[None, :] >= keys - lengths[:, None])[:, None, None, :]
    return q.to(dtype), k.to(dtype), v.to(dtype), mask


def test_bf16_single_query_sdpa_matches_the_matmul_form():
    q, k, v, mask = _decode_inputs(torch.bfloat16)
    scale = 16**-0.5
    got = attention(q, k, v, mask, scale)
    assert got.dtype == torch.bfloat16 and got.shape == (8, 1, 4 * 16)
    ref = single_query_attention(q.float(), k.float(), v.float(), mask, scale)
    ref = ref.transpose(1, 2).reshape(8, 1, -1)
    err = (got.float() - ref).abs().max().item()
    assert err < SDPA_ABS_TOL
    assert err > 0  # computed in bf16, not silently in float32


def test_float32_single_query_keeps_the_matmul_form():
    q, k, v, mask = _decode_inputs(torch.float32)
    scale = 16**-0.5
    ref = single_query_attention(q, k, v, mask, scale).transpose(1, 2).reshape(8, 1, -1)
    assert torch.equal(attention(q, k, v, mask, scale), ref)


def test_bench_reports_setup_and_close_stages(capsys):
    from tts_cli import bench

    argv = ["--size", "tiny", "--chunks", "1", "--tokens", "6", "--cfm-steps", "2", "--json"]
    assert bench.main(argv) == 0
    result = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    ours = result["stages"]["ours"]
    assert {"setup", "close", "conditionals", "t3"} <= ours.keys()
    assert ours["setup"] >= 0 and ours["close"] >= 0
    assert "setup" not in result["stages"]["baseline"]
    assert "close" not in result["stages"]["baseline"]
    assert result["ours_s"] >= ours["setup"] + ours["close"] + ours["conditionals"] - 0.01
    assert result["engine"]["precision_originals"] in {"memory", "file", "none"}
    assert (result["engine"]["precision_originals"] == "none") == (
        result["engine"]["dtype"] == "float32"
    )
