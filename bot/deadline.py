"""Deadlines: how long an operation has left before its answer would come too late.

Discord gives an interaction 3 seconds from its creation (encoded in its snowflake id) to be
acknowledged. Work done on behalf of an interaction checks the deadline before it starts and
before it commits, so a member is told "busy, nothing changed" in time instead of never.
Knows nothing about Discord beyond the snowflake layout.
"""

from __future__ import annotations

import contextvars
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

DISCORD_EPOCH = 1_420_070_400.0
# Discord's window to acknowledge an interaction.
INTERACTION_WINDOW = 3.0
# Kept back from the window for sending the reply itself: one REST round trip, plus the time a
# busy event loop and a database thread take to hand the refusal back.
REPLY_MARGIN = 0.8
# Below this there is no point starting a database operation.
MIN_START = 0.05


def snowflake_time(snowflake: int) -> float:
    """The Unix time (seconds) at which a Discord snowflake id was created."""
    return ((snowflake >> 22) / 1000.0) + DISCORD_EPOCH


@dataclass(frozen=True)
class Deadline:
    """A point in time (Unix seconds) after which work should not be started or committed."""

    at: float
    clock: Callable[[], float] = field(default=time.time, compare=False, repr=False)

    @classmethod
    def after(cls, created: float, budget: float, *, clock: Callable[[], float] = time.time) -> Deadline:
        return cls(created + budget, clock)

    @classmethod
    def for_interaction(
        cls, snowflake: int, *, margin: float = REPLY_MARGIN, clock: Callable[[], float] = time.time
    ) -> Deadline:
        """The deadline for work an interaction waits on: its window minus time to reply."""
        return cls.after(snowflake_time(snowflake), INTERACTION_WINDOW - margin, clock=clock)

    def remaining(self) -> float:
        """Seconds left (never negative)."""
        return max(0.0, self.at - self.clock())

    def too_late(self, needed: float = MIN_START) -> bool:
        """True when fewer than `needed` seconds are left (with 0, once the deadline has passed)."""
        return self.at - self.clock() < needed


_current: contextvars.ContextVar[Deadline | None] = contextvars.ContextVar("deadline", default=None)


def current() -> Deadline | None:
    """The deadline of the work running in this task, if any."""
    return _current.get()


def set_current(deadline: Deadline | None) -> None:
    """Bind a deadline to the running task (and to tasks it creates afterwards)."""
    _current.set(deadline)


@contextmanager
def bound(deadline: Deadline | None) -> Iterator[None]:
    """Run a block under `deadline` (None lifts any deadline, e.g. for background work)."""
    token = _current.set(deadline)
    try:
        yield
    finally:
        _current.reset(token)
