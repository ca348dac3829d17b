"""Voice conditionals cached on disk, reused across runs.

Computing conditionals for a voice file runs the S3 tokenizer, the CAMPPlus speaker
encoder and the voice encoder over the clip (seconds on a CPU). The result depends only
on the file's bytes, the model's weights and the exaggeration, so it is stored under a key
made of those three and loaded next time instead of recomputed.
"""

from __future__ import annotations

import hashlib
import logging
import os
import tempfile
from pathlib import Path

from tts_cli.engine import adapter

logger = logging.getLogger(__name__)

CACHE_FORMAT = 1  # bump when what is stored changes


def default_cache_dir() -> Path:
    """``$TTSGEN_VOICE_CACHE``, else ``$XDG_CACHE_HOME/ttsgen/voices`` (``~/.cache`` by default)."""
    explicit = os.environ.get("TTSGEN_VOICE_CACHE")
    if explicit:
        return Path(explicit).expanduser()
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base).expanduser() / "ttsgen" / "voices"


def file_digest(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def voice_key(voice: Path, model_identity: str, exaggeration: float | None) -> str:
    """Cache key: the voice file's content hash, the model's identity and the exaggeration
    (None for models without an emotion input, such as Turbo)."""
    h = hashlib.sha256()
    h.update(f"ttsgen-voice-v{CACHE_FORMAT}\0".encode())
    h.update(file_digest(voice).encode() + b"\0")
    h.update(model_identity.encode() + b"\0")
    h.update(repr(None if exaggeration is None else float(exaggeration)).encode())
    return h.hexdigest()[:40]


class VoiceCache:
    """Conditionals per (voice content, model, exaggeration) under ``root``."""

    def __init__(self, root: Path | None = None):
        self.root = Path(root) if root is not None else default_cache_dir()
        self.hits = 0
        self.misses = 0

    def path_for(self, key: str) -> Path:
        return self.root / f"{key}.pt"

    def conditionals(self, model, voice: Path | None, exaggeration: float | None):
        """Conditionals for ``voice`` (None: built-in voice, never cached); returns (conds, hit)."""
        if voice is None:
            return adapter.prepare_conditionals(model, None, exaggeration), False
        voice = Path(voice)
        adapter.check_voice_file(voice)
        key = voice_key(voice, model.identity, exaggeration)
        path = self.path_for(key)
        if path.is_file():
            conds = self._load(path, model.device)
            if conds is not None:
                self.hits += 1
                return conds, True
        conds = adapter.prepare_conditionals(model, voice, exaggeration)
        self.misses += 1
        self._save(conds, path)
        return conds, False

    def _load(self, path: Path, device: str):
        try:
            return adapter.api().Conditionals.load(path, map_location="cpu").to(device)
        except Exception as e:  # noqa: BLE001 - a damaged cache entry is recomputed, not fatal
            logger.warning("ignoring unreadable cached voice %s (%s)", path, type(e).__name__)
            return None

    def _save(self, conds, path: Path) -> None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
            os.close(fd)
            try:
                conds.save(Path(tmp))
                os.replace(tmp, path)  # atomic: a concurrent run never reads half a file
            finally:
                if os.path.exists(tmp):
                    os.unlink(tmp)
        except OSError as e:  # an unwritable cache costs speed next time, nothing else
            logger.warning("could not cache voice conditionals in %s (%s)", path.parent, e)
