"""Edge trimming and click-free joins between chunks.

The join rule, for neighbours A and B with pause P and crossfade C (samples):

* ``c = min(C, len(A) // 2, len(B) // 2)`` (short chunks get shorter fades);
* A's last ``c`` samples are multiplied by the equal-power fade-out
  ``cos(pi/2 * (n + 0.5) / c)``, B's first ``c`` by the fade-in
  ``sin(pi/2 * (n + 0.5) / c)``;
* B starts ``P - c`` samples after A ends: with ``P >= c`` that leaves
  ``P - c`` samples of digital silence between the two fades (A fades to
  silence, B fades in from it); with ``P < c`` the fades overlap by ``c - P``
  samples and are summed, and ``P = 0`` is a plain equal-power crossfade.

So every join adds ``P - c`` samples and the total is exact:
``total = sum(trimmed chunk lengths) + sum(P) - sum(c)``.

Fading to and from silence at every pause (and at the very start and end of
the book) is what keeps joins click-free: a chunk that stops at a random
phase, or sits on a DC offset, reaches zero along a quarter-cosine instead of
jumping. Each chunk's mean is also removed, so a DC offset never becomes a
step either. Only a pause shorter than the crossfade makes two voices
overlap; with correlated material that overlap can peak up to 3 dB higher.
"""

from __future__ import annotations

import numpy as np

# a frame is silence when its RMS is this far under the chunk's loudest frame
TRIM_THRESHOLD_DB = 40.0
TRIM_FRAME_MS = 5.0  # level is measured over 5 ms frames
# this much of the silence is kept before the first and after the last loud frame
TRIM_MARGIN_MS = 5.0


def trim_bounds(audio: np.ndarray, sample_rate_hz: int) -> tuple[int, int]:
    """Start and end (exclusive) of the part of ``audio`` louder than its own silence.

    The threshold is relative to the chunk's loudest 5 ms frame, measured around
    the chunk's median so a DC offset does not count as sound. An all-silent
    chunk trims to nothing.
    """
    frame = max(1, int(round(sample_rate_hz * TRIM_FRAME_MS / 1000)))
    margin = int(round(sample_rate_hz * TRIM_MARGIN_MS / 1000))
    count = audio.size // frame
    if count == 0:  # shorter than a frame: nothing to measure a level against, keep it
        return 0, audio.size
    centred = audio[: count * frame].astype(np.float64) - float(np.median(audio))
    rms = np.sqrt(np.mean(np.square(centred.reshape(count, frame)), axis=1))
    loudest = float(rms.max())
    if loudest <= 1e-9:  # digital silence or a pure DC level
        return 0, 0
    loud = np.flatnonzero(rms >= loudest * 10.0 ** (-TRIM_THRESHOLD_DB / 20.0))
    start = max(0, int(loud[0]) * frame - margin)
    last_frame_end = (int(loud[-1]) + 1) * frame
    # the remainder after the last whole frame is kept when the last frame is loud
    end = audio.size if int(loud[-1]) == count - 1 else min(audio.size, last_frame_end + margin)
    return start, end


def prepare_chunk(audio: np.ndarray, sample_rate_hz: int, trim: bool) -> np.ndarray:
    """Trim (when asked) and remove the chunk's DC offset; returns float32."""
    audio = np.asarray(audio, dtype=np.float32)
    if trim:
        start, end = trim_bounds(audio, sample_rate_hz)
        audio = audio[start:end]
    if audio.size:
        audio = audio - np.float32(audio.mean(dtype=np.float64))
    return np.ascontiguousarray(audio, dtype=np.float32)


def fade_in(length: int) -> np.ndarray:
    """Equal-power fade-in gains, 0 -> 1, never exactly 0 or 1 (midpoint sampling)."""
    return np.sin(0.5 * np.pi * (np.arange(length) + 0.5) / length).astype(np.float32)


def fade_out(length: int) -> np.ndarray:
    """Equal-power fade-out gains, the mirror of :func:`fade_in`; in**2 + out**2 == 1."""
    return np.cos(0.5 * np.pi * (np.arange(length) + 0.5) / length).astype(np.float32)


def crossfade_samples(crossfade: int, previous_len: int, next_len: int) -> int:
    """The crossfade a join gets: the asked length, at most half of either chunk."""
    return max(0, min(crossfade, previous_len // 2, next_len // 2))


def join(tail: np.ndarray, head: np.ndarray, pause: int) -> np.ndarray:
    """Join a chunk's held-back tail and the next chunk's head.

    ``tail`` and ``head`` are the last and first ``c`` samples of the two chunks,
    still unfaded; the result is what goes between the rest of the two chunks:
    ``2c + pause - c`` samples, i.e. the join adds ``pause - c`` samples.
    """
    c = tail.size
    if head.size != c:
        raise ValueError("tail and head of a join must have the same length")
    out = np.zeros(pause + c, dtype=np.float32)
    out[:c] += tail * fade_out(c)
    out[pause:] += head * fade_in(c)
    return out
