"""The CPU floor benchmark: the bytes a decode step reads, and a quick run's report."""

from __future__ import annotations

import json

import pytest

from tts_cli.benchmarks import cpu_floor


def test_stock_geometries_and_the_bytes_one_step_reads():
    llama = cpu_floor.geometry_of("english")
    assert (llama.layers, llama.hidden, llama.intermediate, llama.heads) == (30, 1024, 4096, 16)
    shapes = cpu_floor.layer_shapes(llama)
    assert shapes == [(1024, 1024)] * 4 + [(4096, 1024)] * 2 + [(1024, 4096)]
    got = cpu_floor.step_bytes(llama, rows=8, context=256, dtype_bytes=2)
    # 30 layers x (4 x 1024^2 + 3 x 1024 x 4096) bf16 weights; head 1024 x 8194; k and v of
    # 8 rows x 16 heads x 256 positions x 64 per layer
    assert got["weights"] == 30 * sum(o * i for o, i in shapes) * 2 == 1_006_632_960
    assert got["speech_head"] == 1024 * 8194 * 2
    assert got["kv_cache"] == 2 * 30 * 8 * 16 * 256 * 64 * 2
    gpt2 = cpu_floor.geometry_of("turbo")
    assert cpu_floor.layer_shapes(gpt2) == [(3072, 1024), (1024, 1024), (4096, 1024), (1024, 4096)]
    assert cpu_floor.step_bytes(gpt2, 1, 1, 2)["weights"] == 24 * 12 * 1024 * 1024 * 2


def test_a_quick_run_reports_a_floor_that_follows_from_its_figures(capsys):
    assert cpu_floor.main(["--layers", "1", "--buffer-mb", "32", "--rows", "4", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["layers"] == 1 and report["rows"] == 4
    assert report["dtype"] in ("bfloat16", "float32")
    mb = sum(report["step_mb"].values())
    assert report["floor_ms_per_step"] == pytest.approx(mb / report["read_gb_s"], rel=0.02)
    weights_gb = report["step_mb"]["weights"] / 1e3
    rate = weights_gb / (report["linears_ms_per_step"] / 1e3)
    assert report["linears_gb_s"] == pytest.approx(rate, rel=0.02)
    assert report["read_gb_s"] > 0 and report["linears_ms_per_step"] > 0
