"""CPU per interaction: the bot process's user + system CPU time over the interactions completed
in the same window, for Crossroads and the bare discord.py echo bot (benchmarks/echo_bot.py),
in alternating runs. Unlike throughput, this does not depend on how busy the machine is.

Usage: python benchmarks/bench_cpu.py [--members 100] [--clicks 5] [--runs 3]
Target: Crossroads at most 1.5x the echo bot's CPU per interaction.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys

from benchmarks.clicks import bench, closed_loop, spread


async def one(members: int, clicks: int, *, crossroads: bool) -> tuple[float, int, int]:
    async with bench(members, crossroads=crossroads) as b:
        tally = await closed_loop(b, clicks)
        b.finish(tally)
    if tally.errors or tally.failed:
        print(f"    note: {tally.failed} failed clicks, {len(tally.errors)} errors: {tally.errors[:2]}")
    return tally.cpu / max(1, tally.interactions) * 1000, tally.interactions, tally.answers_in_db


async def main(members: int, clicks: int, runs: int) -> int:
    print(f"{members} members, {clicks} clicks each per run, {runs} alternating runs per bot (echo first).")
    echo: list[float] = []
    ours: list[float] = []
    for run in range(runs):
        ms, count, _ = await one(members, clicks, crossroads=False)
        echo.append(ms)
        print(f"  run {run + 1}: echo       {ms:6.3f} ms CPU per interaction ({count} interactions)")
        ms, count, stored = await one(members, clicks, crossroads=True)
        ours.append(ms)
        print(f"  run {run + 1}: crossroads {ms:6.3f} ms CPU per interaction ({count} interactions, {stored} answers)")
    ratios = [c / e for c, e in zip(ours, echo, strict=True)]
    ratio = statistics.median(ours) / statistics.median(echo)
    print(f"CPU per interaction, min / median / max (ms): crossroads {spread(ours)}, echo {spread(echo)}")
    print(
        f"ratio of medians {ratio:.2f}x (per pair {spread(ratios)});"
        f" target <= 1.5x: {'met' if ratio <= 1.5 else 'MISSED'}"
    )
    return 0


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--members", type=int, default=100)
    parser.add_argument("--clicks", type=int, default=5)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    sys.exit(asyncio.run(main(args.members, args.clicks, args.runs)))
