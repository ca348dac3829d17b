"""``ttsgen``: the command line. It parses, resolves options, draws progress and maps errors
to exit codes; everything else lives in the library. Heavy imports happen inside ``run``
so that ``ttsgen --help`` never loads torch or chatterbox."""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path
from typing import Annotated

import typer

from tts_cli.cli_env import EnvCommand, env_sources
from tts_cli.cli_report import (
    EXIT_INTERRUPTED,
    EXIT_UNEXPECTED,
    chunk_chars_help,
    fail,
    setup_logging,
    stopped,
    unexpected,
    version_callback,
)
from tts_cli.cluster.options import RayOptions
from tts_cli.errors import OptionError, TtsgenError

logger = logging.getLogger("tts_cli")

__all__ = ["EXIT_INTERRUPTED", "EXIT_UNEXPECTED", "app", "main", "setup_logging"]

app = typer.Typer(
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
    help="Turn a text, Markdown or EPUB book into an audiobook with Chatterbox TTS.",
)

INPUT_PANEL = "Input and planning"
MODEL_PANEL = "Model and engine"
VOICE_PANEL = "Voice and sampling"
OUTPUT_PANEL = "Output and assembly"
REPORT_PANEL = "Reporting"
JOB_PANEL = "Long runs and batches"


@app.command(cls=EnvCommand)
def run(
    ctx: typer.Context,
    inputs: Annotated[
        list[str],
        typer.Argument(
            help="Books to read: .txt, .md, .html or .epub files, or - for stdin; several books need -o DIR/.",
            show_default=False,
            metavar="INPUT",
        ),
    ],
    *,
    output: Annotated[
        str | None,
        typer.Option(
            "--output",
            "-o",
            help="Audiobook to write; its extension picks the format (.wav .flac .mp3 .m4b .m4a .ogg .opus); - writes WAV to stdout.",
            show_default=False,
        ),
    ] = None,
    output_format: Annotated[
        str | None,
        typer.Option(
            "--format",
            help="With -o DIR/: each output's format, by extension (m4b mp3 flac wav opus ...) [default: m4b].",
            show_default=False,
            rich_help_panel=JOB_PANEL,
        ),
    ] = None,
    output_template: Annotated[
        str | None,
        typer.Option(
            help="With -o DIR/: each output's file name from {stem} {ext} {index} {name} of its input [default: {stem}.{ext}].",
            show_default=False,
            rich_help_panel=JOB_PANEL,
        ),
    ] = None,
    work_dir: Annotated[
        str | None,
        typer.Option(
            help="Where the job keeps its finished chunks and manifest, so that the same command resumes: a folder, or an fsspec URL (s3://bucket/prefix, gs://..., memory://...) [default: .OUTPUT.ttsgen beside the output].",
            show_default=False,
            metavar="PATH|URL",
            rich_help_panel=JOB_PANEL,
        ),
    ] = None,
    fresh: Annotated[
        bool,
        typer.Option(
            "--fresh",
            help="Make every chunk again, replacing what the work directory holds.",
            rich_help_panel=JOB_PANEL,
        ),
    ] = False,
    clean: Annotated[
        bool,
        typer.Option(
            "--clean",
            help="Remove the work directory after a successful run (it is always kept after a failure or a stop).",
            rich_help_panel=JOB_PANEL,
        ),
    ] = False,
    retries: Annotated[
        int | None,
        typer.Option(
            help="New takes (other seeds) of a chunk the quality checks find suspect, before it is split; 0 only reports it [default: 2].",
            show_default=False,
            rich_help_panel=JOB_PANEL,
        ),
    ] = None,
    ray: Annotated[
        str | None,
        typer.Option(
            help="Run on a Ray cluster: local (start one here), auto (the one ray start made) or its address (host:6379, ray://host:10001).",
            show_default=False,
            metavar="ADDRESS",
            rich_help_panel=JOB_PANEL,
        ),
    ] = None,
    workers: Annotated[
        str | None,
        typer.Option(
            help="With --ray: chunk workers, auto (one per GPU; 1 on a cluster without GPUs) or a number [default: auto].",
            show_default=False,
            rich_help_panel=JOB_PANEL,
        ),
    ] = None,
    gpus_per_worker: Annotated[
        float | None,
        typer.Option(
            help="With --ray: GPUs each worker holds; 0.5 puts two on a GPU, 0 runs CPU workers [default: 1 with GPUs, else 0].",
            show_default=False,
            rich_help_panel=JOB_PANEL,
        ),
    ] = None,
    # -- input and planning
    lang: Annotated[
        str,
        typer.Option(
            help="Language code (en, fr, de, ...) or auto to detect it per paragraph.",
            rich_help_panel=INPUT_PANEL,
        ),
    ] = "auto",
    chunk_chars: Annotated[
        int | None,
        typer.Option(
            help=chunk_chars_help(),
            rich_help_panel=INPUT_PANEL,
            show_default=False,
        ),
    ] = None,
    max_new_tokens: Annotated[
        int | None,
        typer.Option(
            help="Cap on each chunk's speech-token budget (25 tokens per second of audio; model limit 1000).",
            rich_help_panel=INPUT_PANEL,
            show_default=False,
        ),
    ] = None,
    lexicon: Annotated[
        Path | None,
        typer.Option(
            help="Pronunciation lexicon: one word<TAB>spoken form[<TAB>language] a line.",
            rich_help_panel=INPUT_PANEL,
            show_default=False,
        ),
    ] = None,
    max_book_mb: Annotated[
        float | None,
        typer.Option(
            help="Largest book accepted, in MB of text and markup as unpacked (an EPUB's size is "
            "read from its zip directory, before unpacking) [default: 200].",
            rich_help_panel=INPUT_PANEL,
            show_default=False,
        ),
    ] = None,
    dry_run: Annotated[
        bool,
        typer.Option(
            "--dry-run",
            help="Show the chunk plan without loading a model.",
            rich_help_panel=INPUT_PANEL,
        ),
    ] = False,
    # -- model and engine
    model: Annotated[
        str,
        typer.Option(
            help="Which Chatterbox model reads the book: auto (English chunks English, every other language Multilingual), english, multilingual or turbo.",
            rich_help_panel=MODEL_PANEL,
        ),
    ] = "auto",
    model_dir: Annotated[
        list[Path] | None,
        typer.Option(
            help="Local model folder (ResembleAI/chatterbox, chatterbox-turbo or a fine-tune's layout, recognised by its files); repeat it for several models. Default: download the needed models from the Hugging Face hub on first run.",
            rich_help_panel=MODEL_PANEL,
            show_default=False,
            metavar="<path>",
        ),
    ] = None,
    device: Annotated[
        str,
        typer.Option(
            help="auto, cpu, cuda[:N] or mps; auto picks cuda, then mps, then cpu.",
            rich_help_panel=MODEL_PANEL,
        ),
    ] = "auto",
    engine: Annotated[
        str,
        typer.Option(
            help="fast: batched optimised engine; stock: chatterbox's own generate() per chunk.",
            rich_help_panel=MODEL_PANEL,
        ),
    ] = "fast",
    dtype: Annotated[
        str,
        typer.Option(
            help="T3 and flow precision: auto (bf16 on GPUs from compute capability 8.0 and on CPUs with native bf16, fp16 on older GPUs, else fp32), float32, bfloat16, float16.",
            rich_help_panel=MODEL_PANEL,
        ),
    ] = "auto",
    batch_size: Annotated[
        str,
        typer.Option(
            help="Chunks decoded at once: auto (from free GPU memory) or a number.",
            rich_help_panel=MODEL_PANEL,
        ),
    ] = "auto",
    compile: Annotated[
        bool | None,
        typer.Option(
            "--compile/--no-compile",
            help="Capture the T3 decode step as CUDA graphs, warming up first; falls back to eager with a warning [default: on for CUDA, off on CPU].",
            rich_help_panel=MODEL_PANEL,
            show_default=False,
        ),
    ] = None,
    cfm_steps: Annotated[
        int | None,
        typer.Option(
            help="Flow-matching steps in S3Gen; fewer is faster [default: the model's, 10; Turbo 2].",
            rich_help_panel=MODEL_PANEL,
            show_default=False,
        ),
    ] = None,
    cleanup_every: Annotated[
        int | None,
        typer.Option(
            help="Free GPU memory every N batches [default: adaptive, max(5, batches/3)].",
            rich_help_panel=MODEL_PANEL,
            show_default=False,
        ),
    ] = None,
    cpu_offload: Annotated[
        bool,
        typer.Option(
            "--cpu-offload",
            help="Keep idle submodels on the CPU (small GPUs).",
            rich_help_panel=MODEL_PANEL,
        ),
    ] = False,
    voice_cache: Annotated[
        bool,
        typer.Option(
            "--voice-cache/--no-voice-cache",
            help="Reuse a voice file's conditionals computed by an earlier run (cached on disk by content and model).",
            rich_help_panel=MODEL_PANEL,
        ),
    ] = True,
    voice_cache_dir: Annotated[
        Path | None,
        typer.Option(
            help="Where cached voices live [default: $TTSGEN_VOICE_CACHE or $XDG_CACHE_HOME/ttsgen/voices].",
            rich_help_panel=MODEL_PANEL,
            show_default=False,
        ),
    ] = None,
    # -- voice and sampling
    voice: Annotated[
        Path | None,
        typer.Option(
            help="Reference voice clip (WAV, FLAC or MP3, 5-10 s of clean speech); default: the model's built-in voice.",
            rich_help_panel=VOICE_PANEL,
            show_default=False,
        ),
    ] = None,
    seed: Annotated[
        int | None,
        typer.Option(
            help="Random seed, for repeatable output and a steadier voice.",
            rich_help_panel=VOICE_PANEL,
            show_default=False,
        ),
    ] = None,
    exaggeration: Annotated[
        float | None,
        typer.Option(
            help="Emotion intensity, 0-2 [default: 0.5, neutral; Turbo has none].",
            rich_help_panel=VOICE_PANEL,
            show_default=False,
        ),
    ] = None,
    cfg_weight: Annotated[
        float | None,
        typer.Option(
            help="Classifier-free guidance weight, 0 disables; lower for fast speakers [default: 0.5; Turbo has none].",
            rich_help_panel=VOICE_PANEL,
            show_default=False,
        ),
    ] = None,
    temperature: Annotated[
        float | None,
        typer.Option(
            help="Sampling temperature [default: 0.8].",
            rich_help_panel=VOICE_PANEL,
            show_default=False,
        ),
    ] = None,
    repetition_penalty: Annotated[
        float | None,
        typer.Option(
            help="Penalty on repeated speech tokens, >= 1 [default: the model's: 1.2 English and Turbo, 2.0 Multilingual].",
            rich_help_panel=VOICE_PANEL,
            show_default=False,
        ),
    ] = None,
    min_p: Annotated[
        float | None,
        typer.Option(
            help="Drop tokens below this share of the likeliest one's probability [default: 0.05; Turbo has none].",
            rich_help_panel=VOICE_PANEL,
            show_default=False,
        ),
    ] = None,
    top_p: Annotated[
        float | None,
        typer.Option(
            help="Nucleus sampling mass, 1 turns it off [default: 1.0; Turbo 0.95].",
            rich_help_panel=VOICE_PANEL,
            show_default=False,
        ),
    ] = None,
    top_k: Annotated[
        int | None,
        typer.Option(
            help="Keep only the k likeliest tokens, 0 turns it off [default: off; Turbo 1000].",
            rich_help_panel=VOICE_PANEL,
            show_default=False,
        ),
    ] = None,
    # -- output and assembly
    crossfade_ms: Annotated[
        float | None,
        typer.Option(
            help="Equal-power crossfade at each join, ms [default: 20].",
            rich_help_panel=OUTPUT_PANEL,
            show_default=False,
        ),
    ] = None,
    pause_chunk_ms: Annotated[
        float | None,
        typer.Option(
            help="Pause between chunks of a paragraph, ms [default: 300].",
            rich_help_panel=OUTPUT_PANEL,
            show_default=False,
        ),
    ] = None,
    pause_paragraph_ms: Annotated[
        float | None,
        typer.Option(
            help="Pause between paragraphs, ms [default: 800].",
            rich_help_panel=OUTPUT_PANEL,
            show_default=False,
        ),
    ] = None,
    pause_chapter_ms: Annotated[
        float | None,
        typer.Option(
            help="Pause between chapters, ms [default: 2000].",
            rich_help_panel=OUTPUT_PANEL,
            show_default=False,
        ),
    ] = None,
    loudness: Annotated[
        float | None,
        typer.Option(
            help="Integrated loudness target, LUFS [default: -20, within ACX's audiobook range].",
            rich_help_panel=OUTPUT_PANEL,
            show_default=False,
        ),
    ] = None,
    no_normalize: Annotated[
        bool,
        typer.Option(
            "--no-normalize",
            help="Keep the synthesised level (the -3 dBFS peak limit still applies).",
            rich_help_panel=OUTPUT_PANEL,
        ),
    ] = False,
    no_trim: Annotated[
        bool,
        typer.Option(
            "--no-trim",
            help="Keep each chunk's leading and trailing silence as synthesised.",
            rich_help_panel=OUTPUT_PANEL,
        ),
    ] = False,
    sample_format: Annotated[
        str | None,
        typer.Option(
            help="WAV/FLAC samples: pcm16, pcm24 or float32 (WAV only) [default: pcm16].",
            rich_help_panel=OUTPUT_PANEL,
            show_default=False,
        ),
    ] = None,
    title: Annotated[
        str | None,
        typer.Option(
            help="Title tag [default: the book's own title, if it has one].",
            rich_help_panel=OUTPUT_PANEL,
            show_default=False,
        ),
    ] = None,
    author: Annotated[
        str | None,
        typer.Option(
            help="Author tag [default: the book's own author, if it has one].",
            rich_help_panel=OUTPUT_PANEL,
            show_default=False,
        ),
    ] = None,
    cover: Annotated[
        Path | None,
        typer.Option(
            help="Cover image (JPEG or PNG) for m4b/m4a/mp3/flac/ogg.",
            rich_help_panel=OUTPUT_PANEL,
            show_default=False,
        ),
    ] = None,
    subtitles: Annotated[
        Path | None,
        typer.Option(
            help="Also write subtitles: a .srt or .vtt file, a cue per chunk.",
            rich_help_panel=OUTPUT_PANEL,
            show_default=False,
        ),
    ] = None,
    # -- reporting
    json_out: Annotated[
        bool,
        typer.Option(
            "--json",
            help="Print one JSON object on stdout when done (the plan, with --dry-run).",
            rich_help_panel=REPORT_PANEL,
        ),
    ] = False,
    quiet: Annotated[
        bool,
        typer.Option(
            "--quiet",
            "-q",
            help="No progress bar or notes; errors only.",
            rich_help_panel=REPORT_PANEL,
        ),
    ] = False,
    verbose: Annotated[
        bool,
        typer.Option(
            "--verbose", "-v", help="Log details of every step.", rich_help_panel=REPORT_PANEL
        ),
    ] = False,
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=version_callback, is_eager=True, help="Show the version and exit."
        ),
    ] = False,
) -> None:
    """Turn each INPUT into an audiobook: ttsgen book.epub -o book.m4b (several: -o DIR/)"""
    setup_logging(verbose, quiet)
    from tts_cli.runner import RunRequest, execute

    request = RunRequest(
        input=inputs[0],
        extra_inputs=tuple(inputs[1:]),
        output_format=output_format,
        output_template=output_template,
        work_dir=work_dir,
        fresh=fresh,
        clean=clean,
        retries=retries,
        ray=RayOptions.given(ray, workers, gpus_per_worker),
        output=output,
        lang=lang,
        chunk_chars=chunk_chars,
        max_new_tokens=max_new_tokens,
        dry_run=dry_run,
        model=model,
        model_dirs=tuple(model_dir or ()),
        device=device,
        engine=engine,
        dtype=dtype,
        batch_size=batch_size,
        compile=compile,
        cfm_steps=cfm_steps,
        cleanup_every=cleanup_every,
        cpu_offload=cpu_offload,
        voice_cache=voice_cache,
        voice_cache_dir=voice_cache_dir,
        voice=voice,
        seed=seed,
        exaggeration=exaggeration,
        cfg_weight=cfg_weight,
        temperature=temperature,
        repetition_penalty=repetition_penalty,
        min_p=min_p,
        top_p=top_p,
        top_k=top_k,
        assembly={
            k: v
            for k, v in dict(
                crossfade_ms=crossfade_ms,
                pause_chunk_ms=pause_chunk_ms,
                pause_paragraph_ms=pause_paragraph_ms,
                pause_chapter_ms=pause_chapter_ms,
                loudness_lufs=loudness,
                sample_format=sample_format,
                title=title,
                author=author,
                cover=cover,
                subtitles=subtitles,
                trim=False if no_trim else None,
            ).items()
            if v is not None
        },
        normalize=not no_normalize,
        lexicon=lexicon,
        max_book_mb=max_book_mb,
        json_out=json_out,
        quiet=quiet,
    )
    from tts_cli.jobs.signals import Interrupted, interruptible

    try:
        with interruptible():
            result = execute(request)
    except TtsgenError as err:
        raise fail(err, env_sources(ctx)) from None
    except (Interrupted, KeyboardInterrupt) as stop:
        raise stopped(stop) from None
    except Exception as err:  # noqa: BLE001 - the last resort: one line, not a traceback
        raise unexpected(err, verbose) from None
    if json_out and result is not None:
        sys.stdout.write(json.dumps(result, ensure_ascii=False) + "\n")
        sys.stdout.flush()
    if isinstance(result, dict) and result.get("exit_code"):
        raise typer.Exit(code=result["exit_code"])


def main() -> None:
    """Console-script entry point."""
    try:
        app()
    except OptionError as err:  # raised by option callbacks before run() starts
        raise SystemExit(fail(err).exit_code) from None
