"""Member privacy: /mydata show and /mydata delete, in servers and in DMs with the bot (where every
command is offered unless it is declared `server_only`)."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.storage.protocol import Storage
from bot.ui import privacy as ui

if TYPE_CHECKING:
    from bot.app import CrossroadsBot

log = logging.getLogger(__name__)


Interaction = discord.Interaction["CrossroadsBot"]


class Privacy(commands.Cog):
    mydata = app_commands.Group(name="mydata", description="See or delete what Crossroads stores about you")

    def __init__(self, bot: CrossroadsBot) -> None:
        self.bot = bot
        self.store: Storage = bot.store

    async def cog_load(self) -> None:
        self.bot.add_dynamic_items(*ui.DYNAMIC_ITEMS)

    async def cog_unload(self) -> None:
        self.bot.remove_dynamic_items(*ui.DYNAMIC_ITEMS)

    @mydata.command(name="show", description="What Crossroads stores about you, with a JSON copy of all of it")
    async def show(self, interaction: Interaction) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        data = await self.store.export_member_data(interaction.user.id)
        if not ui.has_data(data):
            await interaction.followup.send(ui.nothing_stored_sentence(), ephemeral=True)
            return
        await interaction.followup.send(
            embed=ui.summary_embed(data),
            file=ui.export_file(data),
            ephemeral=True,
        )

    @mydata.command(name="delete", description="Delete everything Crossroads stores about you")
    async def delete(self, interaction: Interaction) -> None:
        counts = await self.store.count_member_data(interaction.user.id)
        if not any(counts.values()):
            await interaction.response.send_message(ui.nothing_stored_sentence(), ephemeral=True)
            return
        await interaction.response.send_message(
            embed=ui.confirm_embed(counts),
            view=ui.confirm_view(interaction.user.id, self.store.now()),
            ephemeral=True,
        )


async def setup(bot: CrossroadsBot) -> None:
    await bot.add_cog(Privacy(bot))
