"""Faults a member or an operator meets, end to end: each ends as one sentence, in time, with
nothing lost and nothing changed behind the member's back."""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from bot.sandbox.harness import InProcessBot
from bot.sandbox.member import Member, Message
from bot.sandbox.server import StandIn
from bot.ui.errors import STORE_BUSY, STORE_DAMAGED, STORE_FULL
from tests.e2e.quiz_helpers import db_rows, knowledge_button, next_question, session_of


@contextmanager
def external_lock(database_path: Path) -> Iterator[None]:
    """Another program holds the database's write lock (as `sqlite3 crossroads.db` in a shell would)."""
    blocker = sqlite3.connect(database_path, timeout=0, check_same_thread=False)
    blocker.execute("BEGIN IMMEDIATE")
    try:
        yield
    finally:
        blocker.rollback()
        blocker.close()


def rows(database_path: Path, sql: str) -> list[tuple[object, ...]]:
    return [tuple(row) for row in db_rows(database_path, sql)]


def is_busy(message: Message) -> bool:
    return message.ephemeral and STORE_BUSY in message.text


async def test_a_ten_second_lock_answers_everyone_in_time_and_changes_nothing(
    bot: InProcessBot, standin: StandIn, member: Member, database_path: Path
) -> None:
    players = [standin.member(standin.add_member(f"player{n}")) for n in range(20)]
    questions: list[Message] = []
    for player in players:
        await player.slash("quiz start", quiz="knowledge")
        questions.append(await next_question(player))
    await member.slash("quiz start", quiz="path")
    newcomer = standin.member(standin.add_member("newcomer"))
    answers_before = rows(database_path, "SELECT * FROM quiz_answers")
    sessions_before = rows(database_path, "SELECT * FROM quiz_sessions")

    with external_lock(database_path):
        clicks = [
            player.click(question, custom_id=knowledge_button(question, correct=True))
            for player, question in zip(players, questions, strict=True)
        ]
        first_wave = await asyncio.gather(
            *clicks,
            member.slash("ask", question="do i need a degree"),
            newcomer.slash("quiz start", quiz="knowledge"),
            member.slash("mydata delete"),
        )
        *click_replies, answer, start_reply, confirmation = first_wave
        assert all(is_busy(reply) for reply in click_replies), [r.text for r in click_replies]
        assert answer.embeds[0].title == "Do I need a degree or a PhD?"
        assert is_busy(start_reply)
        assert confirmation.ephemeral and confirmation.buttons

        # Later clicks during the same lock are not queued behind the first wave's waits.
        await asyncio.sleep(3)
        second_wave = await asyncio.gather(
            *(
                player.click(question, custom_id=knowledge_button(question, correct=False))
                for player, question in zip(players, questions, strict=True)
            ),
            member.click(confirmation, label="Delete all my data"),
        )
        assert all(is_busy(reply) for reply in second_wave), [r.text for r in second_wave]
        await asyncio.sleep(4)

    assert rows(database_path, "SELECT * FROM quiz_answers") == answers_before
    assert rows(database_path, "SELECT * FROM quiz_sessions") == sessions_before
    assert all(not any(b.disabled for b in q.buttons) for q in questions)

    after = await players[0].click(questions[0], custom_id=knowledge_button(questions[0], correct=True))
    assert all(b.disabled for b in after.buttons)
    assert len(rows(database_path, "SELECT * FROM quiz_answers")) == len(answers_before) + 1


class DamagedFile:
    """Stands in for a connection to a file whose pages went bad while the bot was running: every
    statement fails with SQLite's own SQLITE_CORRUPT error."""

    def __init__(self, real: sqlite3.Connection) -> None:
        self.real = real

    def execute(self, *args: object) -> sqlite3.Cursor:
        error = sqlite3.DatabaseError("database disk image is malformed")
        error.sqlite_errorcode = 11  # type: ignore[attr-defined]
        error.sqlite_errorname = "SQLITE_CORRUPT"  # type: ignore[attr-defined]
        raise error

    def __getattr__(self, name: str) -> object:
        return getattr(self.real, name)


@contextmanager
def damaged(bot: InProcessBot) -> Iterator[None]:
    store = bot.client.store
    connections = [store.conn, store.reader]
    originals = [conn._connection for conn in connections]
    for conn, real in zip(connections, originals, strict=True):
        conn._connection = DamagedFile(real)  # type: ignore[assignment]
    writer = store.writer
    assert writer is not None and writer.conn is not None
    writer_real, writer.conn = writer.conn, DamagedFile(writer.conn)  # type: ignore[assignment]
    try:
        yield
    finally:
        for conn, real in zip(connections, originals, strict=True):
            conn._connection = real
        writer.conn = writer_real


async def test_a_database_damaged_while_running_says_so_and_never_that_nothing_is_stored(
    bot: InProcessBot, member: Member, caplog: pytest.LogCaptureFixture
) -> None:
    await member.slash("quiz start", quiz="knowledge")
    question = await next_question(member)
    caplog.set_level(logging.WARNING)
    with damaged(bot):
        shown = await member.slash("mydata show")
        click = await member.click(question, custom_id=knowledge_button(question, correct=True))
        again = await member.slash("quiz resume")
    for reply in (shown, click, again):
        assert STORE_DAMAGED in reply.text, reply.text
        assert "stores nothing" not in reply.text
    damaged_lines = [r for r in caplog.records if "is damaged" in r.getMessage()]
    assert len(damaged_lines) == 1
    assert not any(r.exc_info for r in caplog.records if r.name.startswith(("crossroads", "bot", "cogs")))
    shown = await member.slash("mydata show")
    assert "stores nothing" not in shown.text and shown.attachments


async def test_a_full_disk_says_so_logs_once_and_recovers_without_a_restart(
    bot: InProcessBot, standin: StandIn, member: Member, caplog: pytest.LogCaptureFixture
) -> None:
    other = standin.member("morgan")
    await other.slash("quiz start", quiz="path")
    filler_session = session_of(await next_question(other))
    await member.slash("quiz start", quiz="knowledge")
    question = await next_question(member)
    store = bot.client.store
    conn = store.conn
    # SQLite's own SQLITE_FULL: the file may not grow, and its last free space is taken.
    pages = await (await conn.execute("PRAGMA page_count")).fetchone()
    assert pages is not None
    await conn.execute(f"PRAGMA max_page_count = {pages[0]}")
    writer = store.writer
    assert writer is not None
    await writer.submit(lambda raw: raw.execute(f"PRAGMA max_page_count = {pages[0]}"))
    filled = 0
    for padding in (60, 0):
        while True:
            try:
                await conn.execute(
                    "INSERT INTO quiz_answers (session_id, question_id, choice_id, correct, answered_at)"
                    " VALUES (?, ?, 'a', NULL, 0)",
                    (filler_session, f"{filled:x}" + "x" * padding),
                )
            except sqlite3.OperationalError as exc:
                assert "full" in str(exc)
                break
            filled += 1
    caplog.set_level(logging.INFO)
    replies = [await member.click(question, custom_id=knowledge_button(question, correct=True)) for _ in range(3)]
    replies.append(await member.slash("quiz start", quiz="path"))
    for reply in replies:
        assert reply.ephemeral and STORE_FULL in reply.text, reply.text
    assert not any(b.disabled for b in question.buttons)
    assert len([r for r in caplog.records if "is full" in r.getMessage()]) == 1
    assert not any(r.exc_info for r in caplog.records)

    await conn.execute("PRAGMA max_page_count = 1073741823")
    await writer.submit(lambda raw: raw.execute("PRAGMA max_page_count = 1073741823"))
    after = await member.click(question, custom_id=knowledge_button(question, correct=True))
    assert all(b.disabled for b in after.buttons)
    assert "question 2 of 10" in (await next_question(member)).embeds[0].title
