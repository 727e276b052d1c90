"""Faults a member or an operator meets, end to end: each ends as one sentence, in time, with
nothing lost and nothing changed behind the member's back."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from bot.sandbox.harness import InProcessBot
from bot.sandbox.member import Member, Message
from bot.sandbox.server import StandIn
from bot.ui.errors import STORE_BUSY
from tests.e2e.quiz_helpers import db_rows, knowledge_button, next_question


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
