"""What every engine takes and yields."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np

from tts_cli.errors import OptionError


@dataclass(frozen=True)
class GenerationOptions:
    """Sampling and quality settings shared by every engine (stock defaults)."""

    exaggeration: float = 0.5
    """Emotion intensity, 0 (flat) to 2 (theatrical); 0.5 is neutral."""
    cfg_weight: float = 0.5
    """Classifier-free guidance weight; 0 disables CFG (one row per chunk)."""
    temperature: float = 0.8
    """Sampling temperature (> 0)."""
    repetition_penalty: float = 1.2
    """Penalty on already generated speech tokens (>= 1)."""
    min_p: float = 0.05
    """Drop tokens below this fraction of the most likely token's probability."""
    top_p: float = 1.0
    """Nucleus sampling mass; 1.0 turns it off."""
    seed: int | None = None
    """Seed for torch's generators; None leaves them as they are."""
    cfm_steps: int = 10
    """Flow-matching steps in S3Gen (10 is the stock quality)."""

    def validate(self) -> None:
        """Raise ``OptionError`` for values the model cannot use."""
        if not 0.0 <= self.exaggeration <= 2.0:
            raise OptionError(f"--exaggeration {self.exaggeration} is out of range", "use 0.0-2.0")
        if not 0.0 <= self.cfg_weight <= 3.0:
            raise OptionError(f"--cfg-weight {self.cfg_weight} is out of range", "use 0.0-3.0")
        if not 0.0 < self.temperature <= 5.0:
            raise OptionError(
                f"--temperature {self.temperature} is out of range", "use a value in (0, 5]"
            )
        if self.repetition_penalty < 1.0:
            raise OptionError("repetition penalty below 1.0", "use a value >= 1.0")
        if not 0.0 <= self.min_p < 1.0 or not 0.0 < self.top_p <= 1.0:
            raise OptionError("min_p must be in [0, 1) and top_p in (0, 1]", "use the defaults")
        if not 1 <= self.cfm_steps <= 50:
            raise OptionError(
                f"--cfm-steps {self.cfm_steps} is out of range", "use 1-50 (10 = stock quality)"
            )


class Request(Protocol):
    """One chunk to speak; the text plan's ``Chunk`` satisfies it."""

    index: int
    text: str
    language: str
    max_new_tokens: int


@dataclass(frozen=True)
class SynthesisRequest:
    """A plain request, for callers without a text plan (benchmarks, tests)."""

    index: int
    text: str
    max_new_tokens: int
    language: str = "en"


@dataclass
class ChunkAudio:
    """The audio of one chunk."""

    index: int
    audio: np.ndarray = field(repr=False)
    """float32 mono samples at 24 kHz."""
    tokens: int
    """Valid speech tokens spoken (each is 960 samples of audio)."""


class Engine(Protocol):
    """Turns requests into audio, yielding one ``ChunkAudio`` per request in request order."""

    name: str
    sample_rate_hz: int
    stage_seconds: dict[str, float]

    def synthesize(self, requests: Iterable[Request]) -> Iterator[ChunkAudio]: ...

    def close(self) -> None: ...
