"""Option checks with their fixes, and atomic output: failures leave nothing half-written."""

from __future__ import annotations

import dataclasses
import sys

import numpy as np
import pytest
from _audio_synth import SR, make_image, speech_like

from tts_cli.audio import Assembler, AssemblyOptions, check_output
from tts_cli.audio import encode as encode_module
from tts_cli.audio import formats as formats_module
from tts_cli.errors import OptionError, OutputError


def test_unknown_extension_lists_the_supported_ones(tmp_path):
    with pytest.raises(OutputError) as err:
        check_output(tmp_path / "book.aiff", AssemblyOptions())
    assert "unsupported output format (.aiff)" in err.value.problem
    for ext in (".wav", ".flac", ".mp3", ".m4b", ".m4a", ".ogg", ".opus"):
        assert ext in err.value.fix


def test_missing_output_folder_says_how_to_fix(tmp_path):
    with pytest.raises(OutputError) as err:
        check_output(tmp_path / "nope" / "book.m4b", AssemblyOptions())
    assert "folder does not exist" in err.value.problem and "mkdir -p" in err.value.fix


def test_read_only_output_folder_message(tmp_path, monkeypatch):
    # root ignores permissions, so also check the message with access() saying no
    monkeypatch.setattr("tts_cli.audio.options.os.access", lambda path, mode: False)
    with pytest.raises(OutputError) as err:
        check_output(tmp_path / "book.wav", AssemblyOptions())
    assert err.value.problem == f"output folder is not writable: {tmp_path}"
    assert err.value.fix == "choose a folder you can write to"


def test_output_that_is_a_folder(tmp_path):
    (tmp_path / "book.wav").mkdir()
    with pytest.raises(OutputError, match="is a folder"):
        check_output(tmp_path / "book.wav", AssemblyOptions())


@pytest.mark.parametrize(
    ("options", "error", "problem", "fix"),
    [
        (
            dict(crossfade_ms=900),
            OptionError,
            "crossfade of 900 ms",
            "--crossfade-ms between 0 and 500",
        ),
        (dict(pause_chunk_ms=-1), OptionError, "--pause-chunk-ms -1", "between 0 and"),
        (dict(pause_chapter_ms=120_000), OptionError, "--pause-chapter-ms 120000", "between 0 and"),
        (dict(loudness_lufs=3.0), OptionError, "loudness target 3", "--no-normalize"),
        (dict(peak_dbfs=1.0), OptionError, "peak limit 1", "between -30 and 0"),
        (
            dict(sample_format="pcm8"),
            OptionError,
            "unknown sample format 'pcm8'",
            "pcm16, pcm24, float32",
        ),
        (dict(cover="missing.jpg"), OptionError, "cover image not found", "JPEG or PNG"),
        (dict(subtitles="book.txt"), OptionError, "must end in .srt or .vtt", "book.srt"),
    ],
)
def test_bad_options_name_the_fix(tmp_path, monkeypatch, options, error, problem, fix):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(error) as err:
        AssemblyOptions(**options).validate()
    assert problem in err.value.problem and fix in err.value.fix
    assert "\n" not in str(err.value)


def test_cover_must_be_an_image(tmp_path):
    fake = tmp_path / "cover.jpg"
    fake.write_text("not an image")
    with pytest.raises(OptionError, match="not a JPEG or PNG"):
        AssemblyOptions(cover=fake).validate()
    AssemblyOptions(cover=make_image(tmp_path / "real.png")).validate()


def test_flac_cannot_hold_float(tmp_path):
    with pytest.raises(OptionError) as err:
        check_output(tmp_path / "b.flac", AssemblyOptions(sample_format="float32"))
    assert "pcm16 or pcm24" in err.value.fix


def test_stdout_refuses_a_terminal(monkeypatch):
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True)
    with pytest.raises(OutputError, match="terminal"):
        check_output("-", AssemblyOptions())


def test_the_assembler_checks_before_it_writes(tmp_path):
    with pytest.raises(OutputError, match="unsupported"):
        Assembler(tmp_path / "book.txt", AssemblyOptions())
    assert list(tmp_path.iterdir()) == []


# -- atomicity ---------------------------------------------------------------------------


def chunks():
    rng = np.random.default_rng(0)
    return [speech_like(rng, 1.0) for _ in range(3)]


def fake_ffmpeg(tmp_path, consume: bool):
    """An 'ffmpeg' that writes a partial file, says why on stderr, and fails."""
    script = tmp_path / "fake-ffmpeg"
    body = 'cat > "$last"' if consume else 'head -c 1000 > "$last"'
    script.write_text(
        "#!/bin/sh\nfor last; do :; done\n" + body + "\n"
        "echo 'some warning' >&2\necho 'Error: injected encoder failure' >&2\nexit 1\n"
    )
    script.chmod(0o755)
    return str(script)


@pytest.mark.parametrize("consume", [False, True], ids=["dies-early", "fails-at-end"])
def test_ffmpeg_failure_leaves_no_partial_file_and_keeps_the_old_one(
    tmp_path, monkeypatch, consume
):
    tools = tmp_path / "tools"
    tools.mkdir()
    monkeypatch.setattr(encode_module, "ffmpeg_exe", lambda: fake_ffmpeg(tools, consume))
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    existing = out_dir / "book.m4b"
    existing.write_bytes(b"the previous book")
    with pytest.raises(OutputError) as err:
        with Assembler(existing, AssemblyOptions(subtitles=out_dir / "book.srt"), SR) as book:
            for audio in chunks():
                book.add(audio, "chunk", "text")
    assert err.value.problem == "ffmpeg could not write book.m4b: Error: injected encoder failure"
    assert existing.read_bytes() == b"the previous book"
    # no .part, no .f32, no subtitles
    assert sorted(p.name for p in out_dir.iterdir()) == ["book.m4b"]


def test_real_ffmpeg_error_is_reported(tmp_path, monkeypatch):
    broken = dataclasses.replace(
        formats_module.format_for(".mp3"), codec_args=("-c:a", "libmp3lame", "-b:a", "lots")
    )
    monkeypatch.setitem(formats_module._FORMATS, ".mp3", broken)
    with pytest.raises(OutputError) as err:
        with Assembler(tmp_path / "book.mp3", AssemblyOptions(), SR) as book:
            book.add(chunks()[0], "end")
    assert err.value.problem.startswith("ffmpeg could not write book.mp3: ")
    assert err.value.problem.endswith("Invalid argument")  # ffmpeg's own last line
    assert list(tmp_path.iterdir()) == []


def test_exception_inside_the_block_discards_everything(tmp_path):
    existing = tmp_path / "book.wav"
    existing.write_bytes(b"old")
    with pytest.raises(KeyboardInterrupt):
        with Assembler(existing, AssemblyOptions(), SR) as book:
            book.add(chunks()[0], "chunk")
            raise KeyboardInterrupt
    assert existing.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["book.wav"]


def test_intermediate_audio_lives_on_disk_while_streaming(tmp_path):
    with Assembler(tmp_path / "book.flac", AssemblyOptions(), SR) as book:
        for audio in chunks():
            book.add(audio, "chunk")
        scratch = [p for p in tmp_path.iterdir() if p.name.endswith(".ttsgen.f32")]
        assert len(scratch) == 1
        book._raw_file.flush()
        # everything but the held-back crossfade tail (20 ms) is already on disk
        assert scratch[0].stat().st_size == 4 * book.samples_written
        assert book.samples_written >= book.samples_so_far - 480
    assert [p.name for p in tmp_path.iterdir()] == ["book.flac"]


def test_bad_chunk_audio_is_refused(tmp_path):
    with Assembler(tmp_path / "b.wav", AssemblyOptions(), SR) as book:
        with pytest.raises(ValueError, match="mono"):
            book.add(np.zeros((2, 100), np.float32), "chunk")
        with pytest.raises(ValueError, match="pause_after"):
            book.add(np.zeros(100, np.float32), "sentence")
        with pytest.raises(ValueError, match="NaN"):
            book.add(np.full(100, np.nan, np.float32), "chunk")
