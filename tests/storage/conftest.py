"""A store on a temporary file with a clock the test moves by hand (`store`: SQLite's own API and the
protocol), and `storage`: the storage protocol on each backend in turn, SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.storage.postgres import PostgresStorage
from bot.storage.protocol import Storage
from bot.storage.sqlite import SqliteStorage
from tests.postgres import Server
from tests.storage.admin_data import Clock


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
async def store(tmp_path: Path, clock: Clock) -> AsyncIterator[SqliteStorage]:
    async with SqliteStorage(tmp_path / "crossroads.db", clock=clock) as opened:
        yield opened


@pytest.fixture
async def storage(backend: str, request: pytest.FixtureRequest, tmp_path: Path, clock: Clock) -> AsyncIterator[Storage]:
    """The same empty database on each backend in turn (the test runs once per backend)."""
    if backend == "sqlite":
        async with SqliteStorage(tmp_path / "crossroads.db", clock=clock) as sqlite:
            yield sqlite
        return
    server: Server = request.getfixturevalue("postgres_server")
    url = await server.create_database()
    try:
        async with PostgresStorage(url, clock=clock) as postgres:
            yield postgres
    finally:
        await server.drop_database(url)
