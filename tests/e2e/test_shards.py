"""Two shard processes on one PostgreSQL: SHARD_COUNT=2, one process for shard 0 and one for shard 1,
each connected for its own shard; only one syncs the commands and one runs the scheduled jobs.
Members of a server on each shard take quizzes at once, in DMs (every DM click goes to shard 0)
and in their server (clicks go to that server's shard); one process is killed with SIGKILL in the
middle and restarted: every answer a member saw acknowledged is in the database once."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import asyncpg
import pytest

from bot.sandbox.harness import BotProcess
from bot.sandbox.world import crossroads_standin
from standin.server import StandIn
from tests.e2e.shards import (
    QuizPlayer,
    publish_commands_globally,
    shard_env,
)
from tests.eventually import eventually

pytestmark = pytest.mark.postgres


@pytest.fixture
async def sharded() -> AsyncIterator[StandIn]:
    standin = crossroads_standin(shard_count=2)
    # Clicks that reach a killed process are never answered: the member sees them fail.
    standin.expect_failures("unacknowledged")
    await standin.start()
    try:
        yield standin
    finally:
        await standin.stop()
    standin.assert_clean()


@pytest.fixture
async def processes(sharded: StandIn, pg_url: str, tmp_path: Path) -> AsyncIterator[list[BotProcess]]:
    started = [
        BotProcess(sharded, tmp_path / f"shard{shard}.db", env=shard_env(pg_url, str(shard), 2)) for shard in (0, 1)
    ]
    try:
        await asyncio.gather(*(process.start() for process in started))
        await publish_commands_globally(sharded)
        yield started
    finally:
        for process in started:
            await process.cleanup()


async def test_each_process_runs_its_shard_and_only_shard_zero_syncs(
    sharded: StandIn, processes: list[BotProcess]
) -> None:
    zero, one = processes
    assert {shard: session.shard for shard, session in sharded.gateway.shards.items()} == {0: (0, 2), 1: (1, 2)}
    assert "Synced" in zero.stderr
    assert "Not syncing slash commands: the process running shard 0 does" in one.stderr
    await eventually(
        lambda: "This process runs scheduled jobs" in zero.stderr + one.stderr, "one process running the jobs"
    )
    assert (zero.stderr + one.stderr).count("This process runs scheduled jobs") == 1


async def test_members_on_both_shards_lose_no_acknowledged_answer_when_a_process_is_killed(
    sharded: StandIn, processes: list[BotProcess], pg_url: str
) -> None:
    zero, _one = processes
    second = next(g for g in sharded.guilds.values() if g.name == "Crossroads Shard 1")
    players: list[QuizPlayer] = []
    for shard, guild in enumerate((sharded.guild, second)):
        for index in range(4):
            in_server = index % 2 == 1
            user = sharded.add_member(f"shard{shard}-member{index}", guild=guild, dms_open=not in_server)
            players.append(QuizPlayer(sharded.member(user, guild=guild), in_server=in_server))

    playing = asyncio.gather(*(player.play() for player in players))
    await eventually(lambda: sum(len(p.acknowledged) for p in players) >= 16, "answers before the kill", within=60)
    # Shard 0 takes every DM click as well as its server's: the process with the most to lose.
    before = zero.sessions()
    await zero.kill()
    await zero.start(wait=False)
    await zero.wait_ready(before)
    await asyncio.wait_for(playing, 180)

    acknowledged = [pair for player in players for pair in player.acknowledged]
    assert len(acknowledged) == len(set(acknowledged))
    connection = await asyncpg.connect(pg_url)
    try:
        rows = await connection.fetch("SELECT session_id, question_id FROM quiz_answers")
        sessions = await connection.fetch("SELECT id, user_id, status, position FROM quiz_sessions")
    finally:
        await connection.close()
    stored = [(int(row["session_id"]), row["question_id"]) for row in rows]
    assert len(stored) == len(set(stored)), "an answer was stored twice"
    assert set(acknowledged) <= set(stored), "an acknowledged answer is missing"
    # One session per member, every one finished with its ten answers.
    assert len(sessions) == len(players)
    assert {row["status"] for row in sessions} == {"completed"}, [tuple(row) for row in sessions]
    assert all(sum(1 for s, _q in stored if s == row["id"]) == 10 for row in sessions)
    assert any(player.failures for player in players), "the kill interrupted nobody"
