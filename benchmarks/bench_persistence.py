"""Answer persistence: answers committed per second through the real store API, one answer per
transaction exactly as the quiz records them, against raw sqlite3 doing the same single-row
durable commit on the same machine in the same run.

Target: the store reaches at least half of the raw rate at the synchronous level Crossroads ships.
"""

from __future__ import annotations

import asyncio
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

from bot.settings import Settings
from bot.storage import Store
from bot.storage import quiz as quiz_store

ANSWERS = 2000
ROUNDS = 3
QUESTIONS_PER_SESSION = 10


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
            "INSERT INTO answers VALUES (?, ?, ?, ?, ?)",
            (i // QUESTIONS_PER_SESSION, f"q{i % QUESTIONS_PER_SESSION}", "a", 1, time.time()),
        )
        conn.execute("COMMIT")
    elapsed = time.perf_counter() - started
    conn.close()
    return count / elapsed


async def store_rate(path: Path, synchronous: str, count: int) -> float:
    async with Store(path, synchronous=synchronous) as store:  # type: ignore[arg-type]
        sessions = []
        for user in range(count // QUESTIONS_PER_SESSION):
            session = await quiz_store.create_session(
                store,
                guild_id=1,
                user_id=user,
                quiz_id="knowledge",
                quiz_version="bench",
                seed=user,
                plan="[]",
                total=QUESTIONS_PER_SESSION,
            )
            sessions.append(session.id)
        started = time.perf_counter()
        for i in range(count):
            session_id = sessions[i // QUESTIONS_PER_SESSION]
            position = i % QUESTIONS_PER_SESSION
            outcome = await quiz_store.record_answer(
                store,
                session_id,
                question_id=f"q{position}",
                choice_id="a",
                correct=True,
                expected_position=position,
            )
            if outcome.status != "recorded":
                raise RuntimeError(f"answer {i} was not recorded: {outcome.status}")
        elapsed = time.perf_counter() - started
        row = await store.fetchone("SELECT COUNT(*) FROM quiz_answers")
        if row is None or row[0] != count:
            raise RuntimeError("the store lost answers")
    return count / elapsed


def main() -> int:
    shipped = Settings(_env_file=None).database_synchronous  # type: ignore[call-arg]
    print(
        f"{ANSWERS} answers, one per transaction; Crossroads ships synchronous={shipped.upper()}. "
        f"Median of {ROUNDS} alternating rounds (disk flush times drift, so raw and store take turns)."
    )
    print(f"{'level':<8} {'raw sqlite3/s':>14} {'store/s':>10} {'store/raw':>10}")
    with tempfile.TemporaryDirectory() as folder:
        for level in ("normal", "full"):
            raws: list[float] = []
            ours: list[float] = []
            for round_ in range(ROUNDS):
                raws.append(raw_rate(Path(folder) / f"raw-{level}-{round_}.db", level, ANSWERS))
                ours.append(asyncio.run(store_rate(Path(folder) / f"store-{level}-{round_}.db", level, ANSWERS)))
            raw, store = statistics.median(raws), statistics.median(ours)
            marker = "  <- shipped" if level == shipped else ""
            print(f"{level.upper():<8} {raw:>14,.0f} {store:>10,.0f} {store / raw:>10.2f}{marker}")
            if level == shipped:
                verdict = "met" if store >= raw / 2 else "MISSED"
                print(f"target (store >= 0.5 x raw at {level.upper()}): {verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
