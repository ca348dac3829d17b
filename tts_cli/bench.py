"""Stock loop versus the fast engine, side by side on the same random weights.

    python -m tts_cli.bench --variant english|multilingual|turbo --size tiny|full \
        --device cpu|cuda --chunks N --tokens M --json

Both sides get the same model object, the same chunk texts, the same voice file, the same
token budget per chunk and the same quality settings (float32 unless ``--dtype`` says
otherwise for ours, ``--cfm-steps`` for both, the model's own stock sampling defaults).
``--variant`` picks the model family (Multilingual chunks are French).

The multilingual model's alignment analyser may end a chunk before its budget (on random
weights its attention is noise), on either side and not at the same step, so the two sides
need not do equal work: the report gives each side's speech tokens and ``speedup_per_token``
(stock's seconds per token over ours) beside the wall-time ``speedup``.

Baseline, per chunk, what ``ChatterboxTTS.generate(text, audio_prompt_path=voice)`` does, in
its order: ``prepare_conditionals(voice)`` (generate() recomputes them on every call that
passes a voice), ``punc_norm``, tokenise, ``t3.inference(max_new_tokens=M)``, drop invalid
tokens, ``s3gen`` flow + vocoder with stock's fade-in, Perth watermark
(``tts_cli.engine.stock.stock_generate``). The only departure from generate() is the token
budget: generate() hard-codes 1000 and random weights never stop, so both sides use M.

Ours: ``FastEngine`` with a cold voice cache (its conditionals are computed once, inside the
timed region). Model loading is outside both timings; a one-chunk warm-up of each side runs
first so neither pays one-time initialisation in its figure.

What each figure includes: ``baseline_s`` is the stock loop above, from text to
watermarked audio, given the loaded float32 model. ``ours_s`` is everything the engine does
with that same model: building the engine (voice conditionals, casting T3 and the flow
decoder to the engine's dtype, packing the CPU linears), synthesis, and ``close()``, which
puts the model back exactly as it found it. The stages say where it went: stock's
``conditionals``/``t3``/``s3gen``/``vocoder``/``other`` on both sides, ours also
``watermark`` (on the host worker, overlapping the next batch), ``setup`` (the cast and
packing) and ``close`` (their undoing); a run that keeps its engine for a whole book pays
those two once.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

TEXTS = (
    "The old lighthouse keeper climbed the stairs every evening at dusk.",
    "She opened the letter slowly, afraid of what it might say.",
    "Rain drummed on the tin roof while the children slept upstairs.",
    "By morning the river had risen almost to the garden wall.",
    "He counted the coins twice and still came up one short.",
    "Nobody in the village remembered who had planted the oak.",
    "The train was late again, so they walked along the tracks.",
    "A single candle burned in the window of the empty house.",
)
TEXTS_FR = (
    "Le vieux gardien du phare montait l'escalier chaque soir au crépuscule.",
    "Elle ouvrit la lettre lentement, craignant ce qu'elle pourrait dire.",
    "La pluie tambourinait sur le toit pendant que les enfants dormaient.",
    "Au matin, la rivière était montée presque jusqu'au mur du jardin.",
)
STAGE_NAMES = ("conditionals", "t3", "s3gen", "vocoder", "other")
VARIANTS = ("english", "multilingual", "turbo")


def chunk_texts(n: int, variant: str = "english") -> list[str]:
    texts = TEXTS_FR if variant == "multilingual" else TEXTS
    return [texts[i % len(texts)] for i in range(n)]


def language(variant: str) -> str:
    return "fr" if variant == "multilingual" else "en"


def run_baseline(
    model, voice: Path, texts: list[str], tokens: int, gen
) -> tuple[float, float, dict, int]:
    """Stock generate() steps per chunk; returns (wall s, audio s, stage s, speech tokens)."""
    import torch

    from tts_cli.engine.stock import StageClock, stock_generate

    gen = gen.resolve(model.family)
    lang = language(model.family.name)
    stages = {s: 0.0 for s in STAGE_NAMES}
    clock = StageClock(stages)
    if gen.seed is not None:
        torch.manual_seed(gen.seed)
    samples = spoken = 0
    t0 = time.perf_counter()
    for text in texts:
        with clock("conditionals"):  # generate(audio_prompt_path=...) recomputes them per call
            conds = adapter_conditionals(model, voice, gen.exaggeration)
        wav, n = stock_generate(model, conds, text, tokens, gen, clock, lang=lang)
        samples += wav.shape[0]
        spoken += n
    return time.perf_counter() - t0, samples / 24_000, stages, spoken


def adapter_conditionals(model, voice: Path, exaggeration):
    from tts_cli.engine import adapter

    return adapter.prepare_conditionals(model, voice, exaggeration)


def run_ours(
    model, voice: Path, texts: list[str], tokens: int, gen, options
) -> tuple[float, float, dict, dict]:
    """The fast engine over all chunks; returns (wall, audio seconds, stage seconds, stats)."""
    from tts_cli.engine.base import SynthesisRequest
    from tts_cli.engine.fast import FastEngine

    lang = language(model.family.name)
    requests = [
        SynthesisRequest(index=i, text=t, max_new_tokens=tokens, language=lang)
        for i, t in enumerate(texts)
    ]
    samples = spoken = 0
    t0 = time.perf_counter()
    engine = FastEngine(model, gen, options, voice=voice)
    setup_s = time.perf_counter() - t0
    try:
        for chunk in engine.synthesize(requests):
            samples += chunk.audio.shape[0]
            spoken += chunk.tokens
    finally:
        t_close = time.perf_counter()
        engine.close()
        t1 = time.perf_counter()
    stages = dict(engine.stage_seconds)
    # outside every stage: weights cast and packed (setup less its conditionals), and put
    # back as they were (close)
    stages["setup"] = setup_s - stages["conditionals"]
    stages["close"] = t1 - t_close
    stats = dict(engine.stats, speech_tokens=spoken)
    return (t1 - t0, samples / 24_000, stages, stats)


def _loadavg() -> float | None:
    """1-minute load average: how busy the machine was (other jobs skew CPU timings)."""
    try:
        return os.getloadavg()[0]
    except OSError:
        return None


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        prog="python -m tts_cli.bench", description=__doc__.split("\n\n")[0]
    )
    p.add_argument(
        "--size", choices=("tiny", "full"), default="tiny", help="random checkpoint size"
    )
    p.add_argument("--variant", choices=VARIANTS, default="english", help="model family")
    p.add_argument("--device", default="cpu", help="cpu or cuda")
    p.add_argument("--chunks", type=int, default=4, help="number of chunks")
    p.add_argument("--tokens", type=int, default=100, help="speech tokens per chunk (both sides)")
    p.add_argument(
        "--cfm-steps", type=int, default=None, help="flow-matching steps (both sides; model's)"
    )
    p.add_argument("--voice-seconds", type=float, default=6.0, help="length of the synthetic voice")
    p.add_argument(
        "--voice", type=Path, default=None, help="a voice file instead of the synthetic one"
    )
    p.add_argument(
        "--model-dir", type=Path, default=None, help="use this checkpoint instead of a fresh one"
    )
    p.add_argument("--batch-size", default="auto", help="ours: chunks per batch (auto|N)")
    p.add_argument("--dtype", default="auto", help="ours: auto|float32|bfloat16|float16")
    p.add_argument(
        "--compile", choices=("auto", "on", "off"), default="auto", help="ours: CUDA graphs"
    )
    p.add_argument("--seed", type=int, default=0, help="torch seed for both sides")
    p.add_argument(
        "--threads", type=int, default=None, help="torch intra-op threads for both sides"
    )
    p.add_argument(
        "--decode-threads", default="auto", help="ours: CPU threads for T3 decode (auto|N|default)"
    )
    p.add_argument(
        "--packed-weights",
        choices=("on", "off"),
        default="on",
        help="ours: oneDNN-packed linear weights on CPU (EngineOptions.cpu_packed_weights)",
    )
    p.add_argument(
        "--repeat",
        type=int,
        default=1,
        help="alternate the two sides this many times; best of each",
    )
    p.add_argument("--skip-baseline", action="store_true", help="time ours only (long GPU books)")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    return p.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    os.environ.setdefault("TQDM_DISABLE", "1")
    import torch

    from tts_cli.engine import adapter
    from tts_cli.engine.base import GenerationOptions
    from tts_cli.engine.options import EngineOptions
    from tts_cli.testing.checkpoint import write_checkpoint, write_reference_wav

    if args.threads:
        torch.set_num_threads(args.threads)
    decode_threads = {"default": None, "auto": "auto"}.get(args.decode_threads)
    if decode_threads is None and args.decode_threads != "default":
        decode_threads = int(args.decode_threads)
    with tempfile.TemporaryDirectory(prefix="ttsgen-bench-") as tmp:
        tmp = Path(tmp)
        model_dir = args.model_dir or write_checkpoint(
            tmp / f"model-{args.size}", size=args.size, seed=0, variant=args.variant
        )
        voice = args.voice or write_reference_wav(
            tmp / "voice.wav", seconds=args.voice_seconds, seed=1
        )
        model = adapter.load_model(
            adapter.ModelSpec(model_dir=model_dir, device=args.device, family=args.variant)
        )
        gen = GenerationOptions(cfm_steps=args.cfm_steps, seed=args.seed)
        compile_flag = {"auto": None, "on": True, "off": False}[args.compile]
        bs = args.batch_size if args.batch_size == "auto" else int(args.batch_size)
        options = EngineOptions(
            dtype=args.dtype,
            compile=compile_flag,
            batch_size=bs,
            voice_cache_dir=tmp / "voices",
            cpu_decode_threads=decode_threads,
            cpu_packed_weights=args.packed_weights == "on",
        )
        texts = chunk_texts(args.chunks, args.variant)

        # warm-up: one short chunk each, so lazy initialisation is in neither figure
        warm = GenerationOptions(cfm_steps=1, seed=args.seed)
        warm_opts = EngineOptions(
            dtype=args.dtype,
            compile=compile_flag,
            batch_size=1,
            voice_cache_dir=tmp / "warm-voices",
            cpu_decode_threads=decode_threads,
            cpu_packed_weights=args.packed_weights == "on",
        )
        if not args.skip_baseline:
            run_baseline(model, voice, texts[:1], 2, warm)
        run_ours(model, voice, texts[:1], 2, warm, warm_opts)

        result: dict = {
            "variant": args.variant,
            "size": args.size,
            "device": model.device,
            "chunks": args.chunks,
            "tokens": args.tokens,
            "cfm_steps": gen.resolve(model.family).cfm_steps,
            "voice_seconds": args.voice_seconds,
            "torch_threads": torch.get_num_threads(),
            "decode_threads": decode_threads,
            "packed_weights": args.packed_weights,
        }
        base_runs, our_runs, load = [], [], []
        for rep in range(max(1, args.repeat)):
            if not args.skip_baseline:
                base_runs.append(run_baseline(model, voice, texts, args.tokens, gen))
                load.append(_loadavg())
            our_runs.append(
                run_ours(
                    model,
                    voice,
                    texts,
                    args.tokens,
                    gen,
                    options.__class__(
                        **{**options.__dict__, "voice_cache_dir": tmp / f"voices-{rep}"}
                    ),
                )
            )
            load.append(_loadavg())
        ours_s, audio_s, ours_stages, stats = min(our_runs, key=lambda r: r[0])
        if not args.skip_baseline:
            base_s, base_audio, base_stages, base_tokens = min(base_runs, key=lambda r: r[0])
            result["baseline_runs_s"] = [round(r[0], 2) for r in base_runs]
        result["ours_runs_s"] = [round(r[0], 2) for r in our_runs]
        result["loadavg_after_each_run"] = load
        result.update(
            ours_s=round(ours_s, 3),
            audio_seconds=round(audio_s, 3),
            ours_rtf=round(ours_s / audio_s, 4) if audio_s else None,
            ours_x_realtime=round(audio_s / ours_s, 3),
            engine=stats,
        )
        stages = {"ours": {k: round(v, 3) for k, v in ours_stages.items()}}
        if not args.skip_baseline:
            result.update(
                baseline_s=round(base_s, 3),
                baseline_audio_seconds=round(base_audio, 3),
                baseline_rtf=round(base_s / base_audio, 4) if base_audio else None,
                speedup=round(base_s / ours_s, 3),
                baseline_tokens=base_tokens,
                ours_tokens=stats["speech_tokens"],
            )
            if base_tokens and stats["speech_tokens"]:
                result["speedup_per_token"] = round(
                    (base_s / base_tokens) / (ours_s / stats["speech_tokens"]), 3
                )
            stages["baseline"] = {k: round(v, 3) for k, v in base_stages.items()}
        result["stages"] = stages

    if args.json:
        print(json.dumps(result))
    else:
        for k, v in result.items():
            print(f"{k}: {v}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
