"""The fast engine on a real GPU (``make gpu-check`` runs these; skipped without CUDA):
the last GPU of the machine, graphs, the batched vocoder and OOM recovery there."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from engine_support import reference_wav, tiny_checkpoint

from tts_cli.engine import adapter, memory
from tts_cli.engine.base import GenerationOptions, SynthesisRequest
from tts_cli.engine.fast import FastEngine
from tts_cli.engine.options import EngineOptions
from tts_cli.engine.s3gen_batched import BatchedS3Gen

pytestmark = [
    pytest.mark.gpu,
    pytest.mark.skipif(not torch.cuda.is_available(), reason="needs CUDA"),
]
GEN = GenerationOptions(cfm_steps=2)


def _requests(n=6, budget=24):
    return [
        SynthesisRequest(
            index=i, text=f"Chunk {i} says a few words.", max_new_tokens=budget, seed=900 + i
        )
        for i in range(n)
    ]


@pytest.fixture(scope="module")
def gpu_model():
    last = f"cuda:{torch.cuda.device_count() - 1}"
    return adapter.load_model(
        adapter.ModelSpec(model_dir=tiny_checkpoint(), device=last, dtype="float32")
    )


def _run(model, tmp_path, **opts):
    opts.setdefault("voice_cache_dir", tmp_path / "voices")
    with FastEngine(model, GEN, EngineOptions(**opts), voice=reference_wav(2.0, seed=2)) as e:
        chunks = list(e.synthesize(_requests()))
    return chunks, e


def test_the_last_gpu_runs_graphs_and_leaves_the_current_device_alone(gpu_model, tmp_path):
    before = torch.cuda.current_device()
    chunks, engine = _run(gpu_model, tmp_path, batch_size=4, compile=True)
    assert torch.cuda.current_device() == before
    assert [c.index for c in chunks] == list(range(6))
    assert engine.stats["step_mode"] == "graphs" and engine.stats["graph_captures"] > 0
    assert all(c.audio.shape[0] == 960 * c.tokens for c in chunks)
    assert engine.stage_seconds["t3"] > 0 and engine.stage_seconds["watermark"] > 0


def test_injected_ooms_on_the_gpu_change_no_chunk(gpu_model, tmp_path, monkeypatch):
    want, _ = _run(gpu_model, tmp_path, batch_size=8, compile=True)
    calls = {}

    def faults(stage):
        calls[stage] = calls.get(stage, 0) + 1
        if (stage, calls[stage]) in {("capture", 1), ("s3gen", 1)}:
            raise torch.OutOfMemoryError(f"CUDA out of memory (injected at {stage})")

    monkeypatch.setattr(memory, "FAULTS", faults)
    got, engine = _run(gpu_model, tmp_path, batch_size=8, compile=True)
    assert engine.stats["oom_retries"] == 2 and engine.stats["step_mode"] == "graphs"
    for a, b in zip(got, want, strict=True):
        assert a.index == b.index and a.tokens == b.tokens
        assert np.allclose(a.audio, b.audio, atol=1e-4), a.index


def test_batched_vocoder_on_the_gpu_matches_it_chunk_by_chunk(gpu_model):
    s3 = BatchedS3Gen(gpu_model.tts.s3gen)
    g = torch.Generator().manual_seed(0)
    mels = [(torch.randn(1, 80, n, generator=g) * 2 - 4).to(gpu_model.device) for n in (40, 64)]
    alone = s3.waves(mels, [1, 2], batched=False)
    batched = s3.waves(mels, [1, 2], batched=True)
    for a, b in zip(alone, batched, strict=True):
        assert a.device == b.device == torch.device(gpu_model.device)
        assert torch.allclose(a, b, atol=1e-4), float((a - b).abs().max())
