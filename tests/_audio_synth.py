"""Synthetic speech-like chunks for the audio tests (no model needed)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import numpy as np

SR = 24000


def speech_like(
    rng: np.random.Generator,
    seconds: float,
    level: float = 0.25,
    lead_s: float = 0.15,
    trail_s: float = 0.25,
    dc: float = 0.0,
) -> np.ndarray:
    """Voiced harmonics under a syllable envelope, plus a little breath noise, between silences."""
    n = int(seconds * SR)
    t = np.arange(n) / SR
    f0 = rng.uniform(100, 220) * (1 + 0.05 * np.sin(2 * np.pi * 0.7 * t))
    phase = 2 * np.pi * np.cumsum(f0) / SR + rng.uniform(0, 2 * np.pi)
    voiced = sum(np.sin(k * phase) / k for k in range(1, 8))
    envelope = 0.55 + 0.45 * np.sin(2 * np.pi * rng.uniform(3, 5) * t + rng.uniform(0, 6.3))
    noise = rng.standard_normal(n) * 0.1
    body = level * (voiced / 2.0 + noise) * envelope
    lead = np.zeros(int(lead_s * SR))
    trail = np.zeros(int(trail_s * SR))
    return (np.concatenate([lead, body, trail]) + dc).astype(np.float32)


def tone_at_random_phase(rng: np.random.Generator, seconds: float, dc: float) -> np.ndarray:
    """A tone that starts and stops mid-cycle, on a DC offset: the worst case for clicks."""
    n = int(seconds * SR)
    t = np.arange(n) / SR
    freq = rng.uniform(90, 400)
    amp = rng.uniform(0.15, 0.35)
    return (amp * np.sin(2 * np.pi * freq * t + rng.uniform(0, 2 * np.pi)) + dc).astype(np.float32)


def decode(path: Path, sample_rate_hz: int = SR) -> np.ndarray:
    """Decode any output with the bundled ffmpeg to float32 mono at ``sample_rate_hz``."""
    from tts_cli.audio.encode import ffmpeg_exe

    raw = subprocess.run(
        [
            ffmpeg_exe(),
            "-v",
            "error",
            "-i",
            str(path),
            "-f",
            "f32le",
            "-ac",
            "1",
            "-ar",
            str(sample_rate_hz),
            "-",
        ],
        check=True,
        capture_output=True,
    ).stdout
    return np.frombuffer(raw, dtype="<f4")


def make_image(path: Path, color: str = "red") -> Path:
    """A small real JPEG or PNG (by extension), drawn by ffmpeg."""
    from tts_cli.audio.encode import ffmpeg_exe

    subprocess.run(
        [
            ffmpeg_exe(),
            "-v",
            "error",
            "-y",
            "-f",
            "lavfi",
            "-i",
            f"color={color}:s=32x32",
            "-frames:v",
            "1",
            str(path),
        ],
        check=True,
    )
    return path
