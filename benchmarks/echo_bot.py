"""The load benchmark's baseline: a bare discord.py bot doing the same Discord traffic as the quiz
(an ephemeral reply to /quiz start, a DM per question with four buttons, an edit per click, a
result message) with no database, content or engine behind it.

Configured by the same environment variables as Crossroads (DISCORD_TOKEN, DISCORD_API_BASE,
DEV_GUILD_ID); only for benchmarks/bench_load.py.
"""

from __future__ import annotations

import asyncio
import os

import discord
import yarl
from discord import app_commands
from discord.gateway import DiscordWebSocket

QUESTIONS = 10


def question_view(step: int) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    for choice in "abcd":
        view.add_item(discord.ui.Button(label=f"Choice {choice}", custom_id=f"echo:{step}:{choice}"))
    return view


class EchoBot(discord.Client):
    def __init__(self) -> None:
        super().__init__(intents=discord.Intents(guilds=True))
        self.tree = app_commands.CommandTree(self)
        group = app_commands.Group(name="quiz", description="Quiz")

        @group.command(name="start", description="Start")
        async def start(interaction: discord.Interaction, quiz: str) -> None:
            await interaction.response.send_message("Check your DMs.", ephemeral=True)
            await interaction.user.send(f"Question 1 of {QUESTIONS}", view=question_view(1))

        self.tree.add_command(group)

    async def setup_hook(self) -> None:
        _shards, url, _limits = await self.http.get_bot_gateway()
        DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(url)
        guild = discord.Object(id=int(os.environ["DEV_GUILD_ID"]))
        self.tree.copy_global_to(guild=guild)
        await self.tree.sync(guild=guild)

    async def on_interaction(self, interaction: discord.Interaction) -> None:
        if interaction.type is not discord.InteractionType.component or interaction.data is None:
            return
        custom_id = str(interaction.data.get("custom_id", ""))
        if not custom_id.startswith("echo:"):
            return
        step = int(custom_id.split(":")[1])
        await interaction.response.edit_message(content=f"Question {step}: answered", view=None)
        # A follow-up, as Crossroads sends its next question: user.send would also create the DM
        # channel again once discord.py's cache of 128 private channels overflows.
        if step < QUESTIONS:
            await interaction.followup.send(f"Question {step + 1} of {QUESTIONS}", view=question_view(step + 1))
        else:
            await interaction.followup.send(embed=discord.Embed(title="Done", description="All answered."))


async def main() -> None:
    discord.http.Route.BASE = os.environ["DISCORD_API_BASE"]
    client = EchoBot()
    loop = asyncio.get_running_loop()
    import signal

    loop.add_signal_handler(signal.SIGTERM, lambda: loop.create_task(client.close()))
    async with client:
        await client.start(os.environ["DISCORD_TOKEN"])


if __name__ == "__main__":
    from bot.loop import run

    # The same event loop as Crossroads, so the comparison is of the work, not the loop.
    run(main())
