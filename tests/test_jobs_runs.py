"""Long runs through the command: the work directory, resume, edits, damaged chunks,
--fresh/--clean, locks, another job's folder, a full disk, a vanishing output folder, and
several books in one call. In-process (typer's runner) on the tiny checkpoint, which every
run shares; kill -9 and signals are in test_jobs_signals.py."""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
import soundfile as sf
from typer.testing import CliRunner

from tts_cli.cli import app

SENTENCES = [
    "The first lamp was lit at dusk by the keeper.",
    "A second one burned on the far side of the bay.",
    "Ships came in slowly through the narrow channel.",
    "The harbour master counted every one of them.",
    "By midnight the wind had turned to the north.",
]
N = len(SENTENCES)
FAST = ["--device", "cpu", "--max-new-tokens", "8", "--cfm-steps", "2", "--seed", "3"]


def write_book(path: Path, sentences=SENTENCES) -> Path:
    path.write_text("\n\n".join(sentences) + "\n", encoding="utf-8")
    return path


def ttsgen(*args, expect: int = 0):
    result = CliRunner().invoke(app, [str(a) for a in args], terminal_width=200)
    assert result.exit_code == expect, (result.exit_code, result.output, result.exception)
    return result


def run_json(*args, expect: int = 0) -> dict:
    result = ttsgen(*args, *FAST, "--json", "-q", expect=expect)
    return json.loads(result.stdout)


def samples(path: Path) -> np.ndarray:
    return sf.read(str(path), dtype="int16")[0]


def error_line(result) -> str:
    lines = [ln for ln in result.stderr.splitlines() if ln.startswith("ttsgen: error:")]
    assert len(lines) == 1 and "Traceback" not in result.stderr, result.stderr
    return lines[0]


def test_same_command_again_reuses_every_chunk(loads, tmp_path):
    book, out = write_book(tmp_path / "book.txt"), tmp_path / "book.wav"
    first = run_json(book, "-o", out)
    assert first["chunks_synthesized"] == N and first["chunks_reused"] == 0
    work = tmp_path / ".book.wav.ttsgen"
    assert first["work_dir"] == str(work)
    audio = samples(out)
    again = run_json(book, "-o", out)
    assert again["chunks_synthesized"] == 0 and again["chunks_reused"] == N
    assert again["tokens"] == first["tokens"]
    np.testing.assert_array_equal(samples(out), audio)
    manifest = json.loads((work / "job.json").read_text())
    assert manifest["status"] == "done" and manifest["chunks_stored"] == N
    assert manifest["book"] == str(book) and len(manifest["keys"]) == N


def test_an_edit_remakes_only_the_changed_chunk(loads, tmp_path):
    book, out = write_book(tmp_path / "book.txt"), tmp_path / "book.wav"
    run_json(book, "-o", out)
    edited = SENTENCES[:2] + ["Ships came in fast through the wide channel."] + SENTENCES[3:]
    write_book(book, edited)
    again = run_json(book, "-o", out)
    assert again["chunks_synthesized"] == 1 and again["chunks_reused"] == N - 1
    # the store keeps the old take too: undoing the edit costs nothing
    write_book(book)
    back = run_json(book, "-o", out)
    assert back["chunks_synthesized"] == 0 and back["chunks_reused"] == N


def test_a_damaged_stored_chunk_is_made_again_never_used(loads, tmp_path):
    book, out = write_book(tmp_path / "book.txt"), tmp_path / "book.wav"
    run_json(book, "-o", out)
    audio = samples(out)
    stored = sorted((tmp_path / ".book.wav.ttsgen" / "chunks").glob("*/*.chunk"))
    assert len(stored) == N
    data = bytearray(stored[2].read_bytes())
    data[-3] ^= 0xFF  # one flipped bit in the audio: the checksum fails
    stored[2].write_bytes(bytes(data))
    again = run_json(book, "-o", out)
    assert again["chunks_synthesized"] == 1 and again["chunks_reused"] == N - 1
    np.testing.assert_array_equal(samples(out), audio)  # its own seed: the same take


def test_fresh_remakes_everything_and_clean_removes_the_work_dir(loads, tmp_path):
    book, out = write_book(tmp_path / "book.txt"), tmp_path / "book.wav"
    first = run_json(book, "-o", out)
    fresh = run_json(book, "-o", out, "--fresh")
    assert fresh["chunks_synthesized"] == N and fresh["chunks_reused"] == 0
    assert fresh["tokens"] == first["tokens"]
    clean = run_json(book, "-o", out, "--clean")
    assert clean["chunks_reused"] == N and clean["work_dir"] is None
    assert sorted(p.name for p in tmp_path.iterdir()) == ["book.txt", "book.wav"]


def test_work_dir_option_and_batch_sizes_give_one_file(loads, tmp_path):
    """A chunk's audio depends only on its key: batch sizes 1, 3 and 8 write one file."""
    book = write_book(tmp_path / "book.txt")
    outs = []
    for size in (1, 3, 8):
        out = tmp_path / f"b{size}.wav"
        work = tmp_path / f"work{size}"
        summary = run_json(book, "-o", out, "--batch-size", size, "--work-dir", work)
        assert summary["work_dir"] == str(work) and (work / "job.json").is_file()
        assert summary["engine_stats"]["batch_size"] == size
        outs.append(samples(out))
    assert not list(tmp_path.glob(".*.ttsgen"))  # --work-dir replaced the default place
    for other in outs[1:]:
        np.testing.assert_array_equal(other, outs[0])


def test_a_second_run_on_the_same_output_is_refused(loads, tmp_path):
    from tts_cli.jobs import WorkDir

    book, out = write_book(tmp_path / "book.txt"), tmp_path / "book.wav"
    out.write_bytes(b"precious")
    with WorkDir(tmp_path / ".book.wav.ttsgen", book=str(book), output=str(out.resolve())):
        result = ttsgen(book, "-o", out, *FAST, expect=3)
    line = error_line(result)
    assert f"another ttsgen run (pid {os.getpid()}) is already working on" in line
    assert out.read_bytes() == b"precious"
    assert not loads  # refused before the model loaded


def test_another_jobs_or_versions_work_dir_is_refused(loads, tmp_path):
    book, out = write_book(tmp_path / "book.txt"), tmp_path / "book.wav"
    work = tmp_path / "shared-work"
    run_json(book, "-o", out, "--work-dir", work)
    other, other_out = write_book(tmp_path / "other.txt", SENTENCES[:2]), tmp_path / "other.wav"
    result = ttsgen(other, "-o", other_out, "--work-dir", work, *FAST, expect=2)
    assert "belongs to another job" in error_line(result) and "--fresh" in error_line(result)
    assert not other_out.exists()
    assert len(list((work / "chunks").glob("*/*.chunk"))) == N  # nothing deleted
    manifest = work / "job.json"
    data = json.loads(manifest.read_text())
    manifest.write_text(json.dumps({**data, "format": 99}))
    result = ttsgen(book, "-o", out, "--work-dir", work, *FAST, expect=2)
    assert "made by another ttsgen version (layout 99" in error_line(result)


def test_a_full_disk_while_storing_is_one_line_and_keeps_what_is_stored(
    loads, tmp_path, monkeypatch
):
    import errno

    from tts_cli.jobs import storage

    book, out = write_book(tmp_path / "book.txt"), tmp_path / "book.wav"
    real_replace, calls = os.replace, []

    def replace(src, dst):
        if str(dst).endswith(".chunk"):
            calls.append(dst)
        if len(calls) > 2 and str(dst).endswith(".chunk"):
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_replace(src, dst)

    monkeypatch.setattr(storage.os, "replace", replace)
    result = ttsgen(book, "-o", out, *FAST, "--batch-size", "1", expect=3)
    assert "no space left to store finished chunks" in error_line(result)
    assert not out.exists()
    work = tmp_path / ".book.wav.ttsgen"
    assert len(list((work / "chunks").glob("*/*.chunk"))) == 2
    assert not list(work.glob("chunks/*/.*.tmp"))  # the failed write left no temp file
    assert json.loads((work / "job.json").read_text())["status"] == "failed"
    monkeypatch.setattr(storage.os, "replace", real_replace)
    again = run_json(book, "-o", out, "--batch-size", "1")
    assert again["chunks_reused"] == 2 and again["chunks_synthesized"] == N - 2


def test_an_output_folder_that_disappears_mid_run(loads, tmp_path, monkeypatch):
    import shutil

    from tts_cli.runner import models

    folder = tmp_path / "out"
    folder.mkdir()
    book, out = write_book(tmp_path / "book.txt"), folder / "book.wav"
    make = models.make_engines

    def engines(*args):
        routed = make(*args)
        inner = next(iter(routed.engines.values()))
        real = inner.submit_batch  # what the quality gate speaks through

        def batch(reqs):
            result = real(reqs)
            shutil.rmtree(folder, ignore_errors=True)  # gone after the first batch
            return result

        inner.submit_batch = batch
        return routed

    monkeypatch.setattr(models, "make_engines", engines)
    result = ttsgen(book, "-o", out, *FAST, "--batch-size", "2", expect=3)
    assert "disappeared during the run" in error_line(result)
    assert not folder.exists()


def test_several_books_one_model_load_one_failure(loads, tmp_path):
    a = write_book(tmp_path / "a.txt", SENTENCES[:2])
    b = write_book(tmp_path / "b.md", SENTENCES[2:])
    missing = tmp_path / "missing.txt"
    outdir = tmp_path / "shelf"
    result = ttsgen(a, missing, b, "-o", f"{outdir}/", "--format", "wav", *FAST, "--json", expect=6)
    summary = json.loads(result.stdout)
    assert summary["books_written"] == 2 and summary["books_failed"] == 1
    assert summary["exit_code"] == 6
    assert [f["input"] for f in summary["failed"]] == [str(missing)]
    assert summary["failed"][0]["exit_code"] == 2
    assert [Path(s["output"]).name for s in summary["books"]] == ["a.wav", "b.wav"]
    assert summary["chunks_synthesized"] == N
    assert len(loads) == 1  # the model loaded once for both books
    assert sorted(p.name for p in outdir.iterdir()) == [
        ".a.wav.ttsgen",
        ".b.wav.ttsgen",
        "a.wav",
        "b.wav",
    ]
    assert f"ttsgen: error: {missing}: " in result.stderr  # also a line as it happens
    # the same call again: both books come from their stores, the missing one still fails
    again = json.loads(
        ttsgen(
            a, missing, b, "-o", f"{outdir}/", "--format", "wav", *FAST, "--json", expect=6
        ).stdout
    )
    assert again["chunks_synthesized"] == 0 and again["chunks_reused"] == N


def test_output_template_and_per_book_work_dirs(loads, tmp_path):
    a = write_book(tmp_path / "a.txt", SENTENCES[:1])
    b = write_book(tmp_path / "b.txt", SENTENCES[1:2])
    outdir, work = tmp_path / "shelf", tmp_path / "jobs"
    summary = json.loads(
        ttsgen(
            a, b, "-o", outdir, "--output-template", "{index}-{stem}.flac",
            "--work-dir", work, *FAST, "--json",
        ).stdout
    )  # fmt: skip
    assert summary["exit_code"] == 0 and summary["books_failed"] == 0
    assert sorted(p.name for p in outdir.iterdir()) == ["1-a.flac", "2-b.flac"]
    assert sorted(p.name for p in work.iterdir()) == ["1-a.flac.ttsgen", "2-b.flac.ttsgen"]
    assert [s["work_dir"] for s in summary["books"]] == [
        str(work / "1-a.flac.ttsgen"),
        str(work / "2-b.flac.ttsgen"),
    ]


def test_retries_take_other_seeds_and_list_suspect_chunks(loads, tmp_path):
    """Random weights make noise: every chunk is suspect. With --retries 1 each is spoken
    again and then split; the best take is kept; none is dropped."""
    book, out = write_book(tmp_path / "book.txt", SENTENCES[:2]), tmp_path / "book.wav"
    summary = run_json(book, "-o", out, "--retries", "1")
    suspects = summary["suspect_chunks"]
    assert [s["index"] for s in suspects] == [0, 1]
    for s in suspects:
        assert s["action"] in ("retried", "split", "kept_best"), s
        assert s["reasons"] and set(s["reasons"]) <= {
            "no_stop_token", "no_speech", "too_short", "too_long", "long_silence",
            "trailing_noise",
        }  # fmt: skip
    assert summary["chunks"] == 2 and summary["chunks_synthesized"] == 2
    assert sf.info(str(out)).frames > 0
    # the gate's settings are part of a chunk's key: --retries 0 is another take
    report = run_json(book, "-o", out, "--retries", "0")
    assert report["chunks_synthesized"] == 2
    assert all(s["action"] == "reported" for s in report["suspect_chunks"])
    result = ttsgen(book, "-o", out, *FAST, "--retries", "11", expect=2)
    assert "--retries must be a whole number 0-10" in error_line(result)
