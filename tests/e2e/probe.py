"""A minimal discord.py bot for testing the stand-in and the sandbox player without the real bot's
behaviour in the way: `/probe` runs whatever handler the test sets, `on_interaction` passes
component clicks to `click_handler`."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import discord
import yarl
from discord import app_commands
from discord.gateway import DiscordWebSocket

from standin.server import StandIn

ProbeHandler = Callable[[discord.Interaction[Any]], Awaitable[None]]


class Probe(discord.Client):
    """A minimal bot whose /probe command runs whatever handler the test sets."""

    def __init__(self, guild_id: int) -> None:
        super().__init__(intents=discord.Intents.none())
        self.guild_id = guild_id
        self.tree = app_commands.CommandTree(self)
        self.handler: ProbeHandler | None = None
        self.click_handler: ProbeHandler | None = None
        self.choices: list[app_commands.Choice[str]] = []
        self.errors: list[BaseException] = []
        self.received: list[tuple[int, str, float, str]] = []
        self.guild_ready = asyncio.Event()
        guild = discord.Object(id=guild_id)

        async def complete(interaction: discord.Interaction[Any], current: str) -> list[app_commands.Choice[str]]:
            return self.choices

        @self.tree.command(name="probe", description="Run the test's handler", guild=guild)
        @app_commands.autocomplete(text=complete)
        async def probe(interaction: discord.Interaction[Any], text: str | None = None) -> None:
            assert self.handler is not None
            try:
                await self.handler(interaction)
            except Exception as exc:
                self.errors.append(exc)
                raise

        @self.tree.command(name="need", description="A required option with autocomplete", guild=guild)
        @app_commands.autocomplete(topic=complete)
        async def need(interaction: discord.Interaction[Any], topic: str) -> None:
            await interaction.response.send_message(f"topic {topic}")

        @self.tree.command(name="ranged", description="Options with ranges and choices", guild=guild)
        @app_commands.choices(
            size=[app_commands.Choice(name="Small", value="s"), app_commands.Choice(name="Large", value="l")]
        )
        async def ranged(
            interaction: discord.Interaction[Any],
            count: app_commands.Range[int, 1, 10],
            word: app_commands.Range[str, 2, 5] = "ok",
            share: app_commands.Range[float, 0.0, 1.0] = 0.5,
            size: str = "s",
        ) -> None:
            self.received.append((count, word, share, size))
            await interaction.response.send_message(f"{count} {word} {share:g} {size}")

        @self.tree.command(name="serveronly", description="Only in servers", guild=guild)
        @app_commands.guild_only()
        async def serveronly(interaction: discord.Interaction[Any]) -> None:
            await interaction.response.send_message("in a server", ephemeral=True)

    async def setup_hook(self) -> None:
        await self.tree.sync(guild=discord.Object(id=self.guild_id))

    async def on_guild_available(self, guild: discord.Guild) -> None:
        self.guild_ready.set()

    async def on_interaction(self, interaction: discord.Interaction[Any]) -> None:
        if interaction.type is discord.InteractionType.component and self.click_handler is not None:
            try:
                await self.click_handler(interaction)
            except Exception as exc:
                self.errors.append(exc)


@contextlib.asynccontextmanager
async def running_probe(standin: StandIn) -> AsyncIterator[Probe]:
    """A Probe connected to `standin`, with its commands synced and the server known."""
    discord.http.Route.BASE = standin.api_base
    DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(standin.gateway_url)
    client = Probe(standin.guild.id)
    task = asyncio.create_task(client.start(standin.token))
    await standin.wait_for_bot(10)
    await asyncio.wait_for(client.guild_ready.wait(), 10)
    try:
        yield client
    finally:
        await client.close()
        await asyncio.wait_for(task, 10)
