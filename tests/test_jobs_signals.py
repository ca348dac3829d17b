"""A real ``ttsgen`` process stopped from outside: ``kill -9`` at several points and then
the same command gives a sample-identical file; SIGTERM and SIGINT stop cleanly (stored
chunks kept, temp files removed, a line saying how to resume, exit 143 or 130)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

SENTENCES = [
    "The first lamp was lit at dusk by the keeper.",
    "A second one burned on the far side of the bay.",
    "Ships came in slowly through the narrow channel.",
    "The harbour master counted every one of them.",
    "By midnight the wind had turned to the north.",
    "Nobody slept until the last boat was tied up.",
]
N = len(SENTENCES)


def command(book: Path, out: Path, model: Path) -> list[str]:
    return [
        sys.executable, "-m", "tts_cli", str(book), "-o", str(out), "--model-dir", str(model),
        "--device", "cpu", "--max-new-tokens", "10", "--cfm-steps", "2", "--batch-size", "1",
        "--seed", "5", "--retries", "0", "--json",
    ]  # fmt: skip


def env() -> dict:
    return dict(os.environ, TQDM_DISABLE="1", HF_HUB_OFFLINE="1", COLUMNS="200")


def stored(work: Path) -> int:
    return len(list(work.glob("chunks/*/*.chunk")))


def start_and_stop(cmd: list[str], work: Path, after: int, sig: int) -> subprocess.Popen:
    """Start ``cmd`` and send ``sig`` once ``after`` chunks are stored (0: as soon as the
    work directory exists, i.e. while models load or the first chunk is made)."""
    proc = subprocess.Popen(
        cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env()
    )
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline and proc.poll() is None:
        if (work / "lock").exists() and stored(work) >= after:
            break
        time.sleep(0.01)
    assert proc.poll() is None, proc.communicate()
    proc.send_signal(sig)
    return proc


@pytest.fixture(scope="module")
def reference(tiny_model_dir, tmp_path_factory):
    """The uninterrupted run: its samples and summary."""
    folder = tmp_path_factory.mktemp("reference")
    book = folder / "book.txt"
    book.write_text("\n\n".join(SENTENCES) + "\n", encoding="utf-8")
    out = folder / "book.wav"
    proc = subprocess.run(
        command(book, out, tiny_model_dir), capture_output=True, text=True, env=env()
    )
    assert proc.returncode == 0, proc.stderr
    return sf.read(str(out), dtype="int16")[0], json.loads(proc.stdout)


def test_kill_9_at_several_points_then_the_same_command(tiny_model_dir, tmp_path, reference):
    audio, summary = reference
    book = tmp_path / "book.txt"
    book.write_text("\n\n".join(SENTENCES) + "\n", encoding="utf-8")
    out = tmp_path / "book.wav"
    work = tmp_path / ".book.wav.ttsgen"
    cmd = command(book, out, tiny_model_dir)
    seen = []
    for after in (0, 2, 4):  # while loading, and after two and four stored chunks
        proc = start_and_stop(cmd, work, after, signal.SIGKILL)
        proc.communicate(timeout=60)
        assert proc.returncode == -signal.SIGKILL
        assert not out.exists()
        seen.append(stored(work))
        assert seen[-1] >= after
    assert seen == sorted(seen)  # each killed run kept what the one before stored
    # a killed run leaves its assembler's temp file; the next run removes it
    assert list(tmp_path.glob(".book.wav.*.ttsgen.f32"))
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env(), timeout=240)
    assert proc.returncode == 0, proc.stderr
    resumed = json.loads(proc.stdout)
    assert resumed["chunks_reused"] == seen[-1]
    assert resumed["chunks_synthesized"] == N - seen[-1]
    assert resumed["tokens"] == summary["tokens"]
    np.testing.assert_array_equal(sf.read(str(out), dtype="int16")[0], audio)
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        ".book.wav.ttsgen",
        "book.txt",
        "book.wav",
    ]
    assert not list(work.glob("chunks/*/.*.tmp"))


@pytest.mark.parametrize("sig, code", [(signal.SIGTERM, 143), (signal.SIGINT, 130)])
def test_a_stop_signal_keeps_stored_chunks_and_says_how_to_resume(
    tiny_model_dir, tmp_path, reference, sig, code
):
    audio, _ = reference
    book = tmp_path / "book.txt"
    book.write_text("\n\n".join(SENTENCES) + "\n", encoding="utf-8")
    out = tmp_path / "book.wav"
    out.write_bytes(b"an older take")  # a stopped run never touches an existing output
    work = tmp_path / ".book.wav.ttsgen"
    cmd = command(book, out, tiny_model_dir)
    proc = start_and_stop(cmd, work, 2, sig)
    stdout, stderr = proc.communicate(timeout=60)
    assert proc.returncode == code, stderr
    assert "Traceback" not in stderr and stdout == ""
    kept = stored(work)
    name = signal.Signals(sig).name
    line = [ln for ln in stderr.splitlines() if ln.startswith("ttsgen: stopped")]
    assert line == [
        f"ttsgen: stopped by {name}: {kept} of {N} chunks of {book} are stored in {work}; "
        "run the same command again to resume"
    ]
    assert kept >= 2
    assert out.read_bytes() == b"an older take"
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        ".book.wav.ttsgen",
        "book.txt",
        "book.wav",
    ]
    manifest = json.loads((work / "job.json").read_text())
    assert manifest["status"] == "interrupted" and manifest["chunks_stored"] == kept
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env(), timeout=240)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["chunks_reused"] == kept
    np.testing.assert_array_equal(sf.read(str(out), dtype="int16")[0], audio)
