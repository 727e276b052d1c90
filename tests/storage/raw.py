"""Raw SQL on either backend, for tests about what the schema itself refuses."""

from __future__ import annotations

import re
import sqlite3
from typing import Any

import asyncpg

from bot.storage import privacy
from bot.storage.postgres import PostgresStorage
from bot.storage.postgres import privacy as pg_privacy
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


async def tables_with_column(storage: Storage, column: str) -> set[str]:
    """The tables of the storage's database that have `column`."""
    if isinstance(storage, SqliteStorage):
        names = [row["name"] for row in await fetch(storage, "SELECT name FROM sqlite_master WHERE type = 'table'")]
        return {
            name for name in names if column in {r["name"] for r in await fetch(storage, f"PRAGMA table_info({name})")}
        }
    rows = await fetch(
        storage,
        "SELECT table_name FROM information_schema.columns WHERE table_schema = current_schema() AND column_name = ?",
        column,
    )
    return {row["table_name"] for row in rows}


async def owned_tables(storage: Storage) -> list[privacy.OwnedTable]:
    """The tables the privacy rules found holding member data, as the storage's backend reads its schema."""
    if isinstance(storage, SqliteStorage):
        return await privacy.owned_tables(storage)
    assert isinstance(storage, PostgresStorage)
    async with storage.read() as conn:
        return privacy.owned_from(await pg_privacy.schema_of(conn))


async def refuse_deleting(storage: Storage, table: str) -> None:
    """A trigger that makes every DELETE on `table` fail with the message 'refused'."""
    if isinstance(storage, SqliteStorage):
        await storage.execute(
            f"CREATE TRIGGER refuse_delete BEFORE DELETE ON {table} BEGIN SELECT RAISE(ABORT, 'refused'); END"
        )
        return
    await execute(
        storage,
        "CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'refused'; END $$;"
        f" CREATE TRIGGER refuse_delete BEFORE DELETE ON {table} FOR EACH ROW EXECUTE FUNCTION refuse()",
    )


async def tables(storage: Storage) -> list[str]:
    """Every table of the storage's database that holds Crossroads data, by name."""
    if isinstance(storage, SqliteStorage):
        sql = "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
    else:
        sql = (
            "SELECT tablename AS name FROM pg_tables"
            " WHERE schemaname = current_schema() AND tablename <> 'schema_version'"
        )
    return sorted(row["name"] for row in await fetch(storage, sql))
