"""Trimming, joins and exact durations, read back from the written file."""

from __future__ import annotations

import numpy as np
import pytest
import soundfile as sf
from _audio_synth import SR, speech_like, tone_at_random_phase
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tts_cli.audio import Assembler, AssemblyOptions
from tts_cli.audio.joins import (
    TRIM_MARGIN_MS,
    crossfade_samples,
    fade_in,
    fade_out,
    join,
    trim_bounds,
)

RAW = dict(loudness_lufs=None, sample_format="float32")  # no gain, no quantisation: compare samples


def assemble(path, chunks, kinds, **opts):
    with Assembler(path, AssemblyOptions(**opts), SR) as book:
        for audio, kind in zip(chunks, kinds, strict=True):
            book.add(audio, kind)
    return book.result


def test_trim_keeps_the_sound_and_a_few_ms_of_margin():
    rng = np.random.default_rng(1)
    lead, body, trail = int(0.3 * SR), int(1.0 * SR), int(0.5 * SR)
    sound = 0.3 * np.sin(2 * np.pi * 200 * np.arange(body) / SR)
    # -70 dB hiss, well under the -40 dB threshold, and a DC offset
    floor = 1e-4 * rng.standard_normal(lead + body + trail) + 0.2
    audio = (floor + np.concatenate([np.zeros(lead), sound, np.zeros(trail)])).astype(np.float32)
    start, end = trim_bounds(audio, SR)
    margin = int(TRIM_MARGIN_MS * SR / 1000)
    frame = margin  # 5 ms frames
    assert lead - margin - frame <= start <= lead - margin + frame
    assert lead + body + margin - frame <= end <= lead + body + margin + frame


def test_trim_drops_a_silent_chunk_entirely():
    assert trim_bounds(np.full(4800, 0.1, dtype=np.float32), SR) == (0, 0)


def test_fades_are_equal_power():
    np.testing.assert_allclose(fade_in(480) ** 2 + fade_out(480) ** 2, 1.0, rtol=1e-6)


def test_join_region_length_is_pause_plus_crossfade():
    tail, head = np.ones(480, np.float32), np.ones(480, np.float32)
    for pause in (0, 100, 480, 7200):
        assert join(tail, head, pause).size == pause + 480


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    lengths=st.lists(st.integers(0, 30000), min_size=1, max_size=6),
    kinds=st.lists(st.sampled_from(["chunk", "paragraph", "chapter"]), min_size=6, max_size=6),
    crossfade_ms=st.sampled_from([0, 5, 20, 50]),
    pause_chunk_ms=st.sampled_from([0, 10, 300]),
)
def test_total_is_trimmed_chunks_plus_pauses_minus_crossfades(
    tmp_path, lengths, kinds, crossfade_ms, pause_chunk_ms
):
    rng = np.random.default_rng(len(lengths))
    chunks = [
        speech_like(rng, n / SR, lead_s=0.05, trail_s=0.05) if n else np.zeros(0, np.float32)
        for n in lengths
    ]
    opts = dict(RAW, crossfade_ms=crossfade_ms, pause_chunk_ms=pause_chunk_ms)
    out = tmp_path / "book.wav"
    result = assemble(out, chunks, kinds[: len(chunks) - 1] + ["end"], **opts)
    pauses = {"chunk": pause_chunk_ms * 24, "paragraph": 800 * 24, "chapter": 2000 * 24}
    trimmed = [c.trimmed_samples for c in result.chunks]
    expected_trim = [np.subtract(*reversed(trim_bounds(c, SR))) if c.size else 0 for c in chunks]
    assert trimmed == expected_trim
    assert result.samples == sum(trimmed) + sum(
        j.pause_samples - j.crossfade_samples for j in result.joins
    )
    # the joins are the ones the options ask for, between audible neighbours
    audible = [i for i, n in enumerate(trimmed) if n]
    assert len(result.joins) == max(0, len(audible) - 1)
    for (a, b), j in zip(zip(audible, audible[1:], strict=False), result.joins, strict=True):
        assert j.pause_samples == max(pauses[kinds[k]] for k in range(a, b))
        assert j.crossfade_samples == crossfade_samples(crossfade_ms * 24, trimmed[a], trimmed[b])
        assert (
            result.chunks[b].start_sample
            == result.chunks[a].end_sample + j.pause_samples - j.crossfade_samples
        )
    written, rate = sf.read(out, dtype="float32")
    assert rate == SR and written.size == result.samples


def test_chunk_placement_matches_the_audio(tmp_path):
    rng = np.random.default_rng(3)
    chunks = [speech_like(rng, 0.8) for _ in range(3)]
    result = assemble(tmp_path / "b.wav", chunks, ["chunk", "paragraph", "end"], **RAW)
    written, _ = sf.read(tmp_path / "b.wav", dtype="float32")
    for chunk, placed in zip(chunks, result.chunks, strict=True):
        start, end = trim_bounds(chunk, SR)
        body = chunk[start:end] - chunk[start:end].mean()
        c = 480
        # away from the fades, the output is the trimmed chunk sample for sample
        np.testing.assert_allclose(
            written[placed.start_sample + c : placed.end_sample - c], body[c:-c], atol=1e-6
        )
    # pauses are digital silence between the fades
    gap = written[result.chunks[0].end_sample : result.chunks[1].start_sample]
    assert gap.size == 300 * 24 - 480 and not gap.any()


def largest_step(audio: np.ndarray) -> float:
    return float(np.abs(np.diff(audio.astype(np.float64))).max())


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_no_clicks_at_joins_with_random_phase_and_dc_offset(tmp_path, seed):
    rng = np.random.default_rng(seed)
    chunks = [
        tone_at_random_phase(
            rng, rng.uniform(0.3, 1.0), dc=rng.choice([-1, 1]) * rng.uniform(0.05, 0.3)
        )
        for _ in range(6)
    ]
    inside = max(largest_step(c) for c in chunks)
    # the test has teeth: butting the chunks together would click
    assert largest_step(np.concatenate(chunks)) > 2 * inside
    result = assemble(
        tmp_path / "b.wav",
        chunks,
        ["chunk", "paragraph", "chunk", "chapter", "chunk", "end"],
        **RAW,
    )
    written, _ = sf.read(tmp_path / "b.wav", dtype="float32")
    assert written.size == result.samples
    assert largest_step(written) <= inside * (1 + 1e-4)
    assert abs(written[0]) < 0.01 and abs(written[-1]) < 0.01  # the book fades in and out


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_no_clicks_with_speech_cut_mid_word_on_dc(tmp_path, seed):
    rng = np.random.default_rng(seed)
    chunks = [
        speech_like(rng, rng.uniform(0.3, 1.0), lead_s=0, trail_s=0, dc=rng.uniform(-0.3, 0.3))
        for _ in range(6)
    ]
    inside = max(largest_step(c) for c in chunks)
    assemble(tmp_path / "b.wav", chunks, ["chunk"] * 5 + ["end"], **RAW)
    written, _ = sf.read(tmp_path / "b.wav", dtype="float32")
    assert largest_step(written) <= inside * (1 + 1e-4)


def test_no_clicks_with_default_options_after_gain(tmp_path):
    rng = np.random.default_rng(7)
    chunks = [tone_at_random_phase(rng, 0.6, dc=0.2) for _ in range(5)]
    result = assemble(tmp_path / "b.wav", chunks, ["chunk"] * 4 + ["end"])
    written, _ = sf.read(tmp_path / "b.wav", dtype="float32")
    assert result.limited_ms == 0
    gain = 10 ** (result.gain_db / 20)
    lsb = 2 / 32768  # pcm16 rounding moves each sample by at most half a step
    assert largest_step(written) <= max(largest_step(c) for c in chunks) * gain + lsb
