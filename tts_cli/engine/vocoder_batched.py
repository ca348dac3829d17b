"""HiFT's decoder over a batch of chunks of different lengths, each exactly as alone.

Stock runs the vocoder once per chunk. Right-padding a batch is not exact by itself: every
convolution of the chunk alone sees zeros past its end, in the batch it sees the previous
layer's output over the padding (biases, activations). So here every convolution's output
is zeroed past each row's own length (its length alone, from the layer's shape formula),
and the two steps that are not convolutions (the source's STFT, the final inverse STFT)
run per chunk. The activations HiFT uses map zero to zero, so each row then computes what
it computes alone, up to the kernels' rounding.
"""

from __future__ import annotations

import contextlib

import torch
import torch.nn.functional as F


class LengthMismatch(RuntimeError):
    """A layer's padded length maps to two sets of row lengths (run per chunk instead)."""


def _out_length(module: torch.nn.Module, n: torch.Tensor) -> torch.Tensor:
    """Output length of ``module`` (a Conv1d or ConvTranspose1d) for input lengths ``n``."""
    k, s = module.kernel_size[0], module.stride[0]
    p, d = module.padding[0], module.dilation[0]
    if isinstance(module, torch.nn.ConvTranspose1d):
        return (n - 1) * s - 2 * p + d * (k - 1) + module.output_padding[0] + 1
    return torch.div(n + 2 * p - d * (k - 1) - 1, s, rounding_mode="floor") + 1


@contextlib.contextmanager
def _masked_convolutions(root: torch.nn.Module, lengths: dict[int, torch.Tensor]):
    """While active, every convolution under ``root`` zeroes its output past each row's
    length. ``lengths`` maps a padded length to the rows' own lengths at it; each layer
    adds its output's."""

    def hook(module, args, out):
        t_in = args[0].size(-1)
        n_in = lengths.get(t_in)
        if n_in is None:
            raise LengthMismatch(f"no row lengths for a padded length of {t_in}")
        n_out = _out_length(module, n_in)
        known = lengths.setdefault(out.size(-1), n_out)
        if not torch.equal(known, n_out):
            raise LengthMismatch(f"two sets of row lengths at a padded length of {out.size(-1)}")
        keep = (
            torch.arange(out.size(-1), device=out.device)[None, :] < n_out.to(out.device)[:, None]
        )
        return out * keep[:, None, :].to(out.dtype)

    convs = (torch.nn.Conv1d, torch.nn.ConvTranspose1d)
    handles = [m.register_forward_hook(hook) for m in root.modules() if isinstance(m, convs)]
    try:
        yield
    finally:
        for h in handles:
            h.remove()


def decode(hift, feats: list[torch.Tensor], sources: list[torch.Tensor]) -> list[torch.Tensor]:
    """``hift.decode`` for each chunk's mel ``(1, 80, T)`` and source ``(1, 1, samples)``, in
    one batched pass; returns each chunk's waveform ``(1, samples)``.

    Raises ``LengthMismatch`` if the layers' lengths cannot be tracked (then run per chunk).
    """
    b = len(feats)
    frames = torch.tensor([f.size(-1) for f in feats])
    stfts = [torch.cat(hift._stft(s.squeeze(1)), dim=1) for s in sources]  # (1, C, Ti)
    stft_frames = torch.tensor([st.size(-1) for st in stfts])
    x = feats[0].new_zeros(b, feats[0].size(1), int(frames.max()))
    s_stft = stfts[0].new_zeros(b, stfts[0].size(1), int(stft_frames.max()))
    for i in range(b):
        x[i, :, : frames[i]] = feats[i][0]
        s_stft[i, :, : stft_frames[i]] = stfts[i][0]
    lengths = {x.size(-1): frames, s_stft.size(-1): stft_frames}
    if len(lengths) < 2 and not torch.equal(frames, stft_frames):
        raise LengthMismatch("mel frames and source frames share a padded length")
    with _masked_convolutions(hift, lengths):
        # stock's HiFTGenerator.decode, layer by layer, between the two STFTs
        x = hift.conv_pre(x)
        for i in range(hift.num_upsamples):
            x = F.leaky_relu(x, hift.lrelu_slope)
            x = hift.ups[i](x)
            if i == hift.num_upsamples - 1:
                x = hift.reflection_pad(x)  # pads on the left: a row's end stays its own
                lengths.setdefault(x.size(-1), lengths[x.size(-1) - 1] + 1)
            si = hift.source_resblocks[i](hift.source_downs[i](s_stft))
            x = x + si
            xs = None
            for j in range(hift.num_kernels):
                y = hift.resblocks[i * hift.num_kernels + j](x)
                xs = y if xs is None else xs + y
            x = xs / hift.num_kernels
        x = F.leaky_relu(x)
        x = hift.conv_post(x)
    out_frames = lengths[x.size(-1)]
    n_fft = hift.istft_params["n_fft"]
    waves = []
    for i in range(b):
        xi = x[i : i + 1, :, : out_frames[i]]
        magnitude = torch.exp(xi[:, : n_fft // 2 + 1, :])
        phase = torch.sin(xi[:, n_fft // 2 + 1 :, :])
        wav = hift._istft(magnitude, phase)
        waves.append(torch.clamp(wav, -hift.audio_limit, hift.audio_limit))
    return waves
