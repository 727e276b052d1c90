"""The storage seam: both backends implement the protocol with the same parameters, answer through
it, and the SQLite store uses only aiosqlite's public API."""

from __future__ import annotations

import inspect
import re
from pathlib import Path

import pytest

import bot.storage
from bot.storage.postgres import PostgresStorage
from bot.storage.protocol import Storage
from bot.storage.sqlite import SqliteStorage

STORAGE = Path(bot.storage.__file__).parent


def _operations() -> list[str]:
    return [name for name, _ in inspect.getmembers(Storage, inspect.isfunction) if not name.startswith("_")]


@pytest.mark.parametrize("implementation", [SqliteStorage, PostgresStorage])
def test_every_protocol_operation_is_implemented_with_the_same_parameters(implementation: type) -> None:
    operations = _operations()
    assert {"record_answer", "get_session", "record_ask", "record_vote", "get_config", "set_trivia"} <= set(operations)
    assert {"export_member_data", "delete_member_data", "create_game", "add_entry", "ping"} <= set(operations)
    for name in operations:
        wanted = inspect.signature(getattr(Storage, name))
        found = inspect.signature(getattr(implementation, name))
        assert list(found.parameters) == list(wanted.parameters), name
        for parameter in wanted.parameters.values():
            assert found.parameters[parameter.name].kind == parameter.kind, (name, parameter.name)
            assert found.parameters[parameter.name].default == parameter.default, (name, parameter.name)
        assert inspect.iscoroutinefunction(getattr(implementation, name)) == inspect.iscoroutinefunction(
            getattr(Storage, name)
        ), name


async def test_each_backend_answers_through_the_protocol(storage: Storage) -> None:
    await storage.ping()
    config = await storage.get_config(7)
    assert config == await storage.set_trivia(7)
    ask_id = await storage.record_ask(
        guild_id=7,
        user_id=1,
        question="Which path?",
        normalized="which path",
        entry_id=None,
        score=0.0,
        matched=False,
    )
    assert await storage.record_vote(ask_id=ask_id, user_id=1, helpful=True) is None
    assert sum((await storage.count_member_data(1)).values()) >= 2


def test_the_sqlite_store_uses_no_private_aiosqlite_attribute() -> None:
    private = re.compile(r"\._(conn|execute|execute_fetchall|execute_insert|connection|connector|tx)\b|getattr\(.*\"_")
    for path in sorted(STORAGE.rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        found = [line for line in text.splitlines() if private.search(line)]
        assert not found, f"{path.name} uses aiosqlite's private attributes: {found}"
