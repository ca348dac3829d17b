"""A job's work directory: its chunk store, manifest and lock, beside the output.

Layout of ``.<output name>.ttsgen/`` (or ``--work-dir``, a folder or an object-store URL)::

    job.json      manifest: format, book, output, the plan's chunk keys, progress
    lock          held by the run working on it; a second run is refused
    chunks/       the chunk store (``ChunkStore``)

Every file is read and written through the folder's ``storage.Folder``. The manifest is
rewritten atomically (locally: temp file, fsync, rename; on an object store: one put). The
lock (``locks``) is an advisory ``flock`` on a local folder, which the kernel drops when its
process dies, even by ``kill -9``, so a crashed run never blocks the next one; on an object
store it is a ``lock`` object renewed while the run holds it.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import time
from pathlib import Path

from tts_cli.errors import OptionError, OutputError
from tts_cli.jobs.locks import FileLock, ObjectLock
from tts_cli.jobs.signals import Interrupted as Stop
from tts_cli.jobs.storage import open_folder
from tts_cli.jobs.store import ChunkStore

logger = logging.getLogger(__name__)

#: Layout version of a work directory; another value is refused (``--fresh`` starts over).
WORKDIR_FORMAT = 1
MANIFEST = "job.json"
PROGRESS_EVERY_S = 5.0  # the manifest's progress is rewritten at most this often


def default_work_dir(output: str, input: str) -> Path:
    """Beside the output (``.book.m4b.ttsgen``); for ``-o -``, under the user's cache."""
    if output != "-":
        out = Path(output).expanduser()
        return out.parent / f".{out.name}.ttsgen"
    base = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "ttsgen" / "jobs"
    ident = "stdin" if input == "-" else str(Path(input).expanduser().resolve())
    return base / ("stdout-" + hashlib.sha256(ident.encode()).hexdigest()[:16])


def temp_files_of(output: Path, subtitles: Path | None = None) -> list[Path]:
    """Temp files that a killed run writing ``output`` (and its subtitles) leaves behind."""
    found: list[Path] = []
    for target in (output, subtitles):
        if target is None or not target.parent.is_dir():
            continue
        for pattern in (f".{target.name}.*.ttsgen.f32", f".{target.name}.*.part"):
            found.extend(target.parent.glob(pattern))
    return found


class WorkDir:
    """An open (locked) work directory; use as a context manager."""

    def __init__(self, path, *, book: str, output: str, fresh: bool = False):
        self.folder = open_folder(path)
        self.path = self.folder.location
        """The folder's ``Path``, or the URL of an object-store prefix (``s3://b/job``)."""
        self.book = book
        self.output = output
        self.fresh = fresh
        self.store = ChunkStore(self.folder.child("chunks"))
        local = self.folder.is_local
        self._lock = FileLock(self.path / "lock") if local else ObjectLock(self.folder)
        self._locked = False
        self._last_progress = 0.0
        self._manifest: dict = {}
        self._created = False  # this run made the folder (removed again if it stores nothing)

    def exists(self) -> bool:
        """Whether the work directory is there already (an earlier run made it)."""
        try:
            return self.folder.exists()
        except OSError as exc:
            raise self._unreachable(exc) from None

    # ---------------------------------------------------------------- open and close
    def __enter__(self) -> WorkDir:
        try:
            self._created = not self.folder.exists()
            self.folder.make()
        except OSError as exc:
            raise self._unreachable(exc) from None
        self._lock.acquire(self.output, self.path)
        self._locked = True
        try:
            self._check_manifest()
            self.store.remove_temps()
        except BaseException:
            self._unlock()
            raise
        return self

    def __exit__(self, exc_type, *exc) -> None:
        self._unlock()
        # A run that fails before it stores anything (the model will not load, say) leaves
        # no empty folder behind; a stop keeps it, since its resume line names it.
        failed = exc_type is not None and not issubclass(exc_type, (KeyboardInterrupt, Stop))
        if failed and self._created:
            try:
                if not self.store.holds_any():
                    self.folder.remove_tree()
            except OSError:  # an unreachable store: the run's own error matters more
                pass

    def _unreachable(self, exc: OSError) -> OutputError:
        if self.folder.is_local:
            return OutputError(
                f"cannot create the work directory {self.path}: {exc.strerror}",
                "give a writable folder with --work-dir",
            )
        return OutputError(
            f"cannot reach the work directory {self.path}: {exc.strerror or exc}",
            self.folder.fix,
        )

    def _unlock(self) -> None:
        if self._locked:
            self._locked = False
            self._lock.release()

    def _check_manifest(self) -> None:
        """Refuse a work directory of another layout version or of another output."""
        try:
            if self.fresh or not self.folder.exists(MANIFEST):
                return
        except OSError as exc:
            raise self._unreachable(exc) from None
        try:
            old = json.loads(self.folder.read(MANIFEST).decode("utf-8"))
        except (OSError, ValueError):
            logger.warning("the manifest in %s is unreadable; it will be rewritten", self.path)
            return
        if old.get("format") != WORKDIR_FORMAT:
            raise OptionError(
                f"the work directory {self.path} was made by another ttsgen version "
                f"(layout {old.get('format')!r}, this one reads {WORKDIR_FORMAT})",
                "add --fresh to start this book over there, or give another --work-dir",
            )
        if old.get("output") not in (None, self.output):
            raise OptionError(
                f"the work directory {self.path} belongs to another job "
                f"({old.get('book')} -> {old.get('output')})",
                "give another --work-dir, or add --fresh to reuse it for this book",
            )

    # ---------------------------------------------------------------- the manifest
    def start(self, keys: list[str], *, total_stored: int) -> None:
        """Record the plan (its chunk keys in order) before synthesis begins."""
        self._manifest = {
            "format": WORKDIR_FORMAT,
            "book": self.book,
            "output": self.output,
            "started": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
            "status": "running",
            "chunks_total": len(keys),
            "chunks_stored": total_stored,
            "keys": keys,
        }
        self._write_manifest()

    def progress(self, stored: int, *, force: bool = False) -> None:
        """Note how many of the plan's chunks are stored (at most every few seconds)."""
        now = time.monotonic()
        if not force and now - self._last_progress < PROGRESS_EVERY_S:
            return
        self._last_progress = now
        self._manifest["chunks_stored"] = stored
        self._write_manifest()

    def finish(self, status: str, stored: int) -> None:
        if not self._manifest:
            return
        self._manifest.update(status=status, chunks_stored=stored)
        self._manifest["updated"] = time.strftime("%Y-%m-%dT%H:%M:%S%z")
        try:
            self._write_manifest()
        except OutputError as err:  # the run's own outcome matters more than its record
            logger.warning("%s", err)

    def _write_manifest(self) -> None:
        data = json.dumps(self._manifest, ensure_ascii=False).encode("utf-8")
        try:
            self.folder.write(MANIFEST, data)
        except OSError as exc:
            raise OutputError(
                f"cannot write the job manifest in {self.path}: {exc.strerror or exc}",
                "check the work directory is writable and has space, then rerun"
                if self.folder.is_local
                else self.folder.fix,
            ) from None

    def remove(self) -> None:
        """Delete the whole work directory (``--clean`` after a successful run)."""
        self._unlock()
        self.folder.remove_tree()
