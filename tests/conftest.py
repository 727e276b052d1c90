"""Fixtures every test folder may use: a PostgreSQL server (see tests/postgres.py) and the storage
backends the suites run against."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest

from tests.postgres import URL_ENV, Cluster, Server, bindir_for_test

BACKENDS = ["sqlite", "postgresql"]


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "postgres: needs a PostgreSQL server (see tests/postgres.py)")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        callspec = getattr(item, "callspec", None)
        if callspec is not None and callspec.params.get("backend") == "postgresql":
            item.add_marker(pytest.mark.postgres)


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[Server]:
    """A PostgreSQL server for this test session (one throwaway cluster per xdist worker)."""
    import os

    url = os.environ.get(URL_ENV)
    if url:
        yield Server(url)
        return
    cluster = Cluster(bindir_for_test())
    try:
        yield Server(cluster.start())
    finally:
        cluster.stop()


@pytest.fixture
async def pg_url(postgres_server: Server) -> AsyncIterator[str]:
    """The URL of a new, empty PostgreSQL database, dropped after the test."""
    url = await postgres_server.create_database()
    try:
        yield url
    finally:
        await postgres_server.drop_database(url)


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    """Each storage backend in turn: "sqlite" and "postgresql"."""
    name: str = request.param
    return name
