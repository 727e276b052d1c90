"""Helpers for running several bot processes against one sharded stand-in: shard settings, global
commands (a server other than DEV_GUILD_ID needs them), and members who play a quiz to the end
through failures, counting the answers they saw acknowledged."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field

import aiohttp

from standin.member import Member, Message
from standin.server import InteractionFailed, StandIn

RETRY_PAUSE = 0.2
NEXT_QUESTION_WAIT = 5.0


def shard_env(database_url: str, shard_ids: str, shard_count: int) -> dict[str, str]:
    return {"DATABASE_URL": database_url, "SHARD_IDS": shard_ids, "SHARD_COUNT": str(shard_count)}


async def publish_commands_globally(standin: StandIn) -> None:
    """Register the commands the bot synced to the dev server as global ones, through the REST API
    as `python -m bot sync` does, so members of every server have them."""
    keep = ("name", "description", "options", "default_member_permissions", "contexts", "integration_types", "type")
    commands = [{k: c[k] for k in keep if c.get(k) is not None} for c in standin.guild_commands[standin.guild.id]]
    async with (
        aiohttp.ClientSession(headers={"Authorization": f"Bot {standin.token}"}) as http,
        http.put(f"{standin.api_base}/applications/{standin.application_id}/commands", json=commands) as response,
    ):
        response.raise_for_status()


def is_question(message: Message) -> bool:
    return bool(message.buttons) and not message.buttons[0].disabled and "quiz:" in (message.buttons[0].custom_id or "")


@dataclass
class QuizPlayer:
    """A member taking the path finder to its result: in DMs, or in the server when `in_server`.
    A click that fails (the bot was down) is followed by `/quiz resume` until the bot answers."""

    member: Member
    in_server: bool
    acknowledged: list[tuple[int, str]] = field(default_factory=list)
    latencies: list[float] = field(default_factory=list)
    failures: int = 0
    session_id: int | None = None

    async def _resume(self) -> Message | None:
        while True:
            try:
                reply = await self.member.slash("quiz resume", dm=not self.in_server)
            except InteractionFailed:
                self.failures += 1
                await asyncio.sleep(RETRY_PAUSE)
                continue
            if is_question(reply):
                return reply
            if "no quiz in progress" in reply.text or "already finished" in reply.text:
                return None
            await asyncio.sleep(RETRY_PAUSE)

    async def _next(self, after: Message) -> Message | None:
        try:
            if self.in_server:
                return await self.member.wait_for_message(
                    lambda m: m.ephemeral and m.id > after.id and bool(m.embeds), timeout=NEXT_QUESTION_WAIT
                )
            return await self.member.wait_for_dm(
                lambda m: not m.ephemeral and m.id > after.id and bool(m.embeds), timeout=NEXT_QUESTION_WAIT
            )
        except TimeoutError:
            return await self._resume()

    async def _start(self) -> Message | None:
        while True:
            try:
                reply = await self.member.slash("quiz start", quiz="path")
                if self.in_server:
                    return await self.member.click(reply, label="Take it here")
                return await self.member.wait_for_dm(is_question, timeout=NEXT_QUESTION_WAIT)
            except (InteractionFailed, TimeoutError, LookupError):
                # Not acknowledged, no question came, or a refusal ("busy") without the offer's button.
                self.failures += 1
                await asyncio.sleep(RETRY_PAUSE)
                resumed = await self._resume()
                if resumed is not None:
                    return resumed

    async def play(self) -> None:
        question = await self._start()
        while question is not None and is_question(question):
            session, question_id = _ids(question)
            self.session_id = session
            clicked = time.perf_counter()
            try:
                after = await self.member.click(question, 0)
            except InteractionFailed:
                self.failures += 1
                await asyncio.sleep(RETRY_PAUSE)
                question = await self._resume()
                continue
            if after.ephemeral and after.id != question.id:
                # "You already answered this question": a click the member saw fail had been saved.
                question = await self._resume()
                continue
            self.acknowledged.append((session, question_id))
            self.latencies.append(time.perf_counter() - clicked)
            question = await self._next(after)


def _ids(question: Message) -> tuple[int, str]:
    custom_id = question.buttons[0].custom_id or ""
    _prefix, session, question_id, _choice = custom_id.split(":")
    return int(session), question_id
