"""Waiting for an effect that lands after the member's reply (a cache update, a background write)."""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Awaitable, Callable

Condition = Callable[[], bool | Awaitable[object]]


async def eventually(condition: Condition, what: str, *, within: float = 5.0) -> None:
    """Check `condition()` (plain or async) every 20 ms until it is truthy; fail naming `what`
    after `within` seconds. The bound only turns a hang into a readable failure."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within
    while True:
        result = condition()
        if inspect.isawaitable(result):
            result = await result
        if result:
            return
        if loop.time() > deadline:
            raise AssertionError(f"{what} did not happen within {within:g} s")
        await asyncio.sleep(0.02)
