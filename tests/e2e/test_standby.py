"""A standby on PostgreSQL: a second `python -m bot run` with the same shard settings and database
waits without a gateway connection while the first runs, and takes over when the first dies
(kill -9) or stops."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest

from bot.sandbox.harness import BotProcess
from standin.server import StandIn
from tests.eventually import eventually

StartBot = Callable[..., Awaitable[BotProcess]]

pytestmark = pytest.mark.postgres

STANDING_BY = "Standing by: another process runs shard 0 on this database"


async def start_pair(bot_process: StartBot, pg_url: str, tmp_path: Path) -> tuple[BotProcess, BotProcess]:
    """The active process, ready, and a standby that has said it is standing by."""
    env = {"DATABASE_URL": pg_url}
    active = await bot_process(env=env)
    assert "Running shard 0" in active.stderr
    standby = await bot_process(env=env, database_path=tmp_path / "standby.db", wait=False)
    await eventually(lambda: STANDING_BY in standby.stderr, "the standby saying it stands by", within=60)
    return active, standby


async def test_a_standby_holds_no_gateway_connection_and_takes_over_after_kill_9(
    standin: StandIn, bot_process: StartBot, pg_url: str, tmp_path: Path
) -> None:
    active, standby = await start_pair(bot_process, pg_url, tmp_path)
    assert standin.gateway.identifies == 1
    assert len(standin.gateway.connections) == 1
    assert "Synced" in active.stderr and "Synced" not in standby.stderr

    before = standby.sessions()
    await active.kill()
    await standby.wait_ready(before, timeout=60)
    assert "Taking over shard 0" in standby.stderr
    assert standin.gateway.identifies == 2
    # The process running shard 0 syncs the commands, and now that is the standby.
    assert "Synced" in standby.stderr
    # Its scheduled jobs start once the dead process's jobs lease has freed as well.
    await eventually(
        lambda: "This process runs scheduled jobs" in standby.stderr, "the standby running jobs", within=30
    )
    alice = standin.member("alice")
    reply = await alice.slash("ask", question="how much do ML engineers make")
    assert "salary" in reply.text.lower() or "$" in reply.text


async def test_a_standby_takes_over_when_the_active_process_stops_and_stops_cleanly_itself(
    standin: StandIn, bot_process: StartBot, pg_url: str, tmp_path: Path
) -> None:
    active, standby = await start_pair(bot_process, pg_url, tmp_path)
    before = standby.sessions()
    assert await active.terminate() == 0
    await standby.wait_ready(before, timeout=60)
    assert "Taking over shard 0" in standby.stderr
    assert await standby.terminate() == 0
    assert "Traceback" not in active.stderr + standby.stderr


async def test_a_standby_stopped_while_standing_by_exits_cleanly_without_connecting(
    standin: StandIn, bot_process: StartBot, pg_url: str, tmp_path: Path
) -> None:
    active, standby = await start_pair(bot_process, pg_url, tmp_path)
    assert await standby.terminate() == 0
    assert standin.gateway.identifies == 1
    assert "Traceback" not in standby.stderr
    assert await active.terminate() == 0
