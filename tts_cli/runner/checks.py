"""Every option of a ``RunRequest`` checked before anything big is read or any model loads,
so that a typo or a missing package never costs a model load."""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from pathlib import Path

from tts_cli.errors import OptionError
from tts_cli.runner.request import ENGINES, RunRequest

logger = logging.getLogger("tts_cli.runner")

DEFAULT_RETRIES = 2
"""Takes with new seeds of a suspect chunk before it is split (``--retries``)."""


@dataclass(frozen=True)
class Checked:
    """A request's options, validated and turned into each layer's option objects."""

    model_dirs: tuple[Path, ...]
    plan: object
    """``PlanOptions``."""
    read: object
    """``ReadOptions``."""
    generation: object
    """``GenerationOptions`` as given (family defaults are filled in per model)."""
    books: tuple
    """``Book`` per input: each input with its output."""
    batch: bool
    """``-o`` names a folder of outputs (several inputs, ``-o DIR/`` or a template)."""
    assembly: object | None = None
    """``AssemblyOptions`` (None in a dry run)."""
    engine: object | None = None
    """``EngineOptions`` of the fast engine (None with ``--engine stock`` or a dry run)."""
    gate: object | None = None
    """``GateOptions`` of the quality gate (None in a dry run)."""


def check_request(req: RunRequest) -> Checked:
    """All the request's options, checked in the order a user would fix them."""
    from tts_cli.engine.base import GenerationOptions
    from tts_cli.jobs.books import is_folder_output, plan_books
    from tts_cli.models import check_model_choice
    from tts_cli.models.folders import extra_languages
    from tts_cli.text import PlanOptions

    if req.engine not in ENGINES:
        raise OptionError(f"unknown engine {req.engine!r}", f"use one of: {', '.join(ENGINES)}")
    check_model_choice(req.model)
    if req.ray is not None:
        req.ray.validate()
    if req.work_dir is not None:  # a URL's protocol is known and its package installed
        from tts_cli.jobs.storage import check_location

        check_location(req.work_dir)
    warn_unused_with_stock(req)
    model_dirs = tuple(Path(d).expanduser() for d in req.model_dirs)
    # a fine-tuned folder's extra languages are valid --lang values and language-id targets
    extra = tuple(sorted(extra_languages(list(model_dirs)))) if model_dirs else ()
    lexicon = None
    if req.lexicon is not None:
        from tts_cli.text.lexicon import load_lexicon

        lexicon = load_lexicon(req.lexicon)
    plan = PlanOptions(
        lang=req.lang,
        chunk_chars=req.chunk_chars,
        max_new_tokens=req.max_new_tokens,
        languages=extra,
        lexicon=lexicon,
    )
    plan.validate()
    read = _read_options(req)
    generation = GenerationOptions(
        exaggeration=req.exaggeration,
        cfg_weight=req.cfg_weight,
        temperature=req.temperature,
        repetition_penalty=req.repetition_penalty,
        min_p=req.min_p,
        top_p=req.top_p,
        top_k=req.top_k,
        seed=req.seed,
        cfm_steps=req.cfm_steps,
    )
    generation.validate()
    books = tuple(
        plan_books(
            req.inputs,
            req.output,
            fmt=req.output_format,
            template=req.output_template,
            dry_run=req.dry_run,
        )
    )
    batch = is_folder_output(req.output, len(books), req.output_template)
    checked = Checked(model_dirs, plan, read, generation, books, batch)
    if req.dry_run:
        return checked
    if req.ray is not None:
        from tts_cli.cluster.options import check_cluster_request

        check_cluster_request(req)
    gate = _gate_options(req)
    assembly = _assembly_options(req, batch)
    engine = _engine_options(req)
    if req.voice is not None:
        from tts_cli.engine.adapter import check_voice_file

        check_voice_file(req.voice)
    return replace(checked, assembly=assembly, engine=engine, gate=gate)


def warn_unused_with_stock(req: RunRequest) -> None:
    """The stock engine runs chatterbox's own float32 generate(): the fast engine's options
    would be silently ignored, so a user who gave one hears about it."""
    if req.engine != "stock":
        return
    given = [
        flag
        for flag, value, default in (
            ("--dtype", req.dtype, "auto"),
            ("--batch-size", req.batch_size, "auto"),
            ("--compile/--no-compile", req.compile, None),
            ("--cleanup-every", req.cleanup_every, None),
            ("--cpu-offload", req.cpu_offload, False),
        )
        if value != default
    ]
    if given:
        logger.warning(
            "%s %s no effect with --engine stock (it runs chatterbox's generate() in float32, "
            "one chunk at a time)",
            ", ".join(given),
            "has" if len(given) == 1 else "have",
        )


def _read_options(req: RunRequest):
    from tts_cli.text.reader import ReadOptions

    options = ReadOptions(lang=None if req.lang == "auto" else req.lang)
    if req.max_book_mb is not None:
        options = replace(options, max_book_mb=req.max_book_mb)
    options.validate()
    return options


def _gate_options(req: RunRequest):
    from tts_cli.quality import GateOptions

    options = GateOptions(retries=DEFAULT_RETRIES if req.retries is None else req.retries)
    options.validate()
    return options


def _assembly_options(req: RunRequest, batch: bool):
    from tts_cli.audio import AssemblyOptions, check_output

    if req.output is None:
        raise OptionError(
            "no output file given",
            "add -o book.m4b (or .wav .flac .mp3 .m4a .ogg .opus, or - for stdout)",
        )
    if req.output == "-" and req.json_out:
        raise OptionError(
            "-o - and --json would both write to stdout",
            "write the audio to a file, or drop --json",
        )
    fields = dict(req.assembly)
    if not req.normalize:
        if "loudness_lufs" in fields:
            raise OptionError(
                "--loudness and --no-normalize contradict each other", "give one of them"
            )
        fields["loudness_lufs"] = None
    options = AssemblyOptions(**fields)
    if batch:
        options.validate()  # each book's output is checked once its name is known
    else:
        check_output(req.output, options)
    return options


def book_assembly(assembly, book, batch: bool):
    """A book's assembly options: in batch mode ``--subtitles x.srt`` means one subtitle
    file per book beside its output, with that extension."""
    if assembly is None or not batch or assembly.subtitles is None:
        return assembly
    suffix = Path(assembly.subtitles).suffix
    return replace(assembly, subtitles=Path(book.output).with_suffix(suffix))


def _engine_options(req: RunRequest):
    if req.engine != "fast":
        return None
    from tts_cli.engine.options import EngineOptions

    batch = req.batch_size
    if batch != "auto":
        try:
            batch = int(batch)
        except ValueError:
            raise OptionError(
                f"--batch-size {req.batch_size!r} is not a number",
                "give auto or a whole number >= 1",
            ) from None
    options = EngineOptions(
        dtype=req.dtype,
        compile=req.compile,
        batch_size=batch,
        cleanup_every=req.cleanup_every,
        cpu_offload=req.cpu_offload,
        voice_cache=req.voice_cache,
        voice_cache_dir=req.voice_cache_dir,
    )
    options.validate()
    return options
