"""The models a run needs: checked before any loads, each loaded once for every book, and
what the content keys of each model's chunks share."""

from __future__ import annotations

import logging
from pathlib import Path

from tts_cli.runner.request import RunRequest

logger = logging.getLogger("tts_cli.runner")


def prepare_models(req: RunRequest, plans: list, model_dirs, generation) -> dict:
    """Model folders of every model the plans need, after checking what each one needs:
    its text preparation's packages, a voice it accepts, options it can use."""
    from tts_cli.engine.adapter import check_voice_file
    from tts_cli.errors import ModelError
    from tts_cli.models.folders import resolve_folders
    from tts_cli.models.routing import check_text_needs, models_needed

    needed: list[str] = []
    for plan in plans:
        check_text_needs(plan)
        needed += [m for m in models_needed(plan) if m not in needed]
    folders = resolve_folders(needed, [Path(d) for d in model_dirs] or None)
    given = generation.given()
    for name in needed:
        fam = folders[name].family
        if req.voice is not None:
            check_voice_file(req.voice, fam.voice.min_seconds, fam.title)
        elif not folders[name].has("conds"):
            raise ModelError(
                f"the {fam.title} model in {folders[name].source} has no built-in voice "
                f"(no {fam.files['conds']})",
                "pass --voice with a clip of 5-10 s of clean speech",
            )
        unused = fam.options_without_effect(given)
        if unused:
            from tts_cli.engine.base import SAMPLING_OPTIONS

            logger.warning(
                "%s %s no effect on the %s model",
                ", ".join(SAMPLING_OPTIONS[o] for o in unused),
                "has" if len(unused) == 1 else "have",
                fam.title,
            )
    return folders


def make_engines(req: RunRequest, folders: dict, device: str, dtype, generation, engine_options):
    """Each needed model loaded once, its engine, and the router over them."""
    from tts_cli.engine.adapter import load_folder
    from tts_cli.engine.router import RoutedEngine

    engines: dict = {}
    try:
        for name, folder in folders.items():
            model = load_folder(folder, device, dtype)
            if req.engine == "stock":
                from tts_cli.engine.stock import StockEngine

                engines[name] = StockEngine(model, generation, voice=req.voice)
            else:
                from tts_cli.engine.fast import FastEngine

                engines[name] = FastEngine(
                    model,
                    generation,
                    engine_options,
                    voice=req.voice,
                    memory_share=1.0 / len(folders),  # models on one GPU share its memory
                )
    except BaseException:
        for e in engines.values():
            e.close()
        raise
    return RoutedEngine(engines, seed=req.seed)


def key_sets(req: RunRequest, folders: dict, generation, device: str, engine, gate) -> dict:
    """Per model: what the content keys of all its chunks share (``ChunkKeys``)."""
    from tts_cli.jobs import ChunkKeys

    out = {}
    for name, folder in folders.items():
        inner = getattr(engine, "engines", {}).get(name, engine)
        out[name] = ChunkKeys.build(
            folder=folder,
            voice=req.voice,
            generation=generation.resolve(folder.family),
            engine=req.engine,
            dtype=getattr(inner, "dtype", None) or "float32",
            device=device,
            seed=req.seed,
            gate=gate,
        )
    return out
