"""/quiz: the path finder and the knowledge check, played in DMs (or privately in the server).

The quiz rules live in :mod:`bot.quizflow`, which returns typed outcomes; where they reach the
member (DM, private reply, role, share card) is :mod:`bot.ui.quiz_delivery`. This cog turns
Discord input into their calls. The buttons are DynamicItems (bot/ui/quiz.py), so clicks work
after a restart; they reach this cog by its name.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot import quizflow as flow
from bot.storage.protocol import Storage
from bot.ui import quiz as ui
from bot.ui.checks import in_server
from bot.ui.errors import send_ephemeral
from bot.ui.quiz_delivery import QuizDelivery

if TYPE_CHECKING:
    from bot.app import CrossroadsBot

QUIZ_CHOICES = [
    app_commands.Choice(name="Path finder: AI Engineer or ML Engineer?", value="path"),
    app_commands.Choice(name="Knowledge check: 10 questions on the two careers", value="knowledge"),
]

Interaction = discord.Interaction["CrossroadsBot"]


class Quiz(commands.Cog, name=ui.QUIZ_COG):
    """Quiz commands and the handlers behind the quiz buttons."""

    quiz = app_commands.Group(name="quiz", description="Find your path or test what you know")

    def __init__(self, bot: CrossroadsBot) -> None:
        self.bot = bot
        self.store: Storage = bot.store
        self.show = QuizDelivery(bot, bot.store, lambda: bot.content)

    async def cog_load(self) -> None:
        self.bot.add_dynamic_items(*ui.DYNAMIC_ITEMS)

    async def cog_unload(self) -> None:
        self.bot.remove_dynamic_items(*ui.DYNAMIC_ITEMS)

    # --- slash commands ------------------------------------------------------------------------

    @quiz.command(name="start", description="Start a quiz; it continues in your direct messages")
    @app_commands.describe(quiz="Which quiz to take")
    @app_commands.choices(quiz=QUIZ_CHOICES)
    async def start(self, interaction: Interaction, quiz: str) -> None:
        await self.show.begin(
            interaction, quiz, guild_id=interaction.guild_id, delivery="dm", replace=False, offer=True
        )

    @quiz.command(name="resume", description="Show the question you are on again")
    @app_commands.describe(quiz="Which quiz to resume (the most recent one if you leave this out)")
    @app_commands.choices(quiz=QUIZ_CHOICES)
    async def resume(self, interaction: Interaction, quiz: str | None = None) -> None:
        await self.show.resume(interaction, await flow.resume(self.store, interaction.user.id, quiz))

    @quiz.command(name="cancel", description="Stop a quiz in progress")
    @app_commands.describe(quiz="Which quiz to cancel (the most recent one if you leave this out)")
    @app_commands.choices(quiz=QUIZ_CHOICES)
    async def cancel(self, interaction: Interaction, quiz: str | None = None) -> None:
        outcome = await flow.cancel(self.store, interaction.user.id, quiz)
        await send_ephemeral(interaction, ui.cancel_text(outcome, self.show.quiz_titles()))

    @quiz.command(name="review", description="Retry the questions you missed in your latest knowledge check")
    async def review(self, interaction: Interaction) -> None:
        await self.show.review(interaction, await self.store.latest_completed(interaction.user.id, flow.REVIEWED_QUIZ))

    @quiz.command(name="progress", description="Your quizzes: in progress, results and history")
    async def progress(self, interaction: Interaction) -> None:
        await self.show.progress(interaction)

    @quiz.command(name="leaderboard", description="Best knowledge check scores in this server")
    @in_server(ui.LEADERBOARD_IN_SERVER)
    async def leaderboard(self, interaction: Interaction) -> None:
        assert interaction.guild_id is not None
        rows = await self.store.quiz_leaderboard(interaction.guild_id)
        mine = await self.store.quiz_leaderboard_entry(interaction.guild_id, interaction.user.id)
        server = interaction.guild.name if interaction.guild is not None else "this server"
        embed = ui.leaderboard_embed(rows, server=server, mine=mine, user_id=interaction.user.id)
        await interaction.response.send_message(embed=embed)

    # --- buttons -------------------------------------------------------------------------------

    async def handle_choice(self, interaction: Interaction, session_id: int, question_id: str, choice_id: str) -> None:
        await self.show.click(interaction, session_id, question_id, choice_id)

    async def handle_control(
        self, interaction: Interaction, action: flow.ControlAction, quiz_id: str, session_id: int
    ) -> None:
        outcome = await flow.control(
            self.store,
            self.bot.content.quizzes,
            action,
            quiz_id=quiz_id,
            session_id=session_id,
            user_id=interaction.user.id,
            guild_id=interaction.guild_id,
        )
        await self.show.control(interaction, outcome)

    async def handle_share(self, interaction: Interaction, session_id: int) -> None:
        await self.show.share(interaction, session_id)


async def setup(bot: CrossroadsBot) -> None:
    await bot.add_cog(Quiz(bot))
