"""Standby takeover on PostgreSQL: from `kill -9` of the active `python -m bot run` to the standby's
READY for the same shard, through the stand-in.

Each round starts a standby beside the running process (same shard settings, same DATABASE_URL),
waits until it says it is standing by, then a random 0-1 s more (so the kill falls anywhere in the
standby's 0.5 s polling cycle), kills the active process with SIGKILL and times how long
until the stand-in sends the standby READY (and its GUILD_CREATE: from then on members are served),
split into the time until the standby identifies. The standby then is the active process of the
next round. The same run also times a cold start (process start to READY), the baseline a restart
without a standby would cost.

The server is TEST_DATABASE_URL when set, else a throwaway cluster from the machine's PostgreSQL
binaries with durable commits.
"""

from __future__ import annotations

import asyncio
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.instance import STANDBY_POLL
from bot.sandbox.harness import BotProcess
from bot.sandbox.world import crossroads_standin
from tests.postgres import Server, benchmark_server

ROUNDS = 8
STANDING_BY = "Standing by:"


async def wait_for(condition: Callable[[], bool], what: str, within: float = 120.0) -> None:
    deadline = time.monotonic() + within
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError(what)
        await asyncio.sleep(0.005)


async def measure(server: Server) -> None:
    url = await server.create_database()
    folder = Path(tempfile.mkdtemp(prefix="crossroads-takeover-"))
    env = {"DATABASE_URL": url, "LOG_LEVEL": "INFO"}
    takeovers: list[float] = []
    identifies: list[float] = []
    processes: list[BotProcess] = []
    try:
        async with crossroads_standin() as standin:
            started = time.perf_counter()
            active = BotProcess(standin, folder / "0.db", env=env)
            processes.append(active)
            await active.start(timeout=120)
            cold = time.perf_counter() - started
            for index in range(1, ROUNDS + 1):
                standby = BotProcess(standin, folder / f"{index}.db", env=env)
                processes.append(standby)
                await standby.start(wait=False)
                await wait_for(lambda standby=standby: STANDING_BY in standby.stderr, "standing by")
                await asyncio.sleep(random.random())
                before = standin.gateway.shards.get(0)
                loop = asyncio.get_running_loop()
                killed_at = loop.time()
                killed = time.perf_counter()
                await active.kill()

                def new_session(before: object = before) -> bool:
                    session = standin.gateway.ready(0)
                    return session is not None and session is not before

                await wait_for(new_session, "the standby's READY")
                takeovers.append(time.perf_counter() - killed)
                session = standin.gateway.shards[0]
                identifies.append(session.identified_at - killed_at)
                active = standby
            await active.terminate()
    finally:
        for process in processes:
            await process.cleanup()
        await server.drop_database(url)

    print(f"Standby takeover on PostgreSQL, {ROUNDS} rounds (kill -9 of the active process -> standby READY):")
    print(
        f"  takeover   median {statistics.median(takeovers):.2f} s, max {max(takeovers):.2f} s "
        f"(each: {', '.join(f'{t:.2f}' for t in takeovers)})"
    )
    print(f"  of which until the standby identified: median {statistics.median(identifies):.2f} s")
    print(f"  the standby tries the lock every {STANDBY_POLL:g} s: the takeover is that wait plus connecting")
    print(f"  baseline, same run: a cold start (process start -> READY) takes {cold:.2f} s")


def main() -> int:
    with benchmark_server() as server:
        if server is not None:
            asyncio.run(measure(server))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
