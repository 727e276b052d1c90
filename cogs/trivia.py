"""/trivia: a game in a channel with buttons, speed scoring, reveals and a scoreboard.

The games run in :class:`bot.trivia.Games` (one timer task per running game, reading its stored
state, so a restart continues every game where it stood); they are shown in the channel by
:class:`bot.ui.trivia_table.ChannelTable`. Who may start or stop a game is a check
(bot/ui/checks.py). This cog turns commands and clicks into their calls.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.storage.protocol import Storage
from bot.storage.trivia import LeaderboardOrder
from bot.trivia import (
    DEFAULT_QUESTIONS,
    MAX_QUESTIONS,
    MAX_SECONDS,
    MIN_QUESTIONS,
    MIN_SECONDS,
    Games,
    Started,
)
from bot.ui import trivia as ui
from bot.ui.checks import in_server, may_start_trivia, may_stop_trivia, server_only
from bot.ui.errors import send_ephemeral
from bot.ui.trivia_table import ChannelTable

if TYPE_CHECKING:
    from bot.app import CrossroadsBot

Interaction = discord.Interaction["CrossroadsBot"]


class Trivia(commands.Cog, name=ui.TRIVIA_COG):
    """Trivia commands, the answer buttons and the running games."""

    trivia = server_only(app_commands.Group(name="trivia", description="A quiz game for everyone in a channel"))

    def __init__(self, bot: CrossroadsBot) -> None:
        self.bot = bot
        self.store: Storage = bot.store
        self.games: Games[discord.Interaction[Any]] = Games(
            bot.store, ChannelTable(bot), time_scale=bot.settings.trivia_time_scale, ours=bot.settings.runs_guild
        )

    async def cog_load(self) -> None:
        self.bot.add_dynamic_items(*ui.DYNAMIC_ITEMS)
        self.games.background(self._resume())

    async def _resume(self) -> None:
        # Waiting for the connection keeps `python -m bot sync`, which never connects, from playing.
        await self.bot.wait_until_ready()
        await self.games.resume()

    async def cog_unload(self) -> None:
        self.bot.remove_dynamic_items(*ui.DYNAMIC_ITEMS)
        await self.games.close()

    # --- slash commands ------------------------------------------------------------------------

    @trivia.command(name="start", description="Start a trivia game in this channel")
    @app_commands.describe(
        questions=f"How many questions ({MIN_QUESTIONS}-{MAX_QUESTIONS}, default {DEFAULT_QUESTIONS})",
        seconds=f"Seconds to answer each question ({MIN_SECONDS}-{MAX_SECONDS}; the server's default if left out)",
    )
    @may_start_trivia
    async def start(
        self,
        interaction: Interaction,
        questions: app_commands.Range[int, MIN_QUESTIONS, MAX_QUESTIONS] = DEFAULT_QUESTIONS,
        seconds: app_commands.Range[int, MIN_SECONDS, MAX_SECONDS] | None = None,
    ) -> None:
        assert interaction.guild_id is not None and interaction.channel_id is not None
        chosen = seconds if seconds is not None else (await self.store.get_config(interaction.guild_id)).trivia_seconds
        started = await self.games.start(
            self.bot.content.quizzes,
            guild_id=interaction.guild_id,
            channel_id=interaction.channel_id,
            starter_id=interaction.user.id,
            questions=questions,
            seconds=chosen,
        )
        if isinstance(started, Started):
            await interaction.response.send_message(ui.intro_text(started.plan.total, chosen, interaction.user.id))
            self.games.play(started.row.id)
        else:
            await send_ephemeral(interaction, ui.not_started(started))

    @trivia.command(name="stop", description="Stop the trivia game in this channel and post the scoreboard so far")
    @may_stop_trivia
    async def stop(self, interaction: Interaction) -> None:
        assert interaction.channel_id is not None
        row = await self.store.running_game_in(interaction.channel_id)
        if row is None:
            await send_ephemeral(interaction, ui.NOTHING_TO_STOP)
            return
        await interaction.response.defer(thinking=True)
        finished = await self.games.stop(row.id)
        if finished is None:
            await interaction.followup.send(ui.ALREADY_ENDED)
            return
        ended, placings = finished
        await interaction.followup.send(
            embed=ui.scoreboard_embed(ended, placings, "stopped"), view=ui.scoreboard_view(ended.id)
        )
        await self.store.mark_game_announced(ended.id)

    @trivia.command(name="leaderboard", description="This server's best trivia players")
    @app_commands.describe(by="Rank by total points, games won, or share of right answers")
    @app_commands.choices(by=[app_commands.Choice(name=name, value=name) for name in ("points", "wins", "accuracy")])
    @in_server(ui.SERVER_ONLY)
    async def leaderboard(self, interaction: Interaction, by: str = "points") -> None:
        assert interaction.guild_id is not None
        order: LeaderboardOrder = "wins" if by == "wins" else "accuracy" if by == "accuracy" else "points"
        entries = await self.store.trivia_leaderboard(interaction.guild_id, order)
        server = interaction.guild.name if interaction.guild is not None else "this server"
        await interaction.response.send_message(embed=ui.leaderboard_embed(entries, order, server))

    @trivia.command(name="help", description="How trivia works and how points are counted")
    async def help(self, interaction: Interaction) -> None:
        await interaction.response.send_message(embed=ui.help_embed(), ephemeral=True)

    # --- buttons -------------------------------------------------------------------------------

    async def handle_answer(self, interaction: Interaction, game_id: int, position: int, choice_id: str) -> None:
        answered = await self.games.answer(game_id, position, interaction.user.id, choice_id, interaction)
        await interaction.response.send_message(ui.answer_text(answered), ephemeral=True)

    async def handle_place(self, interaction: Interaction, game_id: int) -> None:
        results = await self.store.game_results(game_id)
        await send_ephemeral(interaction, ui.place_sentence(results, interaction.user.id))


async def setup(bot: CrossroadsBot) -> None:
    await bot.add_cog(Trivia(bot))
