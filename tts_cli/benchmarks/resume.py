"""What a kill costs: a book run uninterrupted, the same command killed with SIGKILL after
``--kill-after`` seconds, then run again; reports the wall times, the chunks the killed run
had stored, what the rerun made and whether its file is sample-identical.

    python -m tts_cli.benchmarks.resume BOOK [--model-dir DIR | --size tiny|full]
        [--kill-after 60] [--json]

Without ``--model-dir`` a random-weight checkpoint of ``--size`` is written to a temp
folder (model cost does not depend on weight values). Each run is a separate ``ttsgen``
process, as a user's would be (model loading included in its wall time).
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tts_cli.benchmarks.common import model_folder, print_report


def _command(book: Path, out: Path, model: Path, args) -> list[str]:
    cmd = [sys.executable, "-m", "tts_cli", str(book), "-o", str(out), "--model-dir", str(model)]
    cmd += ["--device", args.device, "--seed", "1", "--json", "-q"]
    if args.max_new_tokens:
        cmd += ["--max-new-tokens", str(args.max_new_tokens)]
    if args.cfm_steps:
        cmd += ["--cfm-steps", str(args.cfm_steps)]
    if args.retries is not None:
        cmd += ["--retries", str(args.retries)]
    return cmd


def _run(cmd: list[str]) -> tuple[float, dict]:
    start = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, env=_env())
    wall = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"ttsgen failed ({proc.returncode}): {proc.stderr[-500:]}")
    return wall, json.loads(proc.stdout)


def _env() -> dict:
    return dict(os.environ, TQDM_DISABLE="1", HF_HUB_OFFLINE="1")


def measure(book: Path, model: Path, args) -> dict:
    import numpy as np
    import soundfile as sf

    with tempfile.TemporaryDirectory(prefix="ttsgen-resume-") as tmp:
        ref_out, out = Path(tmp) / "reference.wav", Path(tmp) / "book.wav"
        ref_wall, ref = _run(_command(book, ref_out, model, args))
        cmd = _command(book, out, model, args)
        proc = subprocess.Popen(
            cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=_env()
        )
        time.sleep(args.kill_after)
        if proc.poll() is not None:
            raise SystemExit("the run ended before --kill-after; give a shorter time")
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        stored = len(list((Path(tmp) / ".book.wav.ttsgen").glob("chunks/*/*.chunk")))
        resume_wall, resumed = _run(cmd)
        same = np.array_equal(
            sf.read(str(ref_out), dtype="int16")[0], sf.read(str(out), dtype="int16")[0]
        )
    return {
        "book": str(book),
        "chunks": ref["chunks"],
        "audio_seconds": ref["audio_seconds"],
        "uninterrupted_wall_s": round(ref_wall, 1),
        "killed_after_s": args.kill_after,
        "chunks_stored_at_kill": stored,
        "resume_wall_s": round(resume_wall, 1),
        "resume_chunks_reused": resumed["chunks_reused"],
        "resume_chunks_synthesized": resumed["chunks_synthesized"],
        "lost_wall_s": round(args.kill_after + resume_wall - ref_wall, 1),
        "sample_identical": bool(same),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("book", type=Path)
    parser.add_argument("--model-dir", type=Path)
    parser.add_argument("--size", choices=("tiny", "full"), default="tiny")
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--kill-after", type=float, default=60.0)
    parser.add_argument("--max-new-tokens", type=int, default=None)
    parser.add_argument("--cfm-steps", type=int, default=None)
    parser.add_argument("--retries", type=int, default=0)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    with model_folder(args.model_dir, args.size) as model:
        report = measure(args.book, model, args)
    print_report(report, args.json)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
