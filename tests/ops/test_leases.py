"""PostgreSQL leases: advisory locks held on a dedicated connection decide which process runs a set
of gateway shards, and which one runs the scheduled jobs. They free when the holder's connection
ends, however its process ended."""

from __future__ import annotations

import asyncio
import logging

import asyncpg
import pytest

from bot.instance import Lease, LeaseLost, jobs_lease, shard_lease
from bot.jobs import ScheduledJobs
from tests.eventually import eventually

pytestmark = pytest.mark.postgres


async def test_a_second_lease_on_the_same_shards_waits_until_the_first_is_released(pg_url: str) -> None:
    first, second = shard_lease(pg_url, [0, 1]), shard_lease(pg_url, [1, 0])
    try:
        assert await first.try_acquire()
        assert not await second.try_acquire()
        assert second.last_error is None  # refused because another session holds it, not a fault
        await first.release()
        assert await second.try_acquire()
        assert second.held and not first.held
    finally:
        await first.release()
        await second.release()


async def test_leases_on_overlapping_shards_exclude_each_other_and_take_nothing_on_failure(pg_url: str) -> None:
    both, one, other = shard_lease(pg_url, [0, 1]), shard_lease(pg_url, [1]), shard_lease(pg_url, [0])
    try:
        assert await one.try_acquire()
        assert not await both.try_acquire()
        # The failed attempt kept nothing: shard 0 is still free for another process.
        assert await other.try_acquire()
    finally:
        for lease in (both, one, other):
            await lease.release()


async def test_disjoint_shards_run_side_by_side(pg_url: str) -> None:
    zero, one = shard_lease(pg_url, [0]), shard_lease(pg_url, [1])
    try:
        assert await zero.try_acquire()
        assert await one.try_acquire()
    finally:
        await zero.release()
        await one.release()


async def test_a_holder_whose_connection_ends_loses_the_lease_to_the_waiting_one(pg_url: str) -> None:
    active, standby = shard_lease(pg_url, [0]), shard_lease(pg_url, [0])
    waits: list[str] = []
    try:
        assert await active.try_acquire()
        taking_over = asyncio.create_task(standby.acquire(lambda: waits.append("standing by"), poll=0.05))
        await eventually(lambda: waits == ["standing by"], "the standby's first refusal")
        assert not taking_over.done()
        watching = asyncio.create_task(active.watch(interval=0.05))
        # The server ends the holder's session, as it does when its process dies.
        connection = await asyncpg.connect(pg_url)
        try:
            await connection.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory' AND granted"
            )
        finally:
            await connection.close()
        await asyncio.wait_for(taking_over, 10)
        assert standby.held
        with pytest.raises(LeaseLost):
            await asyncio.wait_for(watching, 10)
        assert not active.held
    finally:
        await active.release()
        await standby.release()


async def test_an_unreachable_database_is_no_lease_not_an_error() -> None:
    lease = Lease("postgresql://nobody:secret@127.0.0.1:9/nothing", 1, [0], name="shard 0")
    assert not await lease.try_acquire()
    assert lease.last_error is not None
    assert not await lease.alive()


class Counting:
    def __init__(self) -> None:
        self.calls = 0

    async def expire_idle_sessions(self) -> int:
        self.calls += 1
        return 2


async def test_one_process_of_several_runs_the_scheduled_jobs_and_another_takes_over(
    pg_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="crossroads")
    first_store, second_store = Counting(), Counting()
    first, second = ScheduledJobs(first_store, jobs_lease(pg_url)), ScheduledJobs(second_store, jobs_lease(pg_url))
    try:
        first.start()
        await eventually(lambda: first.running and first_store.calls == 1, "the first process running the jobs")
        second.start()
        await eventually(lambda: "Another process runs scheduled jobs" in caplog.text, "the second one standing aside")
        assert not second.running and second_store.calls == 0
        assert "This process runs scheduled jobs" in caplog.text
        await first.stop()
        second._claim.restart()
        await eventually(lambda: second.running and second_store.calls == 1, "the second process taking over")
    finally:
        await first.stop()
        await second.stop()


async def test_without_a_lease_the_jobs_always_run() -> None:
    store = Counting()
    jobs = ScheduledJobs(store)
    try:
        jobs.start()
        await eventually(lambda: store.calls == 1, "the first expiry run")
        assert jobs.expired_total == 2
    finally:
        await jobs.stop()


async def test_the_holder_names_itself_and_asks_the_server_to_notice_a_vanished_machine(pg_url: str) -> None:
    lease = shard_lease(pg_url, [0, 1])
    try:
        assert await lease.try_acquire()
        connection = await asyncpg.connect(pg_url)
        try:
            names = await connection.fetch("SELECT application_name FROM pg_stat_activity")
        finally:
            await connection.close()
        assert "crossroads: shards 0, 1" in [row["application_name"] for row in names]
        assert lease._conn is not None
        assert await lease._conn.fetchval("SHOW tcp_keepalives_idle") == "5"
    finally:
        await lease.release()
