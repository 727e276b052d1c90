"""Load through the stand-in: N members run `/quiz start knowledge` at the same moment and answer
every question as soon as the previous response arrives, against the real bot as a
`python -m bot run` process.

For each N it prints total time, interactions per second, click-to-response latency
percentiles, interactions acknowledged after Discord's 3 s, errors, answers in the database
against clicks acknowledged, and the bot's peak RSS. The baseline, measured in the same run, is
the same stand-in and members against a bare discord.py bot that acknowledges every
interaction at once without doing any work: the floor the transport and library impose.

Usage: python benchmarks/bench_load.py [N ...]   (default 50 200 500)
"""

from __future__ import annotations

import asyncio
import os
import sqlite3
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from bot.sandbox.harness import BotProcess
from bot.sandbox.world import crossroads_standin
from standin.member import Member, Message
from standin.server import InteractionFailed

HERE = Path(__file__).resolve().parent
SIZES = [50, 200, 500]
ANSWER_TIMEOUT = 60.0


class EchoProcess(BotProcess):
    """The baseline bot (benchmarks/echo_bot.py) as a child process, started like Crossroads."""

    def command(self) -> list[str]:
        return [sys.executable, str(HERE / "echo_bot.py")]


@dataclass
class Run:
    members: int
    total_seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    clicks_acknowledged: int = 0
    clicks_refused: int = 0
    clicks_failed: int = 0
    answers_in_db: int = 0
    duplicates_in_db: int = 0
    late_acks: int = 0
    peak_rss_mb: float = 0.0
    interactions: int = 0

    def pct(self, q: float) -> float:
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        index = min(len(ordered) - 1, max(0, round(q / 100 * len(ordered)) - 1))
        return ordered[index] * 1000


def peak_rss_mb(pid: int) -> float:
    """The process's high-water resident set size (VmHWM), in MB."""
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float("nan")


def is_question(message: Message) -> bool:
    """A question: its enabled buttons are answers (quiz:... for Crossroads, echo:... for the baseline)."""
    return any(not b.disabled and (b.custom_id or "").startswith(("quiz:", "echo:")) for b in message.buttons)


def is_question_or_result(message: Message) -> bool:
    return is_question(message) or (
        bool(message.embeds)
        and not message.ephemeral
        and not any((b.custom_id or "").startswith(("quiz:", "echo:")) for b in message.buttons)
    )


async def play_member(member: Member, run: Run) -> None:
    started = time.perf_counter()
    try:
        await member.slash("quiz start", quiz="knowledge")
    except Exception as exc:
        run.errors.append(f"start: {exc!r}")
        return
    run.latencies.append(time.perf_counter() - started)
    run.interactions += 1
    question: Message | None = await member.wait_for_dm(is_question_or_result, timeout=ANSWER_TIMEOUT)
    while question is not None:
        clicked = time.perf_counter()
        try:
            answer = next(b for b in question.buttons if (b.custom_id or "").startswith(("quiz:", "echo:")))
            reply = await member.click(question, custom_id=answer.custom_id)
        except InteractionFailed:
            # Shed: the member saw the click fail, and clicks the same answer again.
            run.interactions += 1
            run.clicks_failed += 1
            continue
        except Exception as exc:
            run.errors.append(f"click: {exc!r}")
            return
        run.latencies.append(time.perf_counter() - clicked)
        run.interactions += 1
        if reply.ephemeral:
            # Refused in time ("busy, nothing changed"): the member clicks the same answer again.
            run.clicks_refused += 1
            continue
        run.clicks_acknowledged += 1
        try:
            question = await member.wait_for_dm(is_question_or_result, timeout=ANSWER_TIMEOUT)
        except TimeoutError:
            run.errors.append("no next question or result")
            return
        if not is_question(question):
            return


async def measure(members_count: int, *, baseline: bool) -> Run:
    run = Run(members=members_count)
    with tempfile.TemporaryDirectory() as folder:
        database = Path(folder) / "bench.db"
        async with crossroads_standin() as standin:
            users = [standin.add_member(f"member{i:04d}") for i in range(members_count)]
            members = [standin.member(user) for user in users]
            process = (EchoProcess if baseline else BotProcess)(standin, database)
            await process.start()
            assert process.process is not None
            try:
                started = time.perf_counter()
                await asyncio.gather(*(play_member(m, run) for m in members))
                run.total_seconds = time.perf_counter() - started
                run.peak_rss_mb = peak_rss_mb(process.process.pid)
                # An acknowledgement after 3 s is refused with 10062; a shed click is counted apart.
                run.late_acks = len(standin.failures_of("unknown_interaction"))
                run.errors.extend(
                    str(f)
                    for f in standin.unexpected_failures()
                    if f.kind not in ("unacknowledged", "unknown_interaction")
                )
            finally:
                await process.terminate()
        if not baseline:
            conn = sqlite3.connect(database)
            run.answers_in_db = conn.execute("SELECT COUNT(*) FROM quiz_answers").fetchone()[0]
            run.duplicates_in_db = conn.execute(
                "SELECT COUNT(*) FROM (SELECT session_id, question_id FROM quiz_answers"
                " GROUP BY session_id, question_id HAVING COUNT(*) > 1)"
            ).fetchone()[0]
            conn.close()
    return run


def report(run: Run, base: Run) -> None:
    rate = run.interactions / run.total_seconds if run.total_seconds else 0.0
    base_rate = base.interactions / base.total_seconds if base.total_seconds else 0.0
    print(
        f"N={run.members:>4}  total {run.total_seconds:6.2f} s  {rate:7.1f} interactions/s"
        f"  p50 {run.pct(50):6.1f} ms  p95 {run.pct(95):6.1f} ms  p99 {run.pct(99):7.1f} ms"
        f"  late acks {run.late_acks}  errors {len(run.errors)}"
    )
    lost = run.clicks_acknowledged - run.answers_in_db
    print(
        f"        answers in db {run.answers_in_db} / clicks acknowledged {run.clicks_acknowledged}"
        f"  (lost {max(lost, 0)}, extra {max(-lost, 0)}, duplicated {run.duplicates_in_db};"
        f" refused in time {run.clicks_refused}, shed {run.clicks_failed})"
        f"  peak RSS {run.peak_rss_mb:.1f} MB"
    )
    print(
        f"        baseline (bare discord.py ack bot): {base_rate:7.1f} interactions/s,"
        f" p50 {base.pct(50):6.1f} ms, p99 {base.pct(99):6.1f} ms, peak RSS {base.peak_rss_mb:.1f} MB;"
        f" p99 ratio {run.pct(99) / base.pct(99):.2f}x, throughput ratio {rate / base_rate if base_rate else 0:.2f}x"
    )
    for error in run.errors[:5]:
        print(f"        error: {error}")


async def main(sizes: list[int]) -> int:
    print(f"{os.cpu_count()} cores; each member: /quiz start knowledge + 10 answers (11 interactions).")
    for size in sizes:
        base = await measure(size, baseline=True)
        run = await measure(size, baseline=False)
        report(run, base)
        if size == 500:
            print(
                f"        targets at N=500: p99 < 100 ms ({'met' if run.pct(99) < 100 else 'MISSED'}),"
                f" RSS < 150 MB ({'met' if run.peak_rss_mb < 150 else 'MISSED'}),"
                f" late acks 0 ({'met' if run.late_acks == 0 else 'MISSED'}),"
                f" errors 0 ({'met' if not run.errors else 'MISSED'}),"
                f" answers == clicks ({'met' if run.answers_in_db == run.clicks_acknowledged else 'MISSED'})"
            )
    return 0


if __name__ == "__main__":
    wanted = [int(arg) for arg in sys.argv[1:]] or SIZES
    sys.exit(asyncio.run(main(wanted)))
