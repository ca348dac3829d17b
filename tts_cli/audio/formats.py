"""Output formats, chosen by the output file's extension."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class OutputFormat:
    """How one kind of output file is written."""

    name: str
    # "soundfile" writes PCM/FLAC directly; "ffmpeg" pipes float32 PCM into the bundled ffmpeg
    writer: str
    # ffmpeg muxer (-f) and codec arguments; unused by the soundfile writer
    muxer: str = ""
    codec_args: tuple[str, ...] = ()
    # a lossy codec can overshoot sample peaks after decoding, so it gets extra headroom
    lossy: bool = False
    # chapter markers are written (from ffmetadata) for these
    chapters: bool = False
    # a cover image is embedded (with mutagen) for these
    cover: bool = False
    # sample formats the file can hold; lossy formats ignore --sample-format
    sample_formats: tuple[str, ...] = ()


SAMPLE_FORMATS = ("pcm16", "pcm24", "float32")

_FORMATS = {
    ".wav": OutputFormat("WAV", "soundfile", sample_formats=SAMPLE_FORMATS),
    ".flac": OutputFormat("FLAC", "soundfile", cover=True, sample_formats=("pcm16", "pcm24")),
    # 64 kb/s mono is transparent for speech at 24 kHz in MP3 and AAC
    ".mp3": OutputFormat(
        "MP3", "ffmpeg", "mp3", ("-c:a", "libmp3lame", "-b:a", "64k"), True, True, True
    ),
    ".m4b": OutputFormat(
        "M4B audiobook", "ffmpeg", "ipod", ("-c:a", "aac", "-b:a", "64k"), True, True, True
    ),
    ".m4a": OutputFormat("M4A", "ffmpeg", "ipod", ("-c:a", "aac", "-b:a", "64k"), True, True, True),
    ".ogg": OutputFormat(
        "Ogg Vorbis", "ffmpeg", "ogg", ("-c:a", "libvorbis", "-q:a", "4"), True, True, True
    ),
    # 32 kb/s Opus is transparent for mono speech
    ".opus": OutputFormat(
        "Opus", "ffmpeg", "opus", ("-c:a", "libopus", "-b:a", "32k"), True, True, True
    ),
}

SUPPORTED_FORMATS: tuple[str, ...] = tuple(_FORMATS)  # extensions, with the dot


def format_for(extension: str) -> OutputFormat | None:
    """The format for an extension such as ".m4b" (any case), or None."""
    return _FORMATS.get(extension.lower())
