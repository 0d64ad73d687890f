"""One bot per database: `python -m bot run` holds an exclusive lock beside it.

The lock is ``<database stem>.lock`` (``speakback.lock`` for the default
``speakback.db``), taken with `flock`, so it is released by the kernel however the
process ends, kill -9 included, and a stale file never blocks a start.
`python -m bot restore` takes the same lock, so it refuses while the bot runs.
"""

from __future__ import annotations

import fcntl
import os
from pathlib import Path


class LockHeld(Exception):
    """Another process holds the lock."""


def lock_path(database_path: Path) -> Path:
    return database_path.with_name(database_path.stem + ".lock")


class InstanceLock:
    def __init__(self, database_path: Path) -> None:
        self.path = lock_path(database_path)
        self._fd: int | None = None

    def acquire(self) -> InstanceLock:
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise LockHeld(str(self.path)) from None
        self._fd = fd
        return self

    def release(self) -> None:
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None

    def __enter__(self) -> InstanceLock:
        return self.acquire()

    def __exit__(self, *_: object) -> None:
        self.release()
