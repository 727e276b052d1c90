"""`crossroads db backup`: seconds to copy and verify a database of realistic size, against the
bare online backup API (no integrity check, no row counts) and a plain file copy, on the same
file in the same run.

Target: the verified backup takes at most five times the bare online backup. Most of the
difference is PRAGMA integrity_check, which reads every page and checks every index entry; the
bot keeps writing meanwhile (WAL readers do not block writers), so the cost is the operator's wait.
"""

from __future__ import annotations

import asyncio
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from bot.ops.backup import backup
from bot.storage import Store

ROWS = 200_000
ROUNDS = 3


def build(path: Path, rows: int) -> None:
    async def schema() -> None:
        async with Store(path):
            pass

    asyncio.run(schema())
    conn = sqlite3.connect(path)
    conn.executemany(
        "INSERT INTO ask_log (guild_id, user_id, question, normalized, score, matched, asked_at)"
        " VALUES (1, ?, ?, ?, 0.5, 1, ?)",
        ((i, f"how much do ML engineers make {i}", f"how much ml engineer make {i}", float(i)) for i in range(rows)),
    )
    conn.commit()
    conn.close()


def bare_backup(source: Path, target: Path) -> None:
    src, dst = sqlite3.connect(source), sqlite3.connect(target)
    try:
        src.backup(dst)
    finally:
        dst.close()
        src.close()


def median_seconds(work: Callable[[Path], object], folder: Path) -> float:
    times = []
    for round_number in range(ROUNDS):
        target = folder / f"out-{round_number}.db"
        started = time.perf_counter()
        work(target)
        times.append(time.perf_counter() - started)
        target.unlink()
    return statistics.median(times)


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="crossroads-bench-backup-") as tmp:
        folder = Path(tmp)
        database = folder / "crossroads.db"
        build(database, ROWS)
        size_mb = database.stat().st_size / 1e6
        copy = median_seconds(lambda target: shutil.copyfile(database, target), folder)
        bare = median_seconds(lambda target: bare_backup(database, target), folder)
        verified = median_seconds(lambda target: backup(database, target), folder)
    print(f"backup of a {size_mb:.1f} MB database ({ROWS:,} rows), median of {ROUNDS}:")
    print(f"  file copy (baseline)        {copy:7.3f} s")
    print(f"  bare online backup API      {bare:7.3f} s")
    print(f"  crossroads db backup        {verified:7.3f} s  ({size_mb / verified:.0f} MB/s)")
    ratio = verified / bare
    print(f"  verified / bare backup      {ratio:7.2f}x  (target: at most 5x)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
