"""A database locked by another program: how long members wait for their answer.

N writes arrive together while another program holds SQLite's write lock. Each is made for an
interaction (a deadline 2.5 s after it arrived, as the bot binds one per interaction) and gets
either its result or "busy, nothing changed". The baseline is the same writes with no deadline,
the way the store worked before: each waits behind the one before it for a 2-second busy
timeout. Measured in the same run, on the same machine.

Target: with deadlines, every write is answered within Discord's 3 seconds of its arrival.
"""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

from bot import deadline
from bot.deadline import INTERACTION_WINDOW, REPLY_MARGIN, Deadline
from bot.storage import Store, StoreError

WRITES = 20
BASELINE_WRITES = 4  # each costs a full 2-second wait; four show the queue well enough


async def wait_times(path: Path, count: int, *, with_deadline: bool) -> list[float]:
    async with Store(path) as store:
        blocker = sqlite3.connect(path, timeout=0, isolation_level=None, check_same_thread=False)
        blocker.execute("BEGIN IMMEDIATE")

        async def one(n: int) -> float:
            arrived = time.time()
            if with_deadline:
                deadline.set_current(Deadline.after(arrived, INTERACTION_WINDOW - REPLY_MARGIN))
            with contextlib.suppress(StoreError):
                await store.execute(
                    "INSERT INTO ask_log (user_id, question, normalized, score, matched, asked_at)"
                    " VALUES (?, 'q', 'q', 0.5, 0, 0)",
                    (n,),
                )
            return time.time() - arrived

        try:
            waits = await asyncio.gather(*(one(n) for n in range(count)))
        finally:
            blocker.rollback()
            blocker.close()
        row = await store.fetchone("SELECT COUNT(*) FROM ask_log")
        if row is None or row[0] != 0:
            raise RuntimeError("a write that was told 'nothing changed' was committed")
    return sorted(waits)


def main() -> int:
    with tempfile.TemporaryDirectory() as folder:
        ours = asyncio.run(wait_times(Path(folder) / "deadline.db", WRITES, with_deadline=True))
        base = asyncio.run(wait_times(Path(folder) / "baseline.db", BASELINE_WRITES, with_deadline=False))
    print(f"{WRITES} writes at once against a database another program keeps locked.")
    print(f"{'mode':<22} {'writes':>6} {'first s':>8} {'median s':>9} {'last s':>7}")
    for mode, waits in (("deadline per write", ours), ("2 s busy timeout (old)", base)):
        print(f"{mode:<22} {len(waits):>6} {waits[0]:>8.2f} {waits[len(waits) // 2]:>9.2f} {waits[-1]:>7.2f}")
    print(f"last answer, deadline / old with {BASELINE_WRITES} writes: {ours[-1] / base[-1]:.2f}")
    verdict = "met" if ours[-1] < INTERACTION_WINDOW else "MISSED"
    print(f"target (every write answered within {INTERACTION_WINDOW:g} s): {verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
