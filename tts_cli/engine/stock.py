"""The stock path: chatterbox's own ``generate()`` steps, one chunk at a time, per model family.

Each family's ``generate()`` hard-codes its length limit (``max_new_tokens=1000`` in English
and Multilingual, ``max_gen_len=1000`` in Turbo); ``stock_generate`` runs the very same steps
in the same order with the chunk's own token budget, so the stock path can be bounded
(random-weight models never stop on their own) and compared fairly:

* English / Multilingual: the family's ``punc_norm`` and tokenizer, start/stop text tokens,
  two CFG rows, ``T3.inference`` (which runs the alignment analyser for a multilingual T3),
  speakable tokens only, S3Gen flow + HiFT vocoder with stock's fade-in, the watermark;
* Turbo: its ``punc_norm`` and GPT-2 tokenizer, ``T3.inference_turbo`` (top-k, top-p,
  penalty), speakable tokens plus three silence tokens, the meanflow S3Gen at its steps.

Multilingual 0.1.7 registers three forward hooks on every ``T3.inference`` call and never
removes them, so each later call copies more attention to the CPU; ``_hooks_removed`` takes
off the hooks a call added (nothing else about the call changes).
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterable, Iterator
from pathlib import Path

import numpy as np

from tts_cli.engine import adapter
from tts_cli.engine.base import ChunkAudio, GenerationOptions, Request
from tts_cli.engine.device import cuda_scope
from tts_cli.engine.seeding import forked_rng


@contextlib.contextmanager
def _hooks_removed(t3):
    """Remove the forward hooks that stock's alignment analyser registers during the block."""
    modules = list(t3.tfmr.modules())
    before = {id(m): set(m._forward_hooks) for m in modules}
    try:
        yield
    finally:
        for m in modules:
            for key in set(m._forward_hooks) - before[id(m)]:
                del m._forward_hooks[key]


def _t3_tokens(model, conds, text_ids, budget: int, gen: GenerationOptions):
    """Speech tokens of one chunk from the family's stock T3 call (the stop token dropped)."""
    import torch
    import torch.nn.functional as F

    tts = model.tts
    if model.family.backbone == "gpt2":
        out = tts.t3.inference_turbo(
            t3_cond=conds.t3,
            text_tokens=text_ids[None].to(tts.device),
            temperature=gen.temperature,
            top_k=gen.top_k,
            top_p=gen.top_p,
            repetition_penalty=gen.repetition_penalty,
            max_gen_len=budget - 1,  # it samples one token before its loop
        )
        return out[0]
    hp = tts.t3.hp
    ids = text_ids[None].to(tts.device)
    if gen.cfg_weight > 0.0:
        ids = torch.cat([ids, ids], dim=0)  # a second row for CFG, as generate() builds it
    ids = F.pad(F.pad(ids, (1, 0), value=hp.start_text_token), (0, 1), value=hp.stop_text_token)
    with _hooks_removed(tts.t3):
        out = tts.t3.inference(
            t3_cond=conds.t3,
            text_tokens=ids,
            max_new_tokens=budget,
            temperature=gen.temperature,
            cfg_weight=gen.cfg_weight,
            repetition_penalty=gen.repetition_penalty,
            min_p=gen.min_p,
            top_p=gen.top_p,
        )
    return out[0]


def stock_generate(
    model, conds, text: str, max_new_tokens: int, gen: GenerationOptions, timer=None, lang="en"
):
    """One chunk through stock T3 and S3Gen, as the family's ``generate()``; returns (wav, tokens).

    ``gen`` must be resolved for the model's family (``GenerationOptions.resolve``).
    """
    import torch

    cb = adapter.api()
    tts = model.tts
    fam = model.family
    clock = timer if timer is not None else StageClock()
    with clock("other"):
        text_ids = model.text.encode(text, lang)
    with torch.inference_mode():
        with clock("t3"):
            speech = _t3_tokens(model, conds, text_ids, max_new_tokens, gen)
            speech = speech[speech < adapter.SPEECH_VOCAB_SIZE].to(tts.device)
            spoken = int(speech.numel())
            if spoken and fam.trailing_silence_tokens:
                silence = torch.full(
                    (fam.trailing_silence_tokens,), cb.S3GEN_SIL, dtype=speech.dtype
                )
                speech = torch.cat([speech, silence.to(speech.device)])
        if spoken == 0:
            return np.zeros(0, dtype=np.float32), 0
        s3gen = tts.s3gen
        # s3gen.inference() split in its two halves so each can be timed.
        with clock("s3gen"):
            mels = s3gen.flow_inference(
                speech, ref_dict=conds.gen, n_cfm_timesteps=gen.cfm_steps, finalize=True
            ).to(dtype=s3gen.dtype)
        with clock("vocoder"):
            wav, _ = s3gen.hift_inference(mels, None)
            wav[:, : len(s3gen.trim_fade)] *= s3gen.trim_fade
        with clock("other"):
            wav = wav.squeeze(0).detach().cpu().numpy()
            wav = tts.watermarker.apply_watermark(wav, sample_rate=tts.sr)
    return np.ascontiguousarray(wav, dtype=np.float32), int(speech.numel())


class StageClock:
    """Adds wall seconds per stage name: ``with clock("t3"): ...``.

    On a CUDA ``device`` each span waits for the GPU's queued work at its start and end
    (``torch.cuda.synchronize(device)``), so a stage's time is the work it launched, not
    the time to queue it.
    """

    def __init__(self, seconds: dict[str, float] | None = None, device=None) -> None:
        self.seconds = seconds if seconds is not None else {}
        self.cuda = None
        if device is not None and str(device).startswith("cuda"):
            import torch

            self.cuda = torch.device(device)

    def __call__(self, stage: str):
        return _Span(self, stage)

    def sync(self) -> None:
        if self.cuda is not None:
            import torch

            torch.cuda.synchronize(self.cuda)


class _Span:
    def __init__(self, clock: StageClock, stage: str) -> None:
        self.clock, self.stage = clock, stage

    def __enter__(self):
        self.clock.sync()
        self.t0 = time.perf_counter()

    def __exit__(self, *exc):
        self.clock.sync()
        seconds = self.clock.seconds
        seconds[self.stage] = seconds.get(self.stage, 0.0) + time.perf_counter() - self.t0


class StockEngine:
    """One stock ``generate()`` per chunk, with conditionals computed once per voice."""

    name = "stock"
    sample_rate_hz = adapter.SAMPLE_RATE_HZ

    def __init__(
        self, model: adapter.LoadedModel, generation: GenerationOptions, voice: Path | None = None
    ):
        self.model = model
        generation.validate()
        self.generation = generation = generation.resolve(model.family)
        self.stage_seconds: dict[str, float] = {}
        self._clock = StageClock(self.stage_seconds, model.device)
        with self._clock("conditionals"):
            self.conds = adapter.prepare_conditionals(model, voice, generation.exaggeration)

    batch_size = 1  # one chunk per generate() call

    def synthesize(self, requests: Iterable[Request]) -> Iterator[ChunkAudio]:
        import torch

        if self.generation.seed is not None:
            torch.manual_seed(self.generation.seed)
        for req in requests:
            yield from self.synthesize_batch([req])

    def synthesize_batch(self, batch: list[Request]) -> list[ChunkAudio]:
        """Audio for each request of ``batch``, one stock call after the other."""
        out = []
        for req in batch:
            seed = getattr(req, "seed", None)
            # a chunk with its own seed draws from the global RNG forked and seeded by it
            rng = (
                forked_rng(seed, self.model.tts.device)
                if seed is not None
                else contextlib.nullcontext()
            )
            with rng, cuda_scope(self.model.device):  # cuda:N: stock's CUDA calls go to N
                wav, tokens = stock_generate(
                    self.model,
                    self.conds,
                    req.text,
                    req.max_new_tokens,
                    self.generation,
                    self._clock,
                    lang=req.language,
                )
            out.append(ChunkAudio(index=req.index, audio=wav, tokens=tokens))
        return out

    def close(self) -> None:
        """Nothing to release: the stock path holds no caches of its own."""
