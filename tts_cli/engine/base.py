"""What every engine takes and yields."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from typing import Protocol

import numpy as np

from tts_cli.errors import OptionError

#: Sampling options a user may set, with their command-line names.
SAMPLING_OPTIONS = {
    "exaggeration": "--exaggeration",
    "cfg_weight": "--cfg-weight",
    "temperature": "--temperature",
    "repetition_penalty": "--repetition-penalty",
    "min_p": "--min-p",
    "top_p": "--top-p",
    "top_k": "--top-k",
    "cfm_steps": "--cfm-steps",
}


@dataclass(frozen=True)
class GenerationOptions:
    """Sampling and quality settings; None means "the model's own default".

    Each model family has its upstream defaults (``ModelFamily.sampling``): the multilingual
    model's repetition penalty is 2.0 where English uses 1.2; Turbo has no CFG, emotion or
    min-p input and samples with top-k 1000 and top-p 0.95. ``resolve(family)`` fills them in.
    """

    exaggeration: float | None = None
    """Emotion intensity, 0 (flat) to 2 (theatrical); 0.5 is neutral."""
    cfg_weight: float | None = None
    """Classifier-free guidance weight; 0 disables CFG (one row per chunk)."""
    temperature: float | None = None
    """Sampling temperature (> 0)."""
    repetition_penalty: float | None = None
    """Penalty on already generated speech tokens (>= 1)."""
    min_p: float | None = None
    """Drop tokens below this fraction of the most likely token's probability."""
    top_p: float | None = None
    """Nucleus sampling mass; 1.0 turns it off."""
    top_k: int | None = None
    """Keep only the k most likely tokens; 0 turns it off."""
    seed: int | None = None
    """Seed for torch's generators; None leaves them as they are."""
    cfm_steps: int | None = None
    """Flow-matching steps in S3Gen (10 is the stock quality; Turbo's meanflow uses 2)."""
    penalty_last: bool = False
    """Set by ``resolve``: the family applies the repetition penalty after the filters."""

    def validate(self) -> None:
        """Raise ``OptionError`` for values no model can use."""
        checks = (
            ("exaggeration", lambda v: 0.0 <= v <= 2.0, "use 0.0-2.0"),
            ("cfg_weight", lambda v: 0.0 <= v <= 3.0, "use 0.0-3.0"),
            ("temperature", lambda v: 0.0 < v <= 5.0, "use a value in (0, 5]"),
            ("repetition_penalty", lambda v: 1.0 <= v <= 10.0, "use a value in [1, 10]"),
            ("min_p", lambda v: 0.0 <= v < 1.0, "use a value in [0, 1)"),
            ("top_p", lambda v: 0.0 < v <= 1.0, "use a value in (0, 1]"),
            ("top_k", lambda v: isinstance(v, int) and v >= 0, "use a whole number >= 0"),
            ("cfm_steps", lambda v: isinstance(v, int) and 1 <= v <= 50, "use 1-50"),
        )
        for name, ok, fix in checks:
            value = getattr(self, name)
            if value is not None and (isinstance(value, bool) or not ok(value)):
                raise OptionError(f"{SAMPLING_OPTIONS[name]} {value} is out of range", fix)

    def given(self) -> dict[str, object]:
        """The sampling options that were set (not left to the model)."""
        return {k: getattr(self, k) for k in SAMPLING_OPTIONS if getattr(self, k) is not None}

    def resolve(self, family) -> GenerationOptions:
        """These options with ``family``'s defaults filled in; options the model has no
        input for (``None`` in its defaults) stay None whatever was given."""
        d = family.sampling
        values = {}
        for name in SAMPLING_OPTIONS:
            default = getattr(d, name)
            given = getattr(self, name)
            values[name] = None if default is None else (default if given is None else given)
        return replace(self, penalty_last=d.penalty_last, **values)


class Request(Protocol):
    """One chunk to speak; the text plan's ``Chunk`` satisfies it."""

    index: int
    text: str
    language: str
    max_new_tokens: int
    model: str | None
    """The family that reads it; engines of one model ignore it."""
    # Optional: ``seed`` (int). When a request has one, every random draw for this chunk
    # (T3 sampling, S3Gen noise, vocoder noise) comes from a stream seeded by it alone, so
    # its audio does not depend on batch size, batch neighbours or resume. Engines read it
    # with ``getattr(req, "seed", None)``.


@dataclass(frozen=True)
class SynthesisRequest:
    """A plain request, for callers without a text plan (benchmarks, tests)."""

    index: int
    text: str
    max_new_tokens: int
    language: str = "en"
    model: str | None = None
    seed: int | None = None
    """This chunk's own random stream (see ``Request``); None: the engine's shared one."""


@dataclass
class ChunkAudio:
    """The audio of one chunk."""

    index: int
    audio: np.ndarray = field(repr=False)
    """float32 mono samples at 24 kHz."""
    tokens: int
    """Valid speech tokens spoken (each is 960 samples of audio)."""
    stopped: bool | None = None
    """Whether T3 ended the chunk with a stop token (False: it ran to its token budget, the
    usual sign of a cut-off or a runaway); None when the engine cannot tell."""


class Engine(Protocol):
    """Turns requests into audio, yielding one ``ChunkAudio`` per request in request order."""

    name: str
    sample_rate_hz: int
    stage_seconds: dict[str, float]
    batch_size: int
    """Chunks it works on at once (``synthesize_batch`` takes any number)."""

    def synthesize(self, requests: Iterable[Request]) -> Iterator[ChunkAudio]: ...

    def synthesize_batch(self, batch: list[Request]) -> list[ChunkAudio]:
        """Audio for ``batch``, in its order, without reseeding (``RoutedEngine`` calls it)."""
        ...

    def close(self) -> None: ...
