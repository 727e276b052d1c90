"""Run the real bot against a stand-in: in this process through `bot.app.serve` (the body of
`python -m bot run`), or as a `python -m bot run` subprocess for restarts and kill -9."""

# Waiting with a deadline is what these helpers are for, so `timeout` is part of their API.
# ruff: noqa: ASYNC109

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

from bot.ops.locations import shipped_content_dir
from standin.gateway import Session
from standin.server import StandIn

if TYPE_CHECKING:
    from bot.app import CrossroadsBot
    from bot.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
CONTENT_DIR = shipped_content_dir()
READY_TIMEOUT = 30.0


def sandbox_settings(
    standin: StandIn,
    database_path: Path,
    content_dir: Path = CONTENT_DIR,
    *,
    database_url: str | None = None,
    **overrides: object,
) -> Settings:
    """Settings for a bot that talks to `standin`; nothing is read from `.env`. With `database_url`
    the bot keeps its data in that PostgreSQL database instead of the SQLite file."""
    from bot.settings import Settings

    values: dict[str, object] = {
        "discord_token": standin.token,
        "discord_api_base": standin.api_base,
        "dev_guild_id": standin.guild.id,
        "database_path": database_path,
        "database_url": database_url,
        "content_dir": content_dir,
    }
    values.update(overrides)
    return Settings(_env_file=None, **values)  # type: ignore[call-arg, arg-type]


class InProcessBot:
    """`serve(settings)` as a task of the running loop, with a handle on the bot it created."""

    def __init__(self, standin: StandIn, settings: Settings) -> None:
        self.standin = standin
        self.settings = settings
        self.task: asyncio.Task[int] | None = None
        self._client: CrossroadsBot | None = None

    @property
    def client(self) -> CrossroadsBot:
        if self._client is None:
            raise RuntimeError("the bot is not running")
        return self._client

    async def start(self, timeout: float = READY_TIMEOUT) -> InProcessBot:
        from bot.app import CrossroadsBot, serve

        found: list[CrossroadsBot] = []

        def recorded(settings: Settings) -> CrossroadsBot:
            client = CrossroadsBot(settings)
            found.append(client)
            return client

        self.task = asyncio.create_task(serve(self.settings, recorded), name="crossroads-bot")
        await asyncio.sleep(0)
        if not found:
            code = await self.task
            raise RuntimeError(f"the bot exited with code {code} before it connected")
        self._client = found[0]
        await self.wait_ready(timeout)
        return self

    async def wait_ready(self, timeout: float = READY_TIMEOUT) -> None:
        """Until the bot has its server from GUILD_CREATE (commands were synced before that)."""
        assert self.task is not None
        deadline = time.monotonic() + timeout
        guild_id = self.standin.guild.id
        while True:
            if self.task.done():
                code = self.task.result()
                raise RuntimeError(f"the bot exited with code {code} while starting")
            guild = self.client.get_guild(guild_id)
            if guild is not None and not guild.unavailable:
                return
            if time.monotonic() > deadline:
                raise TimeoutError(f"the bot did not get ready within {timeout:g}s")
            await asyncio.sleep(0.01)

    async def wait_until_ready_event(self, timeout: float = 10.0) -> None:
        """Until discord.py has dispatched on_ready (about two seconds after GUILD_CREATE)."""
        await asyncio.wait_for(self.client.wait_until_ready(), timeout)

    async def stop(self, timeout: float = 10.0) -> int:
        """Stop as SIGTERM does (close the client) and return serve()'s exit code."""
        if self.task is None:
            return 0
        task, self.task = self.task, None
        client = self._client
        if not task.done() and client is not None:
            await client.close()
        try:
            return await asyncio.wait_for(task, timeout)
        finally:
            self._client = None

    async def restart(self, timeout: float = READY_TIMEOUT) -> InProcessBot:
        await self.stop()
        return await self.start(timeout)


class BotProcess:
    """`python -m bot run` as a child process pointed at the stand-in."""

    def __init__(
        self,
        standin: StandIn,
        database_path: Path,
        *,
        content_dir: Path = CONTENT_DIR,
        env: dict[str, str] | None = None,
    ) -> None:
        self.standin = standin
        self.database_path = database_path
        self.content_dir = content_dir
        self.extra_env = env or {}
        self.cwd = ROOT
        self.process: asyncio.subprocess.Process | None = None
        self._out: list[str] = []
        self._err: list[str] = []
        self._readers: list[asyncio.Task[None]] = []
        self.exit_codes: list[int] = []

    @property
    def stdout(self) -> str:
        """Everything the process printed to standard output, across restarts."""
        return "".join(self._out)

    @property
    def stderr(self) -> str:
        """Everything the process printed to standard error (its logs), across restarts."""
        return "".join(self._err)

    @staticmethod
    async def _drain(stream: asyncio.StreamReader | None, into: list[str]) -> None:
        if stream is None:
            return
        while line := await stream.readline():
            into.append(line.decode(errors="replace"))

    def environment(self) -> dict[str, str]:
        env = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("DISCORD_", "DEV_GUILD", "DATABASE_", "CONTENT_DIR", "OWNER_IDS"))
        }
        env.update(self.standin.bot_env())
        env.update(
            DATABASE_PATH=str(self.database_path),
            CONTENT_DIR=str(self.content_dir),
            LOG_LEVEL="INFO",
            PYTHONUNBUFFERED="1",
        )
        env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH", "")) if p)
        env.update(self.extra_env)
        return env

    def command(self) -> list[str]:
        """The command line; a subclass can run another bot the same way."""
        return [sys.executable, "-m", "bot", "run"]

    @property
    def shards(self) -> tuple[int, ...]:
        """The gateway shards this process runs, from its SHARD_IDS and SHARD_COUNT."""
        env = self.environment()
        ids = env.get("SHARD_IDS", "").replace(" ", "")
        if ids:
            return tuple(sorted(int(part) for part in ids.split(",") if part))
        count = env.get("SHARD_COUNT", "")
        return tuple(range(int(count))) if count else (0,)

    def sessions(self) -> dict[int, Session | None]:
        """The stand-in's current session of each of this process's shards."""
        return {shard: self.standin.gateway.shards.get(shard) for shard in self.shards}

    async def start(self, *, wait: bool = True, timeout: float = READY_TIMEOUT) -> BotProcess:
        before = self.sessions()
        self.process = await asyncio.create_subprocess_exec(
            *self.command(),
            cwd=str(self.cwd),
            env=self.environment(),
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        self._readers = [
            asyncio.create_task(self._drain(self.process.stdout, self._out)),
            asyncio.create_task(self._drain(self.process.stderr, self._err)),
        ]
        if wait:
            await self.wait_ready(before, timeout)
        return self

    async def wait_ready(self, before: dict[int, Session | None] | None = None, timeout: float = READY_TIMEOUT) -> None:
        """Until each of this process's shards has a new session (not one of `before`, the
        sessions when it started) with its READY and GUILD_CREATEs."""
        assert self.process is not None
        before = before or {}
        deadline = time.monotonic() + timeout
        while True:
            ready = [self.standin.gateway.ready(shard) for shard in self.shards]
            if all(
                session is not None and session is not before.get(shard)
                for shard, session in zip(self.shards, ready, strict=True)
            ):
                return
            if self.process.returncode is not None:
                await self._collect()
                raise RuntimeError(f"the bot exited with code {self.process.returncode}:\n{self.stderr}")
            if time.monotonic() > deadline:
                raise TimeoutError(f"the bot process did not connect within {timeout:g}s")
            await asyncio.sleep(0.02)

    async def _collect(self) -> None:
        assert self.process is not None
        await self.process.wait()
        await asyncio.gather(*self._readers)

    async def wait(self, timeout: float = 30.0) -> int:
        """Wait for the process to exit by itself; returns the exit code."""
        assert self.process is not None
        await asyncio.wait_for(self._collect(), timeout)
        code = self.process.returncode
        assert code is not None
        self.exit_codes.append(code)
        return code

    async def terminate(self, timeout: float = 15.0) -> int:
        """SIGTERM and wait: the clean shutdown path."""
        return await self._signal(signal.SIGTERM, timeout)

    async def kill(self, timeout: float = 10.0) -> int:
        """SIGKILL: the bot gets no chance to clean up."""
        return await self._signal(signal.SIGKILL, timeout)

    async def _signal(self, sig: signal.Signals, timeout: float) -> int:
        assert self.process is not None
        if self.process.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                self.process.send_signal(sig)
        return await self.wait(timeout)

    async def restart(self, *, kill: bool = False, timeout: float = READY_TIMEOUT) -> BotProcess:
        """Stop (SIGTERM, or SIGKILL when `kill`) and start again on the same database."""
        if kill:
            await self.kill()
        else:
            await self.terminate()
        return await self.start(timeout=timeout)

    async def cleanup(self) -> None:
        if self.process is not None and self.process.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                self.process.kill()
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self._collect(), 10)
