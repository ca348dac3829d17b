"""Loudness normalisation and peak limiting, measured with pyloudnorm on the written files."""

from __future__ import annotations

import numpy as np
import pyloudnorm
import pytest
import soundfile as sf
from _audio_synth import SR, decode, speech_like

from tts_cli.audio import Assembler, AssemblyOptions
from tts_cli.audio.loudness import LoudnessMeter, PeakLimiter


def book(rng, count=8, level=0.25):
    return [
        speech_like(rng, rng.uniform(2.0, 4.0), level=level * rng.uniform(0.5, 1.5))
        for _ in range(count)
    ]


def assemble(path, chunks, **opts):
    with Assembler(path, AssemblyOptions(**opts), SR) as assembler:
        for i, audio in enumerate(chunks):
            assembler.add(audio, "paragraph" if i % 3 == 2 else "chunk")
    return assembler.result


def peak_dbfs(audio):
    return 20 * np.log10(np.abs(audio).max())


def rms_db(audio):
    return 10 * np.log10(np.mean(np.square(audio.astype(np.float64))))


def test_streaming_meter_matches_pyloudnorm():
    rng = np.random.default_rng(0)
    audio = np.concatenate(book(rng, 5)).astype(np.float64)
    meter = LoudnessMeter(SR)
    cuts = np.sort(rng.integers(0, audio.size, 40))
    for piece in np.split(audio, cuts):  # uneven pieces, some empty
        meter.add(piece)
    assert meter.integrated_lufs() == pytest.approx(
        pyloudnorm.Meter(SR).integrated_loudness(audio), abs=0.05
    )


def test_limiter_never_passes_the_ceiling_and_keeps_the_length():
    rng = np.random.default_rng(1)
    audio = (rng.standard_normal(SR * 3) * 0.03).astype(np.float32)
    spikes = np.arange(1, 6) * SR // 2
    audio[spikes] = 0.95
    limiter = PeakLimiter(SR, gain=2.0, ceiling=0.5)
    out = np.concatenate(
        [limiter.process(p) for p in np.array_split(audio, 17)] + [limiter.flush()]
    )
    assert out.size == audio.size
    assert np.abs(out).max() <= 0.5 + 1e-6
    assert limiter.limited_blocks == spikes.size
    # 0.2 s after a spike the gain is back: the limiter recovers, it does not pump the book down
    far = np.min(np.abs(np.arange(audio.size)[:, None] - spikes[None, :]), axis=1) > SR // 5
    np.testing.assert_allclose(out[far], 2.0 * audio[far], rtol=1e-5, atol=1e-7)


def test_default_output_meets_acx(tmp_path):
    rng = np.random.default_rng(2)
    result = assemble(tmp_path / "b.wav", book(rng, level=0.05))  # quiet input: needs gain
    audio, _ = sf.read(tmp_path / "b.wav")
    lufs = pyloudnorm.Meter(SR).integrated_loudness(audio)
    assert lufs == pytest.approx(-20.0, abs=1.0)
    assert result.integrated_lufs == pytest.approx(lufs, abs=0.05)
    assert peak_dbfs(audio) <= -3.0
    assert -23.0 <= rms_db(audio) <= -18.0  # ACX's RMS window, pauses included
    assert result.gain_db > 10


def test_peaky_input_is_limited_not_clipped(tmp_path):
    rng = np.random.default_rng(3)
    chunks = book(rng)
    for chunk in chunks:  # plosive-like spikes 20 dB over the speech
        chunk[rng.integers(4000, chunk.size - 4000, 6)] = 0.99
    result = assemble(tmp_path / "b.flac", chunks, loudness_lufs=-18.0)
    audio, _ = sf.read(tmp_path / "b.flac")
    assert result.limited_ms > 0
    assert peak_dbfs(audio) <= -3.0
    assert pyloudnorm.Meter(SR).integrated_loudness(audio) == pytest.approx(-18.0, abs=1.0)


@pytest.mark.parametrize("target", [-23.0, -16.0])
def test_loudness_option_sets_the_target(tmp_path, target):
    rng = np.random.default_rng(4)
    assemble(tmp_path / "b.wav", book(rng, 5), loudness_lufs=target, peak_dbfs=-1.0)
    audio, _ = sf.read(tmp_path / "b.wav")
    assert pyloudnorm.Meter(SR).integrated_loudness(audio) == pytest.approx(target, abs=1.0)
    assert peak_dbfs(audio) <= -1.0


def test_no_normalize_keeps_the_level(tmp_path):
    rng = np.random.default_rng(5)
    chunks = book(rng, 4, level=0.1)
    result = assemble(tmp_path / "b.wav", chunks, loudness_lufs=None, sample_format="float32")
    audio, _ = sf.read(tmp_path / "b.wav")
    assert result.gain_db == 0.0
    assert result.integrated_lufs == pytest.approx(result.input_lufs, abs=1e-6)
    assert np.abs(audio).max() == pytest.approx(
        max(np.abs(c - c.mean()).max() for c in chunks), rel=1e-3
    )


@pytest.mark.parametrize("ext", [".m4b", ".mp3"])
def test_lossy_outputs_hold_loudness_and_peak(tmp_path, ext):
    rng = np.random.default_rng(6)
    assemble(tmp_path / f"b{ext}", book(rng, 5, level=0.5))
    audio = decode(tmp_path / f"b{ext}")
    assert pyloudnorm.Meter(SR).integrated_loudness(audio) == pytest.approx(-20.0, abs=1.0)
    assert peak_dbfs(audio) <= -3.0
