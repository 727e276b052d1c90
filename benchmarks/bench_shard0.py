"""DM quiz clicks at scale: Discord sends every interaction in a DM to shard 0, so however many shard
processes run, every quiz click in DMs lands on the process that runs shard 0. This measures how
many clicks per second that process answers, against one unsharded process in the same run.

Through the stand-in on PostgreSQL: N members (with two shards, half in a server on shard 0 and
half in one on shard 1) start the path finder at once and click through its ten questions, each
click as soon as the previous one was answered. Runs, each on a fresh database:

  one process, DMs         SHARD_COUNT unset: one connection; the baseline of the same run
  two shards, DMs          SHARD_COUNT=2, one process per shard: every click reaches shard 0's process

`--in-servers` adds a third run with the members' DMs closed, so they take the quiz in their server
and the clicks split between the shards (not part of the recorded figures: it did not finish on the
loaded test machine).

Printed per run: clicks answered per second, p50/p99 click latency (click to the edited question),
clicks that failed, late acks, answers in the database against clicks answered, and the share of the
clicks each shard's process received.

Usage: python benchmarks/bench_shard0.py [--members 100] [--in-servers]
The server is TEST_DATABASE_URL when set, else a throwaway cluster with durable commits.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import asyncpg

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.clicks import percentile
from bot.sandbox.harness import BotProcess
from bot.sandbox.world import crossroads_standin
from standin.state import InteractionType
from tests.e2e.shards import QuizPlayer, publish_commands_globally
from tests.postgres import Server, benchmark_server


@dataclass
class Result:
    seconds: float
    answered: int
    failed: int
    late_acks: int
    answers_in_db: int
    latencies: list[float]
    received: dict[int, int]

    @property
    def rate(self) -> float:
        return self.answered / self.seconds if self.seconds else 0.0


async def run(server: Server, members: int, *, shards: int, in_server: bool) -> Result:
    url = await server.create_database()
    folder = Path(tempfile.mkdtemp(prefix="crossroads-shard0-"))
    processes: list[BotProcess] = []
    try:
        async with crossroads_standin(shard_count=max(1, shards)) as standin:
            standin.expect_failures("unacknowledged")
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
                user = standin.add_member(f"member{index:04d}", guild=guild, dms_open=not in_server)
                players.append(QuizPlayer(standin.member(user, guild=guild), in_server=in_server))
            first = max(standin.interactions, default=0)
            started = time.perf_counter()
            await asyncio.gather(*(player.play() for player in players))
            seconds = time.perf_counter() - started
            received: dict[int, int] = {}
            for interaction in standin.interactions.values():
                if interaction.id <= first or interaction.type != InteractionType.MESSAGE_COMPONENT:
                    continue
                shard = 0 if interaction.guild_id is None else standin.shard_of(interaction.guild_id)
                received[shard] = received.get(shard, 0) + 1
            late = len(standin.failures_of("unknown_interaction"))
            for process in processes:
                await process.terminate()
        connection = await asyncpg.connect(url)
        try:
            in_db = int(await connection.fetchval("SELECT count(*) FROM quiz_answers"))
        finally:
            await connection.close()
        return Result(
            seconds=seconds,
            answered=sum(len(p.acknowledged) for p in players),
            failed=sum(p.failures for p in players),
            late_acks=late,
            answers_in_db=in_db,
            latencies=[t for p in players for t in p.latencies],
            received=received,
        )
    finally:
        for process in processes:
            await process.cleanup()
        await server.drop_database(url)


def line(label: str, result: Result) -> str:
    total = sum(result.received.values()) or 1
    share = ", ".join(f"shard {s} {100 * n / total:.0f}%" for s, n in sorted(result.received.items()))
    return (
        f"{label:<24} {result.rate:6.1f} clicks/s  p50 {percentile(result.latencies, 50) * 1000:6.1f}"
        f"  p99 {percentile(result.latencies, 99) * 1000:7.1f} ms  answered {result.answered}"
        f"  failed {result.failed}  late acks {result.late_acks}  answers in db {result.answers_in_db}"
        f"\n{'':<24} clicks received: {share}"
    )


async def measure(server: Server, members: int, in_servers: bool) -> None:
    print(f"{members} members each click through the path finder (10 questions) at once, on PostgreSQL.")
    runs = [("one process, DMs", 0, False), ("two shards, DMs", 2, False)]
    if in_servers:
        runs.append(("two shards, in servers", 2, True))
    rates = {}
    for label, shards, in_server in runs:
        result = await run(server, members, shards=shards, in_server=in_server)
        rates[label] = result.rate
        print(line(label, result), flush=True)
    base = rates["one process, DMs"] or 1.0
    print(", ".join(f"{label} {rate / base:.2f}x" for label, rate in rates.items()) + " of one process")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--members", type=int, default=100)
    parser.add_argument("--in-servers", action="store_true", help="also run quizzes taken in the servers")
    args = parser.parse_args()
    with benchmark_server() as server:
        if server is not None:
            asyncio.run(measure(server, args.members, args.in_servers))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
