"""Finished chunks, under their content keys, in a local folder or an object store.

One file (object) per chunk, ``chunks/<key[:2]>/<key>.chunk``: a magic line, a JSON header
(sample count, rate, SHA-256 of the samples, what the quality gate found) and the float32
samples. It is written through the work directory's ``storage.Folder``: locally to a temp
file in the same folder, flushed to disk and renamed over its name; on an object store in
one whole-object put. A kill at any moment leaves either the whole chunk or nothing, and
its key fixes its content, so two writers of one chunk store the same bytes. A chunk whose
checksum or size does not match is treated as missing (and re-rendered), never used.
"""

from __future__ import annotations

import errno
import hashlib
import json
import logging
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from tts_cli.errors import OutputError
from tts_cli.jobs.storage import join, open_folder

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
    """Content-addressed chunk files under ``root`` (the job's ``chunks`` folder: a path, a
    URL, or a ``storage.Folder``)."""

    def __init__(self, root):
        self.folder = open_folder(root)
        self.root = self.folder.location
        """The folder's ``Path``, or its URL."""
        self.corrupt = 0  # stored chunks found damaged (re-rendered)

    @staticmethod
    def name(key: str) -> str:
        return f"{key[:2]}/{key}.chunk"

    def path(self, key: str) -> Path | str:
        return join(self.root, self.name(key))

    def __contains__(self, key: str) -> bool:
        return self.folder.exists(self.name(key))

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
        blob = MAGIC + json.dumps(header).encode() + b"\n" + payload
        try:
            self.folder.write(self.name(key), blob, make_dirs=True)
        except OSError as exc:
            raise _storage_error(exc, self.folder) from None

    def get(self, key: str) -> StoredChunk | None:
        """The stored chunk, or None if there is none or it is damaged (counted in
        ``corrupt``, logged, and left for ``put`` to replace)."""
        name = self.name(key)
        try:
            data = self.folder.read(name)
        except FileNotFoundError:
            return None
        except OSError as exc:
            logger.warning(
                "cannot read stored chunk %s (%s); it will be made again", self.path(key), exc
            )
            self.corrupt += 1
            return None
        chunk = _parse(data)
        if chunk is None:
            logger.warning("stored chunk %s is damaged; it will be made again", f"{key}.chunk")
            self.corrupt += 1
        return chunk

    def count(self, keys: list[str]) -> int:
        """How many of ``keys`` (a plan's, with repeats) are stored: one listing on an
        object store, where a request per key would cost minutes for a long book."""
        if self.folder.is_local:
            return sum(1 for k in keys if k in self)
        names = set(self.folder.names("*/*.chunk"))
        return sum(1 for k in keys if self.name(k) in names)

    def holds_any(self) -> bool:
        """Whether any chunk is stored (damaged or not)."""
        return self.folder.exists() and next(self.folder.names("*/*.chunk"), None) is not None

    def remove_temps(self) -> int:
        """Remove temp files of writes that a kill interrupted; returns how many (an object
        store's puts leave none)."""
        if not self.folder.uses_temp_names:
            return 0
        return sum(self.folder.remove(name) for name in list(self.folder.names("*/.*.tmp")))


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


def _storage_error(exc: OSError, folder) -> OutputError:
    root = folder.location
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return OutputError(
            f"no space left to store finished chunks in {root}",
            "free some disk space (or move the job with --work-dir), then run the same "
            "command again: stored chunks are kept",
        )
    if exc.errno == errno.ENOENT and folder.is_local:
        return OutputError(
            f"the work directory {root.parent} disappeared during the run",
            "check the output folder still exists, then run the same command again",
        )
    return OutputError(
        f"cannot store a finished chunk in {root}: {exc.strerror or exc}", folder.fix
    )
