"""Native bfloat16 on a CPU against float32 on the tiny checkpoint (skips without native bf16).

Tolerances: the same speech tokens fed to S3Gen in both precisions give mels whose relative
L2 difference is under 10 % and whose mean absolute difference is under 0.1 (log-mel units;
the mels' spread is ~1.5). Measured here: 6.5 % and 0.078 with 10 CFM steps, about what
bf16's 8-bit mantissa gives through stock's bf16 Euler state. Greedy T3 decodes give each
chunk the same number of tokens in both precisions (its budget, or the step where it
stops: one chunk is made to stop at step 12). On random weights the logits are near ties,
so the greedy tokens part after a few steps (here after 8 to 20) and with them the share
of speakable tokens in a chunk; the test does not ask more than the counts.
"""

from __future__ import annotations

import pytest
import torch
from engine_support import reference_wav, tiny_model

from tts_cli.engine.base import GenerationOptions, SynthesisRequest
from tts_cli.engine.device import cpu_bf16
from tts_cli.engine.fast import FastEngine
from tts_cli.engine.options import EngineOptions

pytestmark = pytest.mark.skipif(not cpu_bf16()[0], reason="this CPU has no native bfloat16")

GREEDY = GenerationOptions(cfm_steps=4, seed=3, top_k=1)
TEXTS = ("Hello there, this is a test.", "A second sentence, longer than the first.", "Third.")
MEL_REL_L2 = 0.10
MEL_MEAN_ABS = 0.10


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """Per precision: each chunk's greedy tokens, its audio, and the mels of float32's tokens."""
    model = tiny_model()
    voice = reference_wav()
    out = {}
    fp32_speech = None
    for dtype in ("float32", "bfloat16"):
        opts = EngineOptions(dtype=dtype, voice_cache=False)
        with FastEngine(model, GREEDY, opts, voice=voice) as engine:
            stats = dict(engine.stats)
            requests = [
                SynthesisRequest(index=i, text=t, max_new_tokens=40) for i, t in enumerate(TEXTS)
            ]
            chunks = list(engine.synthesize(requests))
            texts = [engine.t3.text_tokens(model.text.encode(t, "en")) for t in TEXTS]
            tokens = engine.t3.generate(
                engine.cond_emb, texts, [40] * 3, engine.params, logit_bias=_stop_second_at_12
            )
            speech = [t[t < 6561] for t in tokens]
            fp32_speech = fp32_speech or speech
            torch.manual_seed(0)
            mels = engine.s3.mels(engine.prompt, fp32_speech, GREEDY.cfm_steps)
        weight_dtype = engine.t3.t3.speech_head.weight.dtype
        out[dtype] = (stats, chunks, mels, weight_dtype, [t.numel() for t in tokens])
    return out


def _stop_second_at_12(step: int):
    bias = torch.zeros(3, 8194)
    if step == 12:
        bias[1, 6562] = 1e4  # the stop token
    return bias


def test_bf16_engine_says_what_it_chose_and_why(runs):
    stats = runs["bfloat16"][0]
    assert stats["dtype"] == "bfloat16"
    assert "computes bfloat16 natively" in stats["dtype_reason"]
    assert stats["cpu_packed_linears"] > 0  # packed bf16 weights: 2x F.linear at decode rows
    assert runs["float32"][0]["dtype"] == "float32"
    assert runs["float32"][3] == torch.float32  # the shared model came back float32


def test_bf16_greedy_chunks_have_float32s_token_counts(runs):
    fp32, bf16 = runs["float32"], runs["bfloat16"]
    assert bf16[4] == fp32[4] == [40, 13, 40]  # budget, forced stop (included), budget
    chunks = bf16[1]
    assert [c.index for c in chunks] == [0, 1, 2]
    for chunk in chunks:
        assert chunk.audio.dtype == "float32" and chunk.audio.shape[0] == chunk.tokens * 960
        assert torch.isfinite(torch.from_numpy(chunk.audio)).all() and chunk.tokens > 0


def test_bf16_mels_are_within_tolerance_of_float32_for_the_same_tokens(runs):
    for a, b in zip(runs["float32"][2], runs["bfloat16"][2], strict=True):
        assert a.shape == b.shape and a.dtype == b.dtype == torch.float32
        diff = (a - b).abs()
        assert (diff.norm() / a.norm()).item() < MEL_REL_L2
        assert diff.mean().item() < MEL_MEAN_ABS
        assert not torch.equal(a, b)  # the flow decoder did run in bf16
