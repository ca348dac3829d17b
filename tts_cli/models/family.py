"""What a Chatterbox model family is, as data: its files, languages, decoder and defaults.

One frozen ``ModelFamily`` per upstream model (``english.py``, ``multilingual.py``,
``turbo.py``). The engine reads these fields instead of branching on a model's name, so a
new family that reuses a backbone is a new description, not new branches in the engine.
Nothing here imports torch or chatterbox.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

#: Roles of the files in a model folder (the ``files`` keys of a family).
FILE_ROLES = ("t3", "s3gen", "ve", "tokenizer", "conds")


@dataclass(frozen=True)
class SamplingDefaults:
    """The model's own upstream ``generate()`` defaults. None: the model has no such input."""

    temperature: float
    repetition_penalty: float
    top_p: float
    min_p: float | None
    """Min-p filter; None where the model does not use it (Turbo)."""
    cfg_weight: float | None
    """Classifier-free guidance weight; None where T3 has no CFG (Turbo)."""
    exaggeration: float | None
    """Emotion input; None where T3 has no emotion conditioning (Turbo)."""
    top_k: int = 0
    """Top-k filter (0: off)."""
    cfm_steps: int = 10
    """Flow-matching steps of its S3Gen (meanflow decoders use 2)."""
    penalty_last: bool = False
    """Turbo's order: temperature, top-k, top-p, then the repetition penalty (English and
    Multilingual apply the penalty first), and the start token leaves the penalised set
    after the first step."""


@dataclass(frozen=True)
class VoiceSpec:
    """How the model turns a reference clip into conditionals (its ``prepare_conditionals``)."""

    t3_seconds: float
    """Seconds of the clip (at 16 kHz) that give T3 its speech-prompt tokens."""
    s3gen_seconds: float
    """Seconds of the clip (at 24 kHz) that S3Gen uses as its prompt."""
    min_seconds: float = 1.0
    """Shortest clip the model accepts."""
    reference_lufs: float | None = None
    """Loudness the clip is normalised to first (Turbo: -27 LUFS); None: as recorded."""


@dataclass(frozen=True)
class TextNeed:
    """A package one language's text preparation needs (upstream's tokenizer imports it)."""

    module: str
    """Importable module name."""
    pip: str
    """What to install it with."""
    what: str
    """What it does, for the error message."""


@dataclass(frozen=True)
class ModelFamily:
    """One Chatterbox model: where its files come from and how the engine drives it."""

    name: str
    """``english``, ``multilingual`` or ``turbo``: the ``--model`` value and the plan's key."""
    title: str
    """Human name, for messages."""
    hub_repo: str
    """Hugging Face repository its files are downloaded from."""
    files: dict[str, str]
    """Role (``t3``, ``s3gen``, ``ve``, ``tokenizer``, ``conds``) -> file name in a folder."""
    languages: tuple[str, ...]
    """Language codes it speaks (a fine-tuned folder may add more)."""
    sampling: SamplingDefaults
    voice: VoiceSpec
    backbone: Literal["llama", "gpt2"] = "llama"
    """T3's transformer: Llama with CFG rows, or GPT-2 without CFG."""
    alignment_guard: bool = False
    """Stop tokens suppressed and forced from T3's text-speech alignment, as upstream's
    multilingual ``AlignmentStreamAnalyzer`` does."""
    meanflow: bool = False
    """S3Gen is the distilled meanflow decoder (no CFG, a few steps)."""
    trailing_silence_tokens: int = 0
    """Silence speech tokens appended before S3Gen (Turbo appends three)."""
    optional_files: tuple[str, ...] = ("conds",)
    """Roles a folder may lack (no ``conds.pt``: a ``--voice`` is then required)."""
    extra_files: tuple[str, ...] = ()
    """More files downloaded with the model and used when present (e.g. Cangjie codes)."""
    hub_patterns: tuple[str, ...] = ()
    """Download by these glob patterns instead of by ``files`` (folders of several files)."""
    text_needs: dict[str, TextNeed] = field(default_factory=dict)
    """Per language: a package its text preparation needs."""

    def speaks(self, lang: str) -> bool:
        return lang in self.languages

    def file(self, role: str) -> str:
        return self.files[role]

    def required_files(self) -> tuple[str, ...]:
        """File names a folder must hold for this family."""
        return tuple(f for role, f in self.files.items() if role not in self.optional_files)

    def options_without_effect(self, given: dict[str, object]) -> list[str]:
        """Names of the user-set sampling options this model has no input for."""
        unused = []
        for option, value in given.items():
            if value is None:
                continue
            if getattr(self.sampling, option, 0) is None:
                unused.append(option)
        return unused
