"""Answer persistence on PostgreSQL: answers committed per second through the real store
(`PostgresStorage.record_answer`, one answer per transaction exactly as the quiz records them),
against raw asyncpg doing a single-row INSERT and COMMIT on the same server in the same run.
One member at a time, then 50 members at once (a pool on both sides).

The server is TEST_DATABASE_URL when set, else a throwaway cluster from the machine's PostgreSQL
binaries with durable commits (fsync and synchronous_commit on, as a real server runs).
Target: the store reaches at least half of the raw rate.
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import time
from pathlib import Path

import asyncpg

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.storage.postgres import PostgresStorage
from tests.postgres import Server, benchmark_server

ANSWERS = 1000
QUESTIONS = 10
MEMBERS = 50
ROUNDS = 3


async def raw_rate(url: str, count: int, members: int) -> float:
    conn = await asyncpg.connect(url)
    await conn.execute(
        "CREATE TABLE answers (session_id BIGINT, question_id TEXT, choice_id TEXT, correct INTEGER,"
        " answered_at DOUBLE PRECISION, PRIMARY KEY (session_id, question_id))"
    )
    await conn.close()
    pool = await asyncpg.create_pool(url, min_size=members, max_size=members)

    async def member(index: int) -> None:
        for i in range(index, count, members):
            async with pool.acquire() as each, each.transaction():
                await each.execute(
                    "INSERT INTO answers VALUES ($1, $2, $3, $4, $5)",
                    i // QUESTIONS,
                    f"q{i % QUESTIONS}",
                    "a",
                    1,
                    time.time(),
                )

    started = time.perf_counter()
    await asyncio.gather(*(member(m) for m in range(members)))
    elapsed = time.perf_counter() - started
    stored = await pool.fetchval("SELECT count(*) FROM answers")
    await pool.close()
    if stored != count:
        raise RuntimeError("raw asyncpg lost answers")
    return count / elapsed


async def store_rate(url: str, count: int, members: int) -> float:
    async with PostgresStorage(url, pool_size=members) as store:
        sessions = []
        for user in range(count // QUESTIONS):
            session = await store.create_session(
                guild_id=1,
                user_id=user,
                quiz_id="knowledge",
                quiz_version="bench",
                seed=user,
                plan="[]",
                total=QUESTIONS,
            )
            sessions.append(session.id)

        # A member answers their own quiz in order; members are spread so each runs whole sessions.
        async def member(index: int) -> None:
            for s in range(index, len(sessions), members):
                for position in range(QUESTIONS):
                    outcome = await store.record_answer(
                        sessions[s],
                        question_id=f"q{position}",
                        choice_id="a",
                        correct=True,
                        expected_position=position,
                    )
                    if outcome.status != "recorded":
                        raise RuntimeError(f"an answer was not recorded: {outcome.status}")

        started = time.perf_counter()
        await asyncio.gather(*(member(m) for m in range(members)))
        elapsed = time.perf_counter() - started
        stored = await store.pool.fetchval("SELECT count(*) FROM quiz_answers")
    if stored != count:
        raise RuntimeError("the store lost answers")
    return count / elapsed


async def measure(server: Server) -> None:
    print(f"{ANSWERS} answers, one per transaction, durable commits. Median of {ROUNDS} alternating rounds.")
    print(f"{'members at once':<16} {'raw asyncpg/s':>14} {'store/s':>10} {'store/raw':>10}")
    for members in (1, MEMBERS):
        raws: list[float] = []
        ours: list[float] = []
        for _ in range(ROUNDS):
            for rates, rate in ((raws, raw_rate), (ours, store_rate)):
                url = await server.create_database()
                try:
                    rates.append(await rate(url, ANSWERS, members))
                finally:
                    await server.drop_database(url)
        raw, store = statistics.median(raws), statistics.median(ours)
        print(f"{members:<16} {raw:>14,.0f} {store:>10,.0f} {store / raw:>10.2f}")
        verdict = "met" if store >= raw / 2 else "MISSED"
        print(f"target (store >= 0.5 x raw, {members} at once): {verdict}")


def main() -> int:
    with benchmark_server() as server:
        if server is not None:
            asyncio.run(measure(server))
    return 0


if __name__ == "__main__":
    sys.exit(main())
