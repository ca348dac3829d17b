"""Chatterbox model families as data, which model reads each chunk, and model folders.

    family("multilingual")          # the ModelFamily description
    route_plan(plan, "auto")        # each chunk's model: English chunks to English, the rest
                                    # to Multilingual
    resolve_folders(needed, dirs)   # where each needed model's files are (or downloads them)

Nothing here imports torch or chatterbox; loading is ``tts_cli.engine.adapter.load_model``.
"""

from __future__ import annotations

from tts_cli.errors import OptionError
from tts_cli.models.english import ENGLISH
from tts_cli.models.family import ModelFamily, SamplingDefaults, TextNeed, VoiceSpec
from tts_cli.models.multilingual import MULTILINGUAL
from tts_cli.models.turbo import TURBO

#: Every family, by ``--model`` name.
FAMILIES: dict[str, ModelFamily] = {f.name: f for f in (ENGLISH, MULTILINGUAL, TURBO)}
#: ``--model`` values: ``auto`` routes per chunk language.
MODEL_CHOICES = ("auto", *FAMILIES)


def family(name: str) -> ModelFamily:
    """The family called ``name``; ``OptionError`` naming the choices otherwise."""
    try:
        return FAMILIES[name]
    except KeyError:
        raise OptionError(
            f"unknown --model {name!r}", f"use one of: {', '.join(MODEL_CHOICES)}"
        ) from None


def check_model_choice(name: str) -> str:
    """``name`` if it is a ``--model`` value, else ``OptionError``."""
    if name not in MODEL_CHOICES:
        raise OptionError(f"unknown --model {name!r}", f"use one of: {', '.join(MODEL_CHOICES)}")
    return name


__all__ = [
    "ENGLISH",
    "FAMILIES",
    "MODEL_CHOICES",
    "MULTILINGUAL",
    "TURBO",
    "ModelFamily",
    "SamplingDefaults",
    "TextNeed",
    "VoiceSpec",
    "check_model_choice",
    "family",
]
