"""Batched S3Gen equals stock S3Gen chunk by chunk for the same tokens and noise."""

from __future__ import annotations

import pytest
import torch
from engine_support import tiny_model

from tts_cli.engine.s3gen_batched import BatchedS3Gen
from tts_cli.testing.checkpoint import speech_like_wave

STEPS = 2  # CFM steps: few, to keep the test quick; the solver is the same at 10


@pytest.fixture(scope="module")
def parts():
    s3gen = tiny_model().tts.s3gen
    # a short reference keeps the prompt (and the test) small; the code path is the same
    gen = s3gen.embed_ref(speech_like_wave(1.2, seed=3), 24_000)
    batched = BatchedS3Gen(s3gen)
    return s3gen, gen, batched, batched.prompt(gen)


def _tokens(n: int, seed: int) -> torch.Tensor:
    return torch.randint(0, 6561, (n,), generator=torch.Generator().manual_seed(seed))


def test_batched_mels_and_audio_equal_stock_per_chunk(parts):
    s3gen, gen, batched, prompt = parts
    chunks = [_tokens(n, n) for n in (12, 5, 9)]  # mixed lengths: right padding + masks
    stock_mels, noises = [], []
    for i, tok in enumerate(chunks):
        torch.manual_seed(100 + i)
        stock_mels.append(
            s3gen.flow_inference(tok, ref_dict=dict(gen), n_cfm_timesteps=STEPS, finalize=True)
        )
        torch.manual_seed(100 + i)  # the noise stock drew: randn_like(mu) over prompt + chunk
        noises.append(torch.randn(1, 80, prompt.prompt_frames + 2 * tok.numel()))
    ours = batched.mels(prompt, chunks, n_steps=STEPS, noises=noises)
    for i, (a, b) in enumerate(zip(ours, stock_mels, strict=True)):
        assert a.shape == b.shape == (1, 80, 2 * chunks[i].numel())
        assert torch.allclose(a, b, atol=1e-4, rtol=1e-4), f"chunk {i}: {(a - b).abs().max()}"

    torch.manual_seed(7)
    with torch.inference_mode():
        stock_wav, _ = s3gen.hift_inference(stock_mels[0], None)
        stock_wav[:, : len(s3gen.trim_fade)] *= s3gen.trim_fade
    torch.manual_seed(7)
    wav = batched.vocode(ours[0])
    assert wav.dtype.name == "float32" and wav.shape == (960 * chunks[0].numel(),)
    assert torch.allclose(torch.from_numpy(wav), stock_wav[0], atol=1e-4)


def test_global_rng_noise_matches_stock_draw(parts):
    s3gen, gen, batched, prompt = parts
    tok = _tokens(6, 1)
    torch.manual_seed(5)
    want = s3gen.flow_inference(tok, ref_dict=dict(gen), n_cfm_timesteps=STEPS, finalize=True)
    torch.manual_seed(5)
    got = batched.mels(prompt, [tok], n_steps=STEPS)[0]
    assert torch.allclose(got, want, atol=1e-4, rtol=1e-4)


def test_chunks_are_padded_to_a_bucket_of_their_own_length_and_grouped_by_it():
    from tts_cli.engine.s3gen_batched import _length_groups, frame_bucket

    assert [frame_bucket(n) for n in (7, 16, 17, 130, 513)] == [16, 16, 32, 160, 640]
    for n in range(1, 3000):
        assert n <= frame_bucket(n) < n + max(16, 0.25 * n)
    assert _length_groups([100, 40, 98, 45], 0.25) == [[0, 2], [1, 3]]
    assert _length_groups([7], 0.25) == [[0]]


def test_equal_length_chunks_share_an_encoder_pass_and_still_equal_stock(parts):
    s3gen, gen, batched, prompt = parts
    chunks = [_tokens(7, 21), _tokens(7, 22)]
    stock, noises = [], []
    for i, tok in enumerate(chunks):
        torch.manual_seed(200 + i)
        stock.append(
            s3gen.flow_inference(tok, ref_dict=dict(gen), n_cfm_timesteps=STEPS, finalize=True)
        )
        torch.manual_seed(200 + i)
        noises.append(torch.randn(1, 80, prompt.prompt_frames + 2 * tok.numel()))
    ours = batched.mels(prompt, chunks, n_steps=STEPS, noises=noises)
    for a, b in zip(ours, stock, strict=True):
        assert torch.allclose(a, b, atol=1e-4, rtol=1e-4), (a - b).abs().max()
