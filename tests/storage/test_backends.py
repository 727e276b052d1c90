"""What both backends must agree on before any query runs: the same numbered migrations, a fresh
database at the newest schema, and one sentence for a server that cannot be used."""

from __future__ import annotations

import asyncio
import inspect
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import pytest

from bot.settings import Settings
from bot.storage import StoreError
from bot.storage.backends import storage_for
from bot.storage.postgres import PostgresStorage, migrations
from bot.storage.protocol import Storage
from bot.storage.sqlite import SqliteStorage
from bot.storage.store import _migrations, schema_version
from tests.eventually import eventually
from tests.postgres import Server


def test_both_backends_have_the_same_numbered_migrations() -> None:
    sqlite = [name for _, name, _ in _migrations()]
    postgres = [name for _, name, _ in migrations()]
    assert postgres == sqlite


async def test_a_new_postgres_database_is_brought_to_the_newest_schema_once(pg_url: str) -> None:
    async with PostgresStorage(pg_url) as first:
        assert await first.schema_version() == schema_version()
    async with PostgresStorage(pg_url) as again:
        assert await again.schema_version() == schema_version()
        applied = await again.pool.fetchval("SELECT count(*) FROM schema_version")
    assert applied == schema_version()


async def test_a_database_from_a_newer_crossroads_is_refused_in_one_sentence(pg_url: str) -> None:
    async with PostgresStorage(pg_url) as store:
        await store.pool.execute("INSERT INTO schema_version VALUES (99, '0099_future.sql', 0)")
    with pytest.raises(StoreError, match=r"newer version of Crossroads \(schema 99, this version knows \d+\)"):
        await PostgresStorage(pg_url).open()


async def test_an_unreachable_server_is_named_in_one_sentence() -> None:
    with pytest.raises(StoreError, match=r"^Cannot reach PostgreSQL at 127\.0\.0\.1:1/crossroads .*DATABASE_URL"):
        await PostgresStorage("postgresql://crossroads@127.0.0.1:1/crossroads").open()


async def test_a_missing_database_is_named_in_one_sentence(postgres_server: Server) -> None:
    url = postgres_server.database_url("no_such_database")
    with pytest.raises(StoreError, match=r"has no such database; create it"):
        await PostgresStorage(url).open()


async def test_a_refused_password_is_named_in_one_sentence(pg_url: str) -> None:
    parts = urlsplit(pg_url)
    wrong = urlunsplit(parts._replace(netloc=f"{parts.username}:not-the-password@{parts.hostname}:{parts.port}"))
    try:
        await (await asyncpg.connect(wrong)).close()
    except asyncpg.InvalidPasswordError:
        pass
    else:
        pytest.skip("this PostgreSQL server does not check passwords")
    with pytest.raises(StoreError, match=r"refused the user name or password in DATABASE_URL"):
        await PostgresStorage(wrong).open()


def test_the_settings_pick_the_backend(tmp_path: Path) -> None:
    sqlite = storage_for(Settings(_env_file=None, database_path=tmp_path / "x.db"))
    assert isinstance(sqlite, SqliteStorage) and sqlite.path == tmp_path / "x.db"
    url = "postgresql://crossroads:secret@db.internal:5433/crossroads"
    postgres = storage_for(Settings(_env_file=None, database_url=url, database_pool_size=4))
    assert isinstance(postgres, PostgresStorage) and (postgres.url, postgres.pool_size) == (url, 4)
    assert postgres.where == "db.internal:5433/crossroads"


async def test_reads_go_on_while_every_write_connection_waits_for_another_programs_lock(pg_url: str) -> None:
    async with PostgresStorage(pg_url, pool_size=2) as store:
        await store.set_editor_role(1, 5)
        blocker = await asyncpg.connect(pg_url)
        locking = blocker.transaction()
        await locking.start()
        await blocker.execute("LOCK TABLE kb_editors IN EXCLUSIVE MODE")
        writes = [asyncio.create_task(store.set_editor_role(1, role)) for role in (6, 7)]
        waiting = (
            "SELECT count(*) >= 2 FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()"
        )
        watcher = await asyncpg.connect(pg_url)
        await eventually(lambda: watcher.fetchval(waiting), "both writes waiting for the lock")
        await watcher.close()
        assert await store.editor_role(1) == 5
        await locking.rollback()
        await blocker.close()
        await asyncio.gather(*writes)
        assert await store.editor_role(1) in (6, 7)


async def test_a_closed_store_answers_with_a_store_error(pg_url: str) -> None:
    store = PostgresStorage(pg_url)
    await store.open()
    await store.close()
    with pytest.raises(StoreError, match="cannot be reached"):
        await store.ping()


def test_postgres_implements_every_protocol_operation_with_the_same_parameters() -> None:
    operations = [name for name, _ in inspect.getmembers(Storage, inspect.isfunction) if not name.startswith("_")]
    for name in operations:
        wanted = inspect.signature(getattr(Storage, name))
        found = inspect.signature(getattr(PostgresStorage, name))
        assert list(found.parameters) == list(wanted.parameters), name
        assert [p.default for p in found.parameters.values()] == [p.default for p in wanted.parameters.values()], name
        assert inspect.iscoroutinefunction(getattr(PostgresStorage, name)) == inspect.iscoroutinefunction(
            getattr(Storage, name)
        ), name
