"""The SQLite store: aiosqlite connections, WAL, numbered migrations tracked by user_version.

Only aiosqlite's public API is used. Work written as a plain function of a `sqlite3.Connection`
(:meth:`Store.read`, and :meth:`Store.run` without the group-commit writer) runs on the store's own
database thread against the sqlite3 connection the store opened for aiosqlite.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import os
import re
import sqlite3
import time
from collections.abc import AsyncIterator, Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager, suppress
from importlib import resources
from pathlib import Path
from typing import Any, Literal, TypeVar

import aiosqlite

from bot import deadline as deadlines
from bot.deadline import Deadline
from bot.storage.writer import GroupWriter

log = logging.getLogger(__name__)

SynchronousLevel = Literal["normal", "full"]
FaultKind = Literal["busy", "damaged", "full", "unavailable"]
T = TypeVar("T")
# How long work without a deadline (background writes, the CLI) waits for another program's
# lock. Work done for an interaction waits only as long as its deadline allows.
BUSY_TIMEOUT_MS = 2000
# A fault that repeats (a full disk, a lock held for minutes) is logged at most this often.
FAULT_LOG_INTERVAL = 60.0

# SQLite's primary result codes for the faults a member is told about.
_BUSY_CODES = {5, 6}  # SQLITE_BUSY, SQLITE_LOCKED
_DAMAGED_CODES = {11, 26}  # SQLITE_CORRUPT, SQLITE_NOTADB
_FULL_CODES = {13}  # SQLITE_FULL


class StoreError(Exception):
    """A database problem described in one sentence a server admin can act on.

    `kind` says what a member is told: "busy" (locked by another program or too late to start),
    "damaged" (corrupt file), "full" (no disk space), "unavailable" (anything else at start-up).
    In every case the operation changed nothing.
    """

    def __init__(self, message: str, kind: FaultKind = "unavailable") -> None:
        super().__init__(message)
        self.kind: FaultKind = kind


def fault_kind(exc: BaseException) -> FaultKind | None:
    """Which member-facing fault a sqlite3 error is, or None for errors that are bugs."""
    if not isinstance(exc, sqlite3.Error):
        return None
    code = getattr(exc, "sqlite_errorcode", None)
    if isinstance(code, int):
        primary = code & 0xFF
        if primary in _BUSY_CODES:
            return "busy"
        if primary in _DAMAGED_CODES:
            return "damaged"
        if primary in _FULL_CODES:
            return "full"
    text = str(exc).lower()
    if "locked" in text or "busy" in text:
        return "busy"
    if "malformed" in text or "not a database" in text:
        return "damaged"
    if "disk is full" in text or "database or disk is full" in text:
        return "full"
    return None


_SURROGATE = re.compile("[\ud800-\udfff]")


def clean_text(text: str) -> str:
    """Text safe to store: lone surrogates (which cannot be encoded as UTF-8) become U+FFFD."""
    return _SURROGATE.sub("\ufffd", text)


def _migrations() -> list[tuple[int, str, str]]:
    """Return (number, name, sql) for every bundled migration, in order."""
    found: list[tuple[int, str, str]] = []
    folder = resources.files("bot.storage") / "migrations"
    for item in folder.iterdir():
        name = item.name
        if not name.endswith(".sql"):
            continue
        number = int(name.split("_", 1)[0])
        found.append((number, name, item.read_text(encoding="utf-8")))
    found.sort()
    numbers = [n for n, _, _ in found]
    # A database records only its highest number, so a gap would leave a later-added migration unapplied.
    if numbers != list(range(1, len(numbers) + 1)):
        raise RuntimeError(f"migrations must be numbered 1, 2, 3, … without gaps, found {numbers}")
    return found


def schema_version() -> int:
    """The schema version this build of Crossroads writes: its highest migration number."""
    return max((number for number, _, _ in _migrations()), default=0)


def _split_statements(sql: str) -> list[str]:
    """Split a migration into complete statements (sqlite3.complete_statement knows about quotes)."""
    statements: list[str] = []
    buffer = ""
    for line in sql.splitlines(keepends=True):
        buffer += line
        if sqlite3.complete_statement(buffer):
            if buffer.strip():
                statements.append(buffer.strip())
            buffer = ""
    if buffer.strip() and not all(part.strip().startswith("--") or not part.strip() for part in buffer.splitlines()):
        raise RuntimeError("a migration ends with an incomplete statement")
    return statements


class _Opened:
    """Opens a database for aiosqlite and keeps the sqlite3 connection it made, so the store can
    run plain functions against it, one at a time, on a thread of its own."""

    def __init__(self, database: str) -> None:
        self.database = database
        self.raw: sqlite3.Connection | None = None
        self.pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="crossroads-db")

    def __call__(self) -> sqlite3.Connection:
        self.raw = sqlite3.connect(self.database, isolation_level=None, check_same_thread=False)
        return self.raw

    async def call(self, fn: Callable[..., T], *args: Any) -> T:
        """Run `fn(connection, *args)` on this connection's thread."""
        raw = self.raw
        if raw is None:
            raise StoreError("The database is not open.")
        return await asyncio.get_running_loop().run_in_executor(self.pool, functools.partial(fn, raw, *args))

    async def close(self) -> None:
        await asyncio.to_thread(self.pool.shutdown)
        self.raw = None


async def _connect(database: str) -> tuple[aiosqlite.Connection, _Opened]:
    opened = _Opened(database)
    conn = await aiosqlite.Connection(opened, 64)
    return conn, opened


class Store:
    """Owns the database connections. Query modules in bot/storage take a Store as their first argument.

    Every write goes through :meth:`transaction` or :meth:`run`, which serialise writers on one
    connection and commit before returning, so an answer the bot acknowledges is already in the
    database. Reads use a second connection (WAL readers never wait for a writer), so a write
    stuck behind another program's lock does not hold up /ask or a confirmation.

    Work running under a deadline (:mod:`bot.deadline`, bound for each interaction) waits for
    locks only as long as the deadline allows and is rolled back, never committed, when the
    deadline passes first; the caller gets a StoreError of kind "busy".
    """

    def __init__(
        self,
        path: Path | str,
        *,
        synchronous: SynchronousLevel = "full",
        clock: Callable[[], float] = time.time,
        group_commit: bool = True,
    ) -> None:
        self.path = Path(path)
        self.synchronous = synchronous
        self.group_commit = group_commit
        self.clock = clock
        self._main: aiosqlite.Connection | None = None
        self._reader: aiosqlite.Connection | None = None
        # The sqlite3 connections behind them, for plain functions (reads, writes without the group writer).
        self._main_raw: _Opened | None = None
        self._reader_raw: _Opened | None = None
        self._writer: GroupWriter | None = None
        self._write_lock = asyncio.Lock()
        self._fault_logged: dict[FaultKind, float] = {}
        self._busy_ms = BUSY_TIMEOUT_MS

    @property
    def conn(self) -> aiosqlite.Connection:
        if self._main is None:
            raise StoreError("The database is not open.")
        return self._main

    @property
    def reader(self) -> aiosqlite.Connection:
        if self._reader is None:
            return self.conn
        return self._reader

    @property
    def writer(self) -> GroupWriter | None:
        """The group-commit writer behind :meth:`run` (None for an in-memory database)."""
        return self._writer

    @property
    def is_open(self) -> bool:
        return self._main is not None

    @property
    def in_memory(self) -> bool:
        return str(self.path) == ":memory:"

    def now(self) -> float:
        return self.clock()

    async def open(self) -> None:
        """Open (creating if needed) the database, check it, and bring its schema up to date."""
        if self._main is not None:
            return
        if not self.in_memory:
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise StoreError(
                    f"Cannot create the folder for the database at {self.path.parent}: "
                    f"{exc.strerror or exc}. Set DATABASE_PATH to a writable location."
                ) from exc
            self._check_permissions()
        try:
            conn, main_raw = await _connect(str(self.path))
        except sqlite3.Error as exc:
            raise StoreError(self._describe(exc)) from exc
        reader: aiosqlite.Connection | None = None
        reader_raw: _Opened | None = None
        try:
            conn.row_factory = aiosqlite.Row
            await conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            self._busy_ms = BUSY_TIMEOUT_MS
            await self._check_integrity(conn)
            await self._check_writable(conn)
            await conn.execute("PRAGMA foreign_keys = ON")
            mode_row = await (await conn.execute("PRAGMA journal_mode = WAL")).fetchone()
            if mode_row is None or (str(mode_row[0]).lower() != "wal" and not self.in_memory):
                log.warning("SQLite refused WAL mode; continuing with %s", mode_row[0] if mode_row else "?")
            await conn.execute(f"PRAGMA synchronous = {self.synchronous.upper()}")
            await self._migrate(conn)
            if not self.in_memory:
                reader, reader_raw = await _connect(str(self.path))
                reader.row_factory = aiosqlite.Row
                for pragma in (f"busy_timeout = {BUSY_TIMEOUT_MS}", "foreign_keys = ON", "query_only = ON"):
                    await reader.execute(f"PRAGMA {pragma}")
                await reader.execute(f"PRAGMA synchronous = {self.synchronous.upper()}")
            if not self.in_memory and self.group_commit:
                # Store.run's writes go through the group-commit writer (its own connection and thread).
                writer = GroupWriter(self.path, synchronous=self.synchronous, busy_timeout_ms=BUSY_TIMEOUT_MS)
                await writer.start()
                self._writer = writer
        except BaseException as exc:
            await conn.close()
            if reader is not None:
                await reader.close()
            if isinstance(exc, sqlite3.Error):
                raise StoreError(self._describe(exc)) from exc
            raise
        self._main = conn
        self._reader = reader
        self._main_raw = main_raw
        self._reader_raw = reader_raw

    def _check_permissions(self) -> None:
        """Refuse a file (or folder) this user cannot write before SQLite quietly opens it read-only."""
        if self.path.exists() and not os.access(self.path, os.R_OK | os.W_OK):
            raise StoreError(
                f"The database file {self.path} is not writable by this user: Crossroads needs read "
                "and write permission on it. Fix its permissions, or set DATABASE_PATH to a writable file."
            )
        if not os.access(self.path.parent, os.W_OK | os.X_OK):
            raise StoreError(
                f"The folder {self.path.parent} holding the database is not writable by this user: "
                "SQLite needs write permission there for its -wal and -shm files. Fix its permissions, "
                "or set DATABASE_PATH to a writable location."
            )

    async def _check_integrity(self, conn: aiosqlite.Connection) -> None:
        """A file with a valid header but damaged pages would otherwise be served as if empty."""
        try:
            rows = await (await conn.execute("PRAGMA quick_check")).fetchall()
            found = [str(row[0]) for row in rows]
        except sqlite3.DatabaseError as exc:
            if fault_kind(exc) != "damaged":
                raise
            found = [str(exc)]
        if found != ["ok"]:
            log.error("PRAGMA quick_check on %s: %s", self.path, "; ".join(found[:5]))
            raise StoreError(
                f"The database file {self.path} is damaged (SQLite's integrity check failed): restore "
                "it from a backup, or move it aside to start with an empty one.",
                "damaged",
            )

    async def _check_writable(self, conn: aiosqlite.Connection) -> None:
        """SQLite opens a file it cannot write read-only without saying so; every write would fail later."""
        try:
            await conn.execute("BEGIN IMMEDIATE")
            await conn.execute("ROLLBACK")
        except sqlite3.OperationalError as exc:
            if fault_kind(exc) == "busy":
                # Another program is writing right now, so the file is writable.
                return
            if "readonly" in str(exc).lower() or "read-only" in str(exc).lower():
                raise StoreError(
                    f"The database file {self.path} is read-only for this user: Crossroads needs write "
                    "permission on it and on its folder. Fix the permissions, or set DATABASE_PATH to a "
                    "writable file."
                ) from exc
            raise

    def _describe(self, exc: sqlite3.Error) -> str:
        text = str(exc).lower()
        if "not a database" in text or "malformed" in text or "file is encrypted" in text:
            return (
                f"The database file {self.path} is corrupt or is not a Crossroads database. "
                "Restore it from a backup, or move it aside to start with an empty one."
            )
        if "readonly" in text or "unable to open" in text or "read-only" in text:
            return (
                f"The database file {self.path} cannot be opened for writing. "
                "Check the file and folder permissions, or set DATABASE_PATH to a writable location."
            )
        if "locked" in text or "busy" in text:
            return (
                f"The database file {self.path} is locked by another program. "
                "Stop the other Crossroads process or tool holding it, then try again."
            )
        if "disk is full" in text:
            return f"The disk holding the database file {self.path} is full. Free some space, then try again."
        return f"The database file {self.path} could not be used: {exc}."

    async def _migrate(self, conn: aiosqlite.Connection) -> None:
        row = await (await conn.execute("PRAGMA user_version")).fetchone()
        current = int(row[0]) if row else 0
        migrations = _migrations()
        latest = schema_version()
        if current > latest:
            raise StoreError(
                f"The database {self.path} was written by a newer version of Crossroads "
                f"(schema {current}, this version knows {latest}). Upgrade Crossroads, "
                "or point DATABASE_PATH at another file."
            )
        for number, name, sql in migrations:
            if number <= current:
                continue
            log.info("Applying database migration %s", name)
            await conn.execute("BEGIN IMMEDIATE")
            try:
                for statement in _split_statements(sql):
                    await conn.execute(statement)
                await conn.execute(f"PRAGMA user_version = {number}")
                await conn.execute("COMMIT")
            except BaseException:
                await conn.execute("ROLLBACK")
                raise

    async def close(self) -> None:
        if self._main is None:
            return
        conn, self._main = self._main, None
        reader, self._reader = self._reader, None
        writer, self._writer = self._writer, None
        opened = [o for o in (self._main_raw, self._reader_raw) if o is not None]
        self._main_raw = self._reader_raw = None
        if writer is not None:
            await writer.close()
        async with self._write_lock:
            for each in opened:
                await each.close()
            if reader is not None:
                await reader.close()
            with suppress(sqlite3.Error):
                await conn.execute("PRAGMA optimize")
            await conn.close()

    async def __aenter__(self) -> Store:
        await self.open()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    # --- faults --------------------------------------------------------------------------------

    def fault(self, exc: BaseException) -> BaseException:
        """The StoreError a member-facing sqlite3 fault becomes (logged, at most once a minute per
        kind; a damaged file once), or `exc` itself when it is a bug to be raised as it is."""
        kind = fault_kind(exc)
        if kind is None:
            return exc
        return self._fault(kind, str(exc))

    def _fault(self, kind: FaultKind, detail: str) -> StoreError:
        now = time.monotonic()
        last = self._fault_logged.get(kind)
        if kind == "damaged":
            if last is None:
                log.error(
                    "The database file %s is damaged (%s); restore it from a backup. Members are told nothing changed.",
                    self.path,
                    detail,
                )
        elif last is None or now - last >= FAULT_LOG_INTERVAL:
            if kind == "full":
                log.error("The disk holding %s is full (%s); writes fail until space is freed", self.path, detail)
            else:
                log.warning("The database %s is busy (%s); members are told nothing changed", self.path, detail)
        else:
            return StoreError(self._fault_sentence(kind), kind)
        self._fault_logged[kind] = now
        return StoreError(self._fault_sentence(kind), kind)

    def _fault_sentence(self, kind: FaultKind) -> str:
        if kind == "damaged":
            return f"The database file {self.path} is damaged; nothing was changed."
        if kind == "full":
            return f"The disk holding {self.path} is full; nothing was changed."
        return f"The database file {self.path} is busy; nothing was changed."

    def _busy(self, why: str) -> StoreError:
        return self._fault("busy", why)

    # --- writes --------------------------------------------------------------------------------

    async def _acquire_write(self, deadline: Deadline | None) -> None:
        """Take this process's write lock, giving up (busy) when the deadline would pass first."""
        if deadline is None:
            await self._write_lock.acquire()
            return
        if deadline.too_late():
            raise self._busy("an interaction's deadline passed before its write could start")
        try:
            async with asyncio.timeout(deadline.remaining()):
                await self._write_lock.acquire()
        except TimeoutError:
            raise self._busy("an earlier write still held the lock at an interaction's deadline") from None

    def _begin(self, raw: sqlite3.Connection, deadline: Deadline | None) -> None:
        """BEGIN IMMEDIATE, waiting for another program's lock no longer than the deadline allows.
        Runs on the database thread under the write lock, so `_busy_ms` needs no guard."""
        if deadline is None:
            wait_ms = BUSY_TIMEOUT_MS
        else:
            left = deadline.remaining()
            if left < deadlines.MIN_START:
                raise sqlite3.OperationalError("database is locked (the deadline passed)")
            wait_ms = max(1, int(left * 1000))
        if wait_ms != self._busy_ms:
            raw.execute(f"PRAGMA busy_timeout = {wait_ms}")
            self._busy_ms = wait_ms
        raw.execute("BEGIN IMMEDIATE")

    @staticmethod
    def _finish(raw: sqlite3.Connection, deadline: Deadline | None) -> None:
        """COMMIT, unless the deadline passed: the member has been told nothing changed, so roll back."""
        if deadline is not None and deadline.too_late(0.0):
            raw.execute("ROLLBACK")
            raise sqlite3.OperationalError("database is busy (the deadline passed before commit)")
        raw.execute("COMMIT")

    @staticmethod
    def _abandon(raw: sqlite3.Connection) -> None:
        if raw.in_transaction:
            with suppress(sqlite3.Error):
                raw.execute("ROLLBACK")

    def _opened_main(self) -> _Opened:
        if self._main_raw is None:
            raise StoreError("The database is not open.")
        return self._main_raw

    def _opened_reader(self) -> _Opened:
        opened = self._reader_raw or self._main_raw
        if opened is None:
            raise StoreError("The database is not open.")
        return opened

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[aiosqlite.Connection]:
        """A write transaction (BEGIN IMMEDIATE ... COMMIT); rolled back if the block raises."""
        deadline = deadlines.current()
        await self._acquire_write(deadline)
        try:
            conn = self.conn
            main = self._opened_main()
            try:
                await main.call(self._begin, deadline)
            except sqlite3.Error as exc:
                raise self.fault(exc) from exc
            try:
                yield conn
            except BaseException as exc:
                await main.call(self._abandon)
                if isinstance(exc, sqlite3.Error):
                    raise self.fault(exc) from exc
                raise
            try:
                await main.call(self._finish, deadline)
            except sqlite3.Error as exc:
                await main.call(self._abandon)
                raise self.fault(exc) from exc
        finally:
            self._write_lock.release()

    async def run(self, work: Callable[[sqlite3.Connection], T]) -> T:
        """Run `work` as one write transaction, in a single hand-off to the database thread.

        `work` gets the connection (rows are `sqlite3.Row`) and runs synchronously between
        BEGIN IMMEDIATE and COMMIT; if it raises, the transaction is rolled back and the error
        re-raised here. Concurrent calls share one transaction and one COMMIT
        (:mod:`bot.storage.writer`), each in its own SAVEPOINT, so `work` must be safe to run again
        (it may be, when another item in its group misses its deadline). Use this for the hot
        paths: a transaction made of several awaited statements holds the write lock across one
        event-loop round trip per statement, which under load makes every other writer wait for
        the whole loop many times over.
        """
        deadline = deadlines.current()
        if self._writer is not None:
            try:
                return await self._writer.submit(work, deadline)
            except sqlite3.Error as exc:
                raise self.fault(exc) from exc
        await self._acquire_write(deadline)
        try:
            main = self._opened_main()
            try:
                return await main.call(self._transact, work, deadline)
            except sqlite3.Error as exc:
                raise self.fault(exc) from exc
        finally:
            self._write_lock.release()

    def _transact(
        self, raw: sqlite3.Connection, work: Callable[[sqlite3.Connection], T], deadline: Deadline | None
    ) -> T:
        self._begin(raw, deadline)
        try:
            result = work(raw)
            self._finish(raw, deadline)
        except BaseException:
            self._abandon(raw)
            raise
        return result

    # --- reads ---------------------------------------------------------------------------------

    async def read(self, work: Callable[[sqlite3.Connection], T]) -> T:
        """Run several reads in one hand-off to the database thread (a consistent snapshot)."""
        try:
            return await self._opened_reader().call(self._snapshot, work)
        except sqlite3.Error as exc:
            raise self.fault(exc) from exc

    @staticmethod
    def _snapshot(raw: sqlite3.Connection, work: Callable[[sqlite3.Connection], T]) -> T:
        if raw.in_transaction:
            return work(raw)
        raw.execute("BEGIN")
        try:
            return work(raw)
        finally:
            raw.execute("COMMIT")

    async def fetchone(self, sql: str, params: Sequence[Any] = ()) -> aiosqlite.Row | None:
        try:
            async with self.reader.execute(sql, params) as cursor:
                row: aiosqlite.Row | None = await cursor.fetchone()
                return row
        except sqlite3.Error as exc:
            raise self.fault(exc) from exc

    async def fetchall(self, sql: str, params: Sequence[Any] = ()) -> list[aiosqlite.Row]:
        try:
            async with self.reader.execute(sql, params) as cursor:
                return list(await cursor.fetchall())
        except sqlite3.Error as exc:
            raise self.fault(exc) from exc

    async def execute(self, sql: str, params: Sequence[Any] = ()) -> int:
        """Run one write statement in its own transaction; returns the number of rows changed."""
        async with self.transaction() as conn:
            cursor = await conn.execute(sql, params)
            return cursor.rowcount

    async def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        async with self.transaction() as conn:
            await conn.executemany(sql, rows)

    async def user_version(self) -> int:
        row = await self.fetchone("PRAGMA user_version")
        return int(row[0]) if row else 0
