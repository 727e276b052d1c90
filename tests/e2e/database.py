"""The bot's database as an end-to-end test sees it: a SQLite file, or a PostgreSQL database when
the test runs on that backend. `db_rows` reads it from the outside, as an operator would.

Queries are written for SQLite with `?` placeholders; on PostgreSQL they become `$1, $2, …`.
"""

from __future__ import annotations

import asyncio
import os
import re
import sqlite3
import sys
from collections.abc import AsyncIterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import asyncpg
import pytest

from bot.sandbox.harness import ROOT, sandbox_settings
from bot.storage.postgres import PostgresStorage
from bot.storage.protocol import Storage
from bot.storage.sqlite import SqliteStorage

if TYPE_CHECKING:
    from bot.settings import Settings
    from standin.server import StandIn

Location = Path | str  # a SQLite file, or a postgresql:// URL


def location_of(settings: Settings) -> Location:
    """Where a bot with these settings keeps its data."""
    if settings.database_url is not None:
        return settings.database_url.get_secret_value()
    return settings.database_path


def _postgres_sql(sql: str) -> str:
    numbers = iter(range(1, sql.count("?") + 1))
    return re.sub(r"\?", lambda _: f"${next(numbers)}", sql)


def _pg_rows(url: str, sql: str, params: Sequence[object]) -> list[Any]:
    async def fetch() -> list[Any]:
        conn = await asyncpg.connect(url)
        try:
            return list(await conn.fetch(_postgres_sql(sql), *params))
        finally:
            await conn.close()

    # Its own thread and loop: the test's loop may be running the bot.
    with ThreadPoolExecutor(1) as thread:
        return thread.submit(asyncio.run, fetch()).result()


def db_rows(database: Location | Settings, sql: str, params: Sequence[object] = ()) -> list[Any]:
    """Rows of `sql` read from outside the bot (row["column"], row[0] and tuple(row) work on both)."""
    where = database if isinstance(database, Path | str) else location_of(database)
    if isinstance(where, str) and where.startswith(("postgresql://", "postgres://")):
        return _pg_rows(where, sql, params)
    conn = sqlite3.connect(f"file:{where}?mode=ro", uri=True)
    conn.row_factory = sqlite3.Row
    try:
        return list(conn.execute(sql, tuple(params)).fetchall())
    finally:
        conn.close()


def tables_with_column(database: Location | Settings, column: str) -> list[str]:
    """The tables of the bot's database that have a column of that name."""
    where = database if isinstance(database, Path | str) else location_of(database)
    if isinstance(where, Path):
        tables = [row[0] for row in db_rows(where, "SELECT name FROM sqlite_master WHERE type = 'table'")]
        return [t for t in tables if any(c[1] == column for c in db_rows(where, f"PRAGMA table_info({t})"))]
    rows = db_rows(
        where,
        "SELECT table_name FROM information_schema.columns WHERE table_schema = current_schema()"
        " AND column_name = ? ORDER BY table_name",
        (column,),
    )
    return [row[0] for row in rows]


@dataclass(frozen=True)
class Database:
    """The database of one test: `url` is None on SQLite (the file at `path`)."""

    path: Path
    url: str | None = None

    @property
    def backend(self) -> str:
        return "sqlite" if self.url is None else "postgresql"

    @property
    def location(self) -> Location:
        return self.path if self.url is None else self.url

    def settings(self, standin: StandIn, **overrides: Any) -> Settings:
        """Settings for a bot on this database (see bot.sandbox.harness.sandbox_settings)."""
        return sandbox_settings(standin, overrides.pop("database_path", self.path), database_url=self.url, **overrides)

    def env(self) -> dict[str, str]:
        """What a `python -m bot run` process needs beyond DATABASE_PATH to use this database."""
        return {} if self.url is None else {"DATABASE_URL": self.url}

    def rows(self, sql: str, params: Sequence[object] = ()) -> list[Any]:
        return db_rows(self.location, sql, params)

    def execute(self, sql: str, params: Sequence[object] = ()) -> None:
        """Change the database from outside the bot (one statement, committed)."""
        if self.url is not None:
            _pg_rows(self.url, sql, params)
            return
        with sqlite3.connect(self.path, timeout=5) as conn:
            conn.execute(sql, tuple(params))
        conn.close()

    def storage(self) -> Storage:
        """A store of this database's backend (open it: `async with database.storage() as store`)."""
        if self.url is None:
            return SqliteStorage(self.path)
        return PostgresStorage(self.url)

    @asynccontextmanager
    async def write_lock(self) -> AsyncIterator[None]:
        """Another program holds the database's write lock while the block runs: on SQLite an
        open `BEGIN IMMEDIATE` (as `sqlite3 crossroads.db` in a shell would hold it), on PostgreSQL
        a transaction holding every table `IN EXCLUSIVE MODE` (reads go on, writes and row locks wait)."""
        if self.url is None:
            blocker = sqlite3.connect(self.path, timeout=0, check_same_thread=False)
            # The bot may be writing (its scheduled job runs at start): that write ends first.
            for attempt in range(200):
                try:
                    blocker.execute("BEGIN IMMEDIATE")
                    break
                except sqlite3.OperationalError:
                    if attempt == 199:
                        blocker.close()
                        raise
                    await asyncio.sleep(0.05)
            try:
                yield
            finally:
                blocker.rollback()
                blocker.close()
            return
        conn = await asyncpg.connect(self.url)
        locking = conn.transaction()
        try:
            await locking.start()
            tables = [
                f'"{row[0]}"'
                for row in await conn.fetch("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")
            ]
            await conn.execute(f"LOCK TABLE {', '.join(tables)} IN EXCLUSIVE MODE")
            yield
        finally:
            await locking.rollback()
            await conn.close()


# The backends a bot under test runs on.
E2E_BACKENDS = ["sqlite", "postgresql"]

# A test about SQLite's file itself (locks, damage, backups, the single-instance guard) runs on
# SQLite alone.
sqlite_only = pytest.mark.parametrize("backend", ["sqlite"])


async def crossroads(*args: str, database: Path) -> tuple[int, str, str]:
    """The command line on the SQLite database at `database`, as an operator runs it next to the
    bot (another process): its exit status, standard output and standard error."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_", "DISCORD_", "METRICS_"))}
    env["DATABASE_PATH"] = str(database)
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        *args,
        cwd=str(ROOT),
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await process.communicate()
    assert process.returncode is not None
    return process.returncode, out.decode(), err.decode()
