"""Moving a community from SQLite to PostgreSQL with `db copy`: the member's finished quiz is still in
their progress and the quiz they were halfway through goes on at their next click."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest

from bot.sandbox.harness import BotProcess
from standin.server import StandIn
from tests.e2e.database import crossroads
from tests.e2e.quiz_helpers import knowledge_button, next_question, question_of, session_of
from tests.e2e.test_quiz import play_path


@pytest.fixture
def backend() -> str:
    """The bot starts on SQLite here, whichever backend the suite runs on; the copy moves it."""
    return "sqlite"


async def test_a_copy_to_postgresql_continues_the_running_quiz_and_keeps_the_finished_one(
    standin: StandIn, bot_process: Callable[..., Awaitable[BotProcess]], database_path: Path, pg_url: str
) -> None:
    on_sqlite = await bot_process()
    member = standin.member("alice")
    await play_path(member, "ml")
    await member.slash("quiz start", quiz="knowledge")
    question = await next_question(member)
    for _ in range(5):
        await member.click(question, custom_id=knowledge_button(question, correct=True))
        question = await next_question(member)
    assert await on_sqlite.terminate() == 0

    code, out, err = await crossroads("db", "copy", "--to", pg_url, database=database_path)
    assert code == 0, err
    assert "every table's row count matches" in out

    await bot_process(env={"DATABASE_URL": pg_url})
    after = await member.click(question, custom_id=knowledge_button(question, correct=False))
    assert after.embeds[0].fields[0].name == "❌ Not quite"
    following = await next_question(member)
    assert session_of(following) == session_of(question) and question_of(following) != question_of(question)
    assert "question 7 of 10" in (following.embeds[0].title or "")

    progress = await member.slash("quiz progress")
    fields = {field.name: field.value for field in progress.embeds[0].fields}
    assert fields["Last path result"].startswith("**ML Engineer**")
    assert "Knowledge check: question 7 of 10" in fields["In progress"]
