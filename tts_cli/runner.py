"""What one ``ttsgen`` invocation does, in order: check every option, plan the text, then
(unless ``--dry-run``) load the model, synthesise and assemble, drawing progress on stderr.

Cheap checks come first so that a typo never costs a model load, and nothing is written
before the assembler opens its temp file.
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
    model_dir: Path | None = None
    device: str = "auto"
    engine: str = "fast"
    dtype: str = "auto"
    batch_size: str = "auto"
    compile: bool | None = None
    cfm_steps: int = 10
    cleanup_every: int | None = None
    cpu_offload: bool = False
    voice_cache: bool = True
    voice_cache_dir: Path | None = None
    voice: Path | None = None
    seed: int | None = None
    exaggeration: float = 0.5
    cfg_weight: float = 0.5
    temperature: float = 0.8
    assembly: dict = field(default_factory=dict)
    """AssemblyOptions fields the user set; the rest keep their defaults."""
    normalize: bool = True
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
    from tts_cli.text import PlanOptions, plan_document, read_document

    # 1. options, all before reading anything big or loading any model
    if req.engine not in ENGINES:
        raise OptionError(f"unknown engine {req.engine!r}", f"use one of: {', '.join(ENGINES)}")
    plan_options = PlanOptions(
        lang=req.lang, chunk_chars=req.chunk_chars, max_new_tokens=req.max_new_tokens
    )
    plan_options.validate()
    generation = GenerationOptions(
        exaggeration=req.exaggeration,
        cfg_weight=req.cfg_weight,
        temperature=req.temperature,
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
        if req.model_dir is not None:
            from tts_cli.engine.adapter import check_model_dir

            check_model_dir(Path(req.model_dir).expanduser())

    # 2. the text
    document = read_document(req.input)
    plan = plan_document(document, plan_options)
    if req.dry_run:
        if req.json_out:
            return plan.to_dict()
        _print_plan(plan)
        return None

    # 3. the model, the engine, the assembly
    from tts_cli.engine.adapter import ModelSpec, load_model
    from tts_cli.engine.device import resolve_device

    device = resolve_device(req.device)
    if req.device == "auto":
        _note(req, f"device: {device} (auto)")
    if plan.language != "en" or any(c.language != "en" for c in plan.chunks):
        langs = sorted({c.language for c in plan.chunks} - {"en"})
        logger.warning(
            "the English Chatterbox model reads %s text with an English accent", ", ".join(langs)
        )
    _note(
        req,
        f"{len(plan.chunks)} chunks, about {plan.estimated_audio_seconds / 60:.1f} min of audio",
    )
    model = load_model(ModelSpec(model_dir=req.model_dir, device=device, dtype=req.dtype))
    engine = _make_engine(req, model, generation, engine_options)
    try:
        summary = _synthesize(req, plan, engine, assembly, model)
    finally:
        engine.close()
    if not req.json_out:
        _note(
            req,
            f"wrote {summary.output}: {summary.audio_seconds / 60:.1f} min of audio in "
            f"{summary.wall_seconds:.1f} s ({1 / summary.rtf:.2f}x realtime)",
        )
    return summary.to_dict()


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


def _make_engine(req: RunRequest, model, generation, engine_options):
    if req.engine == "stock":
        from tts_cli.engine.stock import StockEngine

        return StockEngine(model, generation, voice=req.voice)
    from tts_cli.engine.fast import FastEngine

    return FastEngine(model, generation, engine_options, voice=req.voice)


def _synthesize(req: RunRequest, plan, engine, assembly, model):
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
            plan, engine, assembler, device=model.device, model=model.source, output=req.output
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
    for name in ("#", "chapter", "lang", "chars", "tokens", "pause", "text"):
        table.add_column(name, overflow="fold" if name == "text" else "ellipsis")
    for c in plan.chunks:
        text = c.text if len(c.text) <= 80 else c.text[:77] + "..."
        table.add_row(
            str(c.index),
            str(c.chapter),
            c.language,
            str(c.chars),
            str(c.max_new_tokens),
            c.pause_after,
            text,
        )
    Console().print(table)
