"""One run at a time on a work directory.

* ``FileLock`` (a local or mounted folder): an advisory ``flock`` on ``lock``. The kernel
  drops it when its process dies, even by ``kill -9``, so a crashed run never blocks the
  next one.
* ``ObjectLock`` (an object-store prefix, where there is no flock): a ``lock`` object
  naming its run (host, pid) and when it was last renewed, which a thread of that run does
  every ``HEARTBEAT_S``. It is made only where there is none (a conditional put where the
  store offers one: S3's If-None-Match); a lock not renewed for ``STALE_S`` is a dead run's
  and is taken over, so a crashed run blocks the next one for two minutes at most.

The object lock is honest about what it is: advisory, and only as good as the store's
conditional put and the hosts' clocks (``STALE_S`` leaves 90 s of skew). Two runs that both
get past it (two taking over one stale lock at the same moment) cost work, not data: each
chunk is a whole-object put under a key that fixes its content, so they store the same
bytes, and the manifest is rewritten whole by whichever writes last.
"""

from __future__ import annotations

import errno
import fcntl
import json
import logging
import os
import secrets
import socket
import threading
import time
from pathlib import Path

from tts_cli.errors import OutputError

logger = logging.getLogger(__name__)

#: How often a run renews its lock object.
HEARTBEAT_S = 30.0
#: A lock object not renewed for this long is taken to be a dead run's.
STALE_S = 120.0
_FIX = "wait for it to finish, or write to another -o"


class FileLock:
    """``flock`` on ``path`` (the pid of the holder written in it)."""

    def __init__(self, path: Path):
        self.path = path
        self._fd: int | None = None

    def acquire(self, output: str, where) -> None:
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            holder = os.pread(fd, 64, 0).decode(errors="replace").strip() or "?"
            os.close(fd)
            if exc.errno in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
                raise OutputError(
                    f"another ttsgen run (pid {holder}) is already working on "
                    f"{output} (work directory {where})",
                    _FIX,
                ) from None
            raise
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        self._fd = fd

    def release(self) -> None:
        if self._fd is not None:
            try:
                fcntl.flock(self._fd, fcntl.LOCK_UN)
            finally:
                os.close(self._fd)
                self._fd = None


class ObjectLock:
    """The ``lock`` object of a ``RemoteFolder``, renewed by a thread while held."""

    def __init__(self, folder, name: str = "lock"):
        self.folder = folder
        self.name = name
        self.token = secrets.token_hex(8)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def acquire(self, output: str, where) -> None:
        holder, age = None, None
        try:
            for _ in range(3):
                try:
                    self.folder.create(self.name, self._record())
                    break
                except FileExistsError:
                    holder = self._holder()
                    if holder is None:
                        continue  # released while we looked
                    age = _age(holder)
                    if age is not None and age < STALE_S:
                        raise self._held(holder, age, output, where) from None
                    logger.warning(
                        "taking over the lock of %s: %s stopped renewing it %s",
                        where,
                        _who(holder),
                        _ago(age),
                    )
                    self.folder.remove(self.name)
            else:  # taken again each time we removed it: another run is starting there
                raise self._held(holder, age, output, where)
        except OSError as exc:
            raise OutputError(
                f"cannot write to the work directory {where}: {exc.strerror or exc}",
                self.folder.fix,
            ) from None
        self._stop.clear()
        self._thread = threading.Thread(
            target=self._renew, name="ttsgen-lock-heartbeat", daemon=True
        )
        self._thread.start()

    @staticmethod
    def _held(holder, age, output: str, where) -> OutputError:
        return OutputError(
            f"another ttsgen run ({_who(holder)}, lock renewed {_ago(age)}) is already "
            f"working on {output} (work directory {where})",
            f"{_FIX}; a run that died leaves its lock, which the next run takes over once "
            f"it is {STALE_S:.0f} s old",
        )

    def release(self) -> None:
        if self._thread is None:
            return
        self._stop.set()
        self._thread.join(timeout=HEARTBEAT_S)
        self._thread = None
        try:
            holder = self._holder()
            if holder is not None and holder.get("token") == self.token:
                self.folder.remove(self.name)
        except OSError as exc:
            logger.warning("cannot remove the lock of %s: %s", self.folder, exc)

    def _renew(self) -> None:
        while not self._stop.wait(HEARTBEAT_S):
            try:
                holder = self._holder()
                if holder is not None and holder.get("token") != self.token:
                    logger.warning(
                        "another run (%s) took over the lock of %s", _who(holder), self.folder
                    )
                    return
                self.folder.write(self.name, self._record())
            except OSError as exc:  # a network blip: the next beat tries again
                logger.warning("cannot renew the lock of %s: %s", self.folder, exc)

    def _record(self) -> bytes:
        record = {
            "host": socket.gethostname(),
            "pid": os.getpid(),
            "token": self.token,
            "renewed": time.time(),
        }
        return json.dumps(record).encode()

    def _holder(self) -> dict | None:
        """The lock object's record; None when there is none or it is unreadable."""
        try:
            record = json.loads(self.folder.read(self.name))
        except FileNotFoundError:
            return None
        except ValueError:
            return {}
        return record if isinstance(record, dict) else {}


def _age(holder: dict) -> float | None:
    """Seconds since the lock was renewed (None: the record does not say)."""
    try:
        return time.time() - float(holder["renewed"])
    except (KeyError, TypeError, ValueError):
        return None


def _who(holder: dict | None) -> str:
    if not holder:
        return "a run"
    return f"host {holder.get('host', '?')}, pid {holder.get('pid', '?')}"


def _ago(age: float | None) -> str:
    return "at an unknown time" if age is None else f"{max(0.0, age):.0f} s ago"
