"""DM quiz clicks at scale: Discord sends every interaction in a DM to shard 0, so however many shard
processes run, every quiz click in DMs lands on the process that runs shard 0. This measures how
many clicks per second that process answers.

Closed loop through the stand-in on PostgreSQL: N members (half in a server on shard 0, half in one
on shard 1) each take the knowledge check in their DMs and click as soon as the previous click was
answered. Runs, each on a fresh database:

  one process        SHARD_COUNT unset: one connection, the baseline (same run)
  two shard processes SHARD_COUNT=2, SHARD_IDS=0 and 1: /quiz start goes to the member's server's
                     shard, every click to the shard-0 process

Printed per run: clicks answered per second, p50/p99 click latency, clicks that failed, late acks,
answers in the database against clicks answered, and the share of clicks each process received.

Usage: python benchmarks/bench_shard0.py [--members 100] [--clicks 5]
The server is TEST_DATABASE_URL when set, else a throwaway cluster with durable commits.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
import time
from pathlib import Path

import asyncpg

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.clicks import Player, Tally, cpu_seconds
from bot.sandbox.harness import BotProcess
from bot.sandbox.world import crossroads_standin
from tests.e2e.shards import publish_commands_globally
from tests.postgres import URL_ENV, Cluster, Server, find_bindir


async def run(server: Server, members: int, clicks: int, *, shards: int) -> tuple[Tally, dict[int, int]]:
    url = await server.create_database()
    folder = Path(tempfile.mkdtemp(prefix="crossroads-shard0-"))
    processes: list[BotProcess] = []
    try:
        async with crossroads_standin(shard_count=max(1, shards)) as standin:
            guilds = list(standin.guilds.values())
            for shard in range(max(1, shards)):
                env = {"DATABASE_URL": url, "LOG_LEVEL": "WARNING"}
                if shards:
                    env.update(SHARD_COUNT=str(shards), SHARD_IDS=str(shard))
                processes.append(BotProcess(standin, folder / f"{shard}.db", env=env))
            await asyncio.gather(*(p.start(timeout=180) for p in processes))
            await publish_commands_globally(standin)
            players = []
            for index in range(members):
                guild = guilds[index % len(guilds)]
                user = standin.add_member(f"member{index:04d}", guild=guild)
                players.append(Player(standin.member(user, guild=guild)))
            warm = Tally()
            for group in range(0, len(players), 50):
                await asyncio.gather(*(p.start(warm) for p in players[group : group + 50]))

            tally = Tally()
            first = len(standin.interactions)
            shard_zero = processes[0].process
            assert shard_zero is not None
            cpu_before = cpu_seconds(shard_zero.pid)
            started = time.perf_counter()

            async def play(player: Player) -> None:
                for _ in range(clicks):
                    await player.click(tally, time.perf_counter())

            await asyncio.gather(*(play(p) for p in players))
            tally.seconds = time.perf_counter() - started
            tally.cpu = cpu_seconds(shard_zero.pid) - cpu_before
            await asyncio.sleep(0.2)
            tally.late_acks = len(standin.failures_of("unknown_interaction"))
            received: dict[int, int] = {}
            for interaction in list(standin.interactions.values())[first:]:
                shard = 0 if interaction.guild_id is None else standin.shard_of(interaction.guild_id)
                received[shard] = received.get(shard, 0) + 1
            for process in processes:
                await process.terminate()
        connection = await asyncpg.connect(url)
        try:
            tally.answers_in_db = int(await connection.fetchval("SELECT count(*) FROM quiz_answers"))
        finally:
            await connection.close()
        return tally, received
    finally:
        for process in processes:
            await process.cleanup()
        await server.drop_database(url)


def line(label: str, tally: Tally, received: dict[int, int]) -> str:
    rate = tally.answered / tally.seconds if tally.seconds else 0.0
    total = sum(received.values()) or 1
    share = ", ".join(f"shard {s}: {100 * n / total:.0f}%" for s, n in sorted(received.items()))
    return (
        f"{label:<22} {rate:6.1f} clicks/s answered  p50 {tally.ms(50):6.1f}  p99 {tally.ms(99):7.1f} ms"
        f"  answered {tally.answered}  failed {tally.failed}  late acks {tally.late_acks}"
        f"  CPU/click on shard 0's process {tally.cpu / max(1, tally.interactions) * 1000:.2f} ms"
        f"\n{'':<22} clicks received: {share}; answers in db {tally.answers_in_db} vs answered {tally.answered}"
    )


async def measure(server: Server, members: int, clicks: int) -> None:
    print(f"Closed loop, {members} members (half per server when sharded), {clicks} DM quiz clicks each, PostgreSQL.")
    results = []
    for label, shards in (("one process", 0), ("two shard processes", 2)):
        tally, received = await run(server, members, clicks, shards=shards)
        results.append(tally)
        print(line(label, tally, received))
    base, sharded = results
    base_rate = base.answered / base.seconds if base.seconds else 0.0
    sharded_rate = sharded.answered / sharded.seconds if sharded.seconds else 0.0
    if base_rate:
        print(f"DM clicks with two shard processes vs one process: {sharded_rate / base_rate:.2f}x")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--members", type=int, default=100)
    parser.add_argument("--clicks", type=int, default=5)
    args = parser.parse_args()
    url = os.environ.get(URL_ENV)
    if url:
        asyncio.run(measure(Server(url), args.members, args.clicks))
        return 0
    bindir = find_bindir()
    if bindir is None:
        print(f"skipped: no PostgreSQL (set {URL_ENV} or install PostgreSQL's server binaries)")
        return 0
    cluster = Cluster(bindir, durable=True)
    try:
        asyncio.run(measure(Server(cluster.start()), args.members, args.clicks))
    finally:
        cluster.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
