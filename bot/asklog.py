"""The ask log, written beside each reply: every /ask, /faq and topic click is recorded with what
it was answered with (for /kb unanswered, /stats and the vote buttons, which carry its id).

A database problem never costs the member the answer: :class:`AskLog` waits at most
LOG_WAIT_SECONDS for the record before the reply goes out without its id, and a database locked by
another program is retried in the background. No Discord here.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from bot import deadline
from bot.knowledge import Entry, Match
from bot.knowledge.text import normalize
from bot.storage import StoreError
from bot.storage.asks import AskCommand
from bot.storage.protocol import Storage

log = logging.getLogger(__name__)

# How long a reply waits for its question to be logged; Discord wants the reply within 3 seconds.
LOG_WAIT_SECONDS = 1.0
# A database locked by another program is retried in the background before a question goes unlogged.
LOG_ATTEMPTS = 5
LOG_RETRY_SECONDS = 1.0


class AskLog:
    """Records questions through the store; :meth:`close` waits briefly for records still pending."""

    def __init__(self, store: Storage) -> None:
        self.store = store
        self._pending: set[asyncio.Task[int | None]] = set()

    async def match(
        self, guild_id: int | None, user_id: int, command: AskCommand, question: str, result: Match
    ) -> int | None:
        """Record a question and the matcher's outcome; the record's id, or None when it is late."""
        return await self._write(
            guild_id,
            user_id,
            command=command,
            question=question,
            normalized=result.normalized,
            entry_id=result.entry_id,
            score=result.score,
            matched=result.matched,
        )

    async def entry(
        self, guild_id: int | None, user_id: int, command: AskCommand, question: str, entry: Entry
    ) -> int | None:
        """Record a question answered with one entry the member chose (a topic, a suggestion)."""
        return await self._write(
            guild_id,
            user_id,
            command=command,
            question=question,
            normalized=normalize(question),
            entry_id=entry.id,
            score=1.0,
            matched=True,
        )

    async def close(self) -> None:
        if self._pending:
            await asyncio.wait(set(self._pending), timeout=LOG_WAIT_SECONDS)

    async def _write(self, guild_id: int | None, user_id: int, **fields: Any) -> int | None:
        task = asyncio.create_task(self._insert(guild_id, user_id, fields))
        self._pending.add(task)
        task.add_done_callback(self._pending.discard)
        done, _ = await asyncio.wait({task}, timeout=LOG_WAIT_SECONDS)
        return task.result() if done else None

    async def _insert(self, guild_id: int | None, user_id: int, fields: dict[str, Any]) -> int | None:
        # The record outlives the interaction's 3-second window, so it is not bound by its deadline.
        deadline.set_current(None)
        for attempt in range(1, LOG_ATTEMPTS + 1):
            try:
                return await self.store.record_ask(guild_id=guild_id, user_id=user_id, **fields)
            except StoreError:
                if attempt == LOG_ATTEMPTS:
                    log.warning("Could not record a question in the ask log after %d attempts", LOG_ATTEMPTS)
                    return None
                await asyncio.sleep(LOG_RETRY_SECONDS)
            except Exception:
                log.exception("Could not record a question in the ask log")
                return None
        return None
