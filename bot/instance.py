"""One bot per database: an OS file lock beside the SQLite file, held while the bot runs.

Two bots on one token would each open a gateway connection and every member would see double
replies; the lock makes the second one refuse with a sentence instead. The operating system
releases it when the process ends, however it ends, so a `kill -9` never leaves a stale lock.
"""

from __future__ import annotations

import fcntl
import os
from pathlib import Path


class AlreadyRunning(Exception):
    """Another Crossroads process holds the lock for this database; the message says which file."""


def lock_path(database_path: Path) -> Path:
    return database_path.with_name(database_path.name + ".lock")


class InstanceLock:
    """`with InstanceLock(path):` holds the lock for the block; raises AlreadyRunning if taken."""

    def __init__(self, database_path: Path) -> None:
        self.database_path = database_path
        self.path = lock_path(database_path)
        self._fd: int | None = None

    def acquire(self) -> None:
        if str(self.database_path) == ":memory:":
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise AlreadyRunning(
                f"Another Crossroads is already running on the database {self.database_path} "
                f"(it holds {self.path}): stop it first, or set DATABASE_PATH to another file."
            ) from None
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        self._fd = fd

    def release(self) -> None:
        if self._fd is not None:
            fd, self._fd = self._fd, None
            fcntl.flock(fd, fcntl.LOCK_UN)
            os.close(fd)

    def __enter__(self) -> InstanceLock:
        self.acquire()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()
