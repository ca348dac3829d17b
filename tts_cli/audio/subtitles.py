"""SRT and WebVTT subtitles: a cue per chunk, timed from the assembled audio's sample offsets."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Cue:
    """One subtitle: text shown from ``start`` to ``end`` (samples of the output)."""

    start: int
    end: int
    text: str


def timestamp(samples: int, sample_rate_hz: int, separator: str) -> str:
    """HH:MM:SS<sep>mmm, rounded to the nearest millisecond."""
    ms = (samples * 1000 + sample_rate_hz // 2) // sample_rate_hz
    hours, ms = divmod(ms, 3_600_000)
    minutes, ms = divmod(ms, 60_000)
    seconds, ms = divmod(ms, 1000)
    return f"{hours:02d}:{minutes:02d}:{seconds:02d}{separator}{ms:03d}"


def render(cues: list[Cue], sample_rate_hz: int, kind: str) -> str:
    """The subtitle document: ``kind`` is "srt" or "vtt". Empty-text cues are skipped."""
    vtt = kind == "vtt"
    separator = "." if vtt else ","
    parts = ["WEBVTT\n"] if vtt else []
    number = 0
    for cue in cues:
        # "-->" would end the timing line early in VTT; blank lines would end the cue
        text = "\n".join(
            line.strip() for line in cue.text.replace("-->", "->").splitlines() if line.strip()
        )
        if not text or cue.end <= cue.start:
            continue
        number += 1
        timing = f"{timestamp(cue.start, sample_rate_hz, separator)} --> {timestamp(cue.end, sample_rate_hz, separator)}"
        parts.append(f"{timing}\n{text}\n" if vtt else f"{number}\n{timing}\n{text}\n")
    return "\n".join(parts)


def subtitle_kind(path: Path) -> str:
    return "vtt" if path.suffix.lower() == ".vtt" else "srt"
