"""Shared helpers for the engine tests: tiny models built once per test process."""

from __future__ import annotations

import atexit
import copy
import functools
import os
import shutil
import tempfile
from pathlib import Path

os.environ.setdefault("TQDM_DISABLE", "1")


@functools.cache
def tiny_t3(seed: int = 0, family: str = "english"):
    """A random tiny T3 of ``family`` (no perceiver), float32, CPU, eval mode.

    english: 2-layer hidden-128 Llama; multilingual: 14-layer Llama with 16 heads (what the
    stock alignment analyser reads); turbo: 2-layer hidden-128 GPT-2.
    """
    import torch

    from tts_cli.engine import adapter
    from tts_cli.testing.checkpoint import TINY_T3_BY_FAMILY

    cb = adapter.api()
    torch.manual_seed(seed)
    with torch.inference_mode(False):
        t3 = cb.T3(adapter.t3_config(TINY_T3_BY_FAMILY[family], family)).eval()
    return t3


def t3_cond(seed: int = 0, prompt_len: int = 150):
    """A random voice conditioning for the tiny T3 (a fresh object each call)."""
    import torch

    from tts_cli.engine import adapter

    g = torch.Generator().manual_seed(seed)
    return adapter.api().T3Cond(
        speaker_emb=torch.randn(1, 256, generator=g),
        cond_prompt_speech_tokens=torch.randint(0, 6561, (1, prompt_len), generator=g),
        emotion_adv=0.5 * torch.ones(1, 1, 1),
    )


def fresh(cond):
    return copy.deepcopy(cond)


@functools.cache
def tiny_checkpoint() -> Path:
    """A tiny random checkpoint folder, written once per test process and removed at exit."""
    from tts_cli.testing.checkpoint import write_checkpoint

    root = Path(tempfile.mkdtemp(prefix="ttsgen-engine-"))
    atexit.register(shutil.rmtree, root, True)
    return write_checkpoint(root / "tiny", size="tiny", seed=0)


@functools.cache
def tiny_model():
    """The tiny checkpoint loaded through the adapter (CPU, float32)."""
    from tts_cli.engine import adapter

    return adapter.load_model(
        adapter.ModelSpec(model_dir=tiny_checkpoint(), device="cpu", dtype="float32")
    )


@functools.cache
def reference_wav(seconds: float = 3.0, seed: int = 1) -> Path:
    from tts_cli.testing.checkpoint import write_reference_wav

    root = Path(tempfile.mkdtemp(prefix="ttsgen-voice-"))
    atexit.register(shutil.rmtree, root, True)
    return write_reference_wav(root / f"voice-{seed}.wav", seconds=seconds, seed=seed)
