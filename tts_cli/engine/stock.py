"""The stock path: chatterbox's own ``generate()`` steps, one chunk at a time.

``ChatterboxTTS.generate()`` hard-codes ``max_new_tokens=1000``; ``stock_generate`` runs the
very same steps in the same order with the chunk's own token budget, so the stock path can be
bounded (random-weight models never stop on their own) and compared fairly.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator
from pathlib import Path

import numpy as np

from tts_cli.engine import adapter
from tts_cli.engine.base import ChunkAudio, GenerationOptions, Request


def stock_generate(tts, conds, text: str, max_new_tokens: int, gen: GenerationOptions, timer=None):
    """One chunk through stock T3 and S3Gen, exactly as ``generate()`` does; returns (wav, tokens)."""
    import torch
    import torch.nn.functional as F

    cb = adapter.api()
    clock = timer if timer is not None else StageClock()
    with clock("other"):
        text = cb.punc_norm(text)
        text_tokens = tts.tokenizer.text_to_tokens(text).to(tts.device)
        if gen.cfg_weight > 0.0:
            text_tokens = torch.cat([text_tokens, text_tokens], dim=0)  # a second row for CFG
        text_tokens = F.pad(text_tokens, (1, 0), value=tts.t3.hp.start_text_token)
        text_tokens = F.pad(text_tokens, (0, 1), value=tts.t3.hp.stop_text_token)
    with torch.inference_mode():
        with clock("t3"):
            speech_tokens = tts.t3.inference(
                t3_cond=conds.t3,
                text_tokens=text_tokens,
                max_new_tokens=max_new_tokens,
                temperature=gen.temperature,
                cfg_weight=gen.cfg_weight,
                repetition_penalty=gen.repetition_penalty,
                min_p=gen.min_p,
                top_p=gen.top_p,
            )[0]
            speech_tokens = cb.drop_invalid_tokens(speech_tokens)
            speech_tokens = speech_tokens[speech_tokens < 6561].to(tts.device)
        if speech_tokens.numel() == 0:
            return np.zeros(0, dtype=np.float32), 0
        s3gen = tts.s3gen
        # s3gen.inference() split in its two halves so each can be timed.
        with clock("s3gen"):
            mels = s3gen.flow_inference(
                speech_tokens, ref_dict=conds.gen, n_cfm_timesteps=gen.cfm_steps, finalize=True
            ).to(dtype=s3gen.dtype)
        with clock("vocoder"):
            wav, _ = s3gen.hift_inference(mels, None)
            wav[:, : len(s3gen.trim_fade)] *= s3gen.trim_fade
        with clock("other"):
            wav = wav.squeeze(0).detach().cpu().numpy()
            wav = tts.watermarker.apply_watermark(wav, sample_rate=tts.sr)
    return np.ascontiguousarray(wav, dtype=np.float32), int(speech_tokens.numel())


class StageClock:
    """Adds wall seconds per stage name: ``with clock("t3"): ...``."""

    def __init__(self, seconds: dict[str, float] | None = None) -> None:
        self.seconds = seconds if seconds is not None else {}

    def __call__(self, stage: str):
        return _Span(self.seconds, stage)


class _Span:
    def __init__(self, seconds: dict[str, float], stage: str) -> None:
        self.seconds, self.stage = seconds, stage

    def __enter__(self):
        self.t0 = time.perf_counter()

    def __exit__(self, *exc):
        self.seconds[self.stage] = self.seconds.get(self.stage, 0.0) + time.perf_counter() - self.t0


class StockEngine:
    """One stock ``generate()`` per chunk, with conditionals computed once per voice."""

    name = "stock"
    sample_rate_hz = adapter.SAMPLE_RATE_HZ

    def __init__(
        self, model: adapter.LoadedModel, generation: GenerationOptions, voice: Path | None = None
    ):
        self.model = model
        self.generation = generation
        self.stage_seconds: dict[str, float] = {}
        self._clock = StageClock(self.stage_seconds)
        with self._clock("conditionals"):
            self.conds = adapter.prepare_conditionals(model, voice, generation.exaggeration)

    def synthesize(self, requests: Iterable[Request]) -> Iterator[ChunkAudio]:
        import torch

        if self.generation.seed is not None:
            torch.manual_seed(self.generation.seed)
        for req in requests:
            wav, tokens = stock_generate(
                self.model.tts,
                self.conds,
                req.text,
                req.max_new_tokens,
                self.generation,
                self._clock,
            )
            yield ChunkAudio(index=req.index, audio=wav, tokens=tokens)

    def close(self) -> None:
        """Nothing to release: the stock path holds no caches of its own."""
