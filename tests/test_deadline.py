"""The deadline helper: time left, too late to start, and the snowflake clock."""

from __future__ import annotations

import asyncio

from bot import deadline
from bot.deadline import DISCORD_EPOCH, INTERACTION_WINDOW, REPLY_MARGIN, Deadline, snowflake_time


def snowflake_at(unix: float) -> int:
    return int((unix - DISCORD_EPOCH) * 1000) << 22 | 12345


def test_a_snowflake_carries_its_creation_time_to_the_millisecond() -> None:
    assert abs(snowflake_time(snowflake_at(1_800_000_000.25)) - 1_800_000_000.25) < 0.001


def test_an_interaction_deadline_is_its_window_minus_the_reply_margin() -> None:
    now = [1_800_000_000.0]
    due = Deadline.for_interaction(snowflake_at(now[0]), clock=lambda: now[0])
    assert abs(due.remaining() - (INTERACTION_WINDOW - REPLY_MARGIN)) < 0.002
    now[0] += 2.0
    assert not due.too_late()
    assert due.too_late(1.0)
    now[0] += 1.0
    assert due.remaining() == 0.0 and due.too_late(0.0)


def test_a_deadline_bound_to_a_task_is_seen_by_the_tasks_it_starts_and_can_be_lifted() -> None:
    async def main() -> None:
        due = Deadline(at=1.0)
        deadline.set_current(due)

        async def child() -> Deadline | None:
            return deadline.current()

        assert await asyncio.create_task(child()) is due
        with deadline.bound(None):
            assert deadline.current() is None
        assert deadline.current() is due

    asyncio.run(main())
