"""Bad input: a one-line error naming the problem and the fix, a non-zero exit code, no
traceback, no output created and no existing output overwritten. None of these load a model."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


def ttsgen(*args: str, cwd: Path | None = None, stdin: str | None = None):
    env = dict(os.environ, TQDM_DISABLE="1", HF_HUB_OFFLINE="1", COLUMNS="200")
    return subprocess.run(
        [sys.executable, "-m", "tts_cli", *args],
        capture_output=True,
        text=True,
        cwd=cwd or REPO,
        env=env,
        timeout=300,
        input=stdin,
    )


def assert_one_line_error(proc, *needles: str, code: int | None = None) -> str:
    assert proc.returncode != 0, proc.stderr
    if code is not None:
        assert proc.returncode == code, proc.stderr
    assert "Traceback" not in proc.stderr
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    errors = [line for line in lines if line.startswith("ttsgen: error:")]
    assert len(errors) == 1, proc.stderr
    for needle in needles:
        assert needle in errors[0], errors[0]
    # problem; fix
    assert "; " in errors[0], errors[0]
    return errors[0]


@pytest.fixture()
def book(tmp_path) -> Path:
    p = tmp_path / "book.txt"
    p.write_text("A short book. It has two sentences.\n", encoding="utf-8")
    return p


@pytest.fixture()
def existing_output(tmp_path) -> Path:
    out = tmp_path / "out.wav"
    out.write_bytes(b"precious old audiobook")
    return out


def assert_untouched(out: Path) -> None:
    assert out.read_bytes() == b"precious old audiobook"
    assert sorted(p.name for p in out.parent.iterdir() if p.name.startswith(".")) == []


def test_missing_input_is_an_error(tmp_path, existing_output):
    proc = ttsgen(str(tmp_path / "nope.txt"), "-o", str(existing_output))
    assert_one_line_error(proc, "nope.txt", code=2)
    assert_untouched(existing_output)


@pytest.mark.parametrize("content", ["", "   \n\t\n  \n"])
def test_empty_or_whitespace_input_is_an_error(tmp_path, existing_output, content):
    src = tmp_path / "empty.txt"
    src.write_text(content, encoding="utf-8")
    proc = ttsgen(str(src), "-o", str(existing_output))
    assert_one_line_error(proc, "empty.txt", code=2)
    assert_untouched(existing_output)


def test_empty_stdin_is_an_error(existing_output):
    proc = ttsgen("-", "-o", str(existing_output), stdin="")
    assert_one_line_error(proc, code=2)
    assert_untouched(existing_output)


def test_directory_as_input_is_an_error(tmp_path, existing_output):
    folder = tmp_path / "chapters"
    folder.mkdir()
    proc = ttsgen(str(folder), "-o", str(existing_output))
    assert_one_line_error(proc, "chapters", code=2)
    assert_untouched(existing_output)


def test_output_folder_missing_is_an_error(tmp_path, book):
    target = tmp_path / "no" / "such" / "dir" / "out.wav"
    proc = ttsgen(str(book), "-o", str(target))
    line = assert_one_line_error(proc, "does not exist", code=3)
    assert "mkdir" in line
    assert not (tmp_path / "no").exists()


@pytest.fixture()
def read_only_dir(tmp_path):
    """A folder nobody can write to, root included: chmod for users, ``chattr +i`` for root
    (root ignores permission bits, not the immutable flag)."""
    ro = tmp_path / "ro"
    ro.mkdir()
    (ro / "out.wav").write_bytes(b"old")
    if os.geteuid() != 0:
        ro.chmod(0o555)
        yield ro
        ro.chmod(0o755)
        return
    if subprocess.run(["chattr", "+i", str(ro)], capture_output=True).returncode != 0:
        pytest.skip(
            "running as root on a filesystem without chattr +i: cannot make a read-only folder"
        )
    try:
        yield ro
    finally:
        subprocess.run(["chattr", "-i", str(ro)], capture_output=True)


def test_read_only_output_folder_is_an_error(book, read_only_dir):
    old = read_only_dir / "out.wav"
    proc = ttsgen(str(book), "-o", str(old))
    assert_one_line_error(proc, "not writable", code=3)
    assert old.read_bytes() == b"old"
    assert sorted(p.name for p in read_only_dir.iterdir()) == ["out.wav"]


def test_unknown_output_extension_lists_supported_formats(book, tmp_path):
    proc = ttsgen(str(book), "-o", str(tmp_path / "out.xyz"))
    line = assert_one_line_error(proc, ".xyz", code=3)
    for ext in (".wav", ".mp3", ".m4b"):
        assert ext in line
    assert not (tmp_path / "out.xyz").exists()


def test_voice_file_that_is_not_audio_is_an_error(tmp_path, book, existing_output):
    fake = tmp_path / "voice.txt"
    fake.write_text("this is not audio", encoding="utf-8")
    proc = ttsgen(str(book), "-o", str(existing_output), "--voice", str(fake))
    line = assert_one_line_error(proc, "voice file is not audio", code=4)
    assert "WAV, FLAC or MP3" in line
    assert_untouched(existing_output)


@pytest.mark.skipif(
    subprocess.run(
        [sys.executable, "-c", "import torch,sys; sys.exit(torch.cuda.is_available())"]
    ).returncode,
    reason="this machine has CUDA",
)
def test_device_cuda_without_cuda_is_an_error(book, existing_output, tmp_path):
    from tts_cli.testing.checkpoint import tokenizer_json

    # a model folder that passes the cheap file check: the device check must come before loading
    folder = tmp_path / "model"
    folder.mkdir()
    for name in ("ve.safetensors", "t3_cfg.safetensors", "s3gen.safetensors", "conds.pt"):
        (folder / name).write_bytes(b"x")
    (folder / "tokenizer.json").write_text(tokenizer_json(), encoding="utf-8")
    proc = ttsgen(
        str(book), "-o", str(existing_output), "--device", "cuda", "--model-dir", str(folder)
    )
    line = assert_one_line_error(proc, "CUDA is not available", code=5)
    assert "--device cpu" in line
    assert_untouched(existing_output)


def test_model_folder_missing_a_file_is_an_error(tmp_path, book, existing_output):
    folder = tmp_path / "model"
    folder.mkdir()
    for name in ("ve.safetensors", "t3_cfg.safetensors", "tokenizer.json", "conds.pt"):
        (folder / name).write_bytes(b"x")
    proc = ttsgen(str(book), "-o", str(existing_output), "--model-dir", str(folder))
    assert_one_line_error(proc, "missing s3gen.safetensors", code=4)
    assert_untouched(existing_output)


def test_unknown_device_lists_the_choices(book, existing_output):
    proc = ttsgen(str(book), "-o", str(existing_output), "--device", "tpu")
    assert_one_line_error(proc, "tpu", "cpu", "cuda", code=2)


@pytest.mark.parametrize(
    ("flag", "value", "needle"),
    [
        ("--exaggeration", "7", "exaggeration"),
        ("--temperature", "0", "temperature"),
        ("--cfm-steps", "0", "cfm-steps"),
    ],
)
def test_out_of_range_sampling_options_are_errors(book, existing_output, flag, value, needle):
    proc = ttsgen(str(book), "-o", str(existing_output), flag, value)
    assert_one_line_error(proc, needle, code=2)
    assert_untouched(existing_output)


def test_output_required_without_dry_run(book):
    proc = ttsgen(str(book))
    assert_one_line_error(proc, "-o", code=2)


def test_offline_without_a_model_folder_says_how_to_fix(book, tmp_path):
    env_home = tmp_path / "hf"
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "tts_cli",
            str(book),
            "-o",
            str(tmp_path / "out.wav"),
            "--device",
            "cpu",
        ],
        capture_output=True,
        text=True,
        env=dict(os.environ, HF_HUB_OFFLINE="1", HF_HOME=str(env_home), TQDM_DISABLE="1"),
        timeout=300,
    )
    assert_one_line_error(proc, "ResembleAI/chatterbox", "--model-dir", code=4)
    assert not (tmp_path / "out.wav").exists()
