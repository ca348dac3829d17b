"""A silent or near-silent voice clip is an error (exit 4), like a too-short one."""

from __future__ import annotations

import numpy as np
import pytest
import soundfile as sf

from tts_cli.engine.adapter import VOICE_ACTIVE_DBFS, active_voice_seconds, check_voice_file
from tts_cli.errors import ModelError
from tts_cli.testing.checkpoint import write_reference_wav

SR = 24_000


def _wav(path, audio):
    sf.write(str(path), audio.astype(np.float32), SR, subtype="PCM_16")
    return path


def test_six_seconds_of_zeros_is_silent(tmp_path):
    clip = _wav(tmp_path / "zeros.wav", np.zeros(6 * SR))
    with pytest.raises(ModelError, match=r"voice file is silent or nearly so \(0\.0 s") as err:
        check_voice_file(clip)
    assert err.value.exit_code == 4
    assert "clean speech" in str(err.value)


def test_six_seconds_of_noise_at_minus_70_dbfs_is_silent(tmp_path):
    rng = np.random.default_rng(0)
    noise = rng.standard_normal(6 * SR)
    noise *= 10 ** (-70 / 20) / np.sqrt(np.mean(noise**2))
    clip = _wav(tmp_path / "hiss.wav", noise)
    assert active_voice_seconds(clip) == 0.0
    with pytest.raises(ModelError, match="silent or nearly so"):
        check_voice_file(clip)


def test_speech_like_clip_passes_and_its_active_time_is_measured(tmp_path):
    clip = write_reference_wav(tmp_path / "voice.wav", seconds=6.0, seed=1)
    assert check_voice_file(clip) == pytest.approx(6.0, abs=0.01)
    assert 4.0 < active_voice_seconds(clip) <= 6.0


def test_a_quiet_but_real_clip_passes(tmp_path):
    # a tone-modulated signal at -40 dBFS RMS: quiet, but well above the room
    t = np.arange(6 * SR) / SR
    tone = np.sin(2 * np.pi * 180 * t) * (0.6 + 0.4 * np.sin(2 * np.pi * 4 * t))
    tone *= 10 ** (-40 / 20) / np.sqrt(np.mean(tone**2))
    clip = _wav(tmp_path / "quiet.wav", tone)
    assert active_voice_seconds(clip) > 5.5
    assert VOICE_ACTIVE_DBFS == -50.0
    check_voice_file(clip)


def test_half_a_second_of_speech_in_silence_is_not_enough(tmp_path):
    audio = np.zeros(6 * SR)
    t = np.arange(SR // 2) / SR
    audio[SR : SR + SR // 2] = 0.3 * np.sin(2 * np.pi * 200 * t)
    clip = _wav(tmp_path / "blip.wav", audio)
    assert active_voice_seconds(clip) == pytest.approx(0.5, abs=0.05)
    with pytest.raises(ModelError, match=r"\(0\.5 s of its first 10 s above -50 dBFS\)"):
        check_voice_file(clip)
