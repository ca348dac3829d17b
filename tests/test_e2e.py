"""End to end through the real command line on a tiny random-weight checkpoint."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[1]
SAMPLES_PER_TOKEN = 960
RATE = 24_000


def ttsgen(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    env = dict(os.environ, TQDM_DISABLE="1", HF_HUB_OFFLINE="1", COLUMNS="200")
    return subprocess.run(
        [sys.executable, "-m", "tts_cli", *args],
        capture_output=True,
        text=True,
        cwd=REPO,
        env=env,
        timeout=900,
        input=stdin,
    )


def dry_plan(text_file: Path, *extra: str) -> dict:
    proc = ttsgen(str(text_file), "--dry-run", "--json", *extra)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


@pytest.mark.parametrize("engine", ["stock", "fast"])
def test_text_file_to_wav_with_json_summary(tiny_model_dir, tmp_path, engine):
    src = REPO / "examples" / "quickstart.txt"
    out = tmp_path / "book.wav"
    plan = dry_plan(src, "--max-new-tokens", "10")
    n = len(plan["chunks"])
    assert n >= 2
    proc = ttsgen(
        str(src),
        "-o",
        str(out),
        "--model-dir",
        str(tiny_model_dir),
        "--device",
        "cpu",
        "--engine",
        engine,
        "--max-new-tokens",
        "10",
        "--seed",
        "1",
        "--cfm-steps",
        "2",
        "--pause-chunk-ms",
        "0",
        "--pause-paragraph-ms",
        "0",
        "--pause-chapter-ms",
        "0",
        "--crossfade-ms",
        "20",
        "--no-trim",
        "--json",
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    summary = json.loads(proc.stdout)
    audio, rate = sf.read(str(out), dtype="float32", always_2d=True)
    info = sf.info(str(out))
    assert rate == RATE and audio.shape[1] == 1 and info.subtype == "PCM_16"
    # every chunk's valid tokens are 40 ms of audio; n-1 joins each overlap one 20 ms crossfade
    expected = summary["tokens"] * SAMPLES_PER_TOKEN - (n - 1) * (RATE * 20 // 1000)
    assert 0 < summary["tokens"] <= 10 * n
    assert audio.shape[0] == expected
    assert summary["chunks"] == n
    assert summary["output"] == str(out)
    assert summary["audio_seconds"] == pytest.approx(expected / RATE, abs=1e-3)
    assert summary["rtf"] == pytest.approx(
        summary["wall_seconds"] / summary["audio_seconds"], rel=1e-2
    )
    assert summary["device"] == "cpu" and summary["model"] == str(tiny_model_dir)
    assert summary["engine"] == engine
    if engine == "fast":  # all chunks fit one CPU batch of 8; its stats are final
        stats = summary["engine_stats"]
        assert stats["batches"] == 1 and stats["batch_size"] == 8 and stats["oom_retries"] == 0
        from tts_cli.engine.device import choose_dtype

        auto = choose_dtype("auto", "cpu")  # bfloat16 on a CPU that has it natively
        assert stats["dtype"] == auto.name and stats["dtype_reason"] == auto.reason
        assert stats["step_mode"] == "eager"
        assert stats["cpu_packed_linears"] > 0
        assert isinstance(stats["cpu_decode_threads"], list) and stats["cpu_decode_threads"]
    else:
        assert summary["engine_stats"] == {}
    assert np.max(np.abs(audio)) > 0.01
    # no temp files left behind; the job's work directory holds one stored chunk per chunk
    assert sorted(p.name for p in tmp_path.iterdir()) == [".book.wav.ttsgen", "book.wav"]
    work = tmp_path / ".book.wav.ttsgen"
    assert summary["work_dir"] == str(work)
    assert summary["chunks_synthesized"] == n and summary["chunks_reused"] == 0
    manifest = json.loads((work / "job.json").read_text())
    assert manifest["status"] == "done" and manifest["chunks_stored"] == n
    assert len(list(work.glob("chunks/*/*.chunk"))) == len(set(manifest["keys"]))


def test_stdin_to_wav_on_stdout(tiny_model_dir, tmp_path):
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "tts_cli",
            "-",
            "-o",
            "-",
            "--model-dir",
            str(tiny_model_dir),
            "--device",
            "cpu",
            "--max-new-tokens",
            "8",
            "--cfm-steps",
            "2",
            "--quiet",
            "--no-trim",
        ],
        input=b"Piped text becomes piped audio. It works in shell scripts.",
        capture_output=True,
        cwd=REPO,
        timeout=900,
        env=dict(os.environ, TQDM_DISABLE="1", HF_HUB_OFFLINE="1", XDG_CACHE_HOME=str(tmp_path)),
    )
    assert proc.returncode == 0, proc.stderr.decode()[-2000:]
    assert proc.stdout[:4] == b"RIFF" and proc.stdout[8:12] == b"WAVE"
    assert not (tmp_path / "ttsgen" / "jobs").exists()  # a pipe keeps no work directory
    wav = tmp_path / "piped.wav"
    wav.write_bytes(proc.stdout)
    audio, rate = sf.read(str(wav))
    # two short sentences make one chunk; untrimmed, it is a whole number of 40 ms tokens
    assert rate == RATE
    assert 0 < len(audio) <= 8 * SAMPLES_PER_TOKEN and len(audio) % SAMPLES_PER_TOKEN == 0


def test_json_and_audio_cannot_share_stdout(tiny_model_dir):
    proc = ttsgen("-", "-o", "-", "--json", "--model-dir", str(tiny_model_dir), stdin="Hello.")
    assert proc.returncode == 2
    assert "--json" in proc.stderr and "Traceback" not in proc.stderr
    assert proc.stdout == ""
