"""A burst on one trivia question: N members click an answer within the same moment, through the
stand-in, against the real bot as a `python -m bot run` process.

Prints the click-to-acknowledgement latency (p50, p95, p99, max), clicks acknowledged after
Discord's 3 s, answers in the database against clicks acknowledged, and the bot's CPU time per
click. The baseline, measured in the same run against the same bot process, is the same members
sending `/trivia help` at the same moment: an ephemeral reply with no database work, the floor
the stand-in, the Gateway and discord.py impose on one interaction.

Usage: python benchmarks/bench_trivia.py [N ...]   (default 200)
"""

from __future__ import annotations

import asyncio
import os
import sqlite3
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path

from bot.sandbox.harness import BotProcess
from standin.member import Member, Message
from standin.server import StandIn

SIZES = [200]
TICKS = os.sysconf("SC_CLK_TCK")


@dataclass
class Burst:
    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    cpu_seconds: float = 0.0

    def pct(self, q: float) -> float:
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        index = min(len(ordered) - 1, max(0, round(q / 100 * len(ordered)) - 1))
        return ordered[index] * 1000

    @property
    def cpu_ms(self) -> float:
        """Bot CPU milliseconds per interaction."""
        return self.cpu_seconds / len(self.latencies) * 1000 if self.latencies else float("nan")

    def line(self, what: str) -> str:
        per = self.cpu_ms
        return (
            f"{what:<28} p50 {self.pct(50):6.1f} ms  p95 {self.pct(95):6.1f} ms  p99 {self.pct(99):6.1f} ms"
            f"  max {self.pct(100):6.1f} ms  CPU {per:5.2f} ms/interaction  errors {len(self.errors)}"
        )


def cpu_seconds(pid: int) -> float:
    """User + system CPU time the process has used so far."""
    with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


async def burst(pid: int, members: list[Member], act: Callable[[Member], Awaitable[Message]]) -> Burst:
    result = Burst()
    gate = asyncio.Event()

    async def one(member: Member) -> None:
        await gate.wait()
        started = time.perf_counter()
        try:
            await act(member)
        except Exception as exc:
            result.errors.append(repr(exc))
            return
        result.latencies.append(time.perf_counter() - started)

    tasks = [asyncio.create_task(one(m)) for m in members]
    await asyncio.sleep(0.2)
    before = cpu_seconds(pid)
    gate.set()
    await asyncio.gather(*tasks)
    result.cpu_seconds = cpu_seconds(pid) - before
    return result


async def measure(size: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        database = Path(folder) / "bench.db"
        async with StandIn() as standin:
            users = [standin.add_member(f"player{i:04d}") for i in range(size)]
            members = [standin.member(user) for user in users]
            host = standin.member("morgan")
            process = BotProcess(standin, database)
            await process.start()
            assert process.process is not None
            pid = process.process.pid
            try:
                baseline = await burst(pid, members, lambda m: m.slash("trivia help"))
                await host.slash("trivia start", questions=1, seconds=120)
                question = await host.wait_for_message(
                    lambda m: any((b.custom_id or "").startswith("trivia:") for b in m.buttons), timeout=30
                )
                answer = next(b.custom_id for b in question.buttons if (b.custom_id or "").startswith("trivia:"))
                clicks = await burst(pid, members, lambda m: m.click(question, custom_id=answer))
                late = len(standin.failures_of("unacknowledged"))
                await host.slash("trivia stop")
            finally:
                await process.terminate()
        conn = sqlite3.connect(database)
        stored = conn.execute("SELECT COUNT(*) FROM trivia_answers").fetchone()[0]
        conn.close()
    print(f"N={size} members, one click each on one question (Crossroads as a `python -m bot run` process)")
    print("  " + clicks.line("answer click"))
    print("  " + baseline.line("baseline: /trivia help"))
    print(
        f"  p99 ratio {clicks.pct(99) / baseline.pct(99):.2f}x, CPU ratio "
        f"{clicks.cpu_ms / baseline.cpu_ms:.2f}x;"
        f"  acknowledged after 3 s: {late};  answers in db {stored} / clicks acknowledged {len(clicks.latencies)}"
    )
    print(
        f"  target: every click acknowledged within 3 s ({'met' if late == 0 and clicks.pct(100) < 3000 else 'MISSED'})"
    )
    for error in (clicks.errors + baseline.errors)[:5]:
        print(f"  error: {error}")


async def main(sizes: list[int]) -> int:
    print(f"{os.cpu_count()} cores")
    for size in sizes:
        await measure(size)
    return 0


if __name__ == "__main__":
    wanted = [int(arg) for arg in sys.argv[1:]] or SIZES
    sys.exit(asyncio.run(main(wanted)))
