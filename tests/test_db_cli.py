"""`db status` and `db copy --to postgresql://…`: what an operator sees, and a copy that keeps every row."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest

from bot.cli import db
from bot.instance import InstanceLock
from bot.quiz import make_plan
from bot.settings import Settings
from bot.storage.postgres import PostgresStorage
from bot.storage.protocol import Storage
from bot.storage.quiz import Finish
from bot.storage.sqlite import SqliteStorage
from bot.storage.trivia import AnswerRow, ResultRow
from bot.trivia import points_for, scoreboard
from tests.quiz.factories import knowledge_quiz
from tests.storage import raw
from tests.storage.admin_data import Clock, log_ask, play, start_quiz
from tests.test_cli import run_cli

MEMBER = 111
GUILD = 10
TRIVIA_PLAN = make_plan(knowledge_quiz(questions=6, draw=4), seed=5).to_json()


def rank(answers: list[AnswerRow]) -> list[ResultRow]:
    return [
        ResultRow(p.standing.user_id, p.standing.points, p.standing.correct, p.standing.answered, p.place, p.won)
        for p in scoreboard(answers)
    ]


async def fill(store: SqliteStorage, clock: Clock) -> dict[str, int]:
    """A finished path quiz, a finished knowledge check, one in progress, a deleted session, questions,
    votes, server settings, a trivia game and a server entry; returns the sessions by name."""
    path = await start_quiz(store, guild=GUILD, user=MEMBER, quiz="path", questions=["p0", "p1", "p2"])
    await play(store, path, ["p0", "p1", "p2"], path_result="ml")
    clock.now += 60
    knowledge = await start_quiz(store, guild=GUILD, user=MEMBER, quiz="knowledge", questions=["k0", "k1", "k2"])
    await play(store, knowledge, ["k0", "k1", "k2"], correct=2)
    clock.now += 60
    running = await start_quiz(store, guild=GUILD, user=MEMBER, quiz="knowledge", questions=["k3", "k4", "k5"])
    await play(store, running, ["k3", "k4", "k5"], correct=1, finish=False)
    gone = await start_quiz(store, guild=None, user=222, quiz="path", questions=["p0"])
    await store.record_answer(
        gone.id, question_id="p0", choice_id="a", correct=None, expected_position=0, finish=Finish({"kind": "path"})
    )
    await log_ask(store, guild=GUILD, user=MEMBER, question="do I need a PhD", entry="degree", score=0.8, matched=True)
    await log_ask(store, guild=None, user=MEMBER, question="a dm question", entry=None, score=0.1, matched=False)
    [asked] = await store.recent_asks(GUILD)
    await store.record_vote(ask_id=asked.id, user_id=MEMBER, helpful=False)
    await store.set_path_role(GUILD, "ml", 555)
    await store.set_quiz_expiry(GUILD, 48)
    game = await store.create_game(guild_id=GUILD, channel_id=20, starter_id=MEMBER, plan=TRIVIA_PLAN, seconds=20)
    await store.begin_trivia_question(game.id, 0, started_at=clock.now, deadline=clock.now + 20)
    await store.record_trivia_answer(game.id, 0, user_id=MEMBER, choice_id="right", correct=True, score=points_for)
    await store.finish_game(game.id, "finished", rank)
    await store.add_entry(GUILD, "study", {"id": "study", "title": "Study", "answer": "Thursdays."}, 7, cap=10)
    await store.delete_member_data(222)  # the highest session id is now one SQLite will never hand out again
    return {"path": path.id, "knowledge": knowledge.id, "running": running.id, "gone": gone.id}


async def quiz_reads(storage: Storage, sessions: dict[str, int]) -> list[Any]:
    """Every quiz, question, settings and privacy read the protocol offers about the filled data."""
    reads: list[Any] = [await storage.get_config(GUILD)]
    for session_id in sessions.values():
        reads += [
            await storage.get_session(session_id),
            await storage.session_answers(session_id),
            await storage.plan_text(session_id),
        ]
    reads += [
        await storage.active_sessions(MEMBER),
        await storage.member_progress(MEMBER),
        await storage.latest_completed(MEMBER, "knowledge"),
        await storage.missed_questions(MEMBER, "knowledge"),
        await storage.quiz_leaderboard(GUILD),
        await storage.quiz_leaderboard_entry(GUILD, MEMBER),
        await storage.recent_asks(GUILD),
        await storage.recent_asks(None),
        await storage.wrong_answers(GUILD, 0.0),
        await storage.count_member_data(MEMBER),
        await storage.export_member_data(MEMBER),
    ]
    return reads


async def every_row(storage: Storage) -> dict[str, list[dict[str, Any]]]:
    """Every row of every table, in a fixed order."""
    return {
        table: sorted(await raw.fetch(storage, f"SELECT * FROM {table}"), key=lambda row: repr(sorted(row.items())))
        for table in await raw.tables(storage)
    }


async def test_a_copy_keeps_every_row_and_reads_the_same_on_postgresql(tmp_path: Path, pg_url: str) -> None:
    clock = Clock()
    database = tmp_path / "crossroads.db"
    async with SqliteStorage(database, clock=clock) as sqlite:
        sessions = await fill(sqlite, clock)
        before = await quiz_reads(sqlite, sessions)
        rows_before = await every_row(sqlite)

    copied = await db.copy_to_postgres(database, pg_url)

    assert copied.rows["quiz_sessions"] == 3 and copied.rows["quiz_answers"] == 8
    assert copied.rows["trivia_games"] == 1 and copied.rows["kb_entries"] == 1
    async with PostgresStorage(pg_url, clock=clock) as postgres:
        assert await quiz_reads(postgres, sessions) == before
        assert await every_row(postgres) == rows_before
        # The running quiz goes on where it was, and new rows never take an id SQLite handed out.
        move = await postgres.record_answer(
            sessions["running"], question_id="k5", choice_id="a", correct=True, expected_position=2
        )
        assert move.status == "recorded"
        fresh = await start_quiz(postgres, guild=GUILD, user=333, quiz="path", questions=["p0"])
        assert fresh.id == sessions["gone"] + 1
        asked = await postgres.record_ask(
            guild_id=GUILD, user_id=1, question="q", normalized="q", entry_id=None, score=0.0, matched=False
        )
        assert asked > max(row["id"] for row in rows_before["ask_log"])


async def test_a_copy_into_a_database_that_holds_rows_is_refused_and_changes_nothing(
    tmp_path: Path, pg_url: str
) -> None:
    clock = Clock()
    database = tmp_path / "crossroads.db"
    async with SqliteStorage(database, clock=clock) as sqlite:
        await fill(sqlite, clock)
    await db.copy_to_postgres(database, pg_url)
    status = await db.postgres_status(pg_url)

    with pytest.raises(db.DbError, match=r"^The PostgreSQL database .* is not empty \(.*quiz_sessions \(3 rows\)"):
        await db.copy_to_postgres(database, pg_url)

    assert await db.postgres_status(pg_url) == status


async def test_a_copy_into_a_migrated_empty_database_is_fine(tmp_path: Path, pg_url: str) -> None:
    async with PostgresStorage(pg_url):
        pass
    async with SqliteStorage(tmp_path / "crossroads.db") as sqlite:
        await start_quiz(sqlite, guild=GUILD, user=MEMBER, quiz="path", questions=["p0"])
    copied = await db.copy_to_postgres(tmp_path / "crossroads.db", pg_url)
    assert copied.rows["quiz_sessions"] == 1


def test_a_copy_of_a_running_bots_database_is_refused(tmp_path: Path) -> None:
    database = tmp_path / "crossroads.db"
    database.touch()
    settings = Settings(database_path=database)
    with InstanceLock(database), pytest.raises(db.DbError, match=r"A Crossroads bot is running on .*stop it first"):
        db.copy(settings, "postgresql://crossroads@127.0.0.1:1/crossroads")


def test_copy_needs_a_postgresql_url_and_a_database(tmp_path: Path) -> None:
    settings = Settings(database_path=tmp_path / "missing.db")
    with pytest.raises(db.DbError, match="--to takes a PostgreSQL URL"):
        db.copy(settings, "sqlite:///x.db")
    with pytest.raises(db.DbError, match="There is no SQLite database at"):
        db.copy(settings, "postgresql://crossroads@127.0.0.1:1/crossroads")


def test_copy_status_and_backup_from_the_command_line(tmp_path: Path, pg_url: str) -> None:
    database = tmp_path / "crossroads.db"
    sqlite_env = {"DATABASE_PATH": str(database)}
    assert run_cli("db", "status", env=sqlite_env, cwd=tmp_path).stderr.startswith("There is no database at")
    clock = Clock()

    async def make() -> None:
        async with SqliteStorage(database, clock=clock) as sqlite:
            await fill(sqlite, clock)

    asyncio.run(make())
    status = run_cli("db", "status", env=sqlite_env, cwd=tmp_path)
    assert status.returncode == 0, status.stderr
    assert status.stdout.startswith(f"Backend: SQLite\nDatabase: {database}\nSchema version: ")
    assert "quiz_sessions" in status.stdout and "Traceback" not in status.stderr

    copied = run_cli("db", "copy", "--to", pg_url, env=sqlite_env, cwd=tmp_path)
    assert copied.returncode == 0, copied.stderr
    password = pg_url.split(":")[2].split("@")[0]
    assert "every table's row count matches" in copied.stdout and password not in copied.stdout
    again = run_cli("db", "copy", "--to", pg_url, env=sqlite_env, cwd=tmp_path)
    assert again.returncode == 1 and len(again.stderr.strip().splitlines()) == 1 and "not empty" in again.stderr

    pg_env = {"DATABASE_URL": pg_url}
    pg_status = run_cli("db", "status", env=pg_env, cwd=tmp_path)
    assert pg_status.returncode == 0, pg_status.stderr
    assert pg_status.stdout.startswith("Backend: PostgreSQL\nDatabase: 127.0.0.1:")
    assert password not in pg_status.stdout
    sqlite_rows = [line for line in status.stdout.splitlines() if line.startswith("  ")]
    assert [line for line in pg_status.stdout.splitlines() if line.startswith("  ")] == sqlite_rows

    backup = run_cli("db", "backup", str(tmp_path / "copy.db"), env=pg_env, cwd=tmp_path)
    assert backup.returncode == 1 and "use pg_dump" in backup.stderr
    assert len(backup.stderr.strip().splitlines()) == 1


def test_status_of_an_unreachable_postgresql_is_one_sentence(tmp_path: Path) -> None:
    result = run_cli("db", "status", env={"DATABASE_URL": "postgresql://x:secret@127.0.0.1:1/db"}, cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr.startswith("Cannot reach PostgreSQL at 127.0.0.1:1/db")
    assert "secret" not in result.stderr and len(result.stderr.strip().splitlines()) == 1


async def test_a_row_postgresql_refuses_stops_the_copy_and_leaves_the_target_empty(tmp_path: Path, pg_url: str) -> None:
    database = tmp_path / "crossroads.db"
    async with SqliteStorage(database) as sqlite:
        await start_quiz(sqlite, guild=GUILD, user=MEMBER, quiz="path", questions=["p0"])
        await sqlite.execute("UPDATE quiz_sessions SET position = 3000000000")  # beyond PostgreSQL's INTEGER
    with pytest.raises(db.DbError, match=r"^The copy stopped and nothing was copied: "):
        await db.copy_to_postgres(database, pg_url)
    assert sum((await db.postgres_status(pg_url)).rows.values()) == 0


async def test_text_postgresql_cannot_hold_is_copied_with_a_replacement_character(tmp_path: Path, pg_url: str) -> None:
    database = tmp_path / "crossroads.db"
    async with SqliteStorage(database) as sqlite:
        await log_ask(sqlite, guild=GUILD, user=MEMBER, question="older", entry=None, score=0.0, matched=False)
        await sqlite.execute("UPDATE ask_log SET question = 'a' || char(0) || 'b'")  # stored by an older version
    await db.copy_to_postgres(database, pg_url)
    async with PostgresStorage(pg_url) as postgres:
        [asked] = await postgres.recent_asks(GUILD)
    assert asked.question == "a\ufffdb"
