"""Sending what /ask, /faq and the topic buttons answer: an entry (with its related topics and the
vote buttons), or a decline with suggestions, as one response."""

from __future__ import annotations

from typing import Any

import discord

from bot.knowledge import Entry, KnowledgeBase, Match
from bot.knowledge.matcher import CHOOSING_ENTRY
from bot.ui import faq as ui
from bot.ui import topics


async def send_match(
    interaction: discord.Interaction[Any],
    question: str,
    result: Match,
    ephemeral: bool,
    ask_id: int | None,
    knowledge: KnowledgeBase,
) -> None:
    """The entry the matcher chose, or the decline with its suggestions."""
    entry = knowledge.get(result.entry_id) if result.entry_id else None
    if entry is not None:
        await send_entry(interaction, entry, question, ephemeral, ask_id, knowledge, which_path=result.which_path)
        return
    embed = ui.declined_embed(question, result.suggestions, uncovered=result.uncovered, which_path=result.which_path)
    view = ui.suggestions_view(result.suggestions, ask_id)
    if view is None:
        await interaction.response.send_message(embed=embed, ephemeral=ephemeral)
    else:
        await interaction.response.send_message(embed=embed, view=view, ephemeral=ephemeral)


async def send_entry(
    interaction: discord.Interaction[Any],
    entry: Entry,
    question: str | None,
    ephemeral: bool,
    ask_id: int | None,
    knowledge: KnowledgeBase,
    *,
    which_path: bool = False,
) -> None:
    """One entry, labelled with the member's question when there is one."""
    embeds = ui.answer_embeds(entry, question=question)
    if which_path and entry.id == CHOOSING_ENTRY:
        embeds = ui.which_path_footer(embeds)
    view = topics.entry_view(entry, knowledge.related(entry), ask_id)
    if view is None:
        await interaction.response.send_message(embeds=embeds, ephemeral=ephemeral)
    else:
        await interaction.response.send_message(embeds=embeds, view=view, ephemeral=ephemeral)
