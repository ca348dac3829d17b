"""What one ``ttsgen`` invocation does, in order: check every option, plan the text, route
each chunk to its model, then (unless ``--dry-run``) check what those models need, load
each needed model once, synthesise and assemble, drawing progress on stderr.

Cheap checks come first so that a typo or a missing package never costs a model load, and
nothing is written before the assembler opens its temp file.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field, replace
from pathlib import Path

from tts_cli.errors import OptionError

logger = logging.getLogger(__name__)

ENGINES = ("fast", "stock")


@dataclass(frozen=True)
class RunRequest:
    """Everything the command line asked for, unvalidated."""

    input: str
    output: str | None
    lang: str = "auto"
    chunk_chars: int | None = None
    max_new_tokens: int | None = None
    dry_run: bool = False
    model: str = "auto"
    model_dirs: tuple[Path, ...] = ()
    device: str = "auto"
    engine: str = "fast"
    dtype: str = "auto"
    batch_size: str = "auto"
    compile: bool | None = None
    cfm_steps: int | None = None
    cleanup_every: int | None = None
    cpu_offload: bool = False
    voice_cache: bool = True
    voice_cache_dir: Path | None = None
    voice: Path | None = None
    seed: int | None = None
    exaggeration: float | None = None
    cfg_weight: float | None = None
    temperature: float | None = None
    repetition_penalty: float | None = None
    min_p: float | None = None
    top_p: float | None = None
    top_k: int | None = None
    assembly: dict = field(default_factory=dict)
    """AssemblyOptions fields the user set; the rest keep their defaults."""
    normalize: bool = True
    lexicon: Path | None = None
    """``--lexicon FILE``: pronunciation lexicon for the speakable text."""
    max_book_mb: float | None = None
    """``--max-book-mb``: largest book accepted (None: the reader's default)."""
    json_out: bool = False
    quiet: bool = False


def _stderr_console():
    from rich.console import Console

    return Console(stderr=True)


def _note(req: RunRequest, message: str) -> None:
    if not req.quiet:
        _stderr_console().print(message, highlight=False, markup=False)


def execute(req: RunRequest) -> dict | None:
    """Run one request; returns the JSON-able summary (or plan, with ``--dry-run``)."""
    from tts_cli.engine.base import GenerationOptions
    from tts_cli.models import check_model_choice
    from tts_cli.models.folders import extra_languages
    from tts_cli.models.routing import chunks_per_model, route_plan
    from tts_cli.text import PlanOptions, plan_document, read_document

    # 1. options, all before reading anything big or loading any model
    if req.engine not in ENGINES:
        raise OptionError(f"unknown engine {req.engine!r}", f"use one of: {', '.join(ENGINES)}")
    check_model_choice(req.model)
    _warn_unused_with_stock(req)
    model_dirs = [Path(d).expanduser() for d in req.model_dirs]
    # a fine-tuned folder's extra languages are valid --lang values and language-id targets
    extra = tuple(sorted(extra_languages(model_dirs))) if model_dirs else ()
    lexicon = None
    if req.lexicon is not None:
        from tts_cli.text.lexicon import load_lexicon

        lexicon = load_lexicon(req.lexicon)
    plan_options = PlanOptions(
        lang=req.lang,
        chunk_chars=req.chunk_chars,
        max_new_tokens=req.max_new_tokens,
        languages=extra,
        lexicon=lexicon,
    )
    plan_options.validate()
    read_options = _read_options(req)
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
    assembly = None
    engine_options = None
    if not req.dry_run:
        assembly = _assembly_options(req)
        engine_options = _engine_options(req)
        if req.voice is not None:
            from tts_cli.engine.adapter import check_voice_file

            check_voice_file(req.voice)

    # 2. the text, and which model reads each chunk
    document = read_document(req.input, read_options)
    plan = route_plan(plan_document(document, plan_options), req.model)
    if req.dry_run:
        if req.json_out:
            return {**plan.to_dict(), "models": chunks_per_model(plan)}
        _print_plan(plan)
        return None

    # 3. the device, what the models need, checked before any of them loads; then each
    # needed model is loaded once
    from tts_cli.engine.device import resolve_device, resolve_dtype

    device = resolve_device(req.device)
    dtype = resolve_dtype(req.dtype, device)
    if req.device == "auto":
        _note(req, f"device: {device} (auto)")
    folders = _prepare_models(req, plan, model_dirs, generation)
    _note(
        req,
        f"{len(plan.chunks)} chunks, about {plan.estimated_audio_seconds / 60:.1f} min of audio",
    )
    engine = _make_engines(req, folders, device, dtype, generation, engine_options)
    try:
        summary = _synthesize(req, plan, engine, assembly, device, folders)
    finally:
        engine.close()
    if not req.json_out:
        _note(
            req,
            f"wrote {summary.output}: {summary.audio_seconds / 60:.1f} min of audio in "
            f"{summary.wall_seconds:.1f} s ({1 / summary.rtf:.2f}x realtime)",
        )
    result = summary.to_dict()
    if plan.lexicon_counts is not None:
        result["lexicon"] = dict(plan.lexicon_counts)
    return result


def _prepare_models(req: RunRequest, plan, model_dirs: list[Path], generation) -> dict:
    """Model folders of every model the plan needs, after checking what each one needs:
    its text preparation's packages, a voice it accepts, options it can use."""
    from tts_cli.engine.adapter import check_voice_file
    from tts_cli.errors import ModelError
    from tts_cli.models.folders import resolve_folders
    from tts_cli.models.routing import check_text_needs, models_needed

    check_text_needs(plan)
    needed = models_needed(plan)
    folders = resolve_folders(needed, model_dirs or None)
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


def _warn_unused_with_stock(req: RunRequest) -> None:
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


def _assembly_options(req: RunRequest):
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
    check_output(req.output, options)
    return options


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


def _make_engines(req: RunRequest, folders: dict, device: str, dtype, generation, engine_options):
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


def _synthesize(req: RunRequest, plan, engine, assembly, device: str, folders: dict):
    from tts_cli.audio import Assembler
    from tts_cli.pipeline import synthesize_book
    from tts_cli.progress import ProgressView

    if assembly.title is None and getattr(plan, "title", None):
        assembly = replace(assembly, title=plan.title)
    if assembly.author is None and getattr(plan, "author", None):
        assembly = replace(assembly, author=plan.author)
    chapters = [(c.title, c.first_chunk) for c in plan.chapters]
    output = req.output if req.output == "-" else Path(req.output)
    with Assembler(
        output, assembly, sample_rate_hz=engine.sample_rate_hz, chapters=chapters
    ) as assembler:
        steps = synthesize_book(
            plan,
            engine,
            assembler,
            device=device,
            model=", ".join(f.source for f in folders.values()),
            output=req.output,
        )
        with ProgressView(total=len(plan.chunks), enabled=not req.quiet) as view:
            while True:
                try:
                    view.update(next(steps))
                except StopIteration as stop:
                    return stop.value


def _print_plan(plan) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(
        title=f"{len(plan.chunks)} chunks, language {plan.language}, "
        f"about {plan.estimated_audio_seconds / 60:.1f} min"
    )
    from tts_cli.text.languages import expected_seconds

    for name in ("#", "chapter", "lang", "model", "chars", "tokens", "secs", "pause", "text"):
        table.add_column(name, overflow="fold" if name == "text" else "ellipsis")
    for c in plan.chunks:
        text = c.text if len(c.text) <= 80 else c.text[:77] + "..."
        table.add_row(
            str(c.index),
            str(c.chapter),
            c.language,
            c.model or "",
            str(c.chars),
            str(c.max_new_tokens),
            f"{expected_seconds(c.text, c.language):.1f}",
            c.pause_after,
            text,
        )
    Console().print(table)
