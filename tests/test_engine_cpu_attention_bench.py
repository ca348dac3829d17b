"""Decode attention on CPU in bfloat16 (fused SDPA) against the float32 matmul form, and
the bench's setup/close stages."""

from __future__ import annotations

import json

import pytest
import torch

from tts_cli.engine.t3.decoder import attention, single_query_attention


def _one_query(rows=8, heads=4, keys=37, dim=16, seed=0):
    g = torch.Generator().manual_seed(seed)
    q = torch.randn(rows, heads, 1, dim, generator=g)
    k = torch.randn(rows, heads, keys, dim, generator=g)
    v = torch.randn(rows, heads, keys, dim, generator=g)
    lengths = torch.randint(1, keys + 1, (rows,), generator=g)
    mask = (torch.arange(keys)[None, :] < lengths[:, None])[:, None, None, :]
    return q, k, v, mask.expand(rows, heads, 1, keys)


def test_float32_decode_attention_is_the_matmul_form_exactly():
    q, k, v, mask = _one_query()
    got = attention(q, k, v, mask, 0.25)
    want = single_query_attention(q, k, v, mask, 0.25).transpose(1, 2).reshape(8, 1, -1)
    assert torch.equal(got, want)


def test_bfloat16_decode_attention_matches_float32_within_bf16_rounding():
    q, k, v, mask = _one_query()
    ref = attention(q, k, v, mask, 0.25)
    got = attention(q.bfloat16(), k.bfloat16(), v.bfloat16(), mask, 0.25)
    assert got.dtype == torch.bfloat16 and got.shape == ref.shape
    # bf16 keeps 8 mantissa bits: inputs rounded by 2^-9 relative, outputs of size ~1
    assert (got.float() - ref).abs().max().item() < 0.03
    # masked keys stay out: a change to a masked value changes nothing
    k2 = k.clone()
    k2[~mask[:, :, 0, :]] = 100.0
    again = attention(q.bfloat16(), k2.bfloat16(), v.bfloat16(), mask, 0.25)
    assert torch.equal(again, got)


@pytest.mark.slow
def test_bench_reports_setup_and_close_stages(capsys):
    from tts_cli import bench

    code = bench.main(["--size", "tiny", "--chunks", "1", "--tokens", "6", "--json"])
    assert code == 0
    result = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    ours = result["stages"]["ours"]
    assert {"setup", "close", "t3", "s3gen"} <= set(ours)
    assert all(v >= 0 for v in ours.values())
    assert sum(ours.values()) <= result["ours_s"] * 1.05 + 0.05
    assert result["engine"]["precision_originals"] in {"none", "memory", "file"}
