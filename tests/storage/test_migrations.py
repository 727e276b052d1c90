"""Upgrading a SQLite database that already holds members' data (SQLite only; PostgreSQL databases start at
the current schema): every migration after the first keeps it."""

from __future__ import annotations

import sqlite3
from importlib import resources
from pathlib import Path

from bot.storage import Store, schema_version

FIRST = "0001_initial.sql"
SCHEMA = "SELECT type, name, tbl_name FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY name"


def version_one_database(path: Path) -> None:
    """A database as the first release left it, with a row in every table."""
    sql = (resources.files("bot.storage") / "migrations" / FIRST).read_text(encoding="utf-8")
    conn = sqlite3.connect(path)
    try:
        conn.executescript(sql)
        conn.executescript(
            """
            INSERT INTO guild_config (guild_id, ai_role_id, ml_role_id, role_rewards, quiz_expiry_hours,
                                      ask_private, updated_at)
                VALUES (10, 101, 102, 1, 48, 1, 1000.0);
            INSERT INTO quiz_sessions (id, guild_id, user_id, quiz_id, quiz_version, seed, plan, status,
                                       position, started_at, updated_at, finished_at, path_result)
                VALUES (1, 10, 7, 'path', 'v1', 42, '{"questions": []}', 'completed', 2, 1000.0, 1010.0,
                        1010.0, 'ml');
            INSERT INTO quiz_sessions (id, guild_id, user_id, quiz_id, quiz_version, seed, plan, status,
                                       position, started_at, updated_at)
                VALUES (2, NULL, 8, 'knowledge', 'v1', 7, '{"questions": []}', 'in_progress', 1, 1000.0, 1005.0);
            INSERT INTO quiz_answers (session_id, question_id, choice_id, correct, answered_at)
                VALUES (1, 'q1', 'a', NULL, 1001.0), (1, 'q2', 'b', NULL, 1002.0), (2, 'k1', 'c', 1, 1003.0);
            INSERT INTO ask_log (guild_id, user_id, command, question, normalized, entry_id, score, matched,
                                 asked_at)
                VALUES (10, 7, 'ask', 'Do I need a PhD?', 'do i need a phd', 'degree-needed', 0.9, 1, 1000.0),
                       (10, 8, 'ask', 'weather in Lisbon', 'weather in lisbon', NULL, 0.1, 0, 1001.0);
            PRAGMA user_version = 1;
            """
        )
        conn.commit()
    finally:
        conn.close()


async def test_a_database_holding_data_is_upgraded_to_the_latest_schema_and_keeps_it(tmp_path: Path) -> None:
    path = tmp_path / "crossroads.db"
    version_one_database(path)

    async with Store(path) as store:
        assert await store.user_version() == schema_version()
        config = await store.fetchone("SELECT ai_role_id, ml_role_id, quiz_expiry_hours, ask_private FROM guild_config")
        assert config is not None and tuple(config) == (101, 102, 48, 1)
        sessions = await store.fetchall("SELECT id, user_id, status, path_result FROM quiz_sessions ORDER BY id")
        assert [tuple(r) for r in sessions] == [(1, 7, "completed", "ml"), (2, 8, "in_progress", None)]
        answers = await store.fetchall("SELECT session_id, question_id, choice_id FROM quiz_answers ORDER BY 1, 2")
        assert [tuple(r) for r in answers] == [(1, "q1", "a"), (1, "q2", "b"), (2, "k1", "c")]
        asks = await store.fetchall("SELECT question, entry_id, matched FROM ask_log ORDER BY id")
        assert [tuple(r) for r in asks] == [("Do I need a PhD?", "degree-needed", 1), ("weather in Lisbon", None, 0)]
        integrity = await store.fetchone("PRAGMA integrity_check")
        assert integrity is not None and integrity[0] == "ok"
        assert await store.fetchall("PRAGMA foreign_key_check") == []

    async with Store(tmp_path / "fresh.db") as fresh:
        expected = [tuple(r) for r in await fresh.fetchall(SCHEMA)]
    async with Store(path) as store:
        assert [tuple(r) for r in await store.fetchall(SCHEMA)] == expected

    # The upgraded database opens again as it is.
    async with Store(path) as store:
        assert await store.user_version() == schema_version()
        counted = await store.fetchone("SELECT COUNT(*) FROM quiz_answers")
        assert counted is not None and counted[0] == 3
