"""Where the speech is in a chunk's audio: frame level and voicing, with numpy only.

Each 40 ms window (hopped by 20 ms) gets two numbers:

* its **level**: RMS in dB relative to the chunk's speech level (the 95th percentile of
  frame RMS, so one click does not set it); a frame more than ``SILENCE_DB`` under it is
  *silent*;
* its **periodicity**: the highest normalised autocorrelation at a pitch lag between
  60 and 400 Hz. Vowels, nasals and voiced consonants repeat every pitch period (0.6-0.95
  here); hiss, breath and static do not (under 0.3 for white, pink or brown noise). A
  frame that is not silent and periodic enough is *voiced*.

Speech runs from the first voiced frame to the last, widened by ``EDGE_MARGIN_S`` for
unvoiced first and last sounds ("s", "t"). Everything after that which is not silent
is *trailing noise*. Why voicing rather than level alone: a model that runs past its text
often ends in breath or static as loud as quiet speech, and only its lack of a pitch
tells it apart. No library here does this in a few lines without a model download
(webrtcvad and silero-vad are speech/no-speech detectors that count noise bursts as
speech or need weights), so it is written out.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

WINDOW_S = 0.040  # two periods of a 50 Hz voice
HOP_S = 0.020  # frame step: durations are measured to 20 ms
SILENCE_DB = 40.0  # a frame this far under the speech level is silence
VOICED_DB = 30.0  # a voiced frame is at most this far under the speech level
VOICED_PERIODICITY = 0.5  # normalised autocorrelation at the pitch lag
PITCH_HZ = (60.0, 400.0)  # lags searched for a pitch period
EDGE_MARGIN_S = 0.25  # unvoiced sounds allowed before the first and after the last voiced frame
REFERENCE_PERCENTILE = 95.0
PITCH_RATE_HZ = 8000  # the pitch search runs on a copy at about this rate


@dataclass(frozen=True)
class Analysis:
    """The speech structure of one chunk's audio (seconds throughout)."""

    duration_s: float
    """Length of the whole clip."""
    speech_start_s: float
    """Where speech starts (first voiced frame less the edge margin); 0 when there is none."""
    speech_end_s: float
    """Where speech ends (last voiced frame plus the edge margin); 0 when there is none."""
    longest_silence_s: float
    """Longest run of silent frames between the first and the last voiced frame."""
    trailing_noise_s: float
    """Seconds of audible (not silent) frames after the speech ends."""
    voiced_s: float
    """Seconds of voiced frames in all."""

    @property
    def speech_s(self) -> float:
        """How long the speech lasts, pauses inside it included."""
        return max(0.0, self.speech_end_s - self.speech_start_s)


def frame_features(audio: np.ndarray, sample_rate_hz: int) -> tuple[np.ndarray, np.ndarray]:
    """Per-frame level (dB under the speech level) and periodicity (0-1) of ``audio``."""
    hop = int(round(HOP_S * sample_rate_hz))
    x = np.asarray(audio, dtype=np.float32)
    blocks = max(2, -(-x.size // hop))  # whole 20 ms blocks, the last one padded
    x = np.pad(x, (0, blocks * hop - x.size)).astype(np.float64)
    # a 40 ms window is two 20 ms blocks: sums of squares per block, then pairs of blocks
    block = x.reshape(blocks, hop)
    sums, squares = block.sum(axis=1), np.square(block).sum(axis=1)
    n = 2 * hop
    mean = (sums[:-1] + sums[1:]) / n
    rms = np.sqrt(np.maximum((squares[:-1] + squares[1:]) / n - mean**2, 0.0))
    reference = float(np.percentile(rms, REFERENCE_PERCENTILE))
    count = rms.size
    if reference <= 1e-9:  # digital silence (or a constant level) throughout
        return np.full(count, -np.inf), np.zeros(count)
    level_db = 20.0 * np.log10(np.maximum(rms, 1e-12) / reference)
    periodicity = np.zeros(count)
    # only frames loud enough to be voiced need the (costlier) pitch search
    loud = np.flatnonzero(level_db >= -VOICED_DB)
    if loud.size:
        periodicity[loud] = _periodicity(x, loud, sample_rate_hz)
    return level_db, periodicity


def _periodicity(x: np.ndarray, frames: np.ndarray, sample_rate_hz: int) -> np.ndarray:
    """Highest normalised autocorrelation over pitch lags for the 40 ms windows starting at
    blocks ``frames`` of ``x`` (Wiener-Khinchin, on a pre-emphasised 8 kHz copy)."""
    step = max(1, sample_rate_hz // PITCH_RATE_HZ)
    rate = sample_rate_hz / step
    # box-average then decimate: enough anti-aliasing for a pitch search, and 9x cheaper
    usable = x.size - x.size % step
    low = x[:usable].reshape(-1, step).mean(axis=1)
    # pre-emphasis whitens rumble and brown noise, whose autocorrelation is high at every
    # short lag without any period in it
    low = np.concatenate(([0.0], low[1:] - 0.95 * low[:-1]))
    win = int(round(WINDOW_S * rate))
    hop = int(round(HOP_S * rate))
    low = np.pad(low, (0, max(0, int(frames[-1]) * hop + win - low.size)))
    idx = frames[:, None] * hop + np.arange(win)[None, :]
    seg = low[idx]
    seg = seg - seg.mean(axis=1, keepdims=True)
    w = np.hanning(win)
    n_fft = 1 << int(np.ceil(np.log2(2 * win)))  # zero padding: linear, not circular
    spectrum = np.fft.rfft(seg * w, n=n_fft, axis=1)
    acf = np.fft.irfft(np.abs(spectrum) ** 2, n=n_fft, axis=1)[:, :win]
    # divide out the window's own autocorrelation so a periodic signal scores near 1 at
    # every lag rather than fading with the lag
    w_acf = np.correlate(w, w, mode="full")[win - 1 :]
    lo = max(1, int(rate / PITCH_HZ[1]))
    hi = min(win - 2, int(rate / PITCH_HZ[0]))
    with np.errstate(divide="ignore", invalid="ignore"):
        norm = (acf[:, lo - 1 : hi + 2] / w_acf[lo - 1 : hi + 2]) / (acf[:, :1] / w_acf[0])
    norm = np.nan_to_num(norm, nan=0.0, posinf=0.0, neginf=0.0)
    # a pitch period is a peak of the autocorrelation, not its slope down from lag 0
    inner = norm[:, 1:-1]
    peak = (inner > norm[:, :-2]) & (inner >= norm[:, 2:])
    return np.clip(np.where(peak, inner, 0.0).max(axis=1), 0.0, 1.0)


def analyse(audio: np.ndarray, sample_rate_hz: int) -> Analysis:
    """Speech start and end, the longest inner silence and the trailing noise of ``audio``."""
    duration = float(np.asarray(audio).size) / sample_rate_hz
    level, periodicity = frame_features(audio, sample_rate_hz)
    silent = level < -SILENCE_DB
    voiced = (level >= -VOICED_DB) & (periodicity >= VOICED_PERIODICITY)
    where = np.flatnonzero(voiced)
    if where.size == 0:
        return Analysis(duration, 0.0, 0.0, 0.0, float(np.count_nonzero(~silent)) * HOP_S, 0.0)
    first, last = int(where[0]), int(where[-1])
    start_s = max(0.0, first * HOP_S - EDGE_MARGIN_S)
    end_s = min(duration, last * HOP_S + WINDOW_S + EDGE_MARGIN_S)
    tail_from = int(np.ceil(end_s / HOP_S))
    trailing = float(np.count_nonzero(~silent[tail_from:])) * HOP_S
    return Analysis(
        duration_s=duration,
        speech_start_s=start_s,
        speech_end_s=end_s,
        longest_silence_s=_longest_run(silent[first : last + 1]) * HOP_S,
        trailing_noise_s=trailing,
        voiced_s=float(where.size) * HOP_S,
    )


def _longest_run(mask: np.ndarray) -> int:
    """Length of the longest run of True in ``mask``."""
    if not mask.any():
        return 0
    padded = np.concatenate(([False], mask, [False])).astype(np.int8)
    edges = np.flatnonzero(np.diff(padded))
    return int((edges[1::2] - edges[::2]).max())
