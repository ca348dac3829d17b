"""Finished chunks on disk, under their content keys.

One file per chunk, ``chunks/<key[:2]>/<key>.chunk``: a magic line, a JSON header (sample
count, rate, SHA-256 of the samples, what the quality gate found) and the float32 samples.
A chunk is written to a temp file in the same folder, flushed to disk and renamed over its
name, so a kill at any moment leaves either the whole chunk or nothing. A chunk whose
checksum or size does not match is treated as missing (and re-rendered), never used.
"""

from __future__ import annotations

import errno
import hashlib
import json
import logging
import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from tts_cli.errors import OutputError

logger = logging.getLogger(__name__)

MAGIC = b"TTSGEN-CHUNK 1\n"
_HEADER_MAX = 1 << 16


@dataclass
class StoredChunk:
    """A chunk's audio and what is known about it."""

    audio: np.ndarray = field(repr=False)
    """float32 mono samples."""
    sample_rate_hz: int
    tokens: int = 0
    stopped: bool | None = None
    reasons: tuple[str, ...] = ()
    """Why the quality gate found the kept take suspect (empty: it passed)."""
    action: str | None = None
    """What the gate did about a suspect chunk (``retried``, ``split``, ``kept_best``...)."""
    first_reasons: tuple[str, ...] = ()
    """Why its first take was suspect (empty: the first take passed)."""


class ChunkStore:
    """Content-addressed chunk files under ``root`` (the job's ``chunks`` folder)."""

    def __init__(self, root: Path):
        self.root = Path(root)
        self.corrupt = 0  # stored chunks found damaged (re-rendered)

    def path(self, key: str) -> Path:
        return self.root / key[:2] / f"{key}.chunk"

    def __contains__(self, key: str) -> bool:
        return self.path(key).is_file()

    def put(self, key: str, chunk: StoredChunk) -> None:
        """Store ``chunk`` under ``key`` atomically; a full disk is a one-line ``OutputError``."""
        audio = np.ascontiguousarray(chunk.audio, dtype="<f4")
        payload = audio.tobytes()
        header = {
            "samples": int(audio.size),
            "sample_rate_hz": int(chunk.sample_rate_hz),
            "sha256": hashlib.sha256(payload).hexdigest(),
            "tokens": int(chunk.tokens),
            "stopped": chunk.stopped,
            "reasons": list(chunk.reasons),
            "action": chunk.action,
            "first_reasons": list(chunk.first_reasons),
        }
        blob = json.dumps(header).encode() + b"\n"
        final = self.path(key)
        temp = final.with_name(f".{final.name}.{secrets.token_hex(4)}.tmp")
        try:
            # never parents=True: a work directory deleted mid-run is an error, not recreated
            self.root.mkdir(exist_ok=True)
            final.parent.mkdir(exist_ok=True)
            with open(temp, "wb") as f:
                f.write(MAGIC)
                f.write(blob)
                f.write(payload)
                f.flush()
                os.fsync(f.fileno())
            os.replace(temp, final)
        except OSError as exc:
            _remove(temp)
            raise _storage_error(exc, self.root) from None
        except BaseException:
            _remove(temp)  # a signal mid-write: no half chunk, no stray temp file
            raise

    def get(self, key: str) -> StoredChunk | None:
        """The stored chunk, or None if there is none or it is damaged (counted in
        ``corrupt``, logged, and left for ``put`` to replace)."""
        path = self.path(key)
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            return None
        except OSError as exc:
            logger.warning("cannot read stored chunk %s (%s); it will be made again", path, exc)
            self.corrupt += 1
            return None
        chunk = _parse(data)
        if chunk is None:
            logger.warning("stored chunk %s is damaged; it will be made again", path.name)
            self.corrupt += 1
        return chunk

    def holds_any(self) -> bool:
        """Whether any chunk is stored (damaged or not)."""
        return self.root.is_dir() and next(self.root.glob("*/*.chunk"), None) is not None

    def remove_temps(self) -> int:
        """Remove temp files of writes that a kill interrupted; returns how many."""
        n = 0
        if self.root.is_dir():
            for p in self.root.glob("*/.*.tmp"):
                n += _remove(p)
        return n


def _parse(data: bytes) -> StoredChunk | None:
    if not data.startswith(MAGIC):
        return None
    end = data.find(b"\n", len(MAGIC), len(MAGIC) + _HEADER_MAX)
    if end < 0:
        return None
    try:
        header = json.loads(data[len(MAGIC) : end])
        payload = data[end + 1 :]
        if len(payload) != 4 * int(header["samples"]):
            return None
        if hashlib.sha256(payload).hexdigest() != header["sha256"]:
            return None
        return StoredChunk(
            audio=np.frombuffer(payload, dtype="<f4").astype(np.float32),
            sample_rate_hz=int(header["sample_rate_hz"]),
            tokens=int(header.get("tokens", 0)),
            stopped=header.get("stopped"),
            reasons=tuple(header.get("reasons", ())),
            action=header.get("action"),
            first_reasons=tuple(header.get("first_reasons", ())),
        )
    except (ValueError, KeyError, TypeError):
        return None


def _remove(path: Path) -> int:
    try:
        os.unlink(path)
        return 1
    except OSError:
        return 0


def _storage_error(exc: OSError, root: Path) -> OutputError:
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return OutputError(
            f"no space left to store finished chunks in {root}",
            "free some disk space (or move the job with --work-dir), then run the same "
            "command again: stored chunks are kept",
        )
    if exc.errno == errno.ENOENT:
        return OutputError(
            f"the work directory {root.parent} disappeared during the run",
            "check the output folder still exists, then run the same command again",
        )
    return OutputError(
        f"cannot store a finished chunk in {root}: {exc.strerror or exc}",
        "check the work directory is writable (or move it with --work-dir)",
    )
