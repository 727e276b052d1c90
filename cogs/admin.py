"""Server admin commands: /kb reload, /kb unanswered, /kb feedback and /stats (/config is cogs/config.py).

Discord shows them only to members with Manage Server by default; because a server can open them
to others, the cog's `interaction_check` refuses with a sentence (answered by the tree's error
handler) before any command runs. The bot's owners (OWNER_IDS) may run them in every server.
"""

from __future__ import annotations

import asyncio
import io
import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.ops import metrics
from bot.reload import ReloadResult, reload_content
from bot.storage.protocol import Storage
from bot.storage.stats import MAX_DAYS, MIN_DAYS, SECONDS_PER_DAY
from bot.ui import admin as ui
from bot.ui import teach as teach_ui
from bot.ui.charts import render_stats_chart
from bot.ui.checks import ADMIN_PERMISSIONS, ensure_admin, server_only
from bot.ui.errors import send_ephemeral

if TYPE_CHECKING:
    from bot.app import CrossroadsBot

log = logging.getLogger(__name__)

LOW_CONFIDENCE_MARGIN = 0.1

Interaction = discord.Interaction["CrossroadsBot"]


class Admin(commands.Cog):
    kb = server_only(
        app_commands.Group(
            name="kb", description="Manage the Crossroads knowledge base", default_permissions=ADMIN_PERMISSIONS
        )
    )

    def __init__(self, bot: CrossroadsBot) -> None:
        self.bot = bot
        self.store: Storage = bot.store

    def _low_confidence(self) -> float:
        """Answers scored below this count as low confidence: just over the matcher's bar."""
        return self.bot.content.knowledge.matcher.threshold + LOW_CONFIDENCE_MARGIN

    def _titles(self, guild_id: int | None = None) -> Callable[[str], str]:
        """Entry id -> title in a server's knowledge base (the shipped one for None)."""
        return lambda entry_id: ui.entry_title(self.bot.guild_knowledge.peek(guild_id), entry_id)

    async def interaction_check(self, interaction: discord.Interaction[Any], /) -> bool:
        return ensure_admin(interaction)

    # /kb

    @kb.command(name="reload", description="Re-read the content files and put them into service if they are valid")
    async def kb_reload(self, interaction: Interaction) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        result = await reload_content(self.bot)
        metrics.record_reload(result.ok)
        _log_reload(result, interaction)
        embed, files = ui.reload_reply(result)
        await interaction.followup.send(embed=embed, files=files, ephemeral=True)

    @kb.command(name="unanswered", description="Questions members asked that got no confident answer")
    @app_commands.describe(days=f"How many days back to look ({MIN_DAYS}-{MAX_DAYS}, default 7)")
    async def kb_unanswered(
        self, interaction: Interaction, days: app_commands.Range[int, MIN_DAYS, MAX_DAYS] = 7
    ) -> None:
        assert interaction.guild_id is not None
        await interaction.response.defer(ephemeral=True, thinking=True)
        questions = await self.store.unanswered_questions(
            interaction.guild_id, days, low_confidence=self._low_confidence()
        )
        if not questions:
            await send_ephemeral(interaction, ui.no_unanswered_sentence(days))
            return
        ask_ids = await self.store.latest_ask_ids(interaction.guild_id, [q.normalized for q in questions[:25]])
        await send_ephemeral(interaction, **ui.unanswered_reply(questions, days, ask_ids))

    @kb.command(name="feedback", description="Answers members marked 'Not what I asked', with their questions")
    @app_commands.describe(days=f"How many days back to look ({MIN_DAYS}-{MAX_DAYS}, default 30)")
    async def kb_feedback(
        self, interaction: Interaction, days: app_commands.Range[int, MIN_DAYS, MAX_DAYS] = 30
    ) -> None:
        assert interaction.guild_id is not None
        await interaction.response.defer(ephemeral=True, thinking=True)
        wrong = await self.store.wrong_answers(interaction.guild_id, self.store.now() - days * SECONDS_PER_DAY)
        if not wrong:
            await send_ephemeral(interaction, ui.no_feedback_sentence(days))
            return
        # The same "Write an answer" and "It is about …" controls as /kb unanswered (cogs/teach.py).
        view = teach_ui.feedback_view(wrong)
        await send_ephemeral(interaction, embed=ui.feedback_embed(wrong, days, self._titles()), view=view)

    # /stats

    @app_commands.command(name="stats", description="How this server uses Crossroads, with a chart")
    @app_commands.describe(days=f"How many days back to look ({MIN_DAYS}-{MAX_DAYS}, default 30)")
    @server_only
    @app_commands.default_permissions(manage_guild=True)
    async def stats(self, interaction: Interaction, days: app_commands.Range[int, MIN_DAYS, MAX_DAYS] = 30) -> None:
        assert interaction.guild_id is not None
        await interaction.response.defer(ephemeral=True, thinking=True)
        figures = await self.store.server_stats(interaction.guild_id, days, low_confidence=self._low_confidence())
        if figures.is_empty:
            await send_ephemeral(interaction, ui.no_stats_sentence(days))
            return
        title_of = self._titles(interaction.guild_id)
        png = await asyncio.to_thread(render_stats_chart, figures, title_of)
        chart = discord.File(io.BytesIO(png), filename=ui.STATS_CHART)
        await send_ephemeral(interaction, embed=ui.stats_embed(figures, title_of), file=chart)


def _log_reload(result: ReloadResult, interaction: Interaction) -> None:
    if result.ok:
        changed = ", ".join(result.quizzes_changed) or "none"
        log.info(
            "Content reloaded by %s in server %s: %d entries, quizzes changed: %s",
            interaction.user.id,
            interaction.guild_id,
            result.entries_after,
            changed,
        )
    else:
        count = len(result.problems)
        log.warning("Content reload by %s refused, %d problems; old content kept", interaction.user.id, count)


async def setup(bot: CrossroadsBot) -> None:
    await bot.add_cog(Admin(bot))
