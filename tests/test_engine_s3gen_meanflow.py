"""Turbo's meanflow S3Gen, batched, equals stock ``flow_inference`` chunk by chunk."""

from __future__ import annotations

import pytest
import torch

from tts_cli.engine import adapter
from tts_cli.engine.s3gen_batched import BatchedS3Gen
from tts_cli.testing.checkpoint import speech_like_wave

STEPS = 2  # Turbo's own number of meanflow steps


@pytest.fixture(scope="module")
def parts():
    torch.manual_seed(0)
    with torch.inference_mode(False):
        s3gen = adapter.api().S3Gen(meanflow=True).eval()
    gen = s3gen.embed_ref(speech_like_wave(1.2, seed=3), 24_000)
    batched = BatchedS3Gen(s3gen)
    return s3gen, gen, batched, batched.prompt(gen)


def _tokens(n: int, seed: int) -> torch.Tensor:
    return torch.randint(0, 6561, (n,), generator=torch.Generator().manual_seed(seed))


def test_meanflow_mels_equal_stock_for_a_batch_of_mixed_lengths(parts):
    s3gen, gen, batched, prompt = parts
    chunks = [_tokens(n, n) for n in (10, 4, 7)]
    want = []
    for i, tok in enumerate(chunks):
        torch.manual_seed(300 + i)
        want.append(
            s3gen.flow_inference(tok, ref_dict=dict(gen), n_cfm_timesteps=STEPS, finalize=True)
        )
    noises = []
    for i, tok in enumerate(chunks):  # the noise stock drew, in its order
        torch.manual_seed(300 + i)
        noises.append(
            batched._noise(
                prompt.prompt_frames + 2 * tok.numel(),
                prompt.prompt_frames,
                True,
                None,
                torch.float32,
            )
        )
    got = batched.mels(prompt, chunks, n_steps=STEPS, noises=noises, meanflow=True)
    for i, (a, b) in enumerate(zip(got, want, strict=True)):
        assert a.shape == b.shape == (1, 80, 2 * chunks[i].numel())
        assert torch.allclose(a, b, atol=1e-4, rtol=1e-4), f"chunk {i}: {(a - b).abs().max()}"


def test_meanflow_draws_the_same_global_noise_as_stock(parts):
    s3gen, gen, batched, prompt = parts
    tok = _tokens(6, 1)
    torch.manual_seed(5)
    want = s3gen.flow_inference(tok, ref_dict=dict(gen), n_cfm_timesteps=STEPS, finalize=True)
    torch.manual_seed(5)
    got = batched.mels(prompt, [tok], n_steps=STEPS, meanflow=True)[0]
    assert torch.allclose(got, want, atol=1e-4, rtol=1e-4)
    # one step is a different solve: the step count reaches the solver
    torch.manual_seed(5)
    one = batched.mels(prompt, [tok], n_steps=1, meanflow=True)[0]
    assert not torch.allclose(one, want, atol=1e-3)
