"""Two shard processes on one PostgreSQL: SHARD_COUNT=2, one process for shard 0 and one for shard 1,
each connected for its own shard; only one syncs the commands and one runs the scheduled jobs."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.sandbox.harness import BotProcess
from bot.sandbox.world import crossroads_standin
from standin.server import StandIn
from tests.e2e.shards import publish_commands_globally, shard_env
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
