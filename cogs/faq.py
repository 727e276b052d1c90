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

from bot import deadline, limits
from bot.knowledge import Entry, KnowledgeBase, Match
from bot.knowledge.matcher import CHOOSING_ENTRY
from bot.knowledge.text import normalize
from bot.limits import clip
from bot.ops import metrics
from bot.storage import StoreError
from bot.storage.asks import AskCommand
from bot.ui import faq as ui
from bot.ui import topics

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
        self._pending_logs: set[asyncio.Task[int | None]] = set()

    async def cog_load(self) -> None:
        self.bot.add_dynamic_items(*ui.DYNAMIC_ITEMS, *topics.DYNAMIC_ITEMS)

    async def cog_unload(self) -> None:
        self.bot.remove_dynamic_items(*ui.DYNAMIC_ITEMS, *topics.DYNAMIC_ITEMS)
        if self._pending_logs:
            await asyncio.wait(set(self._pending_logs), timeout=LOG_WAIT_SECONDS)

    @property
    def knowledge(self) -> KnowledgeBase:
        return self.bot.content.knowledge

    async def knowledge_for(self, interaction: discord.Interaction[Any]) -> KnowledgeBase:
        """The knowledge base for where the member asked: their server's, or the shipped one in DMs."""
        return await self.bot.knowledge_for(interaction.guild_id)

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
        knowledge = await self.knowledge_for(interaction)
        result = knowledge.match(question)
        ephemeral = await self._private(interaction, private)
        ask_id = await self._record(interaction, "ask", question, result)
        await self._reply_with_match(interaction, question, result, ephemeral, ask_id, knowledge)

    @app_commands.command(name="faq", description="Read one topic, or leave the topic out to see them all")
    @app_commands.describe(topic="Start typing to see the topics; leave out for the index", private=PRIVATE_HELP)
    async def faq(
        self,
        interaction: Interaction,
        topic: app_commands.Range[str, 1, TOPIC_MAX] | None = None,
        private: bool | None = None,
    ) -> None:
        knowledge = await self.knowledge_for(interaction)
        ephemeral = await self._private(interaction, private)
        if topic is None or topics.wants_index(topic):
            view = topics.index_view(knowledge)
            extra: dict[str, Any] = {"view": view} if view is not None else {}
            await interaction.response.send_message(embed=topics.index_embed(knowledge), ephemeral=ephemeral, **extra)
            return
        entry = _find_topic(knowledge, topic)
        if entry is not None:
            ask_id = await self._record_entry(interaction, "faq", topic, entry)
            await self._send_entry(interaction, entry, None, ephemeral, ask_id, knowledge)
            return
        result = knowledge.match(topic)
        ask_id = await self._record(interaction, "faq", topic, result)
        await self._reply_with_match(interaction, topic, result, ephemeral, ask_id, knowledge)

    @faq.autocomplete("topic")
    async def faq_topic(self, interaction: Interaction, current: str) -> list[app_commands.Choice[str]]:
        knowledge = await self.knowledge_for(interaction)
        choices = topics.topic_choices(knowledge, current[:TOPIC_MAX])
        return [
            app_commands.Choice(name=clip(name, limits.CHOICE_NAME), value=value)
            for name, value in choices
            if len(value) <= limits.CHOICE_VALUE
        ]

    @app_commands.command(name="role", description="The profile card of one career path")
    @app_commands.describe(path="Which role", private=PRIVATE_HELP)
    @app_commands.choices(path=ROLE_CHOICES)
    async def role(self, interaction: Interaction, path: str, private: bool | None = None) -> None:
        profile = self.knowledge.profile("ml" if path == "ml" else "ai")
        ephemeral = await self._private(interaction, private)
        if profile is None:
            await interaction.response.send_message(ui.PROFILE_MISSING, ephemeral=True)
            return
        await interaction.response.send_message(embed=ui.profile_embed(profile), ephemeral=ephemeral)

    @app_commands.command(name="compare", description="AI Engineer and ML Engineer side by side")
    @app_commands.describe(private=PRIVATE_HELP)
    async def compare(self, interaction: Interaction, private: bool | None = None) -> None:
        knowledge = self.knowledge
        ai, ml = knowledge.profile("ai"), knowledge.profile("ml")
        ephemeral = await self._private(interaction, private)
        if ai is None or ml is None:
            await interaction.response.send_message(ui.PROFILE_MISSING, ephemeral=True)
            return
        await interaction.response.send_message(embed=ui.compare_embed(ai, ml), ephemeral=ephemeral)

    # --- topic buttons -----------------------------------------------------------------------

    async def handle_topic(
        self, interaction: discord.Interaction[Any], entry_id: str, source: ui.TopicSource, ask_id: int | None
    ) -> None:
        """A "did you mean" or related-entry button: show that entry.

        The member who asked sees their declined reply turn into the answer, labelled with their
        question (read from the ask log by the id the button carries). Anyone else clicking, and
        every related-entry click, gets the answer privately and unlabelled, so no answer is ever
        shown in public under another member's question."""
        knowledge = await self.knowledge_for(interaction)
        entry = knowledge.get(entry_id)
        if entry is None:
            await interaction.response.send_message(ui.GONE, ephemeral=True)
            return
        asked = await self.bot.store.get_ask(ask_id) if ask_id is not None and source == "suggestion" else None
        if asked is not None:
            own_reply = asked.user_id == interaction.user.id
        else:
            own_reply = source == "suggestion" and ui.asked_by(interaction.message) == interaction.user.id
        command: AskCommand = "suggestion" if source == "suggestion" else "faq"
        question = asked.question if asked is not None and own_reply else entry.title
        new_id = await self._record_entry(interaction, command, question, entry)
        if source == "suggestion" and own_reply:
            await interaction.response.edit_message(
                embeds=ui.answer_embeds(entry, question=asked.question if asked is not None else None),
                view=topics.entry_view(entry, knowledge.related(entry), new_id),
            )
            return
        await self._send_entry(interaction, entry, None, True, new_id, knowledge)

    async def handle_vote(self, interaction: discord.Interaction[Any], ask_id: int, helpful: bool) -> None:
        """ "Helpful" / "Not what I asked": one vote per member per answer; a second click changes it."""
        try:
            previous = await self.bot.store.record_vote(ask_id=ask_id, user_id=interaction.user.id, helpful=helpful)
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
            config = await self.bot.store.get_config(interaction.guild_id)
        except StoreError:
            log.warning("Could not read the server settings; answering publicly", exc_info=True)
            return False
        return config.ask_private

    async def _reply_with_match(
        self,
        interaction: Interaction,
        question: str,
        result: Match,
        ephemeral: bool,
        ask_id: int | None,
        knowledge: KnowledgeBase,
    ) -> None:
        entry = knowledge.get(result.entry_id) if result.entry_id else None
        if entry is not None:
            await self._send_entry(
                interaction, entry, question, ephemeral, ask_id, knowledge, which_path=result.which_path
            )
            return
        embed = ui.declined_embed(
            question, result.suggestions, uncovered=result.uncovered, which_path=result.which_path
        )
        view = ui.suggestions_view(result.suggestions, ask_id)
        if view is None:
            await interaction.response.send_message(embed=embed, ephemeral=ephemeral)
        else:
            await interaction.response.send_message(embed=embed, view=view, ephemeral=ephemeral)

    async def _send_entry(
        self,
        interaction: discord.Interaction[Any],
        entry: Entry,
        question: str | None,
        ephemeral: bool,
        ask_id: int | None,
        knowledge: KnowledgeBase,
        *,
        which_path: bool = False,
    ) -> None:
        embeds = ui.answer_embeds(entry, question=question)
        if which_path and entry.id == CHOOSING_ENTRY:
            embeds = ui.which_path_footer(embeds)
        view = topics.entry_view(entry, knowledge.related(entry), ask_id)
        if view is None:
            await interaction.response.send_message(embeds=embeds, ephemeral=ephemeral)
        else:
            await interaction.response.send_message(embeds=embeds, view=view, ephemeral=ephemeral)

    async def _record(self, interaction: Interaction, command: AskCommand, question: str, result: Match) -> int | None:
        return await self._write_log(
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
    ) -> int | None:
        return await self._write_log(
            interaction,
            command=command,
            question=question,
            normalized=normalize(question),
            entry_id=entry.id,
            score=1.0,
            matched=True,
        )

    async def _write_log(self, interaction: discord.Interaction[Any], **fields: Any) -> int | None:
        """Record the question before replying and return its id in the ask log. When the database
        is slow (another process holds its write lock) the reply goes out after LOG_WAIT_SECONDS
        without vote buttons and the record follows; a database problem never costs the member
        the answer."""
        metrics.record_question(answered=bool(fields.get("matched")))
        task = asyncio.create_task(self._insert_log(interaction.guild_id, interaction.user.id, fields))
        self._pending_logs.add(task)
        task.add_done_callback(self._pending_logs.discard)
        done, _ = await asyncio.wait({task}, timeout=LOG_WAIT_SECONDS)
        return task.result() if done else None

    async def _insert_log(self, guild_id: int | None, user_id: int, fields: dict[str, Any]) -> int | None:
        # The record outlives the interaction's 3-second window, so it is not bound by its deadline.
        deadline.set_current(None)
        for attempt in range(1, LOG_ATTEMPTS + 1):
            try:
                return await self.bot.store.record_ask(guild_id=guild_id, user_id=user_id, **fields)
            except StoreError:
                if attempt == LOG_ATTEMPTS:
                    log.warning("Could not record a question in the ask log after %d attempts", LOG_ATTEMPTS)
                    return None
                await asyncio.sleep(LOG_RETRY_SECONDS)
            except Exception:
                log.exception("Could not record a question in the ask log")
                return None
        return None


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
