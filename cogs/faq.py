"""/ask, /faq, /role and /compare: the role knowledge base, answered in the member's own words.

Each command matches against `bot.content.knowledge` (read at use time, since a reload swaps it),
records the question in the ask log, and replies once with an embed from bot/ui/faq.py. Topic
buttons ("did you mean" and related entries) and the "Helpful" / "Not what I asked" votes under
every answer are DynamicItems, so they work after a restart; they carry the logged question's id.
In a server, matching uses that server's knowledge base (`bot.knowledge_for`): the shipped
entries plus the ones its admins wrote. `/faq` without a topic opens the topic index.
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.asklog import AskLog
from bot.knowledge import Entry, Match
from bot.ops import metrics
from bot.storage import StoreError
from bot.storage.asks import AskCommand
from bot.storage.protocol import Storage
from bot.ui import faq as ui
from bot.ui import topics
from bot.ui.answers import send_entry, send_match

if TYPE_CHECKING:
    from bot.app import CrossroadsBot

log = logging.getLogger(__name__)

# Members describe their situation before they ask; 2000 characters is what a Discord message
# holds, so anything a member would write in chat fits. Replies quote it clipped to a footer.
QUESTION_MAX = 2000
TOPIC_MAX = 300
# /ask answers at most this many questions per member in this many seconds; the tree's error
# handler tells a member who asks faster when to try again.
ASK_RATE = 10
ASK_PER = 60.0
ROLE_CHOICES = [
    app_commands.Choice(name="AI Engineer", value="ai"),
    app_commands.Choice(name="ML Engineer", value="ml"),
]
PRIVATE_HELP = "Only you see the reply (the server's default if you leave this out)"

Interaction = discord.Interaction["CrossroadsBot"]


class FAQ(commands.Cog, name=ui.FAQ_COG):
    """Knowledge-base commands and the handler behind the topic buttons."""

    def __init__(self, bot: CrossroadsBot) -> None:
        self.bot = bot
        self.store: Storage = bot.store
        self.asks = AskLog(bot.store)

    async def cog_load(self) -> None:
        self.bot.add_dynamic_items(*ui.DYNAMIC_ITEMS, *topics.DYNAMIC_ITEMS)

    async def cog_unload(self) -> None:
        self.bot.remove_dynamic_items(*ui.DYNAMIC_ITEMS, *topics.DYNAMIC_ITEMS)
        await self.asks.close()

    # --- slash commands ----------------------------------------------------------------------

    @app_commands.command(name="ask", description="Ask anything about the AI Engineer and ML Engineer careers")
    @app_commands.describe(question="Your question, in your own words", private=PRIVATE_HELP)
    @app_commands.checks.cooldown(ASK_RATE, ASK_PER, key=lambda interaction: interaction.user.id)
    async def ask(
        self,
        interaction: Interaction,
        question: app_commands.Range[str, 1, QUESTION_MAX],
        private: bool | None = None,
    ) -> None:
        knowledge = await self.bot.knowledge_for(interaction.guild_id)
        # Embedding a question is CPU work (NumPy, which lets go of the GIL): off the event loop.
        result = await asyncio.to_thread(knowledge.match, question)
        ephemeral = await self._private(interaction, private)
        ask_id = await self._record(interaction, "ask", question, result)
        await send_match(interaction, question, result, ephemeral, ask_id, knowledge)

    @app_commands.command(name="faq", description="Read one topic, or leave the topic out to see them all")
    @app_commands.describe(topic="Start typing to see the topics; leave out for the index", private=PRIVATE_HELP)
    async def faq(
        self,
        interaction: Interaction,
        topic: app_commands.Range[str, 1, TOPIC_MAX] | None = None,
        private: bool | None = None,
    ) -> None:
        knowledge = await self.bot.knowledge_for(interaction.guild_id)
        ephemeral = await self._private(interaction, private)
        if topic is None or topics.wants_index(topic):
            await interaction.response.send_message(ephemeral=ephemeral, **topics.index_reply(knowledge))
            return
        entry = topics.find_topic(knowledge, topic)
        if entry is not None:
            ask_id = await self._record(interaction, "faq", topic, entry)
            await send_entry(interaction, entry, None, ephemeral, ask_id, knowledge)
            return
        result = await asyncio.to_thread(knowledge.match, topic)
        ask_id = await self._record(interaction, "faq", topic, result)
        await send_match(interaction, topic, result, ephemeral, ask_id, knowledge)

    @faq.autocomplete("topic")
    async def faq_topic(self, interaction: Interaction, current: str) -> list[app_commands.Choice[str]]:
        knowledge = await self.bot.knowledge_for(interaction.guild_id)
        return await asyncio.to_thread(topics.autocomplete, knowledge, current[:TOPIC_MAX])

    @app_commands.command(name="role", description="The profile card of one career path")
    @app_commands.describe(path="Which role", private=PRIVATE_HELP)
    @app_commands.choices(path=ROLE_CHOICES)
    async def role(self, interaction: Interaction, path: str, private: bool | None = None) -> None:
        profile = self.bot.content.knowledge.profile("ml" if path == "ml" else "ai")
        await self._card(interaction, private, ui.profile_embed(profile) if profile is not None else None)

    @app_commands.command(name="compare", description="AI Engineer and ML Engineer side by side")
    @app_commands.describe(private=PRIVATE_HELP)
    async def compare(self, interaction: Interaction, private: bool | None = None) -> None:
        ai, ml = self.bot.content.knowledge.profile("ai"), self.bot.content.knowledge.profile("ml")
        await self._card(interaction, private, ui.compare_embed(ai, ml) if ai is not None and ml is not None else None)

    # --- topic buttons -----------------------------------------------------------------------

    async def handle_topic(
        self, interaction: discord.Interaction[Any], entry_id: str, source: ui.TopicSource, ask_id: int | None
    ) -> None:
        """A "did you mean" or related-entry button: show that entry.

        The member who asked sees their declined reply turn into the answer, labelled with their
        question (read from the ask log by the id the button carries). Anyone else clicking, and
        every related-entry click, gets the answer privately and unlabelled, so no answer is ever
        shown in public under another member's question."""
        knowledge = await self.bot.knowledge_for(interaction.guild_id)
        entry = knowledge.get(entry_id)
        if entry is None:
            await interaction.response.send_message(ui.GONE, ephemeral=True)
            return
        asked = await self.store.get_ask(ask_id) if ask_id is not None and source == "suggestion" else None
        if asked is not None:
            own_reply = asked.user_id == interaction.user.id
        else:
            own_reply = source == "suggestion" and ui.asked_by(interaction.message) == interaction.user.id
        command: AskCommand = "suggestion" if source == "suggestion" else "faq"
        question = asked.question if asked is not None and own_reply else entry.title
        new_id = await self._record(interaction, command, question, entry)
        if source == "suggestion" and own_reply:
            await interaction.response.edit_message(
                embeds=ui.answer_embeds(entry, question=asked.question if asked is not None else None),
                view=topics.entry_view(entry, knowledge.related(entry), new_id),
            )
            return
        await send_entry(interaction, entry, None, True, new_id, knowledge)

    async def handle_vote(self, interaction: discord.Interaction[Any], ask_id: int, helpful: bool) -> None:
        """ "Helpful" / "Not what I asked": one vote per member per answer; a second click changes it."""
        try:
            previous = await self.store.record_vote(ask_id=ask_id, user_id=interaction.user.id, helpful=helpful)
        except LookupError:
            await interaction.response.send_message(ui.VOTE_GONE, ephemeral=True)
            return
        metrics.record_feedback("helpful" if helpful else "not_helpful")
        await interaction.response.send_message(ui.vote_sentence(helpful, previous), ephemeral=True)

    # --- helpers -----------------------------------------------------------------------------

    async def _private(self, interaction: Interaction, private: bool | None) -> bool:
        if private is not None:
            return private
        try:
            config = await self.store.get_config(interaction.guild_id)
        except StoreError:
            log.warning("Could not read the server settings; answering publicly", exc_info=True)
            return False
        return config.ask_private

    async def _card(self, interaction: Interaction, private: bool | None, embed: discord.Embed | None) -> None:
        """A role's profile card or the comparison; None when the content lacks a profile."""
        ephemeral = await self._private(interaction, private)
        if embed is None:
            await interaction.response.send_message(ui.PROFILE_MISSING, ephemeral=True)
        else:
            await interaction.response.send_message(embed=embed, ephemeral=ephemeral)

    async def _record(
        self, interaction: Interaction, command: AskCommand, question: str, answer: Match | Entry
    ) -> int | None:
        """Log the question before replying (bot/asklog.py); its id, or None when the log is slow."""
        metrics.record_question(answered=isinstance(answer, Entry) or answer.matched)
        guild_id, user_id = interaction.guild_id, interaction.user.id
        if isinstance(answer, Entry):
            return await self.asks.entry(guild_id, user_id, command, question, answer)
        return await self.asks.match(guild_id, user_id, command, question, answer)


async def setup(bot: CrossroadsBot) -> None:
    await bot.add_cog(FAQ(bot))
