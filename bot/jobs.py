"""Scheduled jobs, run by one process at a time: today, expiring idle quiz sessions.

A session a member left past its server's expiry is marked expired here, every few minutes and
once at start, so counts of running sessions (/kb reload's "sessions on an older version") see
only live ones. A click on an expired session is refused the same way whether or not this job has
run yet: the store checks the expiry on every click.

With SQLite the single-instance lock already makes the bot one process. With PostgreSQL several
processes share the database, so the one holding the jobs lease (an advisory lock on a connection
of its own) runs them; the others try again every ten seconds and take over when it frees.
"""

from __future__ import annotations

import logging
from typing import Protocol

from discord.ext import tasks

from bot.instance import Lease
from bot.storage import StoreError

log = logging.getLogger("crossroads")

EXPIRE_EVERY = 300.0  # seconds between runs of the idle-session expiry
CLAIM_EVERY = 10.0  # seconds between attempts to take the jobs lease, and checks that it is held


class _Expiring(Protocol):
    async def expire_idle_sessions(self) -> int: ...


class ScheduledJobs:
    """Starts the jobs when this process may run them (`lease` None: it always may)."""

    def __init__(self, store: _Expiring, lease: Lease | None = None) -> None:
        self.store = store
        self.lease = lease
        self.running = False
        self._said: bool | None = None
        self.expired_total = 0

    def start(self) -> None:
        if not self._claim.is_running():
            self._claim.start()

    async def stop(self) -> None:
        self._claim.cancel()
        self._expire.cancel()
        self.running = False
        if self.lease is not None:
            await self.lease.release()

    @tasks.loop(seconds=CLAIM_EVERY)
    async def _claim(self) -> None:
        if self.lease is None:
            runs = True
        elif self.running:
            runs = await self.lease.alive()
            if not runs:
                log.warning("Lost the lease on scheduled jobs; another process may run them now")
        else:
            runs = await self.lease.try_acquire()
        if runs != self._said:
            self._said = runs
            log.info("This process runs scheduled jobs" if runs else "Another process runs scheduled jobs")
        if runs and not self._expire.is_running():
            self._expire.start()
        elif not runs and self._expire.is_running():
            self._expire.cancel()
        self.running = runs

    @tasks.loop(seconds=EXPIRE_EVERY)
    async def _expire(self) -> None:
        await self.expire_idle()

    async def expire_idle(self) -> int:
        """Expire every quiz session idle beyond its server's limit; returns how many."""
        try:
            expired = await self.store.expire_idle_sessions()
        except StoreError as exc:
            log.warning("Could not expire idle quiz sessions: %s", exc)
            return 0
        self.expired_total += expired
        if expired:
            log.info("Expired %d idle quiz session%s", expired, "" if expired == 1 else "s")
        return expired
