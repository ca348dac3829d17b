"""Peak memory of streaming assembly: ten hours of audio against ten minutes.

    python -m tts_cli.benchmarks.assembly [--long-hours 10] [--short-minutes 10] [--ext .wav]

Each length is assembled in its own subprocess from synthetic speech-like
chunks (a pool of 16, reused, so the generator itself stays small) with the
default options: trim, crossfade, pauses, loudness normalisation, limiter,
encode. The figure is the process's peak RSS from ``resource.getrusage``;
streaming means the two differ by far less than 100 MB.
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

SAMPLE_RATE_HZ = 24000
POOL_SIZE = 16  # distinct synthetic chunks, cycled
LIMIT_MB = 100.0  # the bound on the difference
KINDS = ("chunk", "chunk", "chunk", "paragraph")  # every fourth chunk ends a paragraph


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0  # KiB on Linux


def current_rss_mb() -> float:
    """Resident set size now (VmRSS), to show how much of the peak the assembly itself adds."""
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024.0
    return float("nan")


def synthetic_chunk(rng: np.random.Generator, seconds: float) -> np.ndarray:
    """Harmonics under a syllable envelope with breath noise, between short silences."""
    n = int(seconds * SAMPLE_RATE_HZ)
    t = np.arange(n) / SAMPLE_RATE_HZ
    phase = (
        2
        * np.pi
        * np.cumsum(rng.uniform(100, 220) * (1 + 0.05 * np.sin(2 * np.pi * 0.7 * t)))
        / SAMPLE_RATE_HZ
    )
    voiced = sum(np.sin(k * phase) / k for k in range(1, 8)) / 2.0
    envelope = 0.55 + 0.45 * np.sin(2 * np.pi * rng.uniform(3, 5) * t)
    body = rng.uniform(0.05, 0.2) * (voiced + 0.1 * rng.standard_normal(n)) * envelope
    edge = np.zeros(int(0.2 * SAMPLE_RATE_HZ))
    return np.concatenate([edge, body, edge]).astype(np.float32)


def child(seconds: float, ext: str, folder: Path) -> dict:
    from tts_cli.audio import Assembler, AssemblyOptions

    rng = np.random.default_rng(0)
    pool = [synthetic_chunk(rng, rng.uniform(4.0, 12.0)) for _ in range(POOL_SIZE)]
    before = current_rss_mb()
    started = time.perf_counter()
    added = 0.0
    count = 0
    with Assembler(folder / f"book{ext}", AssemblyOptions(), SAMPLE_RATE_HZ) as book:
        while added < seconds:
            chunk = pool[count % POOL_SIZE]
            book.add(chunk, KINDS[count % len(KINDS)], f"chunk {count}")
            added += chunk.size / SAMPLE_RATE_HZ
            count += 1
    result = book.result
    return {
        "audio_s": result.duration_s,
        "chunks": count,
        "wall_s": time.perf_counter() - started,
        "rss_before_mb": before,  # after imports and the chunk pool
        "rss_end_mb": current_rss_mb(),
        "peak_rss_mb": peak_rss_mb(),
        # child processes: ffmpeg for lossy formats (and ldconfig, run once by soundfile's find_library)
        "ffmpeg_peak_rss_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024.0,
        "lufs": result.integrated_lufs,
        "peak_dbfs": result.peak_dbfs,
        "output_mb": (folder / f"book{ext}").stat().st_size / 1e6,
    }


def run(seconds: float, ext: str) -> dict:
    folder = Path(tempfile.mkdtemp(prefix="ttsgen-bench-"))
    try:
        proc = subprocess.run(
            [
                sys.executable,
                "-m",
                "tts_cli.benchmarks.assembly",
                "--child",
                str(seconds),
                "--ext",
                ext,
                "--dir",
                str(folder),
            ],
            check=True,
            capture_output=True,
            text=True,
        )
        return json.loads(proc.stdout.strip().splitlines()[-1])
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--long-hours", type=float, default=10.0)
    parser.add_argument("--short-minutes", type=float, default=10.0)
    parser.add_argument(
        "--ext", default=".wav", help="output format (default .wav: fastest to encode)"
    )
    parser.add_argument("--child", type=float, help=argparse.SUPPRESS)
    parser.add_argument("--dir", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child is not None:
        print(json.dumps(child(args.child, args.ext, args.dir)))
        return 0
    rows = [
        (f"{args.short_minutes:g} min", run(args.short_minutes * 60, args.ext)),
        (f"{args.long_hours:g} h", run(args.long_hours * 3600, args.ext)),
    ]
    print(
        f"{'length':>8} {'chunks':>7} {'wall s':>8} {'x realtime':>10} {'RSS before MB':>13} "
        f"{'RSS end MB':>10} {'peak RSS MB':>11} {'children MB':>11} {'LUFS':>7} {'peak dBFS':>9} {'output MB':>9}"
    )
    for name, r in rows:
        print(
            f"{name:>8} {r['chunks']:>7} {r['wall_s']:>8.1f} {r['audio_s'] / r['wall_s']:>10.0f} "
            f"{r['rss_before_mb']:>13.1f} {r['rss_end_mb']:>10.1f} {r['peak_rss_mb']:>11.1f} {r['ffmpeg_peak_rss_mb']:>11.1f} {r['lufs']:>7.2f} {r['peak_dbfs']:>9.2f} "
            f"{r['output_mb']:>9.1f}"
        )
    difference = rows[1][1]["peak_rss_mb"] - rows[0][1]["peak_rss_mb"]
    verdict = "within" if abs(difference) <= LIMIT_MB else "OVER"
    print(f"peak RSS difference: {difference:+.1f} MB ({verdict} the {LIMIT_MB:g} MB bound)")
    return 0 if abs(difference) <= LIMIT_MB else 1


if __name__ == "__main__":
    sys.exit(main())
