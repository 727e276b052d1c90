"""Putting edited content files into service while the bot runs (/kb reload).

The new content is read and validated off the event loop. It replaces the old content only when
every file is valid; otherwise the old content stays in service and the caller gets every problem
found. Running quiz sessions keep the plan frozen at their start, so a reload never breaks one.
The swap is a single attribute assignment, so a command always sees either the old content or
the new, never a mix.
"""

from __future__ import annotations

import asyncio
import weakref
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from bot.content import Content, check_content
from bot.knowledge import semantic
from bot.problems import Problem
from bot.storage.protocol import Storage


class _Settings(Protocol):
    @property
    def content_dir(self) -> Path: ...


class Reloadable(Protocol):
    """What a reload needs from the bot: its settings, store and current content."""

    @property
    def settings(self) -> _Settings: ...

    @property
    def store(self) -> Storage: ...

    @property
    def content(self) -> Content: ...

    @content.setter
    def content(self, value: Content) -> None: ...


@dataclass(frozen=True)
class ReloadResult:
    """What happened. On success `problems` is empty and the new content is in service."""

    directory: Path
    problems: list[Problem] = field(default_factory=list)
    entries_before: int = 0
    entries_after: int = 0
    quizzes_changed: tuple[str, ...] = ()
    sessions_on_older_version: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems


_locks: weakref.WeakKeyDictionary[object, asyncio.Lock] = weakref.WeakKeyDictionary()


def _lock_for(bot: object) -> asyncio.Lock:
    lock = _locks.get(bot)
    if lock is None:
        lock = _locks[bot] = asyncio.Lock()
    return lock


def _entry_count(content: Content) -> int:
    return len(list(content.knowledge.entry_ids()))


async def reload_content(bot: Reloadable) -> ReloadResult:
    """Re-read the content folder and swap it in if it is valid."""
    async with _lock_for(bot):
        directory = Path(bot.settings.content_dir)
        old = bot.content
        new, problems = await asyncio.to_thread(check_content, directory)
        # Edited entries were embedded: keep them for the next start.
        await asyncio.to_thread(semantic.persist)
        if new is None:
            return ReloadResult(directory=directory, problems=problems, entries_before=_entry_count(old))

        # Every session runs on the plan frozen at its start, so no running session blocks a swap.
        sessions = await bot.store.live_sessions()
        changes = new.quizzes.version_changes(old.quizzes)
        older = sum(
            1 for s in sessions if s.quiz_id not in new.quizzes or s.quiz_version != new.quizzes.version(s.quiz_id)
        )
        bot.content = new
        return ReloadResult(
            directory=directory,
            entries_before=_entry_count(old),
            entries_after=_entry_count(new),
            quizzes_changed=tuple(sorted(changes)),
            sessions_on_older_version=older,
        )
