"""S3Gen over many chunks: per-chunk flow encoder, one batched CFM solve, per-chunk vocoder.

Why this split, stage by stage:

* **Voice prompt** (prompt tokens, prompt mel, projected speaker embedding) is computed once
  per voice (``VoicePrompt``), not once per chunk.
* **Flow encoder** runs once per group of equal-length chunks (no padding, so exact).
  Padding chunks of other lengths would not be exact: its input layer turns a padded
  (zero) token into ``LayerNorm(bias)``, and the pre-lookahead convolution lets the last
  real tokens see those values, where stock sees zeros. It is a few percent of S3Gen.
* **CFM decoder** (the estimator, run ``2 x cfm_steps`` times per chunk, ~90 % of S3Gen)
  runs once for the whole batch with right padding and length masks. This is exact: its
  convolutions are causal (a frame never sees frames to its right), its attention masks
  padded keys, and every block multiplies by the mask. Each chunk gets its own noise, drawn
  in chunk order with the shape stock draws, so with the same RNG state a chunk's mel equals
  stock's.
* **Meanflow** (Turbo's distilled decoder): the same batched solve without CFG rows, with
  stock's plain Euler steps over ``linspace(0, 1)`` and the estimator's end time ``r``; its
  noise is drawn as stock draws it: the chunk's own frames first, then the whole prompt +
  chunk, whose chunk part the first draw replaces.
* **Vocoder** (HiFT, float32 always): each chunk's source signal (F0 predictor and the
  noisy sine source) is made per chunk, so each keeps stock's random stream; with
  ``batched`` the decoder itself then runs once over the right-padded batch, each row
  masked to its own length (``vocoder_batched``), and cut back to it: one vocoder pass
  per batch on the GPU instead of one per chunk, with each chunk's own wave.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
import torch.nn.functional as F

from tts_cli.engine import vocoder_batched
from tts_cli.engine.seeding import derive_seed, forked_rng

MAX_PADDING_FRACTION = 0.25  # a CFM group may pad a chunk by at most this share of its frames


# padded mel frames per batched vocoder pass (80 s of audio; its largest activation is
# then ~0.5 GB in float32), so the vocoder never needs much more memory than T3's batch
VOCODER_BATCH_FRAMES = 4000
MIN_BUCKET_FRAMES = 16  # CPU kernels change their summation order across 16-frame blocks


def frame_bucket(frames: int, max_padding: float = MAX_PADDING_FRACTION) -> int:
    """The padded length of a chunk of ``frames`` frames, from its own length alone.

    A chunk's CFM arithmetic depends on the length it is padded to (kernels tile it), so
    the padded length must not depend on its neighbours: ``frames`` rounded up to a
    multiple of a power of two no larger than ``max_padding * frames`` (at least 16).
    """
    step = MIN_BUCKET_FRAMES
    while step * 2 <= max_padding * frames:
        step *= 2
    return -(-frames // step) * step


def _length_groups(lengths: list[int], max_padding: float) -> list[list[int]]:
    """Indices grouped by ``frame_bucket``, longest bucket first, input order within one."""
    groups: dict[int, list[int]] = {}
    for i, n in enumerate(lengths):
        groups.setdefault(frame_bucket(n, max_padding), []).append(i)
    return [groups[b] for b in sorted(groups, reverse=True)]


@dataclass
class VoicePrompt:
    """S3Gen features of a voice, computed once and reused for every chunk."""

    prompt_token: torch.Tensor  # (1, Tp) reference speech tokens
    prompt_token_len: torch.Tensor  # (1,)
    prompt_feat: torch.Tensor  # (1, 2*Tp, 80) reference mel frames
    spks: torch.Tensor  # (1, 80) projected, normalised x-vector

    @property
    def prompt_frames(self) -> int:
        return int(self.prompt_feat.size(1))


class BatchedS3Gen:
    """Drives a stock ``S3Gen`` (``S3Token2Wav``) for many chunks at once."""

    def __init__(self, s3gen):
        self.s3gen = s3gen
        self.flow = s3gen.flow
        self.cfm = s3gen.flow.decoder

    @property
    def device(self) -> torch.device:
        return self.s3gen.device

    @torch.inference_mode()
    def prompt(self, ref_dict: dict) -> VoicePrompt:
        """Prompt features from a stock ``Conditionals.gen`` dict."""
        flow = self.flow
        dev = self.device
        dtype = next(flow.encoder.parameters()).dtype
        embedding = torch.atleast_2d(ref_dict["embedding"].to(dev, dtype))
        spks = flow.spk_embed_affine_layer(F.normalize(embedding, dim=1))
        token = torch.atleast_2d(ref_dict["prompt_token"].to(dev))
        token_len = ref_dict.get("prompt_token_len")
        if token_len is None:
            token_len = torch.tensor([token.size(1)])
        feat = ref_dict["prompt_feat"].to(dev, dtype)
        if feat.dim() == 2:
            feat = feat[None]
        return VoicePrompt(token, torch.as_tensor(token_len).reshape(1).to(dev), feat, spks)

    def _encode(self, prompt: VoicePrompt, chunks: list[torch.Tensor]) -> list[torch.Tensor]:
        """Flow encoder for chunks of one length, as ``CausalMaskedDiffWithXvec.inference``.

        Equal lengths need no padding, so one batched pass is exact. Returns mu (80, T) each.
        """
        flow = self.flow
        tokens = torch.stack([t.reshape(-1) for t in chunks]).to(self.device)
        token = torch.cat([prompt.prompt_token.expand(tokens.size(0), -1), tokens], dim=1)
        token_len = (prompt.prompt_token_len + tokens.size(1)).expand(tokens.size(0))
        emb = flow.input_embedding(token.long())  # every position is real: the mask is all ones
        h, _ = flow.encoder(emb, token_len)
        h = flow.encoder_proj(h)  # (B, T, 80)
        return list(h.transpose(1, 2))

    def _encode_all(
        self, prompt: VoicePrompt, token_lists: list[torch.Tensor]
    ) -> list[torch.Tensor]:
        """mu per chunk, in input order, one encoder pass each: a batched pass rounds
        differently per batch size (and on CPU is no faster), so a chunk's mu would
        depend on its neighbours."""
        return [self._encode(prompt, [t])[0] for t in token_lists]

    @torch.inference_mode()
    def mels(
        self,
        prompt: VoicePrompt,
        token_lists: list[torch.Tensor],
        n_steps: int = 10,
        generator: torch.Generator | None = None,
        noises: list[torch.Tensor] | None = None,
        max_padding: float = MAX_PADDING_FRACTION,
        meanflow: bool = False,
        seeds: list[int | None] | None = None,
    ) -> list[torch.Tensor]:
        """Mel ``(1, 80, 2 * n_tokens)`` per chunk, in input order.

        Chunks of similar length share one CFM solve; a chunk that would make the group
        pad more than ``max_padding`` of its frames starts a new group. Noise per chunk is
        ``randn(1, 80, T)`` over prompt + chunk frames drawn in chunk order (stock's
        ``randn_like(mu)``; meanflow: see the module docstring), from ``generator`` or the
        global RNG; ``noises`` overrides it. ``meanflow``: the distilled decoder's solve.
        ``seeds``: per chunk a seed (its noise from its own CPU generator) or None.
        """
        if not token_lists:
            return []
        mus = self._encode_all(prompt, token_lists)
        dtype = mus[0].dtype
        if noises is None:
            seeds = seeds if seeds is not None else [None] * len(mus)
            noises = [
                self._noise(m.size(1), prompt.prompt_frames, meanflow, generator, dtype, seed)
                for m, seed in zip(mus, seeds, strict=True)
            ]
        solve = self._solve_meanflow if meanflow else self._solve
        out: list[torch.Tensor | None] = [None] * len(mus)
        for group in _length_groups([m.size(1) for m in mus], max_padding):
            feats = solve(prompt, [mus[i] for i in group], [noises[i] for i in group], n_steps)
            for i, feat in zip(group, feats, strict=True):
                out[i] = feat
        return out

    def _noise(self, frames: int, prompt_frames: int, meanflow: bool, generator, dtype, seed=None):
        """One chunk's starting noise over its prompt + chunk frames, drawn as stock draws it.

        With a ``seed``: from a CPU generator of the chunk's own, in float32, then moved to
        the device, so a CPU run and a GPU run start from the same noise.
        """
        if seed is not None:
            own = torch.Generator().manual_seed(derive_seed(seed, "s3gen"))
            z = self._draw(frames, prompt_frames, meanflow, own, torch.device("cpu"), torch.float32)
            return z.to(self.device, dtype)
        return self._draw(frames, prompt_frames, meanflow, generator, self.device, dtype)

    @staticmethod
    def _draw(frames: int, prompt_frames: int, meanflow: bool, generator, dev, dtype):
        if not meanflow:
            return torch.randn(1, 80, frames, generator=generator, device=dev, dtype=dtype)
        # flow_inference draws the chunk's frames, then the decoder draws randn_like(mu)
        # and puts the first draw over its chunk part
        chunk = torch.randn(
            1, 80, frames - prompt_frames, generator=generator, device=dev, dtype=dtype
        )
        z = torch.randn(1, 80, frames, generator=generator, device=dev, dtype=dtype)
        z[..., prompt_frames:] = chunk
        return z

    def _padded(self, prompt: VoicePrompt, mus, noises):
        """Right-padded batch tensors (mu, cond, mask, z) and the chunks' frame counts."""
        lengths = [m.size(1) for m in mus]
        t_max, b = frame_bucket(max(lengths)), len(mus)
        dev, dtype = self.device, mus[0].dtype
        p = prompt.prompt_frames
        mu = torch.zeros(b, 80, t_max, device=dev, dtype=dtype)
        cond = torch.zeros(b, 80, t_max, device=dev, dtype=dtype)
        mask = torch.zeros(b, 1, t_max, device=dev, dtype=dtype)
        z = torch.zeros(b, 80, t_max, device=dev, dtype=dtype)
        for i, (m, n) in enumerate(zip(mus, lengths, strict=True)):
            mu[i, :, :n] = m
            cond[i, :, :p] = prompt.prompt_feat[0].transpose(0, 1)
            mask[i, :, :n] = 1
            z[i, :, :n] = noises[i].reshape(80, n).to(dev, dtype)
        return mu, cond, mask, z, lengths

    def _solve(self, prompt: VoicePrompt, mus, noises, n_steps: int) -> list[torch.Tensor]:
        """One batched CFM solve (stock's CFG Euler solver) over right-padded chunks."""
        mu, cond, mask, z, lengths = self._padded(prompt, mus, noises)
        spks = prompt.spks.expand(mu.size(0), -1)
        t_span = torch.linspace(0, 1, n_steps + 1, device=mu.device, dtype=mu.dtype)
        if self.cfm.t_scheduler == "cosine":
            t_span = 1 - torch.cos(t_span * 0.5 * torch.pi)
        feat = self.cfm.solve_euler(z, t_span=t_span, mu=mu, mask=mask, spks=spks, cond=cond)
        p = prompt.prompt_frames
        return [feat[i : i + 1, :, p:n].float() for i, n in enumerate(lengths)]

    def _solve_meanflow(self, prompt: VoicePrompt, mus, noises, n_steps: int) -> list[torch.Tensor]:
        """Stock ``basic_euler`` batched: no CFG rows, plain time steps, end time ``r``."""
        mu, cond, mask, x, lengths = self._padded(prompt, mus, noises)
        # stock makes the time grid in mu's dtype, then casts everything to the estimator's
        t_span = torch.linspace(0, 1, n_steps + 1, device=mu.device, dtype=mu.dtype)
        est = self.cfm.estimator
        dtype = next(est.parameters()).dtype
        mu, cond, mask, x, t_span = (v.to(dtype) for v in (mu, cond, mask, x, t_span))
        spks = prompt.spks.expand(mu.size(0), -1).to(dtype)
        for t, r in zip(t_span[:-1], t_span[1:], strict=True):
            t, r = t[None], r[None]
            x = x + (r - t) * est(x, mask=mask, mu=mu, t=t, spks=spks, cond=cond, r=r)
        p = prompt.prompt_frames
        return [x[i : i + 1, :, p:n].float() for i, n in enumerate(lengths)]

    @torch.inference_mode()
    def waves(
        self,
        mels: list[torch.Tensor],
        seeds: list[int | None],
        batched: bool = True,
        max_frames: int = VOCODER_BATCH_FRAMES,
    ) -> list[torch.Tensor]:
        """Waveform per mel as a 1-D float32 tensor on the device, with stock's fade-in.

        ``batched``: decoder passes over padded groups of consecutive chunks of at most
        ``max_frames`` padded frames each (see the module docstring); else one
        ``hift_inference`` per chunk, exactly as stock."""
        if not batched:
            return [self._wave(m, seed) for m, seed in zip(mels, seeds, strict=True)]
        out: list[torch.Tensor] = []
        start = 0
        while start < len(mels):
            end, longest = start + 1, mels[start].size(-1)
            while end < len(mels):
                longest = max(longest, mels[end].size(-1))
                if longest * (end + 1 - start) > max_frames:
                    break
                end += 1
            out.extend(self._waves_group(mels[start:end], seeds[start:end]))
            start = end
        return out

    def _waves_group(self, mels: list[torch.Tensor], seeds: list[int | None]):
        if len(mels) == 1:
            return [self._wave(m, seed) for m, seed in zip(mels, seeds, strict=True)]
        hift = self.s3gen.mel2wav
        feats = [m.to(dtype=torch.float32) for m in mels]
        sources = []
        for feat, seed in zip(feats, seeds, strict=True):
            with self._rng(seed):  # the source's noise: the chunk's own stream, as stock
                f0 = hift.f0_predictor(feat)
                src, _, _ = hift.m_source(hift.f0_upsamp(f0[:, None]).transpose(1, 2))
            sources.append(src.transpose(1, 2))  # (1, 1, samples)
        try:
            waves = vocoder_batched.decode(hift, feats, sources)
        except vocoder_batched.LengthMismatch:
            return [self._wave(m, seed) for m, seed in zip(mels, seeds, strict=True)]
        return [self._fade(w).squeeze(0) for w in waves]

    def _rng(self, seed: int | None):
        import contextlib

        if seed is None:
            return contextlib.nullcontext()
        return forked_rng(derive_seed(seed, "vocoder"), self.device)

    def _fade(self, wav: torch.Tensor) -> torch.Tensor:
        fade = self.s3gen.trim_fade
        wav[:, : len(fade)] *= fade
        return wav

    def _wave(self, mel: torch.Tensor, seed: int | None) -> torch.Tensor:
        with self._rng(seed):
            wav, _ = self.s3gen.hift_inference(mel.to(dtype=torch.float32), None)
        return self._fade(wav).squeeze(0)

    @torch.inference_mode()
    def vocode(self, mel: torch.Tensor, seed: int | None = None) -> np.ndarray:
        """Waveform for one chunk's mel, with stock's fade-in; float32 numpy. HiFT draws
        noise from the global RNG; with a ``seed`` it draws under a fork seeded from it."""
        s3gen = self.s3gen
        if seed is not None:
            with forked_rng(derive_seed(seed, "vocoder"), self.device):
                wav, _ = s3gen.hift_inference(mel.to(dtype=torch.float32), None)
        else:
            wav, _ = s3gen.hift_inference(mel.to(dtype=torch.float32), None)
        wav[:, : len(s3gen.trim_fade)] *= s3gen.trim_fade
        return wav.squeeze(0).detach().cpu().numpy().astype(np.float32, copy=False)
