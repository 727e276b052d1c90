"""Answer persistence with concurrent writers: answers committed per second through the real store
API (`record_answer`, one durable answer per caller, acknowledged only after its COMMIT) with 1,
100 and 500 writers at once, with group commit (shipped) and without it (one transaction and one
fsync per answer, the store before group commit), against raw sqlite3 committing one row per
transaction on the same machine in the same run.

Usage: python benchmarks/bench_group_commit.py [--answers 1000] [--writers 1 100 500] [--rounds 3]
       [--level full]
"""

from __future__ import annotations

import argparse
import asyncio
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

from bot.storage import Store
from bot.storage import quiz as quiz_store

QUESTIONS = 10


def raw_rate(path: Path, synchronous: str, count: int) -> float:
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute(f"PRAGMA synchronous = {synchronous}")
    conn.execute(
        "CREATE TABLE answers (session_id INTEGER, question_id TEXT, choice_id TEXT, correct INTEGER,"
        " answered_at REAL, PRIMARY KEY (session_id, question_id))"
    )
    started = time.perf_counter()
    for i in range(count):
        conn.execute("BEGIN IMMEDIATE")
        conn.execute(
            "INSERT INTO answers VALUES (?, ?, ?, ?, ?)", (i // QUESTIONS, f"q{i % QUESTIONS}", "a", 1, time.time())
        )
        conn.execute("COMMIT")
    elapsed = time.perf_counter() - started
    conn.close()
    return count / elapsed


async def store_rate(path: Path, synchronous: str, count: int, writers: int, *, group: bool) -> tuple[float, float]:
    """Answers per second, and answers per COMMIT (1.0 without group commit)."""
    async with Store(path, synchronous=synchronous, group_commit=group) as store:  # type: ignore[arg-type]
        sessions = []
        for user in range(count // QUESTIONS):
            session = await quiz_store.create_session(
                store,
                guild_id=1,
                user_id=user,
                quiz_id="knowledge",
                quiz_version="bench",
                seed=user,
                plan="[]",
                total=QUESTIONS,
            )
            sessions.append(session.id)
        writer = store.writer
        batches_before = writer.batches if writer else 0
        queue: asyncio.Queue[int] = asyncio.Queue()
        for session_id in sessions:
            queue.put_nowait(session_id)

        async def work() -> None:
            # Each writer answers one session's questions in order, like a member.
            while not queue.empty():
                session_id = queue.get_nowait()
                for position in range(QUESTIONS):
                    outcome = await quiz_store.record_answer(
                        store,
                        session_id,
                        question_id=f"q{position}",
                        choice_id="a",
                        correct=True,
                        expected_position=position,
                    )
                    if outcome.status != "recorded":
                        raise RuntimeError(f"an answer was not recorded: {outcome.status}")

        started = time.perf_counter()
        await asyncio.gather(*(work() for _ in range(writers)))
        elapsed = time.perf_counter() - started
        row = await store.fetchone("SELECT COUNT(*) FROM quiz_answers")
        if row is None or row[0] != count:
            raise RuntimeError("the store lost answers")
        commits = (writer.batches - batches_before) if writer else count
    return count / elapsed, count / max(1, commits)


def main(args: argparse.Namespace) -> int:
    level = args.level
    print(
        f"{args.answers} answers per round, synchronous={level.upper()}, median of {args.rounds} alternating"
        " rounds (raw, without group commit, with group commit)."
    )
    print(
        f"{'writers':>7} {'raw/s':>8} {'before/s':>9} {'after/s':>8} {'after/before':>12} {'after/raw':>9}"
        f" {'answers/commit':>14}"
    )
    with tempfile.TemporaryDirectory() as folder:
        for writers in args.writers:
            raws, befores, afters, per_commit = [], [], [], []
            for r in range(args.rounds):
                base = Path(folder) / f"{writers}-{r}"
                raws.append(raw_rate(base.with_suffix(".raw.db"), level, args.answers))
                before, _ = asyncio.run(
                    store_rate(base.with_suffix(".before.db"), level, args.answers, writers, group=False)
                )
                after, batch = asyncio.run(
                    store_rate(base.with_suffix(".after.db"), level, args.answers, writers, group=True)
                )
                befores.append(before)
                afters.append(after)
                per_commit.append(batch)
            raw, before, after = (statistics.median(v) for v in (raws, befores, afters))
            print(
                f"{writers:>7} {raw:>8,.0f} {before:>9,.0f} {after:>8,.0f} {after / before:>11.2f}x"
                f" {after / raw:>8.2f}x {statistics.median(per_commit):>14.1f}"
            )
    return 0


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--answers", type=int, default=1000)
    parser.add_argument("--writers", type=int, nargs="+", default=[1, 100, 500])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--level", choices=["normal", "full"], default="full")
    sys.exit(main(parser.parse_args()))
