"""The storage seam: the SQLite store implements the protocol and uses only aiosqlite's public API."""

from __future__ import annotations

import inspect
import re
from pathlib import Path

import bot.storage
from bot.storage.protocol import Storage
from bot.storage.sqlite import SqliteStorage, as_storage

STORAGE = Path(bot.storage.__file__).parent


def _operations() -> list[str]:
    return [name for name, _ in inspect.getmembers(Storage, inspect.isfunction) if not name.startswith("_")]


def test_every_protocol_operation_is_implemented_with_the_same_parameters() -> None:
    operations = _operations()
    assert {"record_answer", "get_session", "record_ask", "record_vote", "get_config", "set_trivia"} <= set(operations)
    assert {"export_member_data", "delete_member_data", "create_game", "add_entry"} <= set(operations)
    for name in operations:
        wanted = inspect.signature(getattr(Storage, name))
        found = inspect.signature(getattr(SqliteStorage, name))
        assert list(found.parameters) == list(wanted.parameters), name
        assert inspect.iscoroutinefunction(getattr(SqliteStorage, name)) == inspect.iscoroutinefunction(
            getattr(Storage, name)
        ), name


async def test_the_sqlite_store_answers_through_the_protocol(tmp_path: Path) -> None:
    async with SqliteStorage(tmp_path / "crossroads.db") as store:
        storage: Storage = as_storage(store)
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


def test_no_private_aiosqlite_attribute_is_used() -> None:
    private = re.compile(r"\._(conn|execute|execute_fetchall|execute_insert|connection|connector|tx)\b|getattr\(.*\"_")
    for path in sorted(STORAGE.rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        found = [line for line in text.splitlines() if private.search(line)]
        assert not found, f"{path.name} uses aiosqlite's private attributes: {found}"
