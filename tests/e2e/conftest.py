"""End-to-end fixtures: the real bot against the Discord stand-in (standin/). Every test here
carries the `e2e` marker, so `pytest -m "not e2e"` runs only the fast unit tests.

    async def test_ask(bot, member):
        reply = await member.slash("ask", question="how much do ML engineers make")
        assert "salary" in reply.text.lower()

Fixtures
    standin       a running stand-in: server "Crossroads Test" (`standin.guild`) with #general
                  (`standin.channel`) and #quiz-results; roles "AI Engineer" and "ML Engineer"
                  below the bot's role, "Moderator" and "Admin" above it; the bot's member with
                  Manage Roles; "alice"; "morgan" with the Admin role (Manage Server).
                  `standin.add_member("casey", dms_open=False)` adds more members.
    bot           the real bot in this process, started by `bot.app.serve` exactly as
                  `python -m bot run` does, on a fresh database, with the shipped content and
                  DEV_GUILD_ID set; yields once commands are synced and the server is known.
                  `bot.client` is the CrossroadsBot (e.g. `bot.client.store`), `await bot.restart()`
                  stops it cleanly and starts it again on the same database, `bot.settings`.
    member        alice as a scripted member (see standin.member for the API)
    admin         morgan, who has Manage Server
    closed_dms    "casey", a member whose DMs are closed
    bot_process   a factory: `proc = await bot_process()` starts `python -m bot run` against the
                  stand-in (database in tmp_path); `await proc.kill()`, `await proc.terminate()`,
                  `await proc.restart(kill=True)`, `proc.stderr`. Use without the `bot` fixture
                  (and so without `member`/`admin`, which start it): take members from the
                  stand-in instead, `alice = standin.member("alice")`.
    database      the test's database (tests/e2e/database.py): every test that starts a bot runs
                  twice, on SQLite (`database.path`) and on a fresh PostgreSQL database
                  (`database.url`); `database.rows(sql)` reads it from the outside,
                  `database.settings(standin, **overrides)` configures another bot on it.
                  A test about SQLite's file itself runs once: `@sqlite_only` (tests/e2e/database.py).
    database_path the tmp SQLite file both kinds of bot use on SQLite

Bots started in one test process on the same, unchanged content folder share one load of it
(`content_loaded_once`): the content is immutable, the bot swaps it whole on reload, and loading
it again was most of a bot's start-up. A change to any file in the folder loads it afresh.

Anything Discord would have refused (a payload over a limit, an interaction not acknowledged in
time, a second initial response, an unknown route) fails the test at teardown. A test that means
to cause one says so: `standin.expect_failures("limit")` or `@pytest.mark.expect_failures("limit")`.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from bot.content import Content, load_content
from bot.sandbox.harness import BotProcess, InProcessBot
from bot.sandbox.world import crossroads_standin
from standin.member import Member
from standin.server import StandIn
from tests.e2e.database import E2E_BACKENDS, Database
from tests.postgres import Server

E2E = Path(__file__).resolve().parent


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "expect_failures(*kinds): the stand-in failures this test causes on purpose (e.g. 'limit')"
    )


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if E2E in item.path.parents:
            item.add_marker(pytest.mark.e2e)


def _files_of(directory: Path) -> tuple[tuple[str, int, int], ...]:
    """Every file under `directory` with its size and modification time."""
    found = [(path, path.stat()) for path in directory.rglob("*") if path.is_file()]
    return tuple(sorted((str(path), stat.st_size, stat.st_mtime_ns) for path, stat in found))


@pytest.fixture(scope="session", autouse=True)
def content_loaded_once() -> Iterator[None]:
    """The bot's start-up loads its content through this: once per folder and state of its files."""
    # Imported here: importing discord.py at collection warns, and test_failing_payloads counts warnings.
    from bot import app as crossroads_app

    loaded: dict[tuple[Path, tuple[tuple[str, int, int], ...]], Content] = {}

    def load_once(content_dir: Path) -> Content:
        key = (content_dir.resolve(), _files_of(content_dir) if content_dir.is_dir() else ())
        if key not in loaded:
            loaded[key] = load_content(content_dir)
        return loaded[key]

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(crossroads_app, "load_content", load_once)
        yield


@pytest.fixture
async def standin(request: pytest.FixtureRequest) -> AsyncIterator[StandIn]:
    server = crossroads_standin()
    marker = request.node.get_closest_marker("expect_failures")
    if marker is not None:
        server.expect_failures(*marker.args)
    await server.start()
    try:
        yield server
    finally:
        await server.stop()
    server.assert_clean()


@pytest.fixture
def database_path(tmp_path: Path) -> Path:
    return tmp_path / "crossroads.db"


@pytest.fixture
async def database(backend: str, database_path: Path, request: pytest.FixtureRequest) -> AsyncIterator[Database]:
    """The test's database on each backend in turn: the SQLite file at `database_path`, then a
    fresh PostgreSQL database (dropped after the test)."""
    if backend == "sqlite":
        yield Database(database_path)
        return
    server: Server = request.getfixturevalue("postgres_server")
    url = await server.create_database()
    try:
        yield Database(database_path, url)
    finally:
        await server.drop_database(url)


@pytest.fixture
async def bot(standin: StandIn, database: Database) -> AsyncIterator[InProcessBot]:
    running = InProcessBot(standin, database.settings(standin))
    await running.start()
    try:
        yield running
    finally:
        await running.stop()


@pytest.fixture
def member(bot: InProcessBot, standin: StandIn) -> Member:
    return standin.member("alice")


@pytest.fixture
def admin(bot: InProcessBot, standin: StandIn) -> Member:
    return standin.member("morgan")


@pytest.fixture
def closed_dms(bot: InProcessBot, standin: StandIn) -> Member:
    standin.add_member("casey", dms_open=False)
    return standin.member("casey")


@pytest.fixture
async def bot_process(standin: StandIn, database: Database) -> AsyncIterator[Callable[..., Awaitable[BotProcess]]]:
    started: list[BotProcess] = []

    async def start(**kwargs: Any) -> BotProcess:
        wait = kwargs.pop("wait", True)
        kwargs["env"] = {**database.env(), **kwargs.get("env", {})}
        process = BotProcess(standin, kwargs.pop("database_path", database.path), **kwargs)
        started.append(process)
        return await process.start(wait=wait)

    try:
        yield start
    finally:
        for process in started:
            await process.cleanup()


@pytest.fixture(params=E2E_BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    """Each backend the end-to-end tests run on (E2E_BACKENDS, tests/e2e/database.py)."""
    name: str = request.param
    return name
