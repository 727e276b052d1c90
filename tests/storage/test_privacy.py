from __future__ import annotations

import json

import pytest

from bot.quizflow.export import readable_export
from bot.storage.protocol import Storage
from tests.storage import raw
from tests.storage.admin_data import log_ask, play, start_quiz

MEMBER = 111
NEIGHBOUR = 222
GUILD = 10


async def fill(storage: Storage) -> None:
    """The member: a finished path quiz (3 answers), a knowledge check in progress (1 answer), two
    questions (one in a DM). The neighbour: one quiz and one question."""
    path = await start_quiz(storage, guild=GUILD, user=MEMBER, quiz="path", questions=["p0", "p1", "p2"])
    await play(storage, path, ["p0", "p1", "p2"], path_result="ml")
    running = await start_quiz(storage, guild=GUILD, user=MEMBER, quiz="knowledge", questions=["k0", "k1"])
    await play(storage, running, ["k0", "k1"], correct=1, finish=False)
    await log_ask(
        storage, guild=GUILD, user=MEMBER, question="do I need a PhD", entry="degree", score=0.8, matched=True
    )
    await log_ask(storage, guild=None, user=MEMBER, question="secret dm question", entry=None, score=0.1, matched=False)
    other = await start_quiz(storage, guild=GUILD, user=NEIGHBOUR, quiz="path", questions=["p0"])
    await play(storage, other, ["p0"], path_result="ai")
    await log_ask(storage, guild=GUILD, user=NEIGHBOUR, question="ai salary", entry="salary", score=0.9, matched=True)
    await storage.set_quiz_expiry(GUILD, 12)


async def test_export_holds_every_session_answer_and_question_of_the_member(storage: Storage) -> None:
    await fill(storage)

    data = readable_export(await storage.export_member_data(MEMBER))

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


async def test_counts_match_the_export(storage: Storage) -> None:
    await fill(storage)
    assert await storage.count_member_data(MEMBER) == {
        "quiz_sessions": 2,
        "quiz_answers": 4,
        "asked_questions": 2,
        **NO_TRIVIA,
        "answer_votes": 0,
    }


async def test_member_with_no_data_exports_empty_lists(storage: Storage) -> None:
    data = await storage.export_member_data(MEMBER)
    assert data["quiz_sessions"] == [] and data["quiz_answers"] == [] and data["asked_questions"] == []
    assert await storage.delete_member_data(MEMBER) == {
        "quiz_sessions": 0,
        "quiz_answers": 0,
        "asked_questions": 0,
        **NO_TRIVIA,
        "answer_votes": 0,
    }


async def test_delete_removes_every_row_of_the_member_and_nothing_else(storage: Storage) -> None:
    await fill(storage)
    neighbour_before = await storage.export_member_data(NEIGHBOUR)

    removed = await storage.delete_member_data(MEMBER)

    assert removed == {"quiz_sessions": 2, "quiz_answers": 4, "asked_questions": 2, "answer_votes": 0, **NO_TRIVIA}
    for table in await raw.tables_with_column(storage, "user_id"):
        [row] = await raw.fetch(storage, f"SELECT COUNT(*) AS n FROM {table} WHERE user_id = ?", MEMBER)
        assert row["n"] == 0, table
    [orphans] = await raw.fetch(
        storage, "SELECT COUNT(*) AS n FROM quiz_answers WHERE session_id NOT IN (SELECT id FROM quiz_sessions)"
    )
    assert orphans["n"] == 0
    after = await storage.export_member_data(NEIGHBOUR)
    assert {k: v for k, v in after.items() if k != "exported_at"} == {
        k: v for k, v in neighbour_before.items() if k != "exported_at"
    }
    assert (await storage.get_config(GUILD)).quiz_expiry_hours == 12
    # The member can start afresh: the in-progress session no longer blocks a new one.
    fresh = await start_quiz(storage, guild=GUILD, user=MEMBER, quiz="knowledge", questions=["k0"])
    assert fresh.status == "in_progress"


async def test_delete_is_one_transaction(storage: Storage) -> None:
    await fill(storage)
    await raw.refuse_deleting(storage, "quiz_sessions")
    with pytest.raises(Exception, match="refused"):
        await storage.delete_member_data(MEMBER)
    assert await storage.count_member_data(MEMBER) == {
        "quiz_sessions": 2,
        "quiz_answers": 4,
        "asked_questions": 2,
        **NO_TRIVIA,
        "answer_votes": 0,
    }


async def test_every_table_with_a_member_column_is_covered(storage: Storage) -> None:
    with_member = await raw.tables_with_column(storage, "user_id")
    covered = {t.name for t in await raw.owned_tables(storage)}
    assert with_member <= covered
    assert {"quiz_sessions", "quiz_answers", "ask_log"} <= covered
    assert "guild_config" not in covered


async def test_deleted_session_is_gone_for_the_quiz_store(storage: Storage) -> None:
    session = await start_quiz(storage, guild=GUILD, user=MEMBER, quiz="path", questions=["p0", "p1"])
    await storage.delete_member_data(MEMBER)
    assert await storage.get_session(session.id) is None
