"""`crossroads db status` and `crossroads db copy --to postgresql://…`.

`status` names the backend the settings choose, where its database is (never a password), its
schema version and the rows in each table, reading without changing anything.

`copy` moves a SQLite database (DATABASE_PATH) into an empty PostgreSQL database: it holds the
SQLite file's single-instance lock so no bot writes meanwhile, brings the PostgreSQL schema up to
date, then in one transaction refuses a target that holds any row, copies every table with COPY
(parents before the tables that reference them), moves each identity sequence past the highest
id SQLite ever gave (so an id is never handed out twice), and compares the row counts of every
table before it commits. Anything wrong rolls it all back and is said in one sentence.
"""

from __future__ import annotations

import asyncio
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import asyncpg

from bot.instance import AlreadyRunning, InstanceLock
from bot.settings import Settings
from bot.storage import StoreError
from bot.storage.postgres import PostgresStorage, connect_sentence, describe_url
from bot.storage.postgres.core import Connection, PgCore
from bot.storage.postgres.privacy import schema_of
from bot.storage.privacy import Schema, quote
from bot.storage.sqlite import SqliteStorage
from bot.storage.store import Store


class DbError(Exception):
    """A `db` command that did not happen; the message says why and what to do."""


@dataclass(frozen=True)
class Status:
    backend: str
    where: str
    schema_version: int
    rows: dict[str, int] = field(default_factory=dict)

    def describe(self) -> str:
        rows = "\n".join(f"  {table:<20} {count:>10,}" for table, count in self.rows.items()) or "  (no tables)"
        return f"Backend: {self.backend}\nDatabase: {self.where}\nSchema version: {self.schema_version}\nRows:\n{rows}"


# --- status ------------------------------------------------------------------------------------


def _sqlite_tables(conn: sqlite3.Connection) -> list[str]:
    rows = conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
    ).fetchall()
    return [str(row[0]) for row in rows]


def sqlite_status(path: Path) -> Status:
    """The SQLite database at `path`, read without changing it."""
    if not path.exists():
        raise DbError(f"There is no database at {path} yet; the bot creates it when it first starts.")
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        try:
            version = int(conn.execute("PRAGMA user_version").fetchone()[0])
            rows = {
                t: int(conn.execute(f"SELECT COUNT(*) FROM {quote(t)}").fetchone()[0]) for t in _sqlite_tables(conn)
            }
        finally:
            conn.close()
    except sqlite3.Error as exc:
        raise DbError(f"Cannot read the SQLite database at {path}: {exc}.") from exc
    return Status("SQLite", str(path), version, rows)


async def _pg_rows(conn: asyncpg.Connection[Any] | Connection, tables: list[str]) -> dict[str, int]:
    return {table: int(await conn.fetchval(f"SELECT COUNT(*) FROM {quote(table)}")) for table in tables}


async def postgres_status(url: str) -> Status:
    """The PostgreSQL database at `url`, read without changing it (no migration)."""
    try:
        conn = await asyncpg.connect(url, timeout=5)
    except (asyncpg.PostgresError, OSError, TimeoutError, asyncpg.InterfaceError) as exc:
        raise DbError(connect_sentence(url, exc)) from exc
    try:
        tables = [
            str(row["tablename"])
            for row in await conn.fetch(
                "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename"
            )
        ]
        version = 0
        if "schema_version" in tables:
            version = int(await conn.fetchval("SELECT coalesce(max(version), 0) FROM schema_version"))
            tables.remove("schema_version")
        rows = await _pg_rows(conn, tables)
    finally:
        await conn.close()
    return Status("PostgreSQL", describe_url(url), version, rows)


def status(settings: Settings) -> Status:
    if settings.database_url is None:
        return sqlite_status(settings.database_path)
    return asyncio.run(postgres_status(settings.database_url.get_secret_value()))


# --- copy --------------------------------------------------------------------------------------


def _parents_first(schema: Schema) -> list[str]:
    """The tables in an order where every table comes after the tables it references."""
    ordered: list[str] = []
    remaining = sorted(schema.columns)
    while remaining:
        ready = [
            t for t in remaining if all(fk.parent in ordered or fk.parent == t for fk in schema.foreign_keys.get(t, []))
        ] or remaining[:1]
        ordered.extend(ready)
        remaining = [t for t in remaining if t not in ready]
    return ordered


def _converter(data_type: str) -> Any:
    """How a value SQLite stored becomes the Python type COPY sends for a PostgreSQL column."""
    if data_type in ("bigint", "integer", "smallint"):
        return int
    if data_type in ("double precision", "real", "numeric"):
        return float
    return _text


def _text(value: Any) -> str:
    """Text as PostgreSQL can hold it: a NUL character (which SQLite allowed) becomes U+FFFD."""
    return str(value).replace("\x00", "\ufffd")


async def _column_types(conn: Connection) -> dict[str, dict[str, str]]:
    rows = await conn.fetch(
        "SELECT table_name, column_name, data_type FROM information_schema.columns"
        " WHERE table_schema = current_schema() ORDER BY table_name, ordinal_position"
    )
    types: dict[str, dict[str, str]] = {}
    for row in rows:
        types.setdefault(str(row["table_name"]), {})[str(row["column_name"])] = str(row["data_type"])
    return types


def _read_table(conn: sqlite3.Connection, table: str, columns: list[str]) -> list[tuple[Any, ...]]:
    names = ", ".join(quote(c) for c in columns)
    return [tuple(row) for row in conn.execute(f"SELECT {names} FROM {quote(table)}")]


def _highest_ids(conn: sqlite3.Connection) -> dict[str, int]:
    """The highest id SQLite ever handed out per AUTOINCREMENT table (deleted rows included)."""
    try:
        return {str(name): int(seq) for name, seq in conn.execute("SELECT name, seq FROM sqlite_sequence")}
    except sqlite3.OperationalError:
        return {}


@dataclass(frozen=True)
class Copied:
    source: Path
    target: str
    schema_version: int
    rows: dict[str, int]

    def describe(self) -> str:
        rows = "\n".join(f"  {table:<20} {count:>10,}" for table, count in self.rows.items()) or "  (no tables)"
        return (
            f"Copied {self.source} into PostgreSQL at {self.target} (schema version {self.schema_version}); "
            f"every table's row count matches.\nRows:\n{rows}"
        )


async def _copy(source: Store, target: PgCore) -> dict[str, int]:
    """Copy every row of `source` into `target` in one transaction; returns rows per table."""
    async with target.transaction() as conn:
        schema = await schema_of(conn)
        tables = _parents_first(schema)
        await conn.execute(f"LOCK TABLE {', '.join(quote(t) for t in tables)} IN ACCESS EXCLUSIVE MODE")
        holding = {t: n for t, n in (await _pg_rows(conn, tables)).items() if n}
        if holding:
            listed = ", ".join(f"{t} ({n:,} rows)" for t, n in holding.items())
            raise DbError(
                f"The PostgreSQL database {target.where} is not empty ({listed}); "
                "copy into a new, empty database (createdb) instead."
            )

        def snapshot(conn: sqlite3.Connection) -> tuple[dict[str, list[tuple[Any, ...]]], dict[str, int]]:
            present = set(_sqlite_tables(conn))
            missing = [t for t in tables if t not in present]
            if missing:
                raise DbError(f"The SQLite database {source.path} has no table {missing[0]}; nothing was copied.")
            return {t: _read_table(conn, t, schema.columns[t]) for t in tables}, _highest_ids(conn)

        data, highest = await source.read(snapshot)
        types = await _column_types(conn)
        for table in tables:
            convert = [_converter(types[table][c]) for c in schema.columns[table]]
            records = [
                tuple(None if v is None else f(v) for f, v in zip(convert, row, strict=True)) for row in data[table]
            ]
            if records:
                await conn.copy_records_to_table(table, records=records, columns=schema.columns[table])
        for table in tables:
            for column in await conn.fetch(
                "SELECT attname FROM pg_attribute WHERE attrelid = $1::regclass AND attidentity <> ''", quote(table)
            ):
                name = str(column["attname"])
                top = max(
                    int(await conn.fetchval(f"SELECT coalesce(max({quote(name)}), 0) FROM {quote(table)}")),
                    highest.get(table, 0),
                )
                await conn.execute(
                    "SELECT setval(pg_get_serial_sequence($1, $2), $3, $4)", quote(table), name, max(top, 1), top > 0
                )
        copied = await _pg_rows(conn, tables)
        expected = {t: len(rows) for t, rows in data.items()}
        if copied != expected:
            raise DbError(f"Row counts differ after the copy ({copied} against {expected}); nothing was copied.")
    return copied


async def copy_to_postgres(database: Path, url: str) -> Copied:
    """Copy the SQLite database into the PostgreSQL one (no bot may be running on it)."""
    try:
        async with SqliteStorage(database) as source, PostgresStorage(url, pool_size=2) as target:
            rows = await _copy(source, target)
            version = await target.schema_version()
    except StoreError as exc:
        raise DbError(str(exc)) from exc
    except (asyncpg.PostgresError, sqlite3.Error, OverflowError, ValueError) as exc:
        raise DbError(f"The copy stopped and nothing was copied: {exc}.") from exc
    return Copied(database, describe_url(url), version, rows)


def copy(settings: Settings, url: str) -> Copied:
    if not url.startswith(("postgresql://", "postgres://")):
        raise DbError("--to takes a PostgreSQL URL: postgresql://user:password@host:port/database.")
    database = settings.database_path
    if not database.exists():
        raise DbError(f"There is no SQLite database at {database} to copy (check DATABASE_PATH).")
    lock = InstanceLock(database)
    try:
        lock.acquire()
    except AlreadyRunning:
        raise DbError(
            f"A Crossroads bot is running on {database}; stop it first, so nothing it writes is left behind."
        ) from None
    try:
        return asyncio.run(copy_to_postgres(database, url))
    finally:
        lock.release()
