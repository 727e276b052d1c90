"""A server at its cap of entries: how long its knowledge base takes to build, how fast it answers,
and how long the event loop is held while it is rebuilt.

Baselines in the same run: the shipped knowledge base alone (build and match), and the same
rebuild done on the event loop instead of off it. The loop's longest stall is measured by a task
that wakes every millisecond, as discord.py's gateway heartbeat and reads would.
"""

from __future__ import annotations

import asyncio
import random
import statistics
import time
from pathlib import Path

from bot.knowledge import KnowledgeBase, load_knowledge, semantic
from bot.knowledge.server_entries import MAX_SERVER_ENTRIES, Draft, GuildKnowledge, GuildLayer, build_entry, layered

ROOT = Path(__file__).resolve().parents[1]
WORDS = [
    "study",
    "group",
    "mentor",
    "call",
    "resume",
    "review",
    "portfolio",
    "project",
    "deadline",
    "meetup",
    "office",
    "hours",
    "channel",
    "voice",
    "schedule",
    "weekly",
    "thursday",
    "course",
    "notebook",
    "dataset",
    "kaggle",
    "interview",
    "practice",
    "pairing",
    "feedback",
    "talk",
    "newsletter",
    "library",
    "book",
    "reading",
    "club",
    "challenge",
    "hackathon",
    "prize",
    "badge",
    "moderator",
    "rules",
    "invite",
]


def server_layer(shipped: KnowledgeBase, count: int, seed: int = 7) -> GuildLayer:
    rng = random.Random(seed)
    layer = GuildLayer()
    entries = []
    for number in range(count):
        words = rng.sample(WORDS, 6)
        draft = Draft(
            title=f"{' '.join(words[:3]).capitalize()} {number}",
            answer=" ".join(rng.choice(WORDS) for _ in range(60)) + ".",
            questions="\n".join(f"how does the {' '.join(rng.sample(WORDS, 3))} work" for _ in range(3)),
        )
        entries.append(build_entry(draft, shipped=shipped, layer=layer))
        layer = GuildLayer(entries=tuple(entries))
    return layer


def timed(fn: object, repeat: int = 5) -> float:
    assert callable(fn)
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - start)
    return statistics.median(runs)


def latencies(kb: KnowledgeBase, questions: list[str]) -> tuple[float, float]:
    samples = []
    for question in questions:
        semantic.forget()  # every question new: embedded afresh, as a member's would be
        start = time.perf_counter()
        kb.match(question)
        samples.append(time.perf_counter() - start)
    samples.sort()
    return samples[len(samples) // 2] * 1000, samples[int(len(samples) * 0.99) - 1] * 1000


async def longest_stall(rebuild: object) -> float:
    """The longest the loop went without running a 1 ms ticker while `rebuild()` ran."""
    assert callable(rebuild)
    stalls: list[float] = []
    done = asyncio.Event()

    async def ticker() -> None:
        last = time.perf_counter()
        while not done.is_set():
            await asyncio.sleep(0.001)
            now = time.perf_counter()
            stalls.append(now - last)
            last = now

    task = asyncio.create_task(ticker())
    await asyncio.sleep(0.01)
    await rebuild()
    done.set()
    await task
    return max(stalls) * 1000


async def main() -> None:
    shipped, problems = load_knowledge(ROOT / "data" / "knowledge")
    assert shipped is not None, problems
    layer = server_layer(shipped, MAX_SERVER_ENTRIES)
    start = time.perf_counter()
    full = layered(shipped, layer)
    first_build = time.perf_counter() - start
    base_build = timed(lambda: KnowledgeBase(list(shipped.entries()), shipped.profiles()))
    full_build = timed(lambda: layered(shipped, layer))
    print(
        f"Knowledge base build: shipped {len(shipped)} entries {base_build * 1000:.1f} ms; "
        f"with {MAX_SERVER_ENTRIES} server entries ({len(full)}) {full_build * 1000:.1f} ms "
        f"({full_build / base_build:.1f}× the shipped build) once their embeddings are remembered "
        f"(kept in the cache file across restarts); the first build, embedding every server entry, "
        f"{first_build:.1f} s"
    )

    questions = [f"how does the {' '.join(random.Random(i).sample(WORDS, 3))} work" for i in range(300)]
    questions += ["how much do ML engineers make", "is AI engineering easier to get into"] * 50
    base_p50, base_p99 = latencies(shipped, questions)
    full_p50, full_p99 = latencies(full, questions)
    print(
        f"/ask match p50 / p99: shipped {base_p50:.3f} / {base_p99:.3f} ms; "
        f"at the cap {full_p50:.3f} / {full_p99:.3f} ms"
    )

    async def load(guild_id: int) -> GuildLayer:
        return layer

    registry = GuildKnowledge(lambda: shipped, load)

    async def off_loop() -> None:
        await registry.refresh(1)

    async def on_loop() -> None:
        layered(shipped, layer)

    stalls_off = [await longest_stall(off_loop) for _ in range(3)]
    stalls_on = [await longest_stall(on_loop) for _ in range(3)]
    print(
        f"Longest event-loop stall during a rebuild: off the loop (shipped) {statistics.median(stalls_off):.1f} ms; "
        f"on the loop (baseline) {statistics.median(stalls_on):.1f} ms"
    )


if __name__ == "__main__":
    asyncio.run(main())
