"""A tiny-checkpoint run of the whole product writes every output format, read back.

The model is loaded once for the session (the loader has its own tests); everything after it,
planning, the engine, joins, loudness and the encoders, runs for real for each format.
"""

from __future__ import annotations

import json
from pathlib import Path

import mutagen
import pytest
import soundfile as sf
from _audio_synth import decode, make_image

from tts_cli.runner import RunRequest, execute

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[1]
BOOK = REPO / "examples" / "two_chapters.md"
TITLES = ["The Lighthouse", "Chapter 1: The Keeper", "Chapter 2: The Visitors"]
LOSSY_SLACK = 1152  # one MP3 frame: decoders may keep a little codec padding


_SPOKEN: dict[str, object] = {}  # chunk text -> ChunkAudio, filled by the first real run


class ReplayOnce:
    """Runs the real engine the first time, then replays its chunks: the model's part of the
    run is the same for every format, and it is the formats that these tests are about."""

    def __init__(self, real) -> None:
        self.real, self.name, self.sample_rate_hz = real, real.name, real.sample_rate_hz
        self.stage_seconds = real.stage_seconds

    def synthesize(self, requests):
        for req in requests:
            if req.text not in _SPOKEN:
                _SPOKEN[req.text] = next(iter(self.real.synthesize([req])))
            yield _SPOKEN[req.text]

    def close(self) -> None:
        self.real.close()


@pytest.fixture()
def use_tiny_model(monkeypatch, tiny_model, tiny_model_dir):
    from tts_cli.models import folders
    from tts_cli.runner import models

    real_resolve, make_engines = folders.resolve_folders, models.make_engines
    monkeypatch.setattr(
        folders,
        "resolve_folders",
        lambda needed, dirs=None, **kw: real_resolve(needed, [tiny_model_dir]),
    )
    monkeypatch.setattr("tts_cli.engine.adapter.load_folder", lambda *a: tiny_model)
    monkeypatch.setattr(models, "make_engines", lambda *a: ReplayOnce(make_engines(*a)))


def run(out: Path, **extra) -> dict:
    req = RunRequest(
        input=str(BOOK),
        output=str(out),
        device="cpu",
        engine=extra.pop("engine", "stock"),
        max_new_tokens=6,
        cfm_steps=2,
        seed=5,
        quiet=True,
        json_out=True,
        assembly=extra.pop("assembly", {}),
        **extra,
    )
    summary = execute(req)
    json.dumps(summary)  # the summary is JSON-able
    return summary


@pytest.mark.parametrize("ext", [".wav", ".flac", ".mp3", ".m4b", ".m4a", ".ogg", ".opus"])
def test_every_format_from_a_real_run(tmp_path, use_tiny_model, ext):
    cover = make_image(tmp_path / "cover.png")
    subs = tmp_path / "book.srt"
    out = tmp_path / f"book{ext}"
    assembly = {"author": "A. Keeper", "subtitles": subs}
    if ext not in (".wav",):
        assembly["cover"] = cover
    summary = run(out, assembly=assembly)
    assert summary["chunks"] == 7 and len(_SPOKEN) == 7
    samples = round(summary["audio_seconds"] * 24_000)
    audio = decode(out)
    assert abs(len(audio) - samples) <= (0 if ext in (".wav", ".flac") else LOSSY_SLACK) + 24
    tags = mutagen.File(out)
    assert tags is not None
    if ext in (".m4b", ".m4a"):
        assert [c.title for c in tags.chapters] == TITLES
        assert tags.tags["\xa9nam"] == ["The Lighthouse"]  # the book's own title by default
        assert tags.tags["\xa9ART"] == ["A. Keeper"]
        assert tags.tags["covr"][0][:8] == b"\x89PNG\r\n\x1a\n"
        starts = [c.start for c in tags.chapters]
        assert starts[0] == 0 and starts == sorted(starts)
    if ext == ".wav":
        info = sf.info(str(out))
        assert (info.samplerate, info.channels, info.frames) == (24_000, 1, samples)
    assert summary["loudness_lufs"] == pytest.approx(-20.0, abs=1.0)
    assert summary["peak_dbfs"] <= -3.0
    cues = [b for b in subs.read_text(encoding="utf-8").strip().split("\n\n") if b.strip()]
    assert len(cues) == 7
    assert "The lighthouse keeper had not spoken" in cues[2]
    work = f".{out.name}.ttsgen"  # the job's work directory; no temp files
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        {out.name, subs.name, cover.name, work}
    )
