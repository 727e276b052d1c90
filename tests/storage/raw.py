"""Raw SQL on either backend, for tests about what the schema itself refuses."""

from __future__ import annotations

import re
import sqlite3
from typing import Any

import asyncpg

from bot.storage.postgres import PostgresStorage
from bot.storage.protocol import Storage
from bot.storage.sqlite import SqliteStorage

# What a unique or primary key refuses, on each backend.
INTEGRITY_ERRORS = (sqlite3.IntegrityError, asyncpg.IntegrityConstraintViolationError)


async def execute(storage: Storage, sql: str, *args: Any) -> None:
    """Run one statement written with `?` placeholders on the storage's own database."""
    if isinstance(storage, SqliteStorage):
        await storage.execute(sql, args)
        return
    assert isinstance(storage, PostgresStorage)
    numbered = iter(range(1, sql.count("?") + 1))
    await storage.pool.execute(re.sub(r"\?", lambda _: f"${next(numbered)}", sql), *args)


def another(storage: Storage) -> Storage:
    """A second store on the same database, as a second bot process would open it (not yet open)."""
    if isinstance(storage, SqliteStorage):
        return SqliteStorage(storage.path, clock=storage.clock)
    assert isinstance(storage, PostgresStorage)
    return PostgresStorage(storage.url, clock=storage.clock)


async def fetch(storage: Storage, sql: str, *args: Any) -> list[dict[str, Any]]:
    """The rows of one query written with `?` placeholders, as dicts."""
    if isinstance(storage, SqliteStorage):
        return [dict(row) for row in await storage.fetchall(sql, args)]
    assert isinstance(storage, PostgresStorage)
    numbered = iter(range(1, sql.count("?") + 1))
    return [dict(row) for row in await storage.pool.fetch(re.sub(r"\?", lambda _: f"${next(numbered)}", sql), *args)]
