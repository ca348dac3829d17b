"""The fast engine's first-GPU check: the ``gpu`` tests, then the engine benchmark.

    python -m tts_cli.benchmarks.gpu_check [--out gpu-check.json]      (make gpu-check)

Runs ``pytest -m gpu``, then the fast engine of ``tts_cli.bench`` (``run_ours``: the same
chunk texts, voice and random weights) on a full-size random checkpoint at batch sizes
1, 8, 32 and auto, in bfloat16 and float32, and writes one JSON report: per configuration
x-realtime, stage seconds, graph captures, peak GPU memory, OOM retries and the dtype the
engine chose. The model is written and loaded once (no network, no ffmpeg needed); each
configuration gets a fresh engine. ``--budget-s`` bounds the whole run: configurations
that would start after it are reported as skipped, so the check ends within 8 minutes.

Without CUDA it exits at once with one line and code 5 (``--device cpu --size tiny`` runs
the same report on a CPU, which is how its tests run it).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BATCH_SIZES = ("1", "8", "32", "auto")
DTYPES = ("bfloat16", "float32")
EXIT_NO_DEVICE = 5  # DeviceError's code
EXIT_FAILED = 1  # a test or a configuration failed
REPORT_KEYS = (
    "device",
    "gpu",
    "torch",
    "size",
    "variant",
    "tests",
    "load_error",
    "configs",
    "seconds",
)
ROW_KEYS = (
    "batch_size",
    "dtype",
    "chunks",
    "tokens",
    "status",
    "x_realtime",
    "wall_s",
    "audio_s",
    "stages",
    "graph_captures",
    "peak_memory_bytes",
    "oom_retries",
    "dtype_chosen",
    "dtype_reason",
    "final_batch_size",
    "step_mode",
    "error",
)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m tts_cli.benchmarks.gpu_check", description=__doc__)
    p.add_argument("--device", default="cuda", help="cuda, cuda:N (or cpu, for a dry run)")
    p.add_argument("--size", default="full", choices=("tiny", "full"), help="random checkpoint")
    p.add_argument("--variant", default="english", help="model family")
    p.add_argument("--batch-sizes", default=",".join(BATCH_SIZES), help="comma-separated")
    p.add_argument("--dtypes", default=",".join(DTYPES), help="comma-separated")
    p.add_argument("--chunks", type=int, default=None, help="chunks per run (default 2x batch)")
    p.add_argument("--tokens", type=int, default=100, help="speech tokens per chunk (4 s)")
    p.add_argument("--cfm-steps", type=int, default=None, help="flow-matching steps")
    p.add_argument("--budget-s", type=float, default=420.0, help="no configuration starts later")
    p.add_argument("--skip-tests", action="store_true", help="do not run the gpu-marked tests")
    p.add_argument("--out", type=Path, default=Path("gpu-check.json"), help="JSON report")
    return p.parse_args(argv)


def configurations(batch_sizes: str, dtypes: str, chunks: int | None) -> list[dict]:
    """One row per (dtype, batch size), with its chunk count: ``chunks`` or twice the batch
    (auto: 64), at least 8, so every batch size runs full batches."""
    rows = []
    for dtype in [d.strip() for d in dtypes.split(",") if d.strip()]:
        for bs in [b.strip() for b in batch_sizes.split(",") if b.strip()]:
            if bs != "auto" and (not bs.isdigit() or int(bs) < 1):
                raise ValueError(f"batch size {bs!r} is not auto or a positive number")
            n = chunks if chunks is not None else max(8, 64 if bs == "auto" else 2 * int(bs))
            rows.append({"batch_size": bs, "dtype": dtype, "chunks": n})
    return rows


def run_tests() -> dict:
    """``pytest -m gpu`` in a child process: its exit code and summary line."""
    t0 = time.perf_counter()
    env = dict(os.environ, TQDM_DISABLE="1")
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-m", "gpu", "-p", "no:cacheprovider", "tests"],
        capture_output=True,
        text=True,
        env=env,
    )
    lines = [line for line in proc.stdout.splitlines() if line.strip()]
    return {
        "exit_code": proc.returncode,
        "summary": lines[-1] if lines else proc.stderr.strip()[-300:],
        "seconds": round(time.perf_counter() - t0, 1),
    }


def _peak_reset(device: str) -> None:
    import torch

    if device.startswith("cuda"):
        torch.cuda.synchronize(torch.device(device))
        torch.cuda.reset_peak_memory_stats(torch.device(device))


def _peak(device: str) -> int | None:
    import torch

    if not device.startswith("cuda"):
        return None
    return int(torch.cuda.max_memory_allocated(torch.device(device)))


def run_config(model, voice: Path, row: dict, tokens: int, gen, voices: Path) -> dict:
    """One configuration through ``tts_cli.bench.run_ours``; the row filled in."""
    from tts_cli.bench import chunk_texts, run_ours
    from tts_cli.engine.memory import is_oom
    from tts_cli.engine.options import EngineOptions

    bs = row["batch_size"]
    options = EngineOptions(
        dtype=row["dtype"], batch_size=bs if bs == "auto" else int(bs), voice_cache_dir=voices
    )
    out = dict.fromkeys(ROW_KEYS)
    out.update(row, tokens=tokens)
    _peak_reset(str(model.device))
    try:
        wall, audio, stages, stats = run_ours(
            model, voice, chunk_texts(row["chunks"], model.family.name), tokens, gen, options
        )
    except Exception as e:  # noqa: BLE001 - a failed configuration is a row, not a crash
        what = "out of memory" if is_oom(e) else type(e).__name__
        out.update(status="failed", error=f"{what}: {str(e).splitlines()[0] if str(e) else ''}")
        return out
    out.update(
        status="ok",
        wall_s=round(wall, 3),
        audio_s=round(audio, 3),
        x_realtime=round(audio / wall, 3) if wall else None,
        stages={k: round(v, 3) for k, v in stages.items()},
        graph_captures=stats.get("graph_captures"),
        peak_memory_bytes=_peak(str(model.device)),
        oom_retries=stats.get("oom_retries"),
        dtype_chosen=stats.get("dtype"),
        dtype_reason=stats.get("dtype_reason"),
        final_batch_size=stats.get("batch_size"),
        step_mode=stats.get("step_mode"),
    )
    return out


def _write_atomic(path: Path, report: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    os.replace(tmp, path)


def _error(message: str, code: int) -> int:
    sys.stderr.write(f"gpu-check: error: {message}\n")
    return code


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    t0 = time.perf_counter()
    os.environ.setdefault("TQDM_DISABLE", "1")
    try:
        rows = configurations(args.batch_sizes, args.dtypes, args.chunks)
    except ValueError as e:
        return _error(f"{e}; give --batch-sizes like 1,8,32,auto", 2)
    import torch

    if args.device.startswith("cuda") and not torch.cuda.is_available():
        return _error(
            "CUDA is not available on this machine; run make gpu-check on a machine with an "
            "NVIDIA GPU and a CUDA build of torch",
            EXIT_NO_DEVICE,
        )
    try:
        from tts_cli.engine import adapter
        from tts_cli.engine.base import GenerationOptions
        from tts_cli.engine.device import resolve_device
        from tts_cli.errors import TtsgenError
        from tts_cli.testing.checkpoint import write_checkpoint, write_reference_wav

        device = resolve_device(args.device)
    except ImportError as e:
        return _error(f"{e}; install the engine's packages (chatterbox-tts and its deps)", 3)
    except TtsgenError as e:
        return _error(str(e), e.exit_code)
    report: dict = dict.fromkeys(REPORT_KEYS)
    report.update(device=device, size=args.size, variant=args.variant, torch=torch.__version__)
    if device.startswith("cuda"):
        report["gpu"] = torch.cuda.get_device_name(torch.device(device))
    report["tests"] = {"skipped": True} if args.skip_tests else run_tests()
    gen = GenerationOptions(cfm_steps=args.cfm_steps, seed=0)
    with tempfile.TemporaryDirectory(prefix="ttsgen-gpu-check-") as tmp:
        tmp = Path(tmp)
        folder = write_checkpoint(tmp / "model", size=args.size, seed=0, variant=args.variant)
        voice = write_reference_wav(tmp / "voice.wav", seconds=6.0, seed=1)
        try:
            model = adapter.load_model(
                adapter.ModelSpec(model_dir=folder, device=device, family=args.variant)
            )
        except Exception as e:  # noqa: BLE001 - say what could not run, keep the test results
            report["load_error"] = f"{type(e).__name__}: {str(e).splitlines()[0] if str(e) else ''}"
            report["configs"] = [dict(dict.fromkeys(ROW_KEYS), **r, status="not run") for r in rows]
            report["seconds"] = round(time.perf_counter() - t0, 1)
            _write_atomic(args.out, report)
            return _error(
                f"the model did not load ({report['load_error']}); report in {args.out}",
                EXIT_FAILED,
            )
        warm = dict(rows[0], batch_size="1", chunks=1)
        run_config(model, voice, warm, 2, GenerationOptions(cfm_steps=1, seed=0), tmp / "v0")
        done = []
        for i, row in enumerate(rows):
            if time.perf_counter() - t0 > args.budget_s:
                done.append(dict(dict.fromkeys(ROW_KEYS), **row, status="skipped (time budget)"))
                continue
            done.append(run_config(model, voice, row, args.tokens, gen, tmp / f"v{i + 1}"))
        report["configs"] = done
    report["seconds"] = round(time.perf_counter() - t0, 1)
    _write_atomic(args.out, report)
    failed = [r for r in report["configs"] if r["status"] == "failed"]
    tests_failed = report["tests"].get("exit_code") not in (None, 0, 5)  # 5: none collected
    sys.stderr.write(
        f"gpu-check: {len(report['configs']) - len(failed)} of {len(report['configs'])} "
        f"configurations ran; report in {args.out}\n"
    )
    return EXIT_FAILED if failed or tests_failed else 0


if __name__ == "__main__":
    sys.exit(main())
