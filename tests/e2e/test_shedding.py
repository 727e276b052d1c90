"""Clicks that reach the bot too late: nothing is committed for a member who saw the click fail,
and the quiz carries on with the next click or /quiz resume."""

from __future__ import annotations

import asyncio
import logging

import pytest

from bot.sandbox.harness import InProcessBot
from bot.ui.errors import STORE_BUSY
from standin.member import Member
from standin.server import InteractionFailed, StandIn
from tests.e2e.database import Database
from tests.e2e.quiz_helpers import knowledge_button, next_question, session_of


def answers(database: Database) -> int:
    return int(database.rows("SELECT COUNT(*) FROM quiz_answers")[0][0])


def position(database: Database, session_id: int) -> int:
    return int(database.rows("SELECT position FROM quiz_sessions WHERE id = ?", (session_id,))[0][0])


@pytest.mark.expect_failures("unacknowledged")
async def test_a_click_too_old_to_answer_is_shed_without_a_commit_and_the_quiz_continues(
    bot: InProcessBot, standin: StandIn, member: Member, database: Database, caplog: pytest.LogCaptureFixture
) -> None:
    await member.slash("quiz start", quiz="knowledge")
    question = await next_question(member)
    session_id = session_of(question)
    caplog.set_level(logging.INFO)

    # Discord created this click 2.9 s before it reached the bot: no reply could arrive in time.
    with pytest.raises(InteractionFailed):
        await member.click(question, custom_id=knowledge_button(question, correct=True), age=2.9)
    assert answers(database) == 0
    assert position(database, session_id) == 0
    assert [f.kind for f in standin.failures_of("unacknowledged")] == ["unacknowledged"]
    shed_lines = [r for r in caplog.records if r.getMessage().startswith("Shed ")]
    assert len(shed_lines) == 1 and "1 shed so far" in shed_lines[0].getMessage()
    assert not any(r.exc_info for r in caplog.records)

    # The same question, clicked again in time, is answered and the next question follows.
    reply = await member.click(question, custom_id=knowledge_button(question, correct=True))
    assert all(b.disabled for b in reply.buttons)
    second = await next_question(member)
    assert "question 2 of 10" in second.embeds[0].title
    assert answers(database) == 1

    # Another late click, then /quiz resume shows the question still waiting.
    with pytest.raises(InteractionFailed):
        await member.click(second, custom_id=knowledge_button(second, correct=True), age=3.5)
    assert answers(database) == 1
    resumed = await member.slash("quiz resume", dm=True)
    assert "question 2 of 10" in resumed.embeds[0].title


async def test_a_click_too_late_to_commit_says_nothing_changed_in_time(
    bot: InProcessBot, member: Member, database: Database
) -> None:
    await member.slash("quiz start", quiz="knowledge")
    question = await next_question(member)
    # 2.55 s old: an acknowledgement can still arrive, but not after a commit (the work deadline is 2.2 s).
    reply = await member.click(question, custom_id=knowledge_button(question, correct=True), age=2.55)
    assert reply.ephemeral and STORE_BUSY in reply.text, reply.text
    assert answers(database) == 0
    assert not any(b.disabled for b in question.buttons)
    after = await member.click(question, custom_id=knowledge_button(question, correct=True))
    assert all(b.disabled for b in after.buttons)
    assert answers(database) == 1


@pytest.mark.expect_failures("unacknowledged", "unknown_interaction")
async def test_a_reply_discord_refuses_as_expired_is_one_counted_log_line(
    bot: InProcessBot, standin: StandIn, member: Member, caplog: pytest.LogCaptureFixture
) -> None:
    await member.slash("quiz start", quiz="knowledge")
    question = await next_question(member)
    caplog.set_level(logging.INFO)
    # Discord expires the click before the bot's reply reaches it (the reply gets 10062).
    standin.ack_deadline = 0.0
    with pytest.raises(InteractionFailed):
        await member.click(question, custom_id=knowledge_button(question, correct=True))
    refusal = await _wait_for_log(caplog, "Discord refused")
    assert "10062" in refusal and "1 refused so far" in refusal
    assert not any(r.exc_info for r in caplog.records)


async def _wait_for_log(caplog: pytest.LogCaptureFixture, start: str) -> str:
    for _ in range(200):
        lines = [r.getMessage() for r in caplog.records if r.getMessage().startswith(start)]
        if lines:
            assert len(lines) == 1, lines
            return lines[0]
        await asyncio.sleep(0.02)
    raise AssertionError(f"no log line starting {start!r}")
