"""Content keys: a hash of everything that determines a chunk's audio.

A chunk's key covers its speakable text, language, budget, the model's weights (by content,
not by path), the voice clip's bytes, every resolved generation setting, the engine, its
dtype and device kind, and the seed. Two chunks with equal keys sound the same, so a stored
chunk can stand in for a new synthesis; editing a sentence changes only the keys of the
chunks it touches. ``STORE_REVISION`` is part of every key: it changes when a ttsgen
release changes what a given key sounds like, so old stored chunks are never reused
against newer code.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass
from pathlib import Path

#: Bumped whenever the engines' output for the same settings changes.
STORE_REVISION = 1
_SAMPLE_BYTES = 1 << 16  # bytes hashed at each end of a weights file (content, cheaply)
SEED_BITS = 63


def file_fingerprint(path: Path) -> str:
    """Size plus a hash of the first and last 64 KiB: identifies a weights file's content
    without reading gigabytes, and survives copying or moving the folder."""
    path = Path(path)
    size = path.stat().st_size
    h = hashlib.sha256(str(size).encode())
    with open(path, "rb") as f:
        h.update(f.read(_SAMPLE_BYTES))
        if size > 2 * _SAMPLE_BYTES:
            f.seek(-_SAMPLE_BYTES, 2)
            h.update(f.read(_SAMPLE_BYTES))
    return h.hexdigest()[:32]


def folder_fingerprint(folder) -> str:
    """The weights of one family in a ``ModelFolder``, by content."""
    parts = [folder.family.name]
    for role, name in sorted(folder.family.files.items()):
        p = folder.path / name
        if p.is_file():
            parts.append(f"{role}={file_fingerprint(p)}")
    if folder.t3_config:
        parts.append(json.dumps(folder.t3_config, sort_keys=True))
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:32]


def voice_fingerprint(voice: Path | None, folder=None) -> str:
    """The reference clip by its bytes; the built-in voice by its conditionals file."""
    if voice is not None:
        return "clip:" + hashlib.sha256(Path(voice).read_bytes()).hexdigest()[:32]
    if folder is not None and folder.has("conds"):
        return "builtin:" + file_fingerprint(folder.file("conds"))
    return "builtin"


def chunk_seed(key: str, attempt: int = 0) -> int:
    """The seed of a chunk's random streams: from its key (and a retry's attempt number)."""
    digest = hashlib.sha256(f"{key}#{attempt}".encode()).digest()
    return int.from_bytes(digest[:8], "big") & ((1 << SEED_BITS) - 1)


@dataclass(frozen=True)
class ChunkKeys:
    """What every chunk of one model shares in its key; ``key(chunk)`` adds the chunk's own."""

    model: str
    """The model's fingerprint (``folder_fingerprint``)."""
    voice: str
    """The voice's fingerprint (``voice_fingerprint``)."""
    generation: str
    """The resolved generation settings as canonical JSON (family defaults filled in)."""
    engine: str
    dtype: str
    device: str
    """Device kind (``cpu``, ``cuda``): the same settings sound slightly different on each."""
    seed: int
    gate: str = ""
    """The quality gate's settings as canonical JSON (they decide which take is kept)."""

    @classmethod
    def build(
        cls, *, folder, voice, generation, engine, dtype, device, seed, gate=None
    ) -> ChunkKeys:
        settings = {k: v for k, v in asdict(generation).items() if k != "seed"}
        return cls(
            model=folder_fingerprint(folder),
            voice=voice_fingerprint(voice, folder),
            generation=json.dumps(settings, sort_keys=True),
            engine=engine,
            dtype=str(dtype).removeprefix("torch."),
            device=str(device).split(":")[0],
            seed=int(seed or 0),
            gate="" if gate is None else json.dumps(asdict(gate), sort_keys=True),
        )

    def key(self, chunk) -> str:
        """Hex key of one chunk (text, language and budget, plus everything above)."""
        fields = {
            **asdict(self),
            "revision": STORE_REVISION,
            "text": chunk.text,
            "language": chunk.language,
            "max_new_tokens": int(chunk.max_new_tokens),
        }
        blob = json.dumps(fields, sort_keys=True, ensure_ascii=False).encode()
        return hashlib.sha256(blob).hexdigest()
