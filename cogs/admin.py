"""Server admin commands: /kb reload, /kb unanswered, /kb feedback, /stats and /config.

Discord shows them only to members with Manage Server by default; because a server can open them
to others, the cog's `interaction_check` refuses with a sentence (answered by the tree's error
handler) before any command runs. The bot's owners (OWNER_IDS) may run them in every server.
"""

from __future__ import annotations

import asyncio
import io
import logging
from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.ops import metrics
from bot.reload import reload_content
from bot.storage.guilds import KEEP, Keep
from bot.storage.stats import MAX_DAYS, MIN_DAYS, window_start
from bot.trivia import MAX_SECONDS as TRIVIA_MAX_SECONDS
from bot.trivia import MIN_SECONDS as TRIVIA_MIN_SECONDS
from bot.ui import admin as ui
from bot.ui import teach as teach_ui
from bot.ui.charts import render_stats_chart
from bot.ui.checks import server_only
from bot.ui.errors import CommandRefused

if TYPE_CHECKING:
    from bot.app import CrossroadsBot

log = logging.getLogger(__name__)

ADMIN_PERMISSIONS = discord.Permissions(manage_guild=True)
MIN_EXPIRY_HOURS = 1
MAX_EXPIRY_HOURS = 168
PATHS = {"ai": "AI Engineer", "ml": "ML Engineer"}
LOW_CONFIDENCE_MARGIN = 0.1

Interaction = discord.Interaction["CrossroadsBot"]


async def _reply(
    interaction: Interaction,
    content: str | None = None,
    *,
    embed: discord.Embed | None = None,
    file: discord.File | None = None,
    view: discord.ui.View | None = None,
) -> None:
    """Answer ephemerally, whether or not the interaction was deferred."""
    extra: dict[str, Any] = {}
    if view is not None:
        extra["view"] = view
    if content is not None:
        extra["content"] = content
    if embed is not None:
        extra["embed"] = embed
    if file is not None:
        extra["file"] = file
    if interaction.response.is_done():
        await interaction.followup.send(ephemeral=True, **extra)
    else:
        await interaction.response.send_message(ephemeral=True, **extra)


def _admin_refusal(interaction: discord.Interaction[Any]) -> str | None:
    """Why the member may not use admin commands here, or None when they may."""
    if interaction.guild_id is None:
        return "This command works in a server only, where it manages that server's settings."
    if interaction.guild is None:
        return (
            "I cannot see this server yet. Invite me with the bot scope (not only application commands), "
            "then try again."
        )
    if interaction.permissions.manage_guild or interaction.user.id in (interaction.client.owner_ids or ()):
        return None
    command = interaction.command.qualified_name if interaction.command else "this command"
    return f"Only members with the Manage Server permission can use /{command}. Ask a server admin if you need it run."


def _entry_title(bot: CrossroadsBot, entry_id: str, guild_id: int | None = None) -> str:
    entry = bot.guild_knowledge.peek(guild_id).get(entry_id)
    return entry.title if entry is not None else f"{entry_id} (no longer in the knowledge base)"


def _low_confidence(bot: CrossroadsBot) -> float:
    """Answers scored below this count as low confidence: just over the matcher's bar."""
    return bot.content.knowledge.matcher.threshold + LOW_CONFIDENCE_MARGIN


class Admin(commands.Cog):
    kb = server_only(
        app_commands.Group(
            name="kb", description="Manage the Crossroads knowledge base", default_permissions=ADMIN_PERMISSIONS
        )
    )
    config = server_only(
        app_commands.Group(
            name="config", description="Crossroads settings for this server", default_permissions=ADMIN_PERMISSIONS
        )
    )

    def __init__(self, bot: CrossroadsBot) -> None:
        self.bot = bot

    async def interaction_check(self, interaction: discord.Interaction[Any], /) -> bool:
        refusal = _admin_refusal(interaction)
        if refusal is not None:
            raise CommandRefused(refusal)
        return True

    # /kb

    @kb.command(name="reload", description="Re-read the content files and put them into service if they are valid")
    async def kb_reload(self, interaction: Interaction) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        result = await reload_content(self.bot)
        metrics.record_reload(result.ok)
        if result.ok:
            log.info(
                "Content reloaded by %s in server %s: %d entries, quizzes changed: %s",
                interaction.user.id,
                interaction.guild_id,
                result.entries_after,
                ", ".join(result.quizzes_changed) or "none",
            )
        else:
            log.warning(
                "Content reload by %s refused, %d problems; old content kept",
                interaction.user.id,
                len(result.problems),
            )
        embed, files = ui.reload_reply(result)
        await interaction.followup.send(embed=embed, files=files, ephemeral=True)

    @kb.command(name="unanswered", description="Questions members asked that got no confident answer")
    @app_commands.describe(days=f"How many days back to look ({MIN_DAYS}-{MAX_DAYS}, default 7)")
    async def kb_unanswered(
        self, interaction: Interaction, days: app_commands.Range[int, MIN_DAYS, MAX_DAYS] = 7
    ) -> None:
        assert interaction.guild_id is not None
        await interaction.response.defer(ephemeral=True, thinking=True)
        questions = await self.bot.store.unanswered_questions(
            interaction.guild_id, days, low_confidence=_low_confidence(self.bot)
        )
        if not questions:
            await _reply(interaction, ui.no_unanswered_sentence(days))
            return
        csv_file = discord.File(io.BytesIO(ui.unanswered_csv(questions)), filename=ui.UNANSWERED_CSV)
        # "Write an answer" and "It is about …" for each question (cogs/teach.py handles them).
        ask_ids = await self.bot.store.latest_ask_ids(interaction.guild_id, [q.normalized for q in questions[:25]])
        view = teach_ui.unanswered_view(questions, ask_ids)
        await _reply(interaction, embed=ui.unanswered_embed(questions, days), file=csv_file, view=view)

    @kb.command(name="feedback", description="Answers members marked 'Not what I asked', with their questions")
    @app_commands.describe(days=f"How many days back to look ({MIN_DAYS}-{MAX_DAYS}, default 30)")
    async def kb_feedback(
        self, interaction: Interaction, days: app_commands.Range[int, MIN_DAYS, MAX_DAYS] = 30
    ) -> None:
        assert interaction.guild_id is not None
        await interaction.response.defer(ephemeral=True, thinking=True)
        wrong = await self.bot.store.wrong_answers(interaction.guild_id, window_start(self.bot.store, days))
        if not wrong:
            await _reply(interaction, ui.no_feedback_sentence(days))
            return

        def title_of(entry_id: str) -> str:
            return _entry_title(self.bot, entry_id)

        # The same "Write an answer" and "It is about …" controls as /kb unanswered (cogs/teach.py).
        view = teach_ui.feedback_view(wrong)
        await _reply(interaction, embed=ui.feedback_embed(wrong, days, title_of), view=view)

    # /stats

    @app_commands.command(name="stats", description="How this server uses Crossroads, with a chart")
    @app_commands.describe(days=f"How many days back to look ({MIN_DAYS}-{MAX_DAYS}, default 30)")
    @server_only
    @app_commands.default_permissions(manage_guild=True)
    async def stats(self, interaction: Interaction, days: app_commands.Range[int, MIN_DAYS, MAX_DAYS] = 30) -> None:
        assert interaction.guild_id is not None
        await interaction.response.defer(ephemeral=True, thinking=True)
        figures = await self.bot.store.server_stats(
            interaction.guild_id, days, low_confidence=_low_confidence(self.bot)
        )
        if figures.is_empty:
            await _reply(interaction, ui.no_stats_sentence(days))
            return

        def title_of(entry_id: str) -> str:
            return _entry_title(self.bot, entry_id, interaction.guild_id)

        png = await asyncio.to_thread(render_stats_chart, figures, title_of)
        chart = discord.File(io.BytesIO(png), filename=ui.STATS_CHART)
        await _reply(interaction, embed=ui.stats_embed(figures, title_of), file=chart)

    # /config

    async def _show(self, interaction: Interaction, sentence: str | None = None) -> None:
        assert interaction.guild is not None
        current = await self.bot.store.get_config(interaction.guild.id)
        await _reply(interaction, sentence, embed=ui.config_embed(current, interaction.guild))

    @config.command(name="show", description="Show this server's Crossroads settings")
    async def config_show(self, interaction: Interaction) -> None:
        await self._show(interaction)

    @config.command(name="role", description="Give members a role for a path finder result")
    @app_commands.describe(
        path="The path finder result", role="The role to give; leave it out to stop giving a role for this path"
    )
    @app_commands.choices(
        path=[app_commands.Choice(name=label, value=key) for key, label in PATHS.items()],
    )
    async def config_role(self, interaction: Interaction, path: str, role: discord.Role | None = None) -> None:
        assert interaction.guild is not None
        if role is None:
            await self.bot.store.set_path_role(interaction.guild.id, path, None)
            await self._show(interaction, f"Members whose path finder result is {PATHS[path]} no longer get a role.")
            return
        problem = ui.role_problem(role, interaction.guild)
        if problem is not None:
            await _reply(interaction, problem)
            return
        config = await self.bot.store.set_path_role(interaction.guild.id, path, role.id)
        sentence = (
            f"Members whose path finder result is {PATHS[path]} now get the role "
            f"**{discord.utils.escape_markdown(role.name)}**."
        )
        if not config.role_rewards:
            sentence += " Role rewards are off, so turn them on with /config rewards for this to happen."
        await self._show(interaction, sentence)

    @config.command(name="rewards", description="Turn role rewards for path finder results on or off")
    @app_commands.describe(enabled="True to give the mapped roles, False to give none")
    async def config_rewards(self, interaction: Interaction, enabled: bool) -> None:
        assert interaction.guild is not None
        config = await self.bot.store.set_role_rewards(interaction.guild.id, enabled)
        if enabled:
            sentence = "Role rewards are on."
            if config.ai_role_id is None and config.ml_role_id is None:
                sentence += " No role is mapped yet: add one with /config role."
        else:
            sentence = "Role rewards are off: path finder results give no role. Roles already given stay."
        await self._show(interaction, sentence)

    @config.command(name="expiry", description="How long a quiz may sit without an answer before it expires")
    @app_commands.describe(hours=f"Hours without an answer ({MIN_EXPIRY_HOURS}-{MAX_EXPIRY_HOURS})")
    async def config_expiry(
        self, interaction: Interaction, hours: app_commands.Range[int, MIN_EXPIRY_HOURS, MAX_EXPIRY_HOURS]
    ) -> None:
        assert interaction.guild is not None
        await self.bot.store.set_quiz_expiry(interaction.guild.id, hours)
        await self._show(
            interaction, f"Quizzes now expire after {hours} hour{'s' if hours != 1 else ''} without an answer."
        )

    @config.command(name="ask", description="Whether /ask replies are public or private by default")
    @app_commands.describe(visibility="Public: the channel sees answers. Private: only the asker does.")
    @app_commands.choices(
        visibility=[
            app_commands.Choice(name="public", value="public"),
            app_commands.Choice(name="private", value="private"),
        ]
    )
    async def config_ask(self, interaction: Interaction, visibility: str) -> None:
        assert interaction.guild is not None
        await self.bot.store.set_ask_private(interaction.guild.id, visibility == "private")
        if visibility == "private":
            sentence = "/ask replies are now private by default: only the member who asked sees them."
        else:
            sentence = "/ask replies are now public by default: the whole channel sees them."
        await self._show(interaction, sentence)

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
        if seconds is not None and not TRIVIA_MIN_SECONDS <= seconds <= TRIVIA_MAX_SECONDS:
            await _reply(
                interaction,
                f"Choose {TRIVIA_MIN_SECONDS} to {TRIVIA_MAX_SECONDS} seconds per trivia question; "
                f"at least {TRIVIA_MIN_SECONDS} gives everyone time to read.",
            )
            return
        role_id: int | Keep | None = KEEP
        new_seconds: int | Keep = KEEP
        sentences = []
        if seconds is not None:
            new_seconds = seconds
            sentences.append(f"Trivia questions now last {seconds} seconds unless a game chooses otherwise.")
        if clear_role:
            role_id = None
            sentences.append("Only members with Manage Server can start trivia games now.")
        elif role is not None:
            role_id = role.id
            sentences.append(
                f"Members with the role **{discord.utils.escape_markdown(role.name)}** can now start trivia games."
            )
        if role_id is not KEEP or new_seconds is not KEEP:
            await self.bot.store.set_trivia(interaction.guild.id, role_id=role_id, seconds=new_seconds)
        await self._show(interaction, " ".join(sentences) or None)


async def setup(bot: CrossroadsBot) -> None:
    await bot.add_cog(Admin(bot))
