"""What the Ray path costs: the same books through the one-machine batch mode and through
``--ray``, each a separate ``ttsgen`` process from a fresh work directory; reports both wall
times, the overhead, whether every file is sample-identical, and the cluster's totals (books
per hour, and per GPU on a cluster with GPUs).

    python -m tts_cli.benchmarks.ray_overhead BOOK... [--model-dir DIR | --size tiny|full]
        [--chars 1500] [--ray local] [--workers auto] [--device cpu] [--json]

``--chars`` cuts each book to its first paragraphs up to that many characters (0: whole
books). Without ``--model-dir`` random-weight English and Multilingual checkpoints of
``--size`` are written to a temp folder (model cost does not depend on weight values). Wall
times include each process's model loading, and Ray's start-up for ``--ray local``: the
fixed costs a user pays.
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

from tts_cli.benchmarks.common import model_folder, print_report


def excerpt(text: str, chars: int) -> str:
    """The first paragraphs of ``text`` up to ``chars`` characters (at least one)."""
    if chars <= 0:
        return text
    kept: list[str] = []
    for para in text.split("\n\n"):
        if kept and sum(len(p) + 2 for p in kept) + len(para) > chars:
            break
        kept.append(para)
    return "\n\n".join(kept).strip() + "\n"


def _command(books: list[Path], out: Path, model: Path, args) -> list[str]:
    cmd = [sys.executable, "-m", "tts_cli", *map(str, books), "-o", f"{out}/"]
    cmd += ["--model-dir", str(model), "--device", args.device, "--seed", "1"]
    cmd += ["--format", "wav", "--json", "-q", "--retries", str(args.retries)]
    if args.max_new_tokens:
        cmd += ["--max-new-tokens", str(args.max_new_tokens)]
    return cmd


def _run(cmd: list[str]) -> tuple[float, dict]:
    env = dict(os.environ, TQDM_DISABLE="1", HF_HUB_OFFLINE="1")
    start = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env)
    wall = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"ttsgen failed ({proc.returncode}): {proc.stderr[-800:]}")
    return wall, json.loads(proc.stdout.strip().splitlines()[-1])


def measure(books: list[Path], model: Path, args) -> dict:
    import numpy as np
    import soundfile as sf

    with tempfile.TemporaryDirectory(prefix="ttsgen-ray-bench-") as tmp:
        root = Path(tmp)
        cut = []
        for book in books:
            path = root / "books" / book.name
            path.parent.mkdir(exist_ok=True)
            path.write_text(excerpt(book.read_text(encoding="utf-8"), args.chars), "utf-8")
            cut.append(path)
        one_wall, one = _run(_command(cut, root / "one", model, args))
        ray_cmd = _command(cut, root / "ray", model, args) + ["--ray", args.ray]
        if args.workers:
            ray_cmd += ["--workers", args.workers]
        ray_wall, on_ray = _run(ray_cmd)
        identical = all(
            np.array_equal(
                sf.read(str(root / "one" / f"{b.stem}.wav"), dtype="float32")[0],
                sf.read(str(root / "ray" / f"{b.stem}.wav"), dtype="float32")[0],
            )
            for b in cut
        )
    return {
        "books": [b.name for b in books],
        "chars_per_book": args.chars,
        "chunks": sum(b["chunks"] for b in one["books"]),
        "audio_seconds": one["audio_seconds"],
        "one_machine_wall_s": round(one_wall, 1),
        "ray_wall_s": round(ray_wall, 1),
        "overhead_pct": round(100 * (ray_wall - one_wall) / one_wall, 1),
        "sample_identical": bool(identical),
        "cluster": on_ray.get("cluster"),
        "loadavg_after": round(os.getloadavg()[0], 2),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("books", type=Path, nargs="+")
    parser.add_argument("--model-dir", type=Path)
    parser.add_argument("--size", choices=("tiny", "full"), default="tiny")
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--chars", type=int, default=1500)
    parser.add_argument("--ray", default="local")
    parser.add_argument("--workers", default=None)
    parser.add_argument("--max-new-tokens", type=int, default=None)
    parser.add_argument("--retries", type=int, default=0)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    with model_folder(args.model_dir, args.size, ("english", "multilingual")) as model:
        report = measure(args.books, model, args)
    print_report(report, args.json)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
