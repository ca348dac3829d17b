"""Every output format read back: rate, channels, length, chapters, tags, cover, subtitles."""

from __future__ import annotations

import io
import re
import sys

import mutagen
import numpy as np
import pytest
import soundfile as sf
from _audio_synth import SR, decode, make_image, speech_like

from tts_cli.audio import SUPPORTED_FORMATS, Assembler, AssemblyOptions

TEXTS = [
    "Call me Ishmael.",
    "Some years ago, never mind how long.",
    "It is a way I have.",
    "Chapter two begins here.",
    "And it ends here.",
]
KINDS = ["chunk", "paragraph", "chapter", "chunk", "end"]
CHAPTERS = [("Loomings", 0), ("The Carpet-Bag", 3)]
# ffmpeg's decoders drop the codecs' priming and padding (AAC edit list / iTunSMPB, LAME's
# gapless header, Opus pre-skip, Vorbis granule positions): measured exact for all four.
# Other players may keep up to one frame (1024 AAC / 1152 MP3 samples) of padding.
LOSSY_SLACK_SAMPLES = 1152


@pytest.fixture(scope="module")
def chunks():
    rng = np.random.default_rng(11)
    return [speech_like(rng, rng.uniform(0.8, 1.6)) for _ in TEXTS]


@pytest.fixture(scope="module")
def cover(tmp_path_factory):
    return make_image(tmp_path_factory.mktemp("img") / "cover.jpg")


def assemble(path, chunks, **opts):
    with Assembler(path, AssemblyOptions(**opts), SR, chapters=CHAPTERS) as book:
        for audio, kind, text in zip(chunks, KINDS, TEXTS, strict=True):
            book.add(audio, kind, text)
    return book.result


@pytest.mark.parametrize("ext", SUPPORTED_FORMATS)
def test_every_format_reads_back(tmp_path, chunks, cover, ext):
    out = tmp_path / f"book{ext}"
    result = assemble(out, chunks, title="Moby-Dick", author="Herman Melville", cover=cover)
    info = mutagen.File(out)
    assert info is not None, f"mutagen cannot read {ext}"
    assert info.info.channels == 1
    if ext != ".opus":  # Opus always decodes at 48 kHz; its header keeps the input rate
        assert info.info.sample_rate == SR
    audio = decode(out)
    if ext in (".wav", ".flac"):
        assert audio.size == result.samples
        assert sf.info(out).samplerate == SR and sf.info(out).frames == result.samples
    else:
        assert abs(audio.size - result.samples) <= LOSSY_SLACK_SAMPLES
    assert list(tmp_path.iterdir()) == [out]  # no temporary files left behind


def test_m4b_has_chapters_tags_and_cover(tmp_path, chunks, cover):
    out = tmp_path / "book.m4b"
    result = assemble(out, chunks, title="Moby-Dick", author="Herman Melville", cover=cover)
    m4b = mutagen.File(out)
    assert [c.title for c in m4b.chapters] == ["Loomings", "The Carpet-Bag"]
    expected = [result.chunks[first].start_sample / SR for _, first in CHAPTERS]
    assert [c.title for c in result.chapters] == ["Loomings", "The Carpet-Bag"]
    assert [c.start_s for c in result.chapters] == expected
    assert [c.start for c in m4b.chapters] == pytest.approx(expected, abs=0.001)
    assert expected[1] > 3.0  # the second chapter really starts later
    assert m4b.tags["\xa9nam"] == ["Moby-Dick"] and m4b.tags["\xa9ART"] == ["Herman Melville"]
    assert m4b.tags["\xa9alb"] == ["Moby-Dick"]
    assert bytes(m4b.tags["covr"][0]) == cover.read_bytes()


def test_mp3_has_chapters_tags_and_cover(tmp_path, chunks, cover):
    out = tmp_path / "book.mp3"
    result = assemble(out, chunks, title="Moby-Dick", author="Herman Melville", cover=cover)
    tags = mutagen.File(out).tags
    chaps = sorted(tags.getall("CHAP"), key=lambda c: c.start_time)
    assert [c.start_time for c in chaps] == [round(m.start_s * 1000) for m in result.chapters]
    assert [c.sub_frames["TIT2"].text[0] for c in chaps] == ["Loomings", "The Carpet-Bag"]
    assert tags["TIT2"].text == ["Moby-Dick"] and tags["TPE1"].text == ["Herman Melville"]
    assert tags.getall("APIC")[0].data == cover.read_bytes()


@pytest.mark.parametrize("ext", [".ogg", ".opus"])
def test_ogg_has_chapter_comments_and_cover(tmp_path, chunks, cover, ext):
    out = tmp_path / f"book{ext}"
    result = assemble(out, chunks, title="Moby-Dick", cover=cover)
    tags = mutagen.File(out).tags
    assert tags["chapter001name"] == ["The Carpet-Bag"]
    assert tags["chapter001"][0] == f"00:00:{result.chapters[1].start_s:06.3f}"
    assert "metadata_block_picture" in tags


def test_flac_has_tags_and_cover(tmp_path, chunks, cover):
    out = tmp_path / "book.flac"
    assemble(out, chunks, title="Moby-Dick", author="Herman Melville", cover=cover)
    flac = mutagen.File(out)
    assert flac["title"] == ["Moby-Dick"] and flac["artist"] == ["Herman Melville"]
    assert flac.pictures[0].data == cover.read_bytes()


@pytest.mark.parametrize(
    ("fmt", "subtype"), [("pcm16", "PCM_16"), ("pcm24", "PCM_24"), ("float32", "FLOAT")]
)
def test_wav_sample_formats(tmp_path, chunks, fmt, subtype):
    result = assemble(tmp_path / "b.wav", chunks, sample_format=fmt)
    info = sf.info(tmp_path / "b.wav")
    assert (info.subtype, info.samplerate, info.channels, info.frames) == (
        subtype,
        SR,
        1,
        result.samples,
    )


@pytest.mark.parametrize("fmt", ["pcm16", "pcm24", "float32"])
def test_dash_writes_wav_to_stdout(monkeypatch, tmp_path, chunks, fmt):
    buffer = io.BytesIO()
    fake = io.TextIOWrapper(buffer)
    monkeypatch.setattr(sys, "stdout", fake)
    monkeypatch.setattr(fake, "isatty", lambda: False)
    result = assemble("-", chunks, sample_format=fmt)
    assert result.output == "-"
    reference = assemble(tmp_path / "b.wav", chunks, sample_format=fmt)
    piped, rate = sf.read(io.BytesIO(buffer.getvalue()), dtype="float32")
    filed, _ = sf.read(tmp_path / "b.wav", dtype="float32")
    assert rate == SR and piped.size == result.samples == reference.samples
    # same samples; libsndfile (file) and our pipe writer may round a half-step differently
    lsb = {"pcm16": 2**-15, "pcm24": 2**-23, "float32": 0.0}[fmt]
    np.testing.assert_allclose(piped, filed, rtol=0, atol=lsb * 1.01)


CUE = re.compile(r"(\d\d):(\d\d):(\d\d)[,.](\d\d\d) --> (\d\d):(\d\d):(\d\d)[,.](\d\d\d)\n(.+)")


def parse_cues(text):
    def ms(h, m, s, f):
        return ((int(h) * 60 + int(m)) * 60 + int(s)) * 1000 + int(f)

    return [(ms(*g[:4]), ms(*g[4:8]), g[8]) for g in CUE.findall(text)]


@pytest.mark.parametrize("ext", [".srt", ".vtt"])
def test_subtitles_have_a_cue_per_chunk_timed_to_the_audio(tmp_path, chunks, ext):
    subs = tmp_path / f"book{ext}"
    result = assemble(tmp_path / "book.wav", chunks, subtitles=subs)
    text = subs.read_text(encoding="utf-8")
    cues = parse_cues(text)
    assert len(cues) == len(TEXTS)
    for (start, end, line), chunk in zip(cues, result.chunks, strict=True):
        assert line == chunk.text
        assert start == round(chunk.start_sample * 1000 / SR)
        assert end == round(chunk.end_sample * 1000 / SR)
    assert cues[-1][1] <= result.duration_s * 1000 + 1
    if ext == ".vtt":
        assert text.startswith("WEBVTT\n\n")
    else:
        assert text.startswith("1\n00:00:00,000 --> ")
