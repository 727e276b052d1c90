"""A standby on PostgreSQL: a second `python -m bot run` with the same shard settings and database
waits without a gateway connection while the first runs, and takes over when the first dies
(kill -9) or stops."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import pytest

from bot.sandbox.harness import BotProcess
from standin.server import StandIn
from tests.e2e.quiz_helpers import next_question
from tests.eventually import eventually

StartBot = Callable[..., Awaitable[BotProcess]]

pytestmark = pytest.mark.postgres

STANDING_BY = "Standing by: another process runs shard 0 on this database"


@pytest.fixture
async def bot_process(standin: StandIn, pg_url: str, tmp_path: Path) -> AsyncIterator[StartBot]:
    """`await bot_process()` starts `python -m bot run` on the test's PostgreSQL database (each
    process with a SQLite path of its own, which PostgreSQL leaves unused)."""
    started: list[BotProcess] = []

    async def start(*, wait: bool = True) -> BotProcess:
        process = BotProcess(standin, tmp_path / f"unused-{len(started)}.db", env={"DATABASE_URL": pg_url})
        started.append(process)
        return await process.start(wait=wait)

    try:
        yield start
    finally:
        for process in started:
            await process.cleanup()


async def start_pair(bot_process: StartBot) -> tuple[BotProcess, BotProcess]:
    """The active process, ready, and a standby that has said it is standing by."""
    active = await bot_process()
    assert "Running shard 0" in active.stderr
    standby = await bot_process(wait=False)
    await eventually(lambda: STANDING_BY in standby.stderr, "the standby saying it stands by", within=60)
    return active, standby


async def test_a_standby_holds_no_gateway_connection_and_takes_over_after_kill_9(
    standin: StandIn, bot_process: StartBot
) -> None:
    active, standby = await start_pair(bot_process)
    assert standin.gateway.identifies == 1
    assert len(standin.gateway.connections) == 1
    assert "Synced" in active.stderr and "Synced" not in standby.stderr

    before = standby.sessions()
    await active.kill()
    await standby.wait_ready(before, timeout=60)
    assert "Taking over shard 0" in standby.stderr
    assert standin.gateway.identifies == 2

    alice = standin.member("alice")
    reply = await alice.slash("ask", question="how much do ML engineers make")
    assert "salary" in reply.text.lower() or "$" in reply.text
    # The process running shard 0 syncs the commands, and now that is the standby.
    assert "Synced" in standby.stderr
    # Its scheduled jobs start once the dead process's jobs lease has freed as well.
    await eventually(
        lambda: "This process runs scheduled jobs" in standby.stderr, "the standby running jobs", within=30
    )


async def test_the_members_next_click_after_a_takeover_continues_the_quiz(
    standin: StandIn, bot_process: StartBot
) -> None:
    active, standby = await start_pair(bot_process)
    alice = standin.member("alice")
    await alice.slash("quiz start", quiz="path")
    question = await next_question(alice)
    for _ in range(2):
        await alice.click(question, 0)
        question = await next_question(alice)
    assert "question 3 of 10" in (question.embeds[0].title or "")

    before = standby.sessions()
    await active.kill()
    await standby.wait_ready(before, timeout=60)

    # The click reaches the standby, which continues the quiz from the shared database.
    after = await alice.click(question, 0)
    assert after.id == question.id and all(button.disabled for button in after.buttons)
    assert "question 4 of 10" in ((await next_question(alice)).embeds[0].title or "")


async def test_a_standby_takes_over_when_the_active_process_stops_and_stops_cleanly_itself(
    standin: StandIn, bot_process: StartBot
) -> None:
    active, standby = await start_pair(bot_process)
    before = standby.sessions()
    assert await active.terminate() == 0
    await standby.wait_ready(before, timeout=60)
    assert "Taking over shard 0" in standby.stderr
    assert await standby.terminate() == 0
    assert "Traceback" not in active.stderr + standby.stderr


async def test_a_standby_stopped_while_standing_by_exits_cleanly_without_connecting(
    standin: StandIn, bot_process: StartBot
) -> None:
    active, standby = await start_pair(bot_process)
    assert await standby.terminate() == 0
    assert standin.gateway.identifies == 1
    assert "Traceback" not in standby.stderr
    assert await active.terminate() == 0
