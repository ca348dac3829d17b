"""Assembly options and the up-front checks the CLI runs before any model loads."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path

from ..errors import OptionError, OutputError
from .formats import SAMPLE_FORMATS, SUPPORTED_FORMATS, format_for

PAUSE_KINDS = ("chunk", "paragraph", "chapter", "end")
SUBTITLE_EXTENSIONS = (".srt", ".vtt")
MAX_PAUSE_MS = 60_000  # a minute of silence is surely a typo
MAX_CROSSFADE_MS = 500
# ACX asks for RMS between -23 and -18 dB and peaks at most -3 dBFS; -20 LUFS sits in
# the middle of that window for speech and leaves room for a limiter to hold -3 dBFS.
DEFAULT_LOUDNESS_LUFS = -20.0
DEFAULT_PEAK_DBFS = -3.0


@dataclass(frozen=True)
class AssemblyOptions:
    """How chunks are joined, levelled and written."""

    # equal-power crossfade at each join, and the fade to/from silence around pauses (ms);
    # 10-50 ms hides the seam without smearing consonants
    crossfade_ms: float = 20.0
    # silence between chunks of one paragraph (sentence rhythm of a narrator), ms
    pause_chunk_ms: float = 300.0
    # silence between paragraphs, ms
    pause_paragraph_ms: float = 800.0
    # silence between chapters, ms (ACX wants 0.5-1 s of room tone around a chapter title)
    pause_chapter_ms: float = 2000.0
    # integrated loudness target (BS.1770, LUFS); None keeps the level as synthesised (--no-normalize)
    loudness_lufs: float | None = DEFAULT_LOUDNESS_LUFS
    # sample peak ceiling (dBFS), held by a limiter; also applies with loudness_lufs=None
    peak_dbfs: float = DEFAULT_PEAK_DBFS
    # WAV/FLAC sample format: "pcm16" (CD-style, default), "pcm24" or "float32" (WAV only)
    sample_format: str = "pcm16"
    # cut each chunk's leading and trailing silence before joining
    trim: bool = True
    # book title and author written into the file's tags (None: no tag)
    title: str | None = None
    author: str | None = None
    # JPEG or PNG cover embedded in m4b/m4a/mp3/flac/ogg/opus
    cover: Path | None = None
    # write subtitles here too: .srt or .vtt, a cue per chunk
    subtitles: Path | None = None

    def validate(self) -> None:
        """Raise OptionError/OutputError for any value that cannot work; cheap, touches no model."""
        if not 0 <= self.crossfade_ms <= MAX_CROSSFADE_MS:
            raise OptionError(
                f"crossfade of {self.crossfade_ms:g} ms is out of range",
                f"give --crossfade-ms between 0 and {MAX_CROSSFADE_MS} (10-50 is usual)",
            )
        for flag, value in (
            ("--pause-chunk-ms", self.pause_chunk_ms),
            ("--pause-paragraph-ms", self.pause_paragraph_ms),
            ("--pause-chapter-ms", self.pause_chapter_ms),
        ):
            if not 0 <= value <= MAX_PAUSE_MS:
                raise OptionError(
                    f"{flag} {value:g} is out of range", f"give {flag} between 0 and {MAX_PAUSE_MS}"
                )
        if self.loudness_lufs is not None and not -40.0 <= self.loudness_lufs <= -5.0:
            raise OptionError(
                f"loudness target {self.loudness_lufs:g} LUFS is out of range",
                "give --loudness between -40 and -5 (ACX audiobooks: -20), or --no-normalize",
            )
        if not -30.0 <= self.peak_dbfs <= 0.0:
            raise OptionError(
                f"peak limit {self.peak_dbfs:g} dBFS is out of range",
                "give a peak limit between -30 and 0 dBFS",
            )
        if self.sample_format not in SAMPLE_FORMATS:
            raise OptionError(
                f"unknown sample format {self.sample_format!r}",
                f"give --sample-format {', '.join(SAMPLE_FORMATS)}",
            )
        if self.cover is not None:
            check_cover(Path(self.cover))
        if self.subtitles is not None:
            subtitles = Path(self.subtitles)
            if subtitles.suffix.lower() not in SUBTITLE_EXTENSIONS:
                raise OptionError(
                    f"subtitles file must end in .srt or .vtt: {subtitles}",
                    "name it like book.srt or book.vtt",
                )
            check_writable_dir(subtitles, "subtitles")


def check_cover(cover: Path) -> None:
    """The cover must be a readable JPEG or PNG file."""
    if not cover.is_file():
        raise OptionError(
            f"cover image not found: {cover}", "give --cover an existing JPEG or PNG file"
        )
    try:
        with cover.open("rb") as handle:
            magic = handle.read(8)
    except OSError as exc:
        raise OptionError(
            f"cannot read cover image {cover}: {exc.strerror}", "check its permissions"
        ) from None
    if image_mime(magic) is None:
        raise OptionError(
            f"cover is not a JPEG or PNG image: {cover}", "give --cover a .jpg or .png file"
        )


def image_mime(magic: bytes) -> str | None:
    """MIME type of a JPEG or PNG from its first bytes."""
    if magic.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if magic.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    return None


def check_writable_dir(path: Path, what: str) -> None:
    """The folder that will hold ``path`` exists and is writable, and ``path`` is not a folder."""
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise OutputError(
            f"{what} folder does not exist: {folder}",
            f"create it (mkdir -p {folder}) or choose another path",
        )
    if not os.access(folder, os.W_OK | os.X_OK):
        raise OutputError(
            f"{what} folder is not writable: {folder}", "choose a folder you can write to"
        )
    if path.is_dir():
        raise OutputError(f"{what} path is a folder: {path}", "give a file name, such as book.m4b")


def check_output(output: Path | str, options: AssemblyOptions) -> None:
    """Check the output path and options together; the CLI calls this before loading a model.

    ``output`` "-" means WAV on stdout.
    """
    options.validate()
    if str(output) == "-":
        if sys.stdout.isatty():
            raise OutputError(
                "refusing to write WAV audio to a terminal",
                "pipe it (| aplay) or redirect it (> book.wav)",
            )
        return
    path = Path(output)
    if path.is_dir():
        raise OutputError(
            f"output is a folder: {path}",
            f"give a file name like {path / 'book.m4b'}, or several inputs",
        )
    fmt = format_for(path.suffix)
    if fmt is None:
        shown = path.suffix or "no extension"
        raise OutputError(
            f"unsupported output format ({shown}): {path}",
            f"end the output name in one of {', '.join(SUPPORTED_FORMATS)}",
        )
    if fmt.sample_formats and options.sample_format not in fmt.sample_formats:
        raise OptionError(
            f"{fmt.name} cannot store {options.sample_format} samples",
            f"give --sample-format {' or '.join(fmt.sample_formats)}, or write .wav",
        )
    check_writable_dir(path, "output")
    if options.subtitles is not None and Path(options.subtitles).resolve() == path.resolve():
        raise OptionError(
            "subtitles and audio would be the same file", "give --subtitles its own .srt/.vtt name"
        )
