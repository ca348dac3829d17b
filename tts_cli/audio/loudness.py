"""Streaming ITU-R BS.1770 loudness and a block peak limiter.

``LoudnessMeter`` gives the same integrated loudness as ``pyloudnorm.Meter``
(same K-weighting biquads, 400 ms blocks with 75 % overlap, -70 LUFS absolute
and -10 LU relative gates) but takes the signal piece by piece: the filters
carry their state between calls and only one mean square per 100 ms hop is
kept (360 000 floats, 2.9 MB, for ten hours), so a book is measured while it
is being assembled and never has to be in memory at once.

``PeakLimiter`` applies the normalising gain in the final streaming pass and
pulls any sample peak that would pass the ceiling under it.
"""

from __future__ import annotations

import math
from array import array

import numpy as np
from scipy.signal import sosfilt, sosfilt_zi

ABSOLUTE_GATE_LUFS = -70.0  # BS.1770-4 absolute gate
RELATIVE_GATE_LU = -10.0  # BS.1770-4 relative gate, below the absolutely gated loudness
BLOCK_S = 0.400  # gating block length
HOPS_PER_BLOCK = 4  # 75 % overlap: a block is four 100 ms hops
LIMITER_BLOCK_MS = 5.0  # limiter gain is decided per 5 ms block, ramped linearly across it
# the limiter gain recovers at most this fast after a peak (0.3 dB per block)
LIMITER_RELEASE_DB_PER_S = 60.0


def k_weighting_sos(sample_rate_hz: int) -> np.ndarray:
    """The two K-weighting biquads as second-order sections, taken from pyloudnorm."""
    import pyloudnorm  # scipy is already loaded; pyloudnorm only supplies the coefficients

    meter = pyloudnorm.Meter(sample_rate_hz)
    sections = []
    gain = 1.0
    for stage in meter._filters.values():
        b = np.asarray(stage.b, dtype=np.float64)
        a = np.asarray(stage.a, dtype=np.float64)
        sections.append(np.concatenate([b / a[0], a / a[0]]))
        gain *= stage.passband_gain
    sos = np.array(sections)
    sos[0, :3] *= gain
    return sos


def lufs_from_power(mean_square: float) -> float:
    """BS.1770 loudness of a K-weighted mean square (mono, channel gain 1)."""
    return -0.691 + 10.0 * math.log10(mean_square) if mean_square > 0 else -math.inf


class LoudnessMeter:
    """Integrated loudness of a mono signal fed in pieces, in LUFS."""

    def __init__(self, sample_rate_hz: int) -> None:
        self._sos = k_weighting_sos(sample_rate_hz)
        self._zi = sosfilt_zi(self._sos) * 0.0  # start from silence, like pyloudnorm
        self._hop = int(round(sample_rate_hz * BLOCK_S / HOPS_PER_BLOCK))  # 2400 samples at 24 kHz
        self._partial_sum = 0.0  # sum of squares of the unfinished hop
        self._partial_len = 0
        self._hops = array("d")  # mean square of each finished 100 ms hop
        self.samples = 0

    def add(self, audio: np.ndarray) -> None:
        """Measure the next samples of the signal."""
        if audio.size == 0:
            return
        self.samples += audio.size
        weighted, self._zi = sosfilt(self._sos, audio.astype(np.float64), zi=self._zi)
        squares = np.square(weighted)
        first = min(self._hop - self._partial_len, squares.size)
        self._partial_sum += float(squares[:first].sum())
        self._partial_len += first
        if self._partial_len < self._hop:
            return
        self._hops.append(self._partial_sum / self._hop)
        rest = squares[first:]
        whole = rest.size // self._hop
        if whole:
            self._hops.extend(rest[: whole * self._hop].reshape(whole, self._hop).mean(axis=1))
        tail = rest[whole * self._hop :]
        self._partial_sum = float(tail.sum())
        self._partial_len = tail.size

    def block_powers(self) -> np.ndarray:
        """Mean square of every complete 400 ms block (hop 100 ms)."""
        hops = np.frombuffer(self._hops, dtype=np.float64)
        if hops.size < HOPS_PER_BLOCK:
            return np.zeros(0)
        csum = np.concatenate([[0.0], np.cumsum(hops)])
        return (csum[HOPS_PER_BLOCK:] - csum[:-HOPS_PER_BLOCK]) / HOPS_PER_BLOCK

    def integrated_lufs(self) -> float:
        """Gated integrated loudness so far; -inf for silence or less than 400 ms."""
        powers = self.block_powers()
        with np.errstate(divide="ignore"):
            loudness = -0.691 + 10.0 * np.log10(powers)
        above_absolute = powers[loudness >= ABSOLUTE_GATE_LUFS]
        if above_absolute.size == 0:
            return -math.inf
        relative_gate = lufs_from_power(float(above_absolute.mean())) + RELATIVE_GATE_LU
        gated = powers[(loudness > relative_gate) & (loudness >= ABSOLUTE_GATE_LUFS)]
        return lufs_from_power(float(gated.mean())) if gated.size else -math.inf


def db_to_gain(db: float) -> float:
    return 10.0 ** (db / 20.0)


def gain_to_db(gain: float) -> float:
    return 20.0 * math.log10(gain) if gain > 0 else -math.inf


class PeakLimiter:
    """Static gain plus a look-ahead block limiter, fed in order, output delayed by one block.

    Gain is decided at the edges of 5 ms blocks: the gain at an edge is at most
    the gain each neighbouring block needs to keep its peak under the ceiling,
    and it rises no faster than the release rate. Inside a block the gain ramps
    linearly between its two edges; both are at most what the block needs, so
    no sample can pass the ceiling. The attack starts one block before a peak.
    """

    def __init__(self, sample_rate_hz: int, gain: float, ceiling: float) -> None:
        self._block = max(1, int(round(sample_rate_hz * LIMITER_BLOCK_MS / 1000)))
        self._gain = gain
        self._ceiling = ceiling
        self._release = db_to_gain(LIMITER_RELEASE_DB_PER_S * LIMITER_BLOCK_MS / 1000)
        # samples whose closing edge gain is not known yet
        self._held = np.zeros(0, dtype=np.float32)
        self._edge = 1.0  # limiter gain at the opening edge of the held block
        self.limited_blocks = 0  # blocks where the limiter pulled the gain under 1

    def _needs(self, blocks: np.ndarray) -> np.ndarray:
        peaks = np.abs(blocks).max(axis=1) * self._gain
        with np.errstate(divide="ignore"):
            return np.minimum(1.0, self._ceiling / np.maximum(peaks, 1e-30))

    def process(self, audio: np.ndarray) -> np.ndarray:
        """Return the finished output for what can be decided so far (one block late)."""
        data = np.concatenate([self._held, audio.astype(np.float32, copy=False)])
        whole = data.size // self._block
        if whole < 2:
            self._held = data
            return np.zeros(0, dtype=np.float32)
        # keep the last whole block (and any partial) back: its closing edge needs the next block
        cut = (whole - 1) * self._block
        blocks = data[: whole * self._block].reshape(whole, self._block)
        needs = self._needs(blocks)
        out = self._apply(blocks[:-1], needs)
        self._held = data[cut:]
        return out

    def _apply(self, blocks: np.ndarray, needs: np.ndarray) -> np.ndarray:
        """Gain for ``blocks`` (needs has one extra entry: the block after the last)."""
        count = blocks.shape[0]
        if self._edge >= 1.0 and needs.min() >= 1.0:
            self._edge = 1.0
            return (blocks * self._gain).reshape(-1)
        # edges[k] is the opening edge of block k; edges[count] closes the last one
        wanted = np.minimum(needs[:-1], needs[1:])  # edge between block k and k+1
        edges = np.empty(count + 1)
        edges[0] = min(self._edge, needs[0])
        edge = edges[0]
        for k in range(count):  # release recursion: cheap, 200 steps per second of audio
            edge = min(float(wanted[k]), edge * self._release)
            edges[k + 1] = edge
        self._edge = edge
        self.limited_blocks += int((needs[:-1] < 1.0).sum())
        ramp = np.arange(self._block, dtype=np.float64) / self._block
        gains = edges[:-1, None] + (edges[1:] - edges[:-1])[:, None] * ramp[None, :]
        return (blocks * (gains * self._gain)).astype(np.float32).reshape(-1)

    def flush(self) -> np.ndarray:
        """The held samples, with the gain closing at the need of their last block."""
        data = self._held
        self._held = np.zeros(0, dtype=np.float32)
        if data.size == 0:
            return data
        pad = (-data.size) % self._block
        padded = np.concatenate([data, np.zeros(pad, dtype=np.float32)])
        blocks = padded.reshape(-1, self._block)
        needs = self._needs(blocks)
        out = self._apply(blocks, np.concatenate([needs, needs[-1:]]))
        return out[: data.size]
