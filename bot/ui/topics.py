"""The topic index (/faq without a topic), /faq autocomplete, and the buttons under an answer.

The index lists every topic under the category its content file declares, with one select menu
per category to open a topic. Autocomplete ranks topics with the matcher while the member types;
with nothing typed it lists topics in index order and, when there are more than Discord's 25
choices, makes the last choice open the whole index, so no topic is out of reach.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import discord
from discord import app_commands

from bot import limits
from bot.knowledge import Entry, KnowledgeBase
from bot.knowledge.text import normalize
from bot.knowledge.topics import TopicGroup, index_order, topic_groups
from bot.limits import clip
from bot.ui.errors import cog_or_unavailable, guarded
from bot.ui.faq import FAQ_COG, UNAVAILABLE, TopicButton, TopicHandler, answer_view

# What /faq receives when the member picks "Browse all topics" in autocomplete; never an entry id.
INDEX_VALUE = "*"
INDEX_TITLE = "Topics"
SELECT_PREFIX = "topics"
SELECT_TEMPLATE = re.compile(r"^topics:(?P<group>[0-9]{1,2})$")
BLURPLE = discord.Colour.blurple()


def wants_index(topic: str | None) -> bool:
    return topic is None or not topic.strip() or topic.strip() == INDEX_VALUE


# --- autocomplete ----------------------------------------------------------------------------


def find_topic(knowledge: KnowledgeBase, topic: str) -> Entry | None:
    """The entry a /faq topic names: its id (what autocomplete sends) or its exact title."""
    entry = knowledge.get(topic.strip())
    if entry is not None:
        return entry
    wanted = normalize(topic)
    return next((candidate for candidate in knowledge.entries() if normalize(candidate.title) == wanted), None)


def autocomplete(knowledge: KnowledgeBase, typed: str) -> list[app_commands.Choice[str]]:
    """/faq's topic choices as Discord takes them."""
    return [
        app_commands.Choice(name=clip(name, limits.CHOICE_NAME), value=value)
        for name, value in topic_choices(knowledge, typed)
        if len(value) <= limits.CHOICE_VALUE
    ]


def index_reply(knowledge: KnowledgeBase) -> dict[str, Any]:
    """The topic index and its menus, as the fields of one message."""
    view = index_view(knowledge)
    return {"embed": index_embed(knowledge), **({"view": view} if view is not None else {})}


def topic_choices(knowledge: KnowledgeBase, typed: str) -> list[tuple[str, str]]:
    """(name, value) pairs for /faq's autocomplete, at most Discord's 25."""
    room = limits.AUTOCOMPLETE_CHOICES
    if typed.strip():
        hits = knowledge.autocomplete(typed, room)
        return [(clip(hit.title, limits.CHOICE_NAME), hit.entry_id) for hit in hits]
    ordered = index_order(knowledge.entries())
    if len(ordered) <= room:
        return [(clip(entry.title, limits.CHOICE_NAME), entry.id) for entry in ordered]
    shown = ordered[: room - 1]
    browse = f"Browse all {len(ordered)} topics by category (or keep typing)"
    return [*[(clip(entry.title, limits.CHOICE_NAME), entry.id) for entry in shown], (browse, INDEX_VALUE)]


# --- the index -------------------------------------------------------------------------------


def _chunks(group: TopicGroup) -> list[tuple[str, tuple[Entry, ...]]]:
    """A category as select-sized pieces (25 options each), named "Category", "Category (2)", ..."""
    size = limits.SELECT_OPTIONS
    pieces = [group.entries[i : i + size] for i in range(0, len(group.entries), size)]
    return [(group.category if n == 0 else f"{group.category} ({n + 1})", piece) for n, piece in enumerate(pieces)]


def index_embed(knowledge: KnowledgeBase) -> discord.Embed:
    groups = topic_groups(knowledge.entries())
    total = sum(len(g.entries) for g in groups)
    embed = discord.Embed(
        title=INDEX_TITLE,
        description=(
            f"{total} topics on the AI Engineer and ML Engineer careers. Pick one from a menu below, "
            "type `/faq topic:` and a few letters, or ask anything in your own words with `/ask`."
        ),
        colour=BLURPLE,
    )
    budget = limits.EMBED_TOTAL - len(embed.title or "") - len(embed.description or "") - 200
    for group in groups:
        for name, entries in _chunks(group):
            if len(embed.fields) >= limits.EMBED_FIELDS:
                break
            value = "\n".join(f"• {entry.title}" for entry in entries)
            value = clip(value, min(limits.EMBED_FIELD_VALUE, max(budget - len(name), 20)))
            budget -= len(name) + len(value)
            if budget <= 0:
                break
            embed.add_field(name=clip(name, limits.EMBED_FIELD_NAME), value=value, inline=False)
    embed.set_footer(text="Answers come from the guide Crossroads is built on.")
    return embed


def index_view(knowledge: KnowledgeBase) -> discord.ui.View | None:
    """One select menu per category (a message holds five); None when the categories do not fit."""
    pieces = [piece for group in topic_groups(knowledge.entries()) for piece in _chunks(group)]
    if not pieces or len(pieces) > limits.ROWS_PER_MESSAGE:
        return None
    view = discord.ui.View(timeout=None)
    for number, (name, entries) in enumerate(pieces):
        view.add_item(TopicSelect(number, placeholder=f"{name}: open a topic", entries=entries))
    return view


class TopicSelect(discord.ui.DynamicItem[discord.ui.Select[Any]], template=SELECT_TEMPLATE):
    """A menu of one category's topics: ``topics:<n>``; the chosen option's value is the entry id."""

    def __init__(self, group: int, *, placeholder: str = "Open a topic", entries: Sequence[Entry] = ()) -> None:
        options = [
            discord.SelectOption(label=clip(entry.title, limits.SELECT_OPTION_LABEL), value=entry.id)
            for entry in entries[: limits.SELECT_OPTIONS]
        ]
        super().__init__(
            discord.ui.Select(
                custom_id=f"{SELECT_PREFIX}:{group}",
                placeholder=clip(placeholder, 150),
                options=options or [discord.SelectOption(label="…", value="*")],
                row=min(group, limits.ROWS_PER_MESSAGE - 1),
            )
        )
        self.group = group

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> TopicSelect:
        return cls(int(match["group"]))

    @guarded
    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        handler: TopicHandler | None = await cog_or_unavailable(interaction, FAQ_COG, UNAVAILABLE)
        if handler is None:
            return
        values = self.item.values
        if values:
            await handler.handle_topic(interaction, values[0], "related", None)


DYNAMIC_ITEMS: tuple[type[discord.ui.DynamicItem[Any]], ...] = (TopicSelect,)


# --- under an answer -------------------------------------------------------------------------


def entry_view(entry: Entry, related: Sequence[Entry], ask_id: int | None = None) -> discord.ui.View | None:
    """Related-topic buttons on the first row, the votes on the second (when the question is in
    the ask log), and the entry's link buttons on the third."""
    view = answer_view(related, ask_id) or discord.ui.View(timeout=None)
    for link in entry.links[: limits.BUTTONS_PER_ROW]:
        view.add_item(discord.ui.Button(style=discord.ButtonStyle.link, label=link.label, url=link.url, row=2))
    return view if view.children else None


__all__ = [
    "DYNAMIC_ITEMS",
    "INDEX_VALUE",
    "TopicButton",
    "TopicSelect",
    "autocomplete",
    "entry_view",
    "find_topic",
    "index_embed",
    "index_reply",
    "index_view",
    "topic_choices",
    "wants_index",
]
