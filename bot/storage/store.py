"""The SQLite store: one aiosqlite connection, WAL, numbered migrations tracked by user_version."""

from __future__ import annotations

import asyncio
import logging
import sqlite3
import time
from collections.abc import AsyncIterator, Callable, Iterable, Sequence
from contextlib import asynccontextmanager, suppress
from importlib import resources
from pathlib import Path
from typing import Any, Literal, TypeVar

import aiosqlite

log = logging.getLogger(__name__)

SynchronousLevel = Literal["normal", "full"]
T = TypeVar("T")
# How long a write waits for another program's lock. Short enough that a member's click still
# gets its answer (or the sentence saying the database is busy) within Discord's 3 seconds.
BUSY_TIMEOUT_MS = 2000


class StoreError(Exception):
    """A database problem described in one sentence a server admin can act on."""


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
    if buffer.strip() and not all(
        part.strip().startswith("--") or not part.strip() for part in buffer.splitlines()
    ):
        raise RuntimeError("a migration ends with an incomplete statement")
    return statements


class Store:
    """Owns the database connection. Query modules in bot/storage take a Store as their first argument.

    Every write goes through :meth:`transaction`, which serialises writers on one connection and
    commits before returning, so an answer the bot acknowledges is already in the database.
    """

    def __init__(
        self,
        path: Path | str,
        *,
        synchronous: SynchronousLevel = "full",
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.path = Path(path)
        self.synchronous = synchronous
        self.clock = clock
        self._conn: aiosqlite.Connection | None = None
        self._write_lock = asyncio.Lock()

    @property
    def conn(self) -> aiosqlite.Connection:
        if self._conn is None:
            raise StoreError("The database is not open.")
        return self._conn

    @property
    def is_open(self) -> bool:
        return self._conn is not None

    def now(self) -> float:
        return self.clock()

    async def open(self) -> None:
        """Open (creating if needed) the database and bring its schema up to date."""
        if self._conn is not None:
            return
        if str(self.path) != ":memory:":
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise StoreError(
                    f"Cannot create the folder for the database at {self.path.parent}: "
                    f"{exc.strerror or exc}. Set DATABASE_PATH to a writable location."
                ) from exc
        try:
            conn = await aiosqlite.connect(str(self.path), isolation_level=None)
        except sqlite3.Error as exc:
            raise StoreError(self._describe(exc)) from exc
        try:
            conn.row_factory = aiosqlite.Row
            await conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            await conn.execute("PRAGMA foreign_keys = ON")
            mode_row = await (await conn.execute("PRAGMA journal_mode = WAL")).fetchone()
            if mode_row is None or (str(mode_row[0]).lower() != "wal" and str(self.path) != ":memory:"):
                log.warning("SQLite refused WAL mode; continuing with %s", mode_row[0] if mode_row else "?")
            await conn.execute(f"PRAGMA synchronous = {self.synchronous.upper()}")
            await self._migrate(conn)
        except StoreError:
            await conn.close()
            raise
        except sqlite3.Error as exc:
            await conn.close()
            raise StoreError(self._describe(exc)) from exc
        self._conn = conn

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
        if self._conn is None:
            return
        conn, self._conn = self._conn, None
        async with self._write_lock:
            with suppress(sqlite3.Error):
                await conn.execute("PRAGMA optimize")
            await conn.close()

    async def __aenter__(self) -> Store:
        await self.open()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[aiosqlite.Connection]:
        """A write transaction (BEGIN IMMEDIATE ... COMMIT); rolled back if the block raises."""
        async with self._write_lock:
            conn = self.conn
            try:
                await conn.execute("BEGIN IMMEDIATE")
            except sqlite3.OperationalError as exc:
                raise StoreError(self._describe(exc)) from exc
            try:
                yield conn
            except BaseException:
                await conn.execute("ROLLBACK")
                raise
            else:
                await conn.execute("COMMIT")

    async def run(self, work: Callable[[sqlite3.Connection], T]) -> T:
        """Run `work` as one write transaction, in a single hand-off to the database thread.

        `work` gets the connection (rows are `sqlite3.Row`) and runs synchronously between
        BEGIN IMMEDIATE and COMMIT; if it raises, the transaction is rolled back and the error
        re-raised here. Use this for the hot paths: a transaction made of several awaited
        statements holds the write lock across one event-loop round trip per statement, which
        under load makes every other writer wait for the whole loop many times over.
        """
        async with self._write_lock:
            conn = self.conn
            try:
                return await conn._execute(self._transact, conn._conn, work)
            except sqlite3.OperationalError as exc:
                if "locked" in str(exc).lower() or "busy" in str(exc).lower():
                    raise StoreError(self._describe(exc)) from exc
                raise

    async def read(self, work: Callable[[sqlite3.Connection], T]) -> T:
        """Run several reads in one hand-off to the database thread (a consistent snapshot)."""
        conn = self.conn
        return await conn._execute(self._snapshot, conn._conn, work)

    @staticmethod
    def _transact(raw: sqlite3.Connection, work: Callable[[sqlite3.Connection], T]) -> T:
        raw.execute("BEGIN IMMEDIATE")
        try:
            result = work(raw)
        except BaseException:
            raw.execute("ROLLBACK")
            raise
        raw.execute("COMMIT")
        return result

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
        async with self.conn.execute(sql, params) as cursor:
            row: aiosqlite.Row | None = await cursor.fetchone()
            return row

    async def fetchall(self, sql: str, params: Sequence[Any] = ()) -> list[aiosqlite.Row]:
        async with self.conn.execute(sql, params) as cursor:
            return list(await cursor.fetchall())

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
