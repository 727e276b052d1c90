"""Helpers for the trivia end-to-end tests: a bot on a fast trivia clock, questions by position."""

from __future__ import annotations

from collections.abc import AsyncIterator

from bot.sandbox.harness import InProcessBot
from standin.member import Member, Message
from standin.server import StandIn
from tests.e2e.database import Database

# A 10-second question lasts 1.5 s of wall time and the pause between questions 0.75 s; members
# are still told 10 seconds. Waits below allow for a loaded machine.
TIME_SCALE = 0.15
WAIT = 15.0


async def running_bot(standin: StandIn, database: Database) -> AsyncIterator[InProcessBot]:
    """The real bot in this process on the fast trivia clock (the body of the `trivia_bot` fixture)."""
    running = InProcessBot(standin, database.settings(standin, trivia_time_scale=TIME_SCALE))
    await running.start()
    try:
        yield running
    finally:
        await running.stop()


def answer_ids(message: Message) -> list[str]:
    return [b.custom_id or "" for b in message.buttons if (b.custom_id or "").startswith("trivia:")]


def position_of(message: Message) -> int:
    return int(answer_ids(message)[0].split(":")[2])


def right_answer(message: Message) -> str:
    """The shipped knowledge check marks choice `a` as the right one."""
    return next(cid for cid in answer_ids(message) if cid.endswith(":a"))


def wrong_answer(message: Message) -> str:
    return next(cid for cid in answer_ids(message) if not cid.endswith(":a"))


async def question(member: Member, position: int) -> Message:
    """Question `position` (0-based) of the running game, once it is open for answers."""

    def open_question(message: Message) -> bool:
        ids = answer_ids(message)
        return bool(ids) and position_of(message) == position and not message.buttons[0].disabled

    return await member.wait_for_message(open_question, timeout=WAIT)


async def revealed(member: Member, message: Message, *, within: float = WAIT) -> Message:
    """`message` once time is up and it shows the answer (waiting at most `within` seconds)."""

    def closed(m: Message) -> bool:
        return m.id == message.id and bool(m.buttons) and all(b.disabled for b in m.buttons)

    return await member.wait_for_message(closed, timeout=within)


async def scoreboard(member: Member) -> Message:
    return await member.wait_for_message(
        lambda m: bool(m.embeds) and (m.embeds[0].title or "") == "Trivia · scoreboard", timeout=WAIT
    )
