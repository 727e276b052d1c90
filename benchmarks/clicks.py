"""Shared driver for the click benchmarks: a stand-in, a bot process (Crossroads or the bare
discord.py echo bot), members who answer quiz questions, and what each click came to.

A click ends one of three ways, as the member sees it: "answered" (the message was edited to show
the answer), "refused" (a sentence such as "busy, nothing changed" arrived in time), or "failed"
(Discord's "This interaction failed": no answer within 3 s). After a run the database is read to
count answers stored against clicks answered, so an answer committed for a click the member saw
fail shows up as an extra answer.
"""

from __future__ import annotations

import asyncio
import os
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path

from bot.sandbox.harness import BotProcess
from standin.member import Member, Message
from standin.server import InteractionFailed, StandIn

HERE = Path(__file__).resolve().parent
ANSWER_PREFIXES = ("quiz:", "echo:")
WAIT = 30.0


class EchoProcess(BotProcess):
    """The baseline bot (benchmarks/echo_bot.py) as a child process, started like Crossroads."""

    def command(self) -> list[str]:
        return [sys.executable, str(HERE / "echo_bot.py")]


def is_question(message: Message) -> bool:
    return any(not b.disabled and (b.custom_id or "").startswith(ANSWER_PREFIXES) for b in message.buttons)


def is_question_or_result(message: Message) -> bool:
    return is_question(message) or (
        bool(message.embeds)
        and not message.ephemeral
        and not any((b.custom_id or "").startswith(ANSWER_PREFIXES) for b in message.buttons)
    )


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q / 100 * len(ordered)) - 1))
    return ordered[index]


def spread(values: list[float]) -> str:
    """min / median / max, as printed next to every repeated figure."""
    return f"{min(values):.2f} / {statistics.median(values):.2f} / {max(values):.2f}"


def cpu_seconds(pid: int) -> float:
    """User + system CPU time the process has used so far."""
    with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def peak_rss_mb(pid: int) -> float:
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float("nan")


@dataclass
class Tally:
    """What the members saw, and what the database holds afterwards."""

    latencies: list[float] = field(default_factory=list)
    answered: int = 0
    refused: int = 0
    failed: int = 0
    interactions: int = 0
    errors: list[str] = field(default_factory=list)
    late_acks: int = 0
    answers_in_db: int = 0
    cpu: float = 0.0
    seconds: float = 0.0
    peak_rss_mb: float = 0.0

    @property
    def extra_answers(self) -> int:
        """Answers stored beyond the clicks members saw answered: stored for clicks that failed."""
        return max(0, self.answers_in_db - self.answered)

    def ms(self, q: float) -> float:
        return percentile(self.latencies, q) * 1000


class Player:
    """One member working through quizzes; `click()` answers the current question once."""

    def __init__(self, member: Member) -> None:
        self.member = member
        self.question: Message | None = None

    async def start(self, tally: Tally) -> None:
        await self.member.slash("quiz start", quiz="knowledge", timeout=WAIT)
        tally.interactions += 1
        self.question = await self.member.wait_for_dm(is_question_or_result, timeout=WAIT)

    async def click(self, tally: Tally, since: float) -> None:
        """Click an answer on the current question; latency counts from `since` (the scheduled time)."""
        if self.question is None or not is_question(self.question):
            await self.start(tally)
        question = self.question
        assert question is not None
        button = next(b for b in question.buttons if (b.custom_id or "").startswith(ANSWER_PREFIXES))
        tally.interactions += 1
        try:
            reply = await self.member.click(question, custom_id=button.custom_id, timeout=WAIT)
        except InteractionFailed:
            tally.failed += 1
            return  # the question is still open; the next click tries it again
        except Exception as exc:
            tally.errors.append(f"click: {exc!r}")
            return
        tally.latencies.append(time.perf_counter() - since)
        if reply.ephemeral:
            tally.refused += 1
            return
        tally.answered += 1
        try:
            self.question = await self.member.wait_for_dm(is_question_or_result, timeout=WAIT)
        except TimeoutError:
            tally.errors.append("no next question or result")
            self.question = None
        if self.question is not None and not is_question(self.question):
            # The quiz is over: start the next one now, outside any click's latency.
            await self.start(tally)


@dataclass
class Bench:
    standin: StandIn
    process: BotProcess
    players: list[Player]
    database: Path
    crossroads: bool

    def finish(self, tally: Tally) -> None:
        assert self.process.process is not None
        tally.peak_rss_mb = peak_rss_mb(self.process.process.pid)
        tally.late_acks = len(self.standin.failures_of("unknown_interaction"))
        tally.errors.extend(
            str(f)
            for f in self.standin.unexpected_failures()
            if f.kind not in ("unacknowledged", "unknown_interaction")
        )
        if self.crossroads:
            conn = sqlite3.connect(self.database)
            tally.answers_in_db = conn.execute("SELECT COUNT(*) FROM quiz_answers").fetchone()[0]
            conn.close()

    def cpu(self) -> float:
        assert self.process.process is not None
        return cpu_seconds(self.process.process.pid)


@asynccontextmanager
async def bench(players: int, *, crossroads: bool, env: dict[str, str] | None = None) -> AsyncIterator[Bench]:
    """A stand-in with `players` members, each with a knowledge check open, and a bot process."""
    with tempfile.TemporaryDirectory() as folder:
        database = Path(folder) / "bench.db"
        async with StandIn() as standin:
            members = [standin.member(standin.add_member(f"member{i:04d}")) for i in range(players)]
            process = (BotProcess if crossroads else EchoProcess)(standin, database, env=env)
            await process.start()
            try:
                ready = [Player(m) for m in members]
                warm = Tally()
                for group in range(0, len(ready), 50):
                    await asyncio.gather(*(p.start(warm) for p in ready[group : group + 50]))
                yield Bench(standin, process, ready, database, crossroads)
            finally:
                await process.terminate()


async def closed_loop(b: Bench, clicks_each: int) -> Tally:
    """Every member clicks as soon as its previous click was answered, `clicks_each` times."""
    tally = Tally()
    cpu_before = b.cpu()
    started = time.perf_counter()

    async def play(player: Player) -> None:
        for _ in range(clicks_each):
            await player.click(tally, time.perf_counter())

    await asyncio.gather(*(play(p) for p in b.players))
    tally.seconds = time.perf_counter() - started
    tally.cpu = b.cpu() - cpu_before
    return tally


async def open_loop(b: Bench, rate: float, seconds: float, *, seed: int = 1) -> Tally:
    """Poisson arrivals at `rate` clicks/s for `seconds`; each arrival takes an idle member (or waits
    for one), and its latency counts from its scheduled arrival, so queueing is not hidden."""
    tally = Tally()
    rng = random.Random(seed)
    idle: asyncio.Queue[Player] = asyncio.Queue()
    for player in b.players:
        idle.put_nowait(player)
    tasks: list[asyncio.Task[None]] = []

    async def arrive(at: float) -> None:
        player = await idle.get()
        try:
            await player.click(tally, at)
        finally:
            idle.put_nowait(player)

    cpu_before = b.cpu()
    started = time.perf_counter()
    at = started
    while True:
        at += rng.expovariate(rate)
        if at - started > seconds:
            break
        delay = at - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(arrive(at)))
    await asyncio.gather(*tasks)
    tally.seconds = time.perf_counter() - started
    tally.cpu = b.cpu() - cpu_before
    return tally
