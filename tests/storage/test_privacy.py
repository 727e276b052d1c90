from __future__ import annotations

import json

import pytest

from bot.storage import Store
from bot.storage import quiz as qs
from bot.storage.guilds import get_config, update_config
from bot.storage.privacy import count_member_data, delete_member_data, export_member_data, owned_tables
from tests.storage.admin_data import log_ask, play, start_quiz

MEMBER = 111
NEIGHBOUR = 222
GUILD = 10


async def fill(store: Store) -> None:
    """The member: a finished path quiz (3 answers), a knowledge check in progress (1 answer), two
    questions (one in a DM). The neighbour: one quiz and one question."""
    path = await start_quiz(store, guild=GUILD, user=MEMBER, quiz="path", questions=["p0", "p1", "p2"])
    await play(store, path, ["p0", "p1", "p2"], path_result="ml")
    running = await start_quiz(store, guild=GUILD, user=MEMBER, quiz="knowledge", questions=["k0", "k1"])
    await play(store, running, ["k0", "k1"], correct=1, finish=False)
    await log_ask(store, guild=GUILD, user=MEMBER, question="do I need a PhD", entry="degree", score=0.8, matched=True)
    await log_ask(store, guild=None, user=MEMBER, question="secret dm question", entry=None, score=0.1, matched=False)
    other = await start_quiz(store, guild=GUILD, user=NEIGHBOUR, quiz="path", questions=["p0"])
    await play(store, other, ["p0"], path_result="ai")
    await log_ask(store, guild=GUILD, user=NEIGHBOUR, question="ai salary", entry="salary", score=0.9, matched=True)
    await update_config(store, GUILD, quiz_expiry_hours=12)


async def test_export_holds_every_session_answer_and_question_of_the_member(store: Store) -> None:
    await fill(store)

    data = await export_member_data(store, MEMBER)

    assert data["member_id"] == str(MEMBER)
    sessions = data["quiz_sessions"]
    assert [(s["quiz_id"], s["status"]) for s in sessions] == [("path", "completed"), ("knowledge", "in_progress")]
    assert sessions[0]["path_result"] == "ml"
    assert sessions[0]["result"] == {"quiz": "path"}
    assert sessions[0]["questions_shown"] == ["p0", "p1", "p2"]
    assert "plan" not in sessions[0]
    assert sessions[0]["started_at"].endswith("+00:00")
    assert [a["question_id"] for a in data["quiz_answers"]] == ["p0", "p1", "p2", "k0"]
    assert [q["question"] for q in data["asked_questions"]] == ["do I need a PhD", "secret dm question"]
    assert all(q["user_id"] == MEMBER for q in data["asked_questions"])
    # Nothing of the neighbour leaks into it, and it survives JSON.
    text = json.dumps(data)
    assert "ai salary" not in text
    assert json.loads(text) == data


# Trivia data is covered too (tests/storage/test_trivia_store.py fills it); here the member has none.
NO_TRIVIA = {"trivia_answers": 0, "trivia_results": 0, "trivia_games_started": 0}


async def test_counts_match_the_export(store: Store) -> None:
    await fill(store)
    assert await count_member_data(store, MEMBER) == {
        "quiz_sessions": 2,
        "quiz_answers": 4,
        "asked_questions": 2,
        **NO_TRIVIA,
        "answer_votes": 0,
    }


async def test_member_with_no_data_exports_empty_lists(store: Store) -> None:
    data = await export_member_data(store, MEMBER)
    assert data["quiz_sessions"] == [] and data["quiz_answers"] == [] and data["asked_questions"] == []
    assert await delete_member_data(store, MEMBER) == {
        "quiz_sessions": 0,
        "quiz_answers": 0,
        "asked_questions": 0,
        **NO_TRIVIA,
        "answer_votes": 0,
    }


async def test_delete_removes_every_row_of_the_member_and_nothing_else(store: Store) -> None:
    await fill(store)
    neighbour_before = await export_member_data(store, NEIGHBOUR)

    removed = await delete_member_data(store, MEMBER)

    assert removed == {"quiz_sessions": 2, "quiz_answers": 4, "asked_questions": 2, "answer_votes": 0, **NO_TRIVIA}
    for table in await owned_tables(store):
        if table.parent is None:
            row = await store.fetchone(f"SELECT COUNT(*) AS n FROM {table.name} WHERE user_id = ?", (MEMBER,))
            assert row is not None and row["n"] == 0, table.name
    orphans = await store.fetchone(
        "SELECT COUNT(*) AS n FROM quiz_answers WHERE session_id NOT IN (SELECT id FROM quiz_sessions)"
    )
    assert orphans is not None and orphans["n"] == 0
    after = await export_member_data(store, NEIGHBOUR)
    assert {k: v for k, v in after.items() if k != "exported_at"} == {
        k: v for k, v in neighbour_before.items() if k != "exported_at"
    }
    assert (await get_config(store, GUILD)).quiz_expiry_hours == 12
    # The member can start afresh: the in-progress session no longer blocks a new one.
    fresh = await start_quiz(store, guild=GUILD, user=MEMBER, quiz="knowledge", questions=["k0"])
    assert fresh.status == "in_progress"


async def test_delete_is_one_transaction(store: Store) -> None:
    await fill(store)
    await store.execute(
        """
        CREATE TRIGGER refuse_session_delete BEFORE DELETE ON quiz_sessions
        BEGIN SELECT RAISE(ABORT, 'refused'); END
        """
    )
    with pytest.raises(Exception, match="refused"):
        await delete_member_data(store, MEMBER)
    assert await count_member_data(store, MEMBER) == {
        "quiz_sessions": 2,
        "quiz_answers": 4,
        "asked_questions": 2,
        **NO_TRIVIA,
        "answer_votes": 0,
    }


async def test_every_table_with_a_member_column_is_covered(store: Store) -> None:
    names = [
        row["name"]
        for row in await store.fetchall(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        )
    ]
    with_member = set()
    for name in names:
        columns = {row["name"] for row in await store.fetchall(f"PRAGMA table_info({name})")}
        if "user_id" in columns:
            with_member.add(name)
    covered = {t.name for t in await owned_tables(store)}
    assert with_member <= covered
    assert {"quiz_sessions", "quiz_answers", "ask_log"} <= covered
    assert "guild_config" not in covered


async def test_deleted_session_is_gone_for_the_quiz_store(store: Store) -> None:
    session = await start_quiz(store, guild=GUILD, user=MEMBER, quiz="path", questions=["p0", "p1"])
    await delete_member_data(store, MEMBER)
    assert await qs.get_session(store, session.id) is None
