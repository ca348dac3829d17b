"""Where a job's work directory lives: a local folder, or a prefix of an object store.

``open_folder(location)`` gives the ``Folder`` of a ``--work-dir`` value; the manifest,
the lock and the chunk store read and write through it and through nothing else:

* a path (or a ``file://`` URL): ``LocalFolder``, the one-machine code path: a file is
  written to a temp name in its folder, flushed to disk and renamed over its name; folders
  are made one level at a time (a work directory deleted mid-run is an error, never made
  again). No package beyond the standard library.
* any other fsspec URL (``s3://bucket/prefix``, ``gs://``, ``memory://``): ``RemoteFolder``
  over that filesystem. An object-store put is whole-object atomic (a reader gets the old
  object or the new one, never part of one), so a chunk is written under its name at once;
  on other remote filesystems (sftp, ...) it is written to a temp name and moved.

Credentials and endpoints come from the environment, read by the filesystem's own package
(``AWS_*`` variables, ``AWS_ENDPOINT_URL_S3`` and ``~/.aws`` for s3fs; fsspec's
``FSSPEC_<PROTOCOL>_<OPTION>`` variables); ttsgen passes none.
"""

from __future__ import annotations

import errno
import os
import re
import secrets
import shutil
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import unquote

from tts_cli.errors import OptionError

_URL = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]+)://")
#: URL protocols that name a local path (they get ``LocalFolder``, flock and all).
LOCAL_PROTOCOLS = ("file", "local")
#: Object stores (and fsspec's in-process ``memory://``): a put is whole-object atomic, and
#: there are no folders to make.
WHOLE_OBJECT_PUTS = frozenset(
    {"s3", "s3a", "gs", "gcs", "az", "abfs", "abfss", "oci", "oss", "memory"}
)
#: The ``pip install`` that brings a protocol's package (fsspec names the rest).
PACKAGES = {
    "s3": "pip install 'ttsgen[s3]'",
    "s3a": "pip install 'ttsgen[s3]'",
    "gs": "pip install gcsfs",
    "gcs": "pip install gcsfs",
    "az": "pip install adlfs",
    "abfs": "pip install adlfs",
    "abfss": "pip install adlfs",
}


def is_url(value) -> bool:
    """Whether a ``--work-dir`` value is a URL (``s3://...``) rather than a path."""
    return isinstance(value, str) and _URL.match(value) is not None


def location_of(value: str | Path) -> Path | str:
    """A ``--work-dir`` value as a local ``Path`` (``~`` expanded; ``file://`` URLs too) or
    a remote URL without its trailing ``/``."""
    if not is_url(value):
        return Path(value).expanduser()
    match = _URL.match(value)
    protocol = match.group(1).lower()
    if protocol in LOCAL_PROTOCOLS:
        return Path(unquote(value[match.end() :])).expanduser()
    return f"{protocol}://{value[match.end() :].rstrip('/')}"


def absolute_location(value: str | Path | None) -> Path | str | None:
    """The location with a local path made absolute (Ray workers have another working
    directory); a URL names the same place everywhere."""
    if value is None:
        return None
    where = location_of(value)
    return where.resolve() if isinstance(where, Path) else where


def join(where: Path | str, name: str) -> Path | str:
    """``where/name`` for a path or a URL."""
    return where / name if isinstance(where, Path) else f"{where}/{name}"


def check_location(value) -> None:
    """A URL's protocol is known, its package installed, and it names a prefix inside a
    bucket: else a one-line ``OptionError`` before anything is read or written. Nothing is
    contacted here."""
    if not is_url(value):
        return
    where = location_of(value)
    if isinstance(where, Path):
        return
    protocol, rest = where.split("://", 1)
    if protocol != "memory" and "/" not in rest.strip("/"):
        # --clean removes the work directory: never a whole bucket
        raise OptionError(
            f"--work-dir {value} names a whole bucket",
            f"give a prefix inside it for the job, such as {where}/ttsgen-jobs",
        )
    _filesystem_class(protocol, value)


def open_folder(location) -> Folder:
    """The ``Folder`` of a path, a URL or a ``Folder`` (returned as it is)."""
    if isinstance(location, (LocalFolder, RemoteFolder)):
        return location
    where = location_of(location)
    if isinstance(where, Path):
        return LocalFolder(where)
    import fsspec

    protocol = where.split("://", 1)[0]
    _filesystem_class(protocol, where)
    fs, path = fsspec.core.url_to_fs(where)  # options from the environment, none of ours
    return RemoteFolder(fs, path.rstrip("/"), where, atomic=protocol in WHOLE_OBJECT_PUTS)


def _filesystem_class(protocol: str, url: str):
    try:
        import fsspec
    except ImportError:
        raise OptionError(
            f"--work-dir {url} needs the fsspec package", "pip install fsspec"
        ) from None
    try:
        return fsspec.get_filesystem_class(protocol)
    except ValueError:
        raise OptionError(
            f"--work-dir {url}: no filesystem is known for {protocol}://",
            "give a folder, or a URL such as s3://bucket/prefix, gs://bucket/prefix or "
            "memory://name",
        ) from None
    except ImportError as exc:
        hint = PACKAGES.get(protocol) or str(exc) or f"install the fsspec package for {protocol}"
        raise OptionError(
            f"--work-dir {url} needs the package for {protocol}:// (not installed)", hint
        ) from None


class LocalFolder:
    """A folder on a local (or mounted shared) filesystem."""

    is_local = True
    uses_temp_names = True
    fix = "check the work directory is writable (or move it with --work-dir)"

    def __init__(self, path: Path):
        self.location = Path(path)
        """The folder's ``Path`` (what summaries and messages name)."""

    def __str__(self) -> str:
        return str(self.location)

    def child(self, name: str) -> LocalFolder:
        return LocalFolder(self.location / name)

    def exists(self, name: str = "") -> bool:
        """The folder itself (``name`` empty), or the file ``name`` in it."""
        return (self.location / name).is_file() if name else self.location.exists()

    def make(self) -> None:
        self.location.mkdir(parents=True, exist_ok=True)

    def read(self, name: str) -> bytes:
        return (self.location / name).read_bytes()

    def write(self, name: str, data: bytes, *, make_dirs: bool = False) -> None:
        """``name`` (``ab/key.chunk``) written atomically: a temp file in its folder,
        flushed to disk, renamed over it. ``make_dirs``: this folder and the ones in
        ``name``, each level alone (never ``parents=True``: a work directory deleted mid-run
        stays deleted, and the write fails with ENOENT)."""
        final = self.location / name
        if make_dirs:
            self.location.mkdir(exist_ok=True)
            for parent in reversed(final.relative_to(self.location).parents[:-1]):
                (self.location / parent).mkdir(exist_ok=True)
        temp = final.with_name(f".{final.name}.{secrets.token_hex(4)}.tmp")
        try:
            with open(temp, "wb") as f:
                f.write(data)
                f.flush()
                os.fsync(f.fileno())
            os.replace(temp, final)
        except BaseException:
            _unlink(temp)  # a full disk or a signal mid-write: no half file, no temp file
            raise

    def names(self, pattern: str) -> Iterator[str]:
        """Names (relative to this folder) that match the glob ``pattern``."""
        if not self.location.is_dir():
            return iter(())
        return (str(p.relative_to(self.location)) for p in self.location.glob(pattern))

    def remove(self, name: str) -> bool:
        return _unlink(self.location / name)

    def remove_tree(self) -> None:
        shutil.rmtree(self.location, ignore_errors=True)


class RemoteFolder:
    """A prefix of an fsspec filesystem (an object store, ``memory://``, ...). Every error
    of the filesystem's package comes out as an ``OSError`` (``FileNotFoundError`` for a
    missing object), as from a local folder."""

    is_local = False

    def __init__(self, fs, path: str, url: str, *, atomic: bool):
        self.fs = fs
        self.path = path
        """The prefix as the filesystem names it (``bucket/prefix``)."""
        self.location = url
        """The URL (what summaries and messages name)."""
        self.atomic = atomic
        self.uses_temp_names = not atomic
        protocol, rest = url.split("://", 1)
        self.fix = (
            f"check that {protocol}://{rest.split('/', 1)[0]} exists and that the "
            "credentials in the environment can write to it"
        )

    def __str__(self) -> str:
        return self.location

    def child(self, name: str) -> RemoteFolder:
        return RemoteFolder(
            self.fs, f"{self.path}/{name}", f"{self.location}/{name}", atomic=self.atomic
        )

    def _full(self, name: str) -> str:
        return f"{self.path}/{name}" if name else self.path

    def exists(self, name: str = "") -> bool:
        full = self._full(name)
        # a listing cached earlier is stale once another process (a Ray worker) has written
        _call(self.fs.invalidate_cache, full)
        return bool(_call(self.fs.isfile if name else self.fs.exists, full))

    def make(self) -> None:
        if not self.atomic:  # object stores have no folders (s3fs would make a bucket)
            _call(self.fs.makedirs, self.path, exist_ok=True)

    def read(self, name: str) -> bytes:
        return _call(self.fs.cat_file, self._full(name))

    def write(self, name: str, data: bytes, *, make_dirs: bool = False) -> None:
        """One whole-object put; elsewhere a temp name moved over ``name``."""
        full = self._full(name)
        if self.atomic:
            _call(self.fs.pipe_file, full, data)
            return
        if make_dirs:
            _call(self.fs.makedirs, full.rsplit("/", 1)[0], exist_ok=True)
        head, _, tail = full.rpartition("/")
        temp = f"{head}/.{tail}.{secrets.token_hex(4)}.tmp"
        try:
            _call(self.fs.pipe_file, temp, data)
            _call(self.fs.mv, temp, full)
        except BaseException:
            try:
                _call(self.fs.rm_file, temp)
            except OSError:
                pass
            raise

    def create(self, name: str, data: bytes) -> None:
        """Put ``name`` only if there is no such object (``FileExistsError`` if there is):
        a conditional put where the store offers one (S3's If-None-Match), else a check
        and a put."""
        _call(self.fs.pipe_file, self._full(name), data, mode="create")

    def names(self, pattern: str) -> Iterator[str]:
        _call(self.fs.invalidate_cache, self.path)
        found = _call(self.fs.glob, f"{self.path}/{pattern}")
        start = len(self.path) + 1
        return (str(p)[start:] for p in found)

    def remove(self, name: str) -> bool:
        try:
            _call(self.fs.rm_file, self._full(name))
        except OSError:
            return False
        return True

    def remove_tree(self) -> None:
        try:
            _call(self.fs.rm, self.path, recursive=True)
        except FileNotFoundError:
            pass


Folder = LocalFolder | RemoteFolder


def _call(fn, *args, **kwargs):
    """``fn`` of an fsspec filesystem; its package's own errors (botocore's, say) become an
    ``OSError`` with their message, so that callers handle one kind of storage error."""
    try:
        return fn(*args, **kwargs)
    except OSError:
        raise
    except Exception as exc:  # a foreign package's errors: no common base but Exception
        text = str(exc).strip().splitlines()
        raise OSError(errno.EIO, f"{type(exc).__name__}: {text[0] if text else ''}") from exc


def _unlink(path: Path) -> bool:
    try:
        os.unlink(path)
        return True
    except OSError:
        return False
