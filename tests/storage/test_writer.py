"""SQLite's group-commit writer (SQLite only): shared commits, and every way a write in a group can fail."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest

from bot.deadline import Deadline
from bot.storage.writer import DeadlinePassed, GroupWriter
from tests.storage.admin_data import Clock


@pytest.fixture
async def writer(tmp_path: Path) -> AsyncIterator[GroupWriter]:
    path = tmp_path / "writer.db"
    setup = sqlite3.connect(path)
    setup.executescript(
        """
        PRAGMA journal_mode = WAL;
        CREATE TABLE parent (id INTEGER PRIMARY KEY);
        CREATE TABLE child (
            id INTEGER PRIMARY KEY,
            parent_id INTEGER REFERENCES parent (id) DEFERRABLE INITIALLY DEFERRED
        );
        INSERT INTO parent (id) VALUES (1);
        """
    )
    setup.close()
    opened = GroupWriter(path)
    await opened.start()
    yield opened
    await opened.close()


def insert(child: int, parent: int = 1) -> Callable[[sqlite3.Connection], int]:
    def work(conn: sqlite3.Connection) -> int:
        conn.execute("INSERT INTO child (id, parent_id) VALUES (?, ?)", (child, parent))
        return child

    return work


def children(writer: GroupWriter) -> list[int]:
    conn = sqlite3.connect(writer.path)
    try:
        return [row[0] for row in conn.execute("SELECT id FROM child ORDER BY id")]
    finally:
        conn.close()


class Gate:
    """Holds the writer thread inside one write, so the next writes queue up and form one group."""

    def __init__(self) -> None:
        self.entered = threading.Event()
        self.release = threading.Event()

    def work(self, conn: sqlite3.Connection) -> None:
        self.entered.set()
        self.release.wait(10)

    async def hold(self, writer: GroupWriter) -> asyncio.Task[None]:
        task = asyncio.create_task(writer.submit(self.work))
        await asyncio.to_thread(self.entered.wait, 10)
        return task


async def queued(*coros: object) -> list[asyncio.Task[object]]:
    tasks = [asyncio.ensure_future(c) for c in coros]  # type: ignore[call-overload]
    await asyncio.sleep(0.05)  # let every submit reach the writer's queue
    return tasks


async def test_concurrent_writes_share_one_commit(writer: GroupWriter) -> None:
    gate = Gate()
    held = await gate.hold(writer)
    tasks = await queued(*(writer.submit(insert(n)) for n in range(10, 30)))
    gate.release.set()
    await held
    assert await asyncio.gather(*tasks) == list(range(10, 30))
    assert children(writer) == list(range(10, 30))
    # The held write was one group; the twenty that queued behind it were the second.
    assert writer.batches == 2


async def test_a_failing_write_fails_alone(writer: GroupWriter) -> None:
    def insert_then_refuse(conn: sqlite3.Connection) -> None:
        conn.execute("INSERT INTO child (id, parent_id) VALUES (99, 1)")
        raise ValueError("refused")

    gate = Gate()
    held = await gate.hold(writer)
    first, bad, duplicate, last = await queued(
        writer.submit(insert(1)), writer.submit(insert_then_refuse), writer.submit(insert(1)), writer.submit(insert(2))
    )
    gate.release.set()
    await held
    assert await first == 1
    with pytest.raises(ValueError, match="refused"):
        await bad
    with pytest.raises(sqlite3.IntegrityError):
        await duplicate
    assert await last == 2
    assert children(writer) == [1, 2]


async def test_a_cancelled_caller_takes_its_waiting_write_with_it(writer: GroupWriter) -> None:
    gate = Gate()
    held = await gate.hold(writer)
    kept, cancelled = await queued(writer.submit(insert(1)), writer.submit(insert(2)))
    cancelled.cancel()
    await asyncio.sleep(0)
    gate.release.set()
    await held
    assert await kept == 1
    assert cancelled.cancelled()
    await writer.submit(insert(3))
    assert children(writer) == [1, 3]


async def test_a_failed_commit_fails_every_write_of_its_group(writer: GroupWriter) -> None:
    gate = Gate()
    held = await gate.hold(writer)
    # Child 2's parent does not exist; the deferred foreign key makes the COMMIT itself fail.
    tasks = await queued(writer.submit(insert(1)), writer.submit(insert(2, parent=7)), writer.submit(insert(3)))
    gate.release.set()
    await held
    results = await asyncio.gather(*tasks, return_exceptions=True)
    assert all(isinstance(r, sqlite3.IntegrityError) for r in results), results
    assert children(writer) == []
    # The writer carries on with the next group.
    assert await writer.submit(insert(4)) == 4
    assert children(writer) == [4]


async def test_a_write_whose_deadline_passed_in_the_queue_is_not_run(writer: GroupWriter) -> None:
    clock = Clock()
    deadline = Deadline(clock.now + 1.0, clock)
    ran: list[int] = []

    def recorded(conn: sqlite3.Connection) -> None:
        ran.append(1)
        insert(1)(conn)

    gate = Gate()
    held = await gate.hold(writer)
    late, on_time = await queued(writer.submit(recorded, deadline), writer.submit(insert(2)))
    clock.now += 2.0
    gate.release.set()
    await held
    with pytest.raises(DeadlinePassed):
        await late
    assert await on_time == 2
    assert ran == []
    assert children(writer) == [2]


async def test_a_write_whose_deadline_passes_before_commit_is_rolled_back_alone(writer: GroupWriter) -> None:
    clock = Clock()
    deadline = Deadline(clock.now + 1.0, clock)

    def slow(conn: sqlite3.Connection) -> None:
        insert(1)(conn)
        clock.now += 2.0  # the member's 3 seconds run out while this write is in the group

    gate = Gate()
    held = await gate.hold(writer)
    late, on_time = await queued(writer.submit(slow, deadline), writer.submit(insert(2)))
    gate.release.set()
    await held
    with pytest.raises(DeadlinePassed):
        await late
    assert await on_time == 2
    assert children(writer) == [2]


async def test_a_write_already_too_late_is_refused_at_once(writer: GroupWriter) -> None:
    clock = Clock()
    with pytest.raises(DeadlinePassed):
        await writer.submit(insert(1), Deadline(clock.now - 1.0, clock))
    assert children(writer) == []
