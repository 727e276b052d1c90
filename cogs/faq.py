"""/ask, /faq, /role and /compare: the role knowledge base, answered in the member's own words.

Each command matches against `bot.content.knowledge` (read at use time, since a reload swaps it),
records the question in the ask log, and replies once with an embed from bot/ui/faq.py. Topic
buttons ("did you mean" and related entries) are DynamicItems, so they work after a restart.
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.knowledge import Entry, KnowledgeBase, Match
from bot.knowledge.text import normalize
from bot.ops import metrics
from bot.storage import StoreError
from bot.storage.asks import AskCommand, record_ask
from bot.storage.guilds import get_config
from bot.ui import faq as ui
from bot.ui import limits
from bot.ui.limits import clip

if TYPE_CHECKING:
    from bot.app import CrossroadsBot

log = logging.getLogger(__name__)

NO_MENTIONS = discord.AllowedMentions.none()
QUESTION_MAX = 300
ROLE_CHOICES = [
    app_commands.Choice(name="AI Engineer", value="ai"),
    app_commands.Choice(name="ML Engineer", value="ml"),
]
PRIVATE_HELP = "Only you see the reply (the server's default if you leave this out)"
# How long a reply waits for its question to be logged; Discord wants the reply within 3 seconds.
LOG_WAIT_SECONDS = 1.0
# A database locked by another program is retried in the background before a question goes unlogged.
LOG_ATTEMPTS = 5
LOG_RETRY_SECONDS = 1.0

Interaction = discord.Interaction["CrossroadsBot"]


class FAQ(commands.Cog, name=ui.FAQ_COG):
    """Knowledge-base commands and the handler behind the topic buttons."""

    def __init__(self, bot: CrossroadsBot) -> None:
        self.bot = bot
        self._pending_logs: set[asyncio.Task[None]] = set()

    async def cog_load(self) -> None:
        self.bot.add_dynamic_items(*ui.DYNAMIC_ITEMS)

    async def cog_unload(self) -> None:
        self.bot.remove_dynamic_items(*ui.DYNAMIC_ITEMS)
        if self._pending_logs:
            await asyncio.wait(set(self._pending_logs), timeout=LOG_WAIT_SECONDS)

    @property
    def knowledge(self) -> KnowledgeBase:
        return self.bot.content.knowledge

    # --- slash commands ----------------------------------------------------------------------

    @app_commands.command(name="ask", description="Ask anything about the AI Engineer and ML Engineer careers")
    @app_commands.describe(question="Your question, in your own words", private=PRIVATE_HELP)
    async def ask(
        self,
        interaction: Interaction,
        question: app_commands.Range[str, 1, QUESTION_MAX],
        private: bool | None = None,
    ) -> None:
        result = self.knowledge.match(question)
        ephemeral = await self._private(interaction, private)
        await self._record(interaction, "ask", question, result)
        await self._reply_with_match(interaction, question, result, ephemeral)

    @app_commands.command(name="faq", description="Read one topic from the knowledge base")
    @app_commands.describe(topic="Start typing to see the topics", private=PRIVATE_HELP)
    async def faq(
        self,
        interaction: Interaction,
        topic: app_commands.Range[str, 1, QUESTION_MAX],
        private: bool | None = None,
    ) -> None:
        knowledge = self.knowledge
        ephemeral = await self._private(interaction, private)
        entry = _find_topic(knowledge, topic)
        if entry is not None:
            await self._record_entry(interaction, "faq", topic, entry)
            await self._send_entry(interaction, entry, None, ephemeral)
            return
        result = knowledge.match(topic)
        await self._record(interaction, "faq", topic, result)
        await self._reply_with_match(interaction, topic, result, ephemeral)

    @faq.autocomplete("topic")
    async def faq_topic(self, interaction: Interaction, current: str) -> list[app_commands.Choice[str]]:
        hits = self.knowledge.autocomplete(current[:QUESTION_MAX], limits.AUTOCOMPLETE_CHOICES)
        return [
            app_commands.Choice(name=clip(hit.title, limits.CHOICE_NAME), value=hit.entry_id)
            for hit in hits
            if len(hit.entry_id) <= limits.CHOICE_VALUE
        ]

    @app_commands.command(name="role", description="The profile card of one career path")
    @app_commands.describe(path="Which role", private=PRIVATE_HELP)
    @app_commands.choices(path=ROLE_CHOICES)
    async def role(self, interaction: Interaction, path: str, private: bool | None = None) -> None:
        profile = self.knowledge.profile("ml" if path == "ml" else "ai")
        ephemeral = await self._private(interaction, private)
        if profile is None:
            await interaction.response.send_message(ui.PROFILE_MISSING, ephemeral=True, allowed_mentions=NO_MENTIONS)
            return
        await interaction.response.send_message(
            embed=ui.profile_embed(profile), ephemeral=ephemeral, allowed_mentions=NO_MENTIONS
        )

    @app_commands.command(name="compare", description="AI Engineer and ML Engineer side by side")
    @app_commands.describe(private=PRIVATE_HELP)
    async def compare(self, interaction: Interaction, private: bool | None = None) -> None:
        knowledge = self.knowledge
        ai, ml = knowledge.profile("ai"), knowledge.profile("ml")
        ephemeral = await self._private(interaction, private)
        if ai is None or ml is None:
            await interaction.response.send_message(ui.PROFILE_MISSING, ephemeral=True, allowed_mentions=NO_MENTIONS)
            return
        await interaction.response.send_message(
            embed=ui.compare_embed(ai, ml), ephemeral=ephemeral, allowed_mentions=NO_MENTIONS
        )

    # --- topic buttons -----------------------------------------------------------------------

    async def handle_topic(self, interaction: discord.Interaction[Any], entry_id: str, source: ui.TopicSource) -> None:
        """A "did you mean" or related-entry button: show that entry.

        The member who asked sees their declined reply turn into the answer; anyone else clicking
        (and every related-entry click) gets the answer privately, so a channel is not flooded."""
        entry = self.knowledge.get(entry_id)
        if entry is None:
            await interaction.response.send_message(ui.GONE, ephemeral=True, allowed_mentions=NO_MENTIONS)
            return
        asked = ui.asked_question(interaction.message)
        command: AskCommand = "suggestion" if source == "suggestion" else "faq"
        await self._record_entry(interaction, command, asked or entry.title, entry)
        own_reply = ui.asked_by(interaction.message) == interaction.user.id
        if source == "suggestion" and own_reply:
            await interaction.response.edit_message(
                embeds=ui.answer_embeds(entry, question=asked),
                view=ui.related_view(self.knowledge.related(entry)),
                allowed_mentions=NO_MENTIONS,
            )
            return
        await self._send_entry(interaction, entry, asked if source == "suggestion" else None, True)

    # --- helpers -----------------------------------------------------------------------------

    async def _private(self, interaction: Interaction, private: bool | None) -> bool:
        if private is not None:
            return private
        try:
            config = await get_config(self.bot.store, interaction.guild_id)
        except StoreError:
            log.warning("Could not read the server settings; answering publicly", exc_info=True)
            return False
        return config.ask_private

    async def _reply_with_match(self, interaction: Interaction, question: str, result: Match, ephemeral: bool) -> None:
        entry = self.knowledge.get(result.entry_id) if result.entry_id else None
        if entry is not None:
            await self._send_entry(interaction, entry, question, ephemeral)
            return
        embed = ui.declined_embed(question, result.suggestions)
        view = ui.suggestions_view(result.suggestions)
        if view is None:
            await interaction.response.send_message(embed=embed, ephemeral=ephemeral, allowed_mentions=NO_MENTIONS)
        else:
            await interaction.response.send_message(
                embed=embed, view=view, ephemeral=ephemeral, allowed_mentions=NO_MENTIONS
            )

    async def _send_entry(
        self, interaction: discord.Interaction[Any], entry: Entry, question: str | None, ephemeral: bool
    ) -> None:
        embeds = ui.answer_embeds(entry, question=question)
        view = ui.related_view(self.knowledge.related(entry))
        if view is None:
            await interaction.response.send_message(embeds=embeds, ephemeral=ephemeral, allowed_mentions=NO_MENTIONS)
        else:
            await interaction.response.send_message(
                embeds=embeds, view=view, ephemeral=ephemeral, allowed_mentions=NO_MENTIONS
            )

    async def _record(self, interaction: Interaction, command: AskCommand, question: str, result: Match) -> None:
        await self._write_log(
            interaction,
            command=command,
            question=question,
            normalized=result.normalized,
            entry_id=result.entry_id,
            score=result.score,
            matched=result.matched,
        )

    async def _record_entry(
        self, interaction: discord.Interaction[Any], command: AskCommand, question: str, entry: Entry
    ) -> None:
        await self._write_log(
            interaction,
            command=command,
            question=question,
            normalized=normalize(question),
            entry_id=entry.id,
            score=1.0,
            matched=True,
        )

    async def _write_log(self, interaction: discord.Interaction[Any], **fields: Any) -> None:
        """Record the question before replying. When the database is slow (another process holds
        its write lock) the reply goes out after LOG_WAIT_SECONDS and the record follows; a
        database problem never costs the member the answer."""
        metrics.record_question(answered=bool(fields.get("matched")))
        task = asyncio.create_task(self._insert_log(interaction.guild_id, interaction.user.id, fields))
        self._pending_logs.add(task)
        task.add_done_callback(self._pending_logs.discard)
        await asyncio.wait({task}, timeout=LOG_WAIT_SECONDS)

    async def _insert_log(self, guild_id: int | None, user_id: int, fields: dict[str, Any]) -> None:
        for attempt in range(1, LOG_ATTEMPTS + 1):
            try:
                await record_ask(self.bot.store, guild_id=guild_id, user_id=user_id, **fields)
                return
            except StoreError:
                if attempt == LOG_ATTEMPTS:
                    log.warning("Could not record a question in the ask log", exc_info=True)
                    return
                await asyncio.sleep(LOG_RETRY_SECONDS)


def _find_topic(knowledge: KnowledgeBase, topic: str) -> Entry | None:
    """The entry a /faq topic names: its id (what autocomplete sends) or its exact title."""
    entry = knowledge.get(topic.strip())
    if entry is not None:
        return entry
    wanted = normalize(topic)
    for candidate in knowledge.entries():
        if normalize(candidate.title) == wanted:
            return candidate
    return None


async def setup(bot: CrossroadsBot) -> None:
    await bot.add_cog(FAQ(bot))
