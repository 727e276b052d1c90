"""/config: this server's Crossroads settings (roles for path results, quiz expiry, /ask privacy,
trivia). /config editors joins the group from cogs/teach.py.

Like the other admin commands, Discord shows them to members with Manage Server by default and the
cog's `interaction_check` refuses anyone else with a sentence; the bot's owners may run them anywhere.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.storage.guilds import KEEP, Keep
from bot.storage.protocol import Storage
from bot.trivia import MAX_SECONDS as TRIVIA_MAX_SECONDS
from bot.trivia import MIN_SECONDS as TRIVIA_MIN_SECONDS
from bot.ui import admin as ui
from bot.ui.checks import ADMIN_PERMISSIONS, ensure_admin, server_only
from bot.ui.errors import send_ephemeral

if TYPE_CHECKING:
    from bot.app import CrossroadsBot

MIN_EXPIRY_HOURS = 1
MAX_EXPIRY_HOURS = 168

Interaction = discord.Interaction["CrossroadsBot"]


class Config(commands.Cog):
    config = server_only(
        app_commands.Group(
            name="config", description="Crossroads settings for this server", default_permissions=ADMIN_PERMISSIONS
        )
    )

    def __init__(self, bot: CrossroadsBot) -> None:
        self.bot = bot
        self.store: Storage = bot.store

    async def interaction_check(self, interaction: discord.Interaction[Any], /) -> bool:
        return ensure_admin(interaction)

    async def _show(self, interaction: Interaction, sentence: str | None = None) -> None:
        assert interaction.guild is not None
        current = await self.store.get_config(interaction.guild.id)
        await send_ephemeral(interaction, sentence, embed=ui.config_embed(current, interaction.guild))

    @config.command(name="show", description="Show this server's Crossroads settings")
    async def config_show(self, interaction: Interaction) -> None:
        await self._show(interaction)

    @config.command(name="role", description="Give members a role for a path finder result")
    @app_commands.describe(
        path="The path finder result", role="The role to give; leave it out to stop giving a role for this path"
    )
    @app_commands.choices(path=[app_commands.Choice(name=label, value=key) for key, label in ui.PATHS.items()])
    async def config_role(self, interaction: Interaction, path: str, role: discord.Role | None = None) -> None:
        assert interaction.guild is not None
        problem = ui.role_problem(role, interaction.guild) if role is not None else None
        if problem is not None:
            await send_ephemeral(interaction, problem)
            return
        config = await self.store.set_path_role(interaction.guild.id, path, role.id if role else None)
        await self._show(interaction, ui.path_role_sentence(path, role, config))

    @config.command(name="rewards", description="Turn role rewards for path finder results on or off")
    @app_commands.describe(enabled="True to give the mapped roles, False to give none")
    async def config_rewards(self, interaction: Interaction, enabled: bool) -> None:
        assert interaction.guild is not None
        config = await self.store.set_role_rewards(interaction.guild.id, enabled)
        await self._show(interaction, ui.rewards_sentence(config))

    @config.command(name="expiry", description="How long a quiz may sit without an answer before it expires")
    @app_commands.describe(hours=f"Hours without an answer ({MIN_EXPIRY_HOURS}-{MAX_EXPIRY_HOURS})")
    async def config_expiry(
        self, interaction: Interaction, hours: app_commands.Range[int, MIN_EXPIRY_HOURS, MAX_EXPIRY_HOURS]
    ) -> None:
        assert interaction.guild is not None
        await self.store.set_quiz_expiry(interaction.guild.id, hours)
        await self._show(interaction, ui.expiry_sentence(hours))

    @config.command(name="ask", description="Whether /ask replies are public or private by default")
    @app_commands.describe(visibility="Public: the channel sees answers. Private: only the asker does.")
    @app_commands.choices(visibility=[app_commands.Choice(name=name, value=name) for name in ("public", "private")])
    async def config_ask(self, interaction: Interaction, visibility: str) -> None:
        assert interaction.guild is not None
        await self.store.set_ask_private(interaction.guild.id, visibility == "private")
        await self._show(interaction, ui.ask_sentence(visibility == "private"))

    @config.command(name="trivia", description="Who may start trivia games, and the seconds per question")
    @app_commands.describe(
        seconds=f"Default seconds to answer a question ({TRIVIA_MIN_SECONDS}-{TRIVIA_MAX_SECONDS})",
        role="A role whose members may start games (Manage Server always may)",
        clear_role="True to stop letting a role start games",
    )
    async def config_trivia(
        self,
        interaction: Interaction,
        seconds: app_commands.Range[int, TRIVIA_MIN_SECONDS, TRIVIA_MAX_SECONDS] | None = None,
        role: discord.Role | None = None,
        clear_role: bool = False,
    ) -> None:
        assert interaction.guild is not None
        role_id: int | Keep | None = None if clear_role else role.id if role is not None else KEEP
        if role_id is not KEEP or seconds is not None:
            new_seconds: int | Keep = KEEP if seconds is None else seconds
            await self.store.set_trivia(interaction.guild.id, role_id=role_id, seconds=new_seconds)
        await self._show(interaction, ui.trivia_sentence(seconds, role, clear_role))


async def setup(bot: CrossroadsBot) -> None:
    await bot.add_cog(Config(bot))
