"""The database side of one quiz click, in process: the time from the click's handler asking the
store to the answer being committed, for the shipped path (one hand-off: read the session,
validate with the engine against a cached plan, write the answer) against the path before it
(one hand-off to read the session and its answers, the plan parsed with pydantic on every click,
a second hand-off to write). A plan not in the cache is read and parsed before the write
transaction, as the quiz cog does; with more sessions than the cache holds (128), every click
misses. Clicks run one at a time, so this is cost, not queueing.

Usage: python benchmarks/bench_click_path.py [--sessions 100] [--rounds 3] [--level full|normal]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

from bot.content import load_content
from bot.quiz import Attempt, Plan, new_seed
from bot.quiz.plans import forget_plans, has_plan, plan_of
from bot.storage import Store
from bot.storage import quiz as qs

ROOT = Path(__file__).resolve().parents[1]


async def one_round(path: Path, sessions: int, level: str, *, shipped: bool) -> float:
    """Microseconds per click, over `sessions` sessions answering every question."""
    content = load_content(ROOT / "data")
    forget_plans()
    async with Store(path, synchronous=level) as store:  # type: ignore[arg-type]
        ids = []
        for user in range(sessions):
            plan = content.quizzes.start("knowledge", new_seed())
            session = await qs.create_session(
                store,
                guild_id=1,
                user_id=user,
                quiz_id="knowledge",
                quiz_version=plan.version,
                seed=plan.seed,
                plan=plan.to_json(),
                total=plan.total,
            )
            ids.append((session.id, plan.question_ids()))
        clicks = 0
        started = time.perf_counter()
        for step in range(10):
            for session_id, questions in ids:
                question_id = questions[step]
                if shipped:
                    if not has_plan(session_id):
                        text = await qs.plan_text(store, session_id)
                        assert text is not None
                        plan_of(session_id, text)

                    def decide(
                        session: qs.QuizSession, stored: list[qs.StoredAnswer], question_id: str = question_id
                    ) -> tuple[None, qs.Proposed]:
                        plan = plan_of(session.id, session.plan)
                        attempt = Attempt.replay(plan, [(a.question_id, a.choice_id) for a in stored])
                        outcome = attempt.answer(question_id, "a")
                        return None, qs.Proposed(question_id, "a", outcome.answer.correct, outcome.position - 1)

                    await qs.click(store, session_id, decide)
                else:
                    session, stored = await qs.session_with_answers(store, session_id)
                    assert session is not None
                    plan = Plan.from_json(session.plan)
                    attempt = Attempt.replay(plan, [(a.question_id, a.choice_id) for a in stored])
                    outcome = attempt.answer(question_id, "a")
                    await qs.record_answer(
                        store,
                        session_id,
                        question_id=question_id,
                        choice_id="a",
                        correct=outcome.answer.correct,
                        expected_position=outcome.position - 1,
                    )
                clicks += 1
        elapsed = time.perf_counter() - started
    return elapsed / clicks * 1e6


def main(args: argparse.Namespace) -> int:
    print(
        f"{args.sessions} knowledge-check sessions x 10 clicks, one at a time, synchronous={args.level.upper()};"
        f" {args.rounds} alternating rounds."
    )
    before: list[float] = []
    after: list[float] = []
    with tempfile.TemporaryDirectory() as folder:
        for r in range(args.rounds):
            before.append(asyncio.run(one_round(Path(folder) / f"b{r}.db", args.sessions, args.level, shipped=False)))
            after.append(asyncio.run(one_round(Path(folder) / f"a{r}.db", args.sessions, args.level, shipped=True)))
    b, a = statistics.median(before), statistics.median(after)
    print(f"two hand-offs, plan parsed per click: {b:8.0f} µs per click (min {min(before):.0f}, max {max(before):.0f})")
    print(f"one hand-off, cached plan (shipped):  {a:8.0f} µs per click (min {min(after):.0f}, max {max(after):.0f})")
    print(f"shipped / before: {a / b:.2f}x")
    started = time.perf_counter()
    text = load_content(ROOT / "data").quizzes.start("knowledge", 1).to_json()
    for _ in range(200):
        Plan.from_json(text)
    parse = (time.perf_counter() - started) / 200 * 1e6
    started = time.perf_counter()
    for _ in range(2000):
        plan_of(1, text)
    cached = (time.perf_counter() - started) / 2000 * 1e6
    print(f"plan of {len(text):,} bytes: parsed {parse:.0f} µs, from the cache {cached:.1f} µs")
    return 0


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sessions", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--level", choices=["normal", "full"], default="full")
    sys.exit(main(parser.parse_args()))
