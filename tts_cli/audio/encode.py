"""Encoders: stream float32 blocks into WAV/FLAC (soundfile), stdout WAV, or the bundled ffmpeg.

A sink is opened on a temporary path next to the output (the assembler renames
it into place on success) and fed the final, gain-applied samples in order.
"""

from __future__ import annotations

import os
import struct
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import numpy as np

from ..errors import OutputError
from .formats import OutputFormat

OPUS_RATES_HZ = (48000, 24000, 16000, 12000, 8000)  # what libopus accepts
_RIFF_LIMIT_BYTES = 0xFFFFFFFF - 64  # plain WAV sizes are 32-bit; bigger files become RF64
_SUBTYPES = {"pcm16": "PCM_16", "pcm24": "PCM_24", "float32": "FLOAT"}


def ffmpeg_exe() -> str:
    """Path of the ffmpeg binary inside the imageio-ffmpeg wheel."""
    try:
        import imageio_ffmpeg
    except ImportError as exc:  # pragma: no cover - a declared dependency
        raise OutputError(
            "writing this format needs ffmpeg from the imageio-ffmpeg package",
            "pip install imageio-ffmpeg",
        ) from exc
    return imageio_ffmpeg.get_ffmpeg_exe()


@dataclass(frozen=True)
class Tags:
    """What goes into the file besides audio."""

    title: str | None
    author: str | None
    # (title, start sample, end sample) per chapter
    chapters: tuple[tuple[str, int, int], ...] = ()


class Sink:
    """Takes float32 mono blocks in order; ``finish`` completes the file, ``abort`` drops it."""

    def write(self, block: np.ndarray) -> None:
        raise NotImplementedError

    def finish(self) -> None:
        raise NotImplementedError

    def abort(self) -> None:
        """Stop without completing; the caller deletes the temporary file."""


def open_sink(
    target: Path | None,
    fmt: OutputFormat,
    sample_rate_hz: int,
    total_samples: int,
    sample_format: str,
    tags: Tags,
    stdout: BinaryIO | None = None,
    display_name: str | None = None,
) -> Sink:
    """A sink writing ``fmt`` to ``target`` (None: WAV to ``stdout``)."""
    if target is None:
        return WavStreamSink(stdout, sample_rate_hz, total_samples, sample_format)
    if fmt.writer == "soundfile":
        return SoundfileSink(target, fmt, sample_rate_hz, total_samples, sample_format, tags)
    return FfmpegSink(target, fmt, sample_rate_hz, tags, name=display_name or target.name)


def to_pcm_bytes(block: np.ndarray, sample_format: str) -> bytes:
    """Little-endian PCM bytes of a float block in [-1, 1] (symmetric scaling, round to nearest)."""
    if sample_format == "float32":
        return block.astype("<f4").tobytes()
    if sample_format == "pcm16":
        return np.clip(np.round(block * 32767.0), -32768, 32767).astype("<i2").tobytes()
    ints = np.clip(np.round(block.astype(np.float64) * 8388607.0), -8388608, 8388607).astype("<i4")
    return ints.view(np.uint8).reshape(-1, 4)[:, :3].tobytes()  # pcm24: low three bytes


class WavStreamSink(Sink):
    """WAV on a pipe: the length is known before the first sample, so the header is final."""

    def __init__(
        self, stream: BinaryIO | None, sample_rate_hz: int, total_samples: int, sample_format: str
    ):
        self._stream = stream
        self._format = sample_format
        width = {"pcm16": 2, "pcm24": 3, "float32": 4}[sample_format]
        tag = 3 if sample_format == "float32" else 1  # WAVE_FORMAT_IEEE_FLOAT / WAVE_FORMAT_PCM
        data_bytes = total_samples * width
        # past 4 GiB a pipe cannot be fixed up afterwards; 0xFFFFFFFF means "until the end", as ffmpeg does
        size = data_bytes if data_bytes <= _RIFF_LIMIT_BYTES else 0xFFFFFFFF
        riff = min(36 + data_bytes, 0xFFFFFFFF)
        header = b"RIFF" + struct.pack("<I", riff) + b"WAVE"
        header += b"fmt " + struct.pack(
            "<IHHIIHH", 16, tag, 1, sample_rate_hz, sample_rate_hz * width, width, 8 * width
        )
        header += b"data" + struct.pack("<I", size)
        self._write(header)

    def _write(self, data: bytes) -> None:
        try:
            self._stream.write(data)
        except BrokenPipeError:
            raise OutputError(
                "the program reading the WAV on stdout closed the pipe", "check the command after |"
            ) from None

    def write(self, block: np.ndarray) -> None:
        self._write(to_pcm_bytes(block, self._format))

    def finish(self) -> None:
        try:
            self._stream.flush()
        except BrokenPipeError:
            raise OutputError(
                "the program reading the WAV on stdout closed the pipe", "check the command after |"
            ) from None


class SoundfileSink(Sink):
    """WAV (RF64 past 4 GiB) and FLAC through libsndfile."""

    def __init__(
        self,
        target: Path,
        fmt: OutputFormat,
        sample_rate_hz: int,
        total_samples: int,
        sample_format: str,
        tags: Tags,
    ):
        import soundfile

        container = "FLAC" if fmt.name == "FLAC" else "WAV"
        width = {"pcm16": 2, "pcm24": 3, "float32": 4}[sample_format]
        if container == "WAV" and total_samples * width > _RIFF_LIMIT_BYTES:
            container = "RF64"
        try:
            self._file = soundfile.SoundFile(
                str(target),
                "w",
                samplerate=sample_rate_hz,
                channels=1,
                subtype=_SUBTYPES[sample_format],
                format=container,
            )
        except (OSError, RuntimeError) as exc:  # soundfile raises LibsndfileError (a RuntimeError)
            raise OutputError(
                f"cannot write {target.name}: {exc}", "check the folder and free space"
            ) from None
        if tags.title:
            self._file.title = tags.title
        if tags.author:
            self._file.artist = tags.author

    def write(self, block: np.ndarray) -> None:
        self._file.write(block)

    def finish(self) -> None:
        self._file.close()

    def abort(self) -> None:
        self._file.close()


def ffmetadata(tags: Tags, sample_rate_hz: int) -> str:
    """An ffmetadata document with the book's tags and chapters (sample-exact timebase)."""

    def escape(value: str) -> str:
        value = " ".join(value.split())  # one line
        for char in "\\=;#":
            value = value.replace(char, "\\" + char)
        return value

    lines = [";FFMETADATA1"]
    if tags.title:
        lines += [f"title={escape(tags.title)}", f"album={escape(tags.title)}"]
    if tags.author:
        lines += [f"artist={escape(tags.author)}", f"album_artist={escape(tags.author)}"]
    lines.append("genre=Audiobook")
    for title, start, end in tags.chapters:
        lines += [
            "[CHAPTER]",
            f"TIMEBASE=1/{sample_rate_hz}",
            f"START={start}",
            f"END={end}",
            f"title={escape(title)}",
        ]
    return "\n".join(lines) + "\n"


class FfmpegSink(Sink):
    """Pipes float32 PCM into ffmpeg; its stderr goes to a file so a full pipe cannot stall it."""

    def __init__(self, target: Path, fmt: OutputFormat, sample_rate_hz: int, tags: Tags, name: str):
        self._name = name  # the output's real name, for messages
        self._scratch = tempfile.TemporaryDirectory(prefix="ttsgen-ffmpeg-")
        meta = Path(self._scratch.name) / "metadata.txt"
        meta.write_text(ffmetadata(tags, sample_rate_hz), encoding="utf-8")
        self._stderr_path = Path(self._scratch.name) / "stderr.txt"
        args = [
            ffmpeg_exe(),
            "-hide_banner",
            "-nostdin",
            "-loglevel",
            "error",
            "-y",
            "-f",
            "f32le",
            "-ar",
            str(sample_rate_hz),
            "-ac",
            "1",
            "-i",
            "pipe:0",
            "-f",
            "ffmetadata",
            "-i",
            str(meta),
            "-map",
            "0:a",
            "-map_metadata",
            "1",
            "-map_chapters",
            "1" if fmt.chapters else "-1",
            *fmt.codec_args,
        ]
        if fmt.muxer == "opus" and sample_rate_hz not in OPUS_RATES_HZ:
            args += ["-ar", "48000"]
        args += ["-f", fmt.muxer, str(target)]
        self._stderr = self._stderr_path.open("wb")
        try:
            self._process = subprocess.Popen(
                args, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=self._stderr
            )
        except OSError as exc:
            self._close_files()
            raise OutputError(
                f"cannot start ffmpeg: {exc.strerror}", "reinstall imageio-ffmpeg"
            ) from None

    def _last_words(self) -> str:
        lines = [
            line.strip()
            for line in self._stderr_path.read_text("utf-8", "replace").splitlines()
            if line.strip()
        ]
        return lines[-1] if lines else f"exit status {self._process.returncode}"

    def _fail(self) -> OutputError:
        self._process.wait()
        message = self._last_words()
        self._close_files()
        return OutputError(
            f"ffmpeg could not write {self._name}: {message}",
            "check free disk space, or try another output format",
        )

    def write(self, block: np.ndarray) -> None:
        try:
            self._process.stdin.write(block.astype("<f4").tobytes())
        except (BrokenPipeError, OSError):
            raise self._fail() from None

    def finish(self) -> None:
        try:
            self._process.stdin.close()
        except (BrokenPipeError, OSError):
            pass
        if self._process.wait() != 0:
            raise self._fail()
        self._close_files()

    def abort(self) -> None:
        if self._process.poll() is None:
            self._process.kill()
        self._process.wait()
        self._close_files()

    def _close_files(self) -> None:
        if self._process_stdin_open():
            try:
                self._process.stdin.close()
            except OSError:
                pass
        self._stderr.close()
        self._scratch.cleanup()

    def _process_stdin_open(self) -> bool:
        process = getattr(self, "_process", None)
        return process is not None and process.stdin is not None and not process.stdin.closed


def embed_cover(path: Path, fmt: OutputFormat, cover: Path) -> None:
    """Add ``cover`` (JPEG/PNG) to a finished file with mutagen."""
    from .options import image_mime

    data = cover.read_bytes()
    mime = image_mime(data[:8]) or "image/jpeg"
    if fmt.muxer == "ipod":
        from mutagen.mp4 import MP4, MP4Cover

        audio = MP4(str(path))
        kind = MP4Cover.FORMAT_PNG if mime == "image/png" else MP4Cover.FORMAT_JPEG
        audio["covr"] = [MP4Cover(data, imageformat=kind)]
        audio.save()
    elif fmt.muxer == "mp3":
        from mutagen.id3 import APIC
        from mutagen.mp3 import MP3

        audio = MP3(str(path))
        if audio.tags is None:
            audio.add_tags()
        audio.tags.add(APIC(encoding=3, mime=mime, type=3, desc="Cover", data=data))
        audio.save()
    else:  # FLAC and Ogg carry a FLAC picture block
        import base64

        from mutagen.flac import FLAC, Picture

        picture = Picture()
        picture.type = 3  # front cover
        picture.mime = mime
        picture.data = data
        if fmt.name == "FLAC":
            audio = FLAC(str(path))
            audio.add_picture(picture)
        else:
            from mutagen.oggopus import OggOpus
            from mutagen.oggvorbis import OggVorbis

            audio = (OggOpus if fmt.muxer == "opus" else OggVorbis)(str(path))
            audio["metadata_block_picture"] = [base64.b64encode(picture.write()).decode("ascii")]
        audio.save()


def add_vorbis_chapters(
    path: Path, chapters: tuple[tuple[str, int, int], ...], sample_rate_hz: int
) -> None:
    """Ogg Vorbis chapter comments (CHAPTERnnn / CHAPTERnnnNAME); ffmpeg's Vorbis path drops them."""
    from mutagen.oggvorbis import OggVorbis

    from .subtitles import timestamp

    audio = OggVorbis(str(path))
    for number, (title, start, _end) in enumerate(chapters):
        audio[f"chapter{number:03d}"] = timestamp(start, sample_rate_hz, ".")
        audio[f"chapter{number:03d}name"] = title
    audio.save()


def remove_quietly(path: Path) -> None:
    """Delete a temporary file if it is there."""
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass
