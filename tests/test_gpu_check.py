"""``make gpu-check``'s script, run on a CPU: its configurations, its one-line refusal
without CUDA, and the report it writes (one row per configuration)."""

from __future__ import annotations

import json

import pytest
import torch

from tts_cli.benchmarks import gpu_check


def test_configurations_are_every_dtype_at_every_batch_size():
    rows = gpu_check.configurations("1,8,32,auto", "bfloat16,float32", None)
    assert [(r["dtype"], r["batch_size"], r["chunks"]) for r in rows] == [
        ("bfloat16", "1", 8),
        ("bfloat16", "8", 16),
        ("bfloat16", "32", 64),
        ("bfloat16", "auto", 64),
        ("float32", "1", 8),
        ("float32", "8", 16),
        ("float32", "32", 64),
        ("float32", "auto", 64),
    ]
    with pytest.raises(ValueError, match="'x' is not auto"):
        gpu_check.configurations("1,x", "float32", None)


def test_without_cuda_it_says_so_in_one_line_and_exits_5(monkeypatch, capsys, tmp_path):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    assert gpu_check.main(["--out", str(tmp_path / "r.json")]) == 5
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("gpu-check: error: CUDA is not available")
    assert not (tmp_path / "r.json").exists()


def test_a_cpu_dry_run_writes_one_row_per_configuration(tmp_path, capsys):
    out = tmp_path / "report.json"
    code = gpu_check.main(
        [
            "--device",
            "cpu",
            "--size",
            "tiny",
            "--batch-sizes",
            "1,2",
            "--dtypes",
            "float32",
            "--chunks",
            "2",
            "--tokens",
            "3",
            "--cfm-steps",
            "1",
            "--skip-tests",
            "--out",
            str(out),
        ]
    )
    assert code == 0, capsys.readouterr().err
    report = json.loads(out.read_text(encoding="utf-8"))
    assert set(report) == set(gpu_check.REPORT_KEYS)
    assert report["device"] == "cpu" and report["tests"] == {"skipped": True}
    rows = report["configs"]
    assert [(r["batch_size"], r["dtype"], r["status"]) for r in rows] == [
        ("1", "float32", "ok"),
        ("2", "float32", "ok"),
    ]
    for r in rows:
        assert set(r) == set(gpu_check.ROW_KEYS)
        assert r["x_realtime"] > 0 and r["audio_s"] > 0 and r["oom_retries"] == 0
        assert r["dtype_chosen"] == "float32" and r["peak_memory_bytes"] is None
        assert r["stages"]["t3"] > 0 and r["graph_captures"] == 0
    assert [r["final_batch_size"] for r in rows] == [1, 2]


def test_a_model_that_does_not_load_is_reported_not_a_traceback(tmp_path, capsys, monkeypatch):
    from tts_cli.engine import adapter

    def broken(spec):
        raise AttributeError("'LlamaModel' object has no attribute '_update_causal_mask'")

    monkeypatch.setattr(adapter, "load_model", broken)
    out = tmp_path / "report.json"
    code = gpu_check.main(
        [
            "--device",
            "cpu",
            "--size",
            "tiny",
            "--batch-sizes",
            "1",
            "--dtypes",
            "float32",
            "--skip-tests",
            "--out",
            str(out),
        ]
    )
    assert code == gpu_check.EXIT_FAILED == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "the model did not load (AttributeError: " in err
    report = json.loads(out.read_text(encoding="utf-8"))
    assert report["load_error"].startswith("AttributeError: 'LlamaModel'")
    assert [r["status"] for r in report["configs"]] == ["not run"]
