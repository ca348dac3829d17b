"""Which model reads each chunk, and what its language's text preparation needs.

``--model auto`` (the default): English chunks go to the English model, every other
language to the multilingual model with that chunk's language id. ``english`` and ``turbo``
read every chunk (with a warning for chunks in other languages: they read them with an
English accent); ``multilingual`` reads every chunk, English included.
"""

from __future__ import annotations

import functools
import importlib.util
import logging
from collections import Counter
from dataclasses import replace

from tts_cli.errors import ModelError
from tts_cli.models import FAMILIES, MULTILINGUAL, check_model_choice

logger = logging.getLogger(__name__)


def route(lang: str, choice: str) -> str:
    """The family that reads a chunk in ``lang`` when the user chose ``--model choice``."""
    if choice != "auto":
        return choice
    return "english" if lang == "en" else "multilingual"


def route_plan(plan, choice: str):
    """``plan`` with each chunk's ``model`` set; warns about accents it cannot avoid."""
    check_model_choice(choice)
    chunks = tuple(replace(c, model=route(c.language, choice)) for c in plan.chunks)
    for name in sorted({c.model for c in chunks}):
        fam = FAMILIES[name]
        foreign = sorted({c.language for c in chunks if c.model == name} - set(fam.languages))
        if foreign:
            logger.warning(
                "the %s model reads %s text with an English accent; "
                "use --model auto or multilingual for those languages",
                fam.title,
                ", ".join(foreign),
            )
    return replace(plan, chunks=chunks)


def models_needed(plan) -> list[str]:
    """Families that read at least one chunk, in the order of their first chunk."""
    return list(dict.fromkeys(c.model for c in plan.chunks))


def chunks_per_model(plan) -> dict[str, int]:
    """Model name -> number of chunks it reads."""
    return dict(Counter(c.model for c in plan.chunks))


@functools.cache
def chinese_segmenter():
    """spacy_pkuseg's segmenter, loaded once; it downloads its model on first use."""
    try:
        from spacy_pkuseg import pkuseg
    except ImportError:
        need = MULTILINGUAL.text_needs["zh"]
        raise ModelError(
            f"Chinese text needs the {need.module} package ({need.what})", need.pip
        ) from None
    try:
        return pkuseg()
    except Exception as e:  # noqa: BLE001 - a failed model download surfaces as many types
        reason = str(e).strip().splitlines()[0][:160] if str(e).strip() else type(e).__name__
        raise ModelError(
            f"Chinese word segmentation could not load spacy_pkuseg's model ({reason})",
            "connect to the network once: spacy_pkuseg downloads it from github.com into ~/.pkuseg",
        ) from None


def check_text_needs(plan) -> None:
    """``ModelError`` with the install command when a chunk's preparation lacks a package.

    Runs before any model loads, so a missing package costs nothing but the message.
    """
    langs = sorted({c.language for c in plan.chunks if c.model == MULTILINGUAL.name})
    for lang in langs:
        need = MULTILINGUAL.text_needs.get(lang)
        if need is None:
            continue
        if importlib.util.find_spec(need.module) is None:
            from tts_cli.text.languages import profile

            raise ModelError(
                f"{profile(lang).name} text needs the {need.module} package ({need.what}) "
                "for the multilingual model",
                f"install it: {need.pip}",
            )
        if lang == "zh":
            chinese_segmenter()
