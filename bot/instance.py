"""One bot per database, or per shard: who may run is decided by a lock the system releases
however the process ends, so a `kill -9` never leaves a stale one.

SQLite: an OS file lock beside the database file, held while the bot runs. Two bots on one token
would each open a gateway connection and every member would see double replies; the lock makes the
second one refuse with a sentence instead.

PostgreSQL: advisory locks in the shared database (`Lease`). A process holds the locks of the
gateway shards it runs; a second process started for the same shards waits as a standby and takes
over when they free. Scheduled jobs have a lease of their own, so one process runs them.
"""

from __future__ import annotations

import asyncio
import fcntl
import logging
import os
from collections.abc import Callable, Iterable
from pathlib import Path

import asyncpg

log = logging.getLogger("crossroads")


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


# --------------------------------------------------------------------------- PostgreSQL leases
#
# With PostgreSQL several processes share one database, so the database decides who runs what:
# a session-level advisory lock belongs to the connection that took it and is released by the
# server the moment that connection ends, however the process ended (kill -9, a lost machine).
# Each lease holds its locks on a connection of its own, outside the store's pool.

# Two-key advisory lock spaces (pg_try_advisory_lock(int, int)), apart from the store's own keys.
SHARD_LOCKS = 0x43520001  # (SHARD_LOCKS, shard id): the process running that gateway shard
JOB_LOCKS = 0x43520002  # (JOB_LOCKS, 0): the process running scheduled jobs
STANDBY_POLL = 0.5  # seconds between a standby's attempts to take over
WATCH_INTERVAL = 2.0  # seconds between checks that a held lease's connection is alive
LEASE_TIMEOUT = 5.0  # how long one attempt or check may take before it counts as failed
# The server frees a lease when it notices the holder's connection is gone: at once for a process
# that died (its socket closes), but for a machine that vanished only when TCP keepalive gives up,
# hours by default. These session settings make the server give up after about 5 + 3 × 2 = 11 s.
KEEPALIVE = {"tcp_keepalives_idle": "5", "tcp_keepalives_interval": "2", "tcp_keepalives_count": "3"}


# Any of these from the dedicated connection means the lease is not (or no longer) provably ours.
_CONNECTION_FAILURES = (
    TimeoutError,
    OSError,
    asyncpg.PostgresError,
    asyncpg.InterfaceError,
    asyncpg.InternalClientError,
)


class LeaseLost(Exception):
    """The connection that held a lease ended; another process may hold it now."""


class Lease:
    """Advisory locks `(space, key)` for every key, all taken or none, held on one dedicated
    PostgreSQL connection until `release()` or until that connection ends."""

    def __init__(self, url: str, space: int, keys: Iterable[int], *, name: str) -> None:
        self.url = url
        self.space = space
        self.keys = sorted(set(keys))
        self.name = name
        self._conn: asyncpg.Connection | None = None
        self._holding = False
        # Why the last attempt failed when it was not another holder: the database's fault.
        self.last_error: str | None = None

    @property
    def held(self) -> bool:
        return self._holding and self._conn is not None and not self._conn.is_closed()

    async def try_acquire(self) -> bool:
        """Take every lock now, or none; False when another session holds one of them or the
        database cannot be reached (the reason is logged at DEBUG)."""
        try:
            async with asyncio.timeout(LEASE_TIMEOUT):
                if self._conn is None or self._conn.is_closed():
                    self._conn = await asyncpg.connect(
                        self.url, server_settings={**KEEPALIVE, "application_name": f"crossroads: {self.name}"}
                    )
                got = await self._conn.fetchval(
                    "SELECT bool_and(pg_try_advisory_lock($1::int, key)) FROM unnest($2::int[]) AS key",
                    self.space,
                    self.keys,
                )
                if not got:
                    await self._conn.execute("SELECT pg_advisory_unlock_all()")
        except _CONNECTION_FAILURES as exc:
            log.debug("Could not try the %s lease: %s", self.name, exc)
            self.last_error = str(exc) or type(exc).__name__
            await self._drop()
            return False
        self.last_error = None
        self._holding = bool(got)
        return self._holding

    async def acquire(self, on_wait: Callable[[], None], poll: float = STANDBY_POLL) -> None:
        """Wait until every lock is ours; `on_wait` runs once, when the first attempt fails."""
        waited = False
        while not await self.try_acquire():
            if not waited:
                waited = True
                on_wait()
            await asyncio.sleep(poll)

    async def alive(self) -> bool:
        """Whether the connection holding the lease still answers (so the locks are still ours)."""
        if not self.held or self._conn is None:
            return False
        try:
            async with asyncio.timeout(LEASE_TIMEOUT):
                await self._conn.fetchval("SELECT 1")
        except _CONNECTION_FAILURES:
            await self._drop()
            return False
        return True

    async def watch(self, interval: float = WATCH_INTERVAL) -> None:
        """Return (raising LeaseLost) once the lease's connection has ended; runs while held."""
        while True:
            if not await self.alive():
                raise LeaseLost(self.name)
            await asyncio.sleep(interval)

    async def release(self) -> None:
        """Give the locks back by closing the connection that holds them."""
        conn, self._conn = self._conn, None
        self._holding = False
        if conn is not None and not conn.is_closed():
            try:
                async with asyncio.timeout(LEASE_TIMEOUT):
                    await conn.close()
            except _CONNECTION_FAILURES:
                conn.terminate()

    async def _drop(self) -> None:
        conn, self._conn = self._conn, None
        self._holding = False
        if conn is not None:
            conn.terminate()


def shard_lease(url: str, shard_ids: Iterable[int]) -> Lease:
    """The lease on a set of gateway shards: one lock per shard, so no two processes ever run the
    same shard, whatever else either of them runs."""
    shards = sorted(set(shard_ids))
    return Lease(url, SHARD_LOCKS, shards, name=f"shard{'s' if len(shards) > 1 else ''} {', '.join(map(str, shards))}")


def jobs_lease(url: str) -> Lease:
    """The lease on scheduled jobs: one process at a time runs them."""
    return Lease(url, JOB_LOCKS, [0], name="scheduled jobs")
