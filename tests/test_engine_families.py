"""The fast engine's precision and memory policies hold for the multilingual and Turbo models."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
import torch

from tts_cli.engine.adapter import load_folder
from tts_cli.engine.base import GenerationOptions, SynthesisRequest
from tts_cli.engine.fast import FastEngine
from tts_cli.engine.options import EngineOptions
from tts_cli.engine.router import RoutedEngine
from tts_cli.models.folders import resolve_folders

pytestmark = pytest.mark.slow

QUICK = GenerationOptions(cfm_steps=2, seed=3)
TEXTS = {
    "multilingual": ("Le capitaine marchait le long du port.", "fr"),
    "turbo": ("The captain walked along the harbour.", "en"),
}


@pytest.fixture(scope="module")
def models(hub_model_dir, turbo_model_dir):
    folders = resolve_folders(["multilingual"], [hub_model_dir]) | resolve_folders(
        ["turbo"], [turbo_model_dir]
    )
    return {name: load_folder(f, "cpu", torch.float32) for name, f in folders.items()}


def _requests(family: str, budgets: list[int], first: int = 0):
    text, lang = TEXTS[family]
    return [
        SynthesisRequest(first + i, text, b, language=lang, model=family)
        for i, b in enumerate(budgets)
    ]


@pytest.mark.parametrize("family", ["multilingual", "turbo"])
def test_bfloat16_path_runs_and_gives_the_shared_model_back_exact(models, family, tmp_path):
    model = models[family]
    before = {k: v.clone() for k, v in model.tts.t3.state_dict().items()}
    low = dataclasses.replace(model, dtype=torch.bfloat16)
    budgets = [5, 8, 3]
    opts = EngineOptions(voice_cache_dir=tmp_path / "voices")
    with FastEngine(low, QUICK, opts) as engine:
        assert model.tts.t3.speech_head.weight.dtype == torch.bfloat16
        chunks = list(engine.synthesize(_requests(family, budgets)))
    extra = model.family.trailing_silence_tokens
    for chunk, budget in zip(chunks, budgets, strict=True):
        assert chunk.audio.dtype == np.float32 and np.isfinite(chunk.audio).all()
        assert 0 < chunk.tokens <= budget + extra and chunk.audio.shape[0] == chunk.tokens * 960
    after = model.tts.t3.state_dict()
    assert all(torch.equal(after[k], v) for k, v in before.items())


@pytest.mark.parametrize("family", ["multilingual", "turbo"])
def test_an_oom_halves_the_batch_and_loses_no_chunk(models, family, tmp_path):
    engine = FastEngine(
        models[family], QUICK, EngineOptions(batch_size=4, voice_cache_dir=tmp_path / "v")
    )
    real, sizes = engine._run_batch, []

    def flaky(batch):
        sizes.append(len(batch))
        if len(sizes) == 1:
            raise torch.OutOfMemoryError("CUDA out of memory. Tried to allocate 2.00 GiB")
        return real(batch)

    engine._run_batch = flaky
    chunks = list(engine.synthesize(_requests(family, [2, 3, 2, 2, 3])))
    engine.close()
    assert [c.index for c in chunks] == [0, 1, 2, 3, 4]
    assert sizes == [4, 2, 2, 1] and engine.stats["oom_retries"] == 1


def test_two_models_through_the_router_keep_plan_order(models, tmp_path):
    opts = EngineOptions(batch_size=2, voice_cache_dir=tmp_path / "v")
    engines = {name: FastEngine(m, QUICK, opts, memory_share=0.5) for name, m in models.items()}
    order = ["turbo", "multilingual", "multilingual", "turbo", "multilingual"]
    requests = [_requests(f, [3], first=i)[0] for i, f in enumerate(order)]
    with_router = RoutedEngine(engines, seed=0)
    try:
        chunks = list(with_router.synthesize(requests))
    finally:
        with_router.close()
    assert [c.index for c in chunks] == [0, 1, 2, 3, 4]
    assert with_router.chunks == {"multilingual": 3, "turbo": 2}
    # Turbo's chunks end in its three silence tokens; the multilingual ones do not
    for chunk, family in zip(chunks, order, strict=True):
        extra = 3 if family == "turbo" else 0
        assert extra < chunk.tokens <= 3 + extra and chunk.audio.shape[0] == chunk.tokens * 960
