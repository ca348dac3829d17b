"""Is a chunk's take suspect? Reasons, each with a short name, and a score to rank takes.

Reasons (``Verdict.reasons``, in this order):

* ``no_stop_token``: T3 used its whole token budget without a stop token (the engine
  says so in ``ChunkAudio.stopped``; an engine that cannot tell is judged by its token
  count reaching the budget): the usual sign of a cut-off end or a runaway;
* ``no_speech``: not one voiced frame (silence, hiss or a click);
* ``too_short`` / ``too_long``: the speech lasts far less / more than the text predicts
  for its language (bounds in ``tts_cli.quality.rates``);
* ``long_silence``: a pause inside the speech longer than ``max_silence_s``;
* ``trailing_noise``: more than ``max_trailing_noise_s`` of audible non-speech (breath,
  static, mumbling without a pitch) after the speech ends.

Silence thresholds, calibrated on espeak-ng (``python -m tts_cli.benchmarks.speaking_rate``):
its longest pause inside a clean text is 0.48 s and it leaves nothing audible after the
speech, over all 23 languages. A narrator's pause between sentences is 0.3-1 s, so
``max_silence_s = 2.0`` is four times espeak's longest and twice a slow paragraph-like
pause; ``max_trailing_noise_s = 1.0`` lets a final breath through.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from tts_cli.engine.base import ChunkAudio, Request
from tts_cli.errors import OptionError
from tts_cli.quality.frames import Analysis, analyse
from tts_cli.quality.rates import duration_bounds, expected_seconds

#: Every reason a verdict may give, in the order it lists them.
REASONS = (
    "no_stop_token",
    "no_speech",
    "too_short",
    "too_long",
    "long_silence",
    "trailing_noise",
)
MAX_RETRIES = 10  # more takes than this is a budget, not a retry


@dataclass(frozen=True)
class GateOptions:
    """What makes a chunk suspect and what is done about it (``--retries``)."""

    retries: int = 2
    """Takes with new seeds after a suspect first take, before the chunk is split; 0 only
    checks and reports (no regeneration)."""
    split: bool = True
    """After the retries, speak the text again in two pieces cut at a sentence or clause
    boundary, joined by a short pause."""
    min_ratio: float = 0.5
    """``too_short`` below this fraction of the expected seconds (less ``short_slack_s``)."""
    max_ratio: float = 1.4
    """``too_long`` above this multiple of the expected seconds (plus ``long_slack_s``)."""
    short_slack_s: float = 0.5
    """Seconds taken off the shortest allowed speech (short texts are predicted roughly)."""
    long_slack_s: float = 1.0
    """Seconds added to the longest allowed speech (breaths around a short text)."""
    max_silence_s: float = 2.0
    """``long_silence`` when a pause inside the speech is longer than this."""
    max_trailing_noise_s: float = 1.0
    """``trailing_noise`` when more audible non-speech than this follows the speech."""

    def validate(self) -> None:
        """Raise ``OptionError`` for settings the gate cannot use."""
        r = self.retries
        if isinstance(r, bool) or not isinstance(r, int) or not 0 <= r <= MAX_RETRIES:
            raise OptionError(
                f"--retries must be a whole number 0-{MAX_RETRIES}, got {r!r}",
                "use 0 to only report suspect chunks, or 1-3 to regenerate them",
            )
        if not 0 <= self.min_ratio < self.max_ratio:
            raise OptionError(
                f"duration bounds {self.min_ratio}-{self.max_ratio} are empty",
                "use 0 <= min_ratio < max_ratio",
            )
        for name in ("short_slack_s", "long_slack_s", "max_silence_s", "max_trailing_noise_s"):
            if getattr(self, name) < 0:
                raise OptionError(f"{name} is negative", f"give {name} in seconds, >= 0")


@dataclass(frozen=True)
class Verdict:
    """What the checks found in one take."""

    reasons: tuple[str, ...]
    """Names from ``REASONS``; empty when the take passes."""
    score: float
    """How far the take is from passing: 0 when it passes, else one per reason plus how
    far past its bound each measure is (relative); lower is better, so takes compare."""
    expected_s: float
    """Seconds of speech the text predicts."""
    analysis: Analysis
    """The measured speech structure."""

    @property
    def passed(self) -> bool:
        """No reason to suspect the take."""
        return not self.reasons


def ran_out(request: Request, audio: ChunkAudio) -> bool:
    """Whether the take used its whole token budget without a stop token."""
    if audio.stopped is not None:
        return not audio.stopped
    return audio.tokens >= request.max_new_tokens


def assess(
    request: Request,
    audio: ChunkAudio,
    sample_rate_hz: int,
    options: GateOptions | None = None,
) -> Verdict:
    """Check one take of ``request`` (see the module docstring for the reasons)."""
    options = options or GateOptions()
    a = analyse(np.asarray(audio.audio), sample_rate_hz)
    expected = expected_seconds(request.text, request.language)
    shortest, longest = duration_bounds(
        expected,
        min_ratio=options.min_ratio,
        max_ratio=options.max_ratio,
        short_slack_s=options.short_slack_s,
        long_slack_s=options.long_slack_s,
    )
    found: dict[str, float] = {}  # reason -> relative excess past its bound
    if ran_out(request, audio):
        found["no_stop_token"] = 0.0
    if a.voiced_s <= 0:
        found["no_speech"] = 1.0
    elif a.speech_s < shortest:
        found["too_short"] = (shortest - a.speech_s) / max(shortest, 1e-6)
    elif a.speech_s > longest:
        found["too_long"] = (a.speech_s - longest) / longest
    if a.longest_silence_s > options.max_silence_s:
        found["long_silence"] = _excess(a.longest_silence_s, options.max_silence_s)
    if a.trailing_noise_s > options.max_trailing_noise_s:
        found["trailing_noise"] = _excess(a.trailing_noise_s, options.max_trailing_noise_s)
    reasons = tuple(r for r in REASONS if r in found)
    score = sum(1.0 + min(found[r], 10.0) for r in reasons)
    return Verdict(reasons=reasons, score=score, expected_s=expected, analysis=a)


def _excess(value: float, bound: float) -> float:
    return (value - bound) / bound if bound > 0 else value
