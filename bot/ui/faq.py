"""What members see of the knowledge base: the answer embed, the "did you mean" reply, the role
profile card, the side-by-side comparison, and the persistent topic buttons.

Topic buttons are DynamicItems whose custom_id names the entry (``faq:<entry id>`` for a "did you
mean" choice, ``faq:<entry id>:r`` for a related entry), so they keep working after a restart.
The buttons only parse their custom_id; what a click does lives in the FAQ cog, reached through
the :class:`TopicHandler` it registers as the cog named ``FAQ``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any, Literal, Protocol

import discord

from bot import limits
from bot.knowledge import Entry, Hit, RoleProfile
from bot.knowledge.models import bullets
from bot.limits import clip
from bot.ui.errors import guarded

FAQ_COG = "FAQ"
TOPIC_PREFIX = "faq"
TOPIC_TEMPLATE = re.compile(r"^faq:(?P<entry>[a-z0-9][a-z0-9-]{0,59})(?::(?P<via>r))?$")
TopicSource = Literal["suggestion", "related"]

BLURPLE = discord.Colour.blurple()
GREY = discord.Colour.light_grey()
AI_COLOUR = discord.Colour.teal()
ML_COLOUR = discord.Colour.purple()

DECLINED_TITLE = "I don't have an answer for that yet"
UNAVAILABLE = "The knowledge base is not available right now; please try again in a minute."
GONE = "That topic is no longer in the knowledge base. Browse the current topics with `/faq`."
PROFILE_MISSING = "That role profile is missing from the knowledge base; ask a server admin to check the content."
MAX_TOPIC_BUTTONS = limits.BUTTONS_PER_ROW
ASKED_PREFIX = "You asked: "
QUESTION_IN_FOOTER = 500


def topic_custom_id(entry_id: str, source: TopicSource = "suggestion") -> str:
    custom_id = f"{TOPIC_PREFIX}:{entry_id}" + (":r" if source == "related" else "")
    if len(custom_id) > limits.CUSTOM_ID or not TOPIC_TEMPLATE.match(custom_id):
        raise ValueError(f"cannot make a topic button for entry id {entry_id!r}")
    return custom_id


class TopicHandler(Protocol):
    """What the FAQ cog provides to the topic buttons."""

    async def handle_topic(self, interaction: discord.Interaction[Any], entry_id: str, source: TopicSource) -> None: ...


class TopicButton(discord.ui.DynamicItem[discord.ui.Button[Any]], template=TOPIC_TEMPLATE):
    """A button that shows one knowledge-base entry: ``faq:<entry id>`` or ``faq:<entry id>:r``."""

    def __init__(
        self,
        entry_id: str,
        source: TopicSource = "suggestion",
        *,
        label: str = "…",
        style: discord.ButtonStyle = discord.ButtonStyle.secondary,
        row: int | None = None,
    ) -> None:
        super().__init__(
            discord.ui.Button(
                label=clip(label, limits.BUTTON_LABEL),
                style=style,
                custom_id=topic_custom_id(entry_id, source),
            ),
            row=row,
        )
        self.entry_id = entry_id
        self.source: TopicSource = source

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> TopicButton:
        return cls(match["entry"], "related" if match["via"] else "suggestion")

    @guarded
    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        get_cog = getattr(interaction.client, "get_cog", None)
        cog = get_cog(FAQ_COG) if get_cog is not None else None
        if cog is None:
            await interaction.response.send_message(
                UNAVAILABLE, ephemeral=True, allowed_mentions=discord.AllowedMentions.none()
            )
            return
        handler: TopicHandler = cog
        await handler.handle_topic(interaction, self.entry_id, self.source)


DYNAMIC_ITEMS: tuple[type[discord.ui.DynamicItem[Any]], ...] = (TopicButton,)


# --- answers -----------------------------------------------------------------------------------


def _quote(question: str, limit: int) -> str:
    flat = " ".join(question.split())
    return clip(flat, limit)


def answer_embeds(entry: Entry, *, question: str | None = None) -> list[discord.Embed]:
    """One entry's answer: one embed, or several when the answer is longer than one description
    (split at paragraph, line or sentence ends). The member's question, when given, is shown in
    the last footer."""
    parts = limits.split_text(entry.answer, limits.EMBED_DESCRIPTION)[: limits.EMBEDS_PER_MESSAGE] or [entry.answer]
    embeds = [discord.Embed(description=part, colour=BLURPLE) for part in parts]
    embeds[0].title = clip(entry.title, limits.EMBED_TITLE)
    if question and question.strip():
        embeds[-1].set_footer(text=ASKED_PREFIX + _quote(question, QUESTION_IN_FOOTER))
    return embeds


def asked_question(message: discord.Message | None) -> str | None:
    """The question a member asked, read back from the footer of the bot's reply to it."""
    if message is None:
        return None
    for embed in reversed(message.embeds):
        footer = embed.footer.text or ""
        if footer.startswith(ASKED_PREFIX):
            return footer[len(ASKED_PREFIX) :] or None
    return None


def asked_by(message: discord.Message | None) -> int | None:
    """The id of the member whose slash command produced `message`, when Discord says so."""
    metadata = getattr(message, "interaction_metadata", None) if message is not None else None
    user = getattr(metadata, "user", None)
    return user.id if user is not None else None


def related_view(related: Sequence[Entry]) -> discord.ui.View | None:
    """Buttons for the entries an answer points to (one row), or None when there are none."""
    if not related:
        return None
    view = discord.ui.View(timeout=None)
    for entry in related[:MAX_TOPIC_BUTTONS]:
        view.add_item(TopicButton(entry.id, "related", label=entry.title))
    return view


def declined_embed(question: str, suggestions: Sequence[Hit]) -> discord.Embed:
    """The reply below the confidence bar: an honest "not sure", and what is closest."""
    quoted = _quote(question, 300)
    if suggestions:
        description = (
            f"Nothing in the knowledge base answers “{quoted}” closely enough.\n"
            "**Did you mean one of these?** Pick one below."
        )
    else:
        description = (
            f"Nothing in the knowledge base is about “{quoted}”.\n"
            "I can answer questions on the AI Engineer and ML Engineer careers: pay, skills, degrees, "
            "getting started, daily work or switching roles. Browse every topic with `/faq`."
        )
    description += "\n\n-# Unanswered questions are shown to the server admins so they can add answers."
    embed = discord.Embed(title=DECLINED_TITLE, description=clip(description, limits.EMBED_DESCRIPTION), colour=GREY)
    embed.set_footer(text=ASKED_PREFIX + _quote(question, QUESTION_IN_FOOTER))
    return embed


def suggestions_view(suggestions: Sequence[Hit]) -> discord.ui.View | None:
    """ "Did you mean" buttons, at most one row of them."""
    if not suggestions:
        return None
    view = discord.ui.View(timeout=None)
    for hit in suggestions[:MAX_TOPIC_BUTTONS]:
        view.add_item(TopicButton(hit.entry_id, "suggestion", label=hit.title, style=discord.ButtonStyle.primary))
    return view


# --- roles ------------------------------------------------------------------------------------

PROFILE_FIELDS: tuple[tuple[str, str], ...] = (
    ("builds", "What they build"),
    ("daily_work", "Daily work"),
    ("skills", "Skills"),
    ("tools", "Tools"),
    ("entry_paths", "How people get in"),
    ("where_jobs", "Where the jobs are"),
    ("lifecycle_focus", "ML lifecycle focus"),
    ("switching", "Switching to the other role"),
)


def _colour(profile: RoleProfile) -> discord.Colour:
    return AI_COLOUR if profile.key == "ai" else ML_COLOUR


def salary_text(profile: RoleProfile) -> str:
    text = f"**{profile.salary.label()}** a year (base, {profile.salary.currency})"
    if profile.salary.note:
        text += f"\n{profile.salary.note}"
    if profile.salary.scope:
        text += f"\n-# {profile.salary.scope}"
    return text


def profile_embed(profile: RoleProfile) -> discord.Embed:
    """The /role card: every structured field of one role."""
    embed = discord.Embed(
        title=clip(profile.name, limits.EMBED_TITLE),
        description=clip(f"{profile.summary}\n\n**Suits:** {profile.suits}", limits.EMBED_DESCRIPTION),
        colour=_colour(profile),
    )
    embed.add_field(name="Salary", value=clip(salary_text(profile), limits.EMBED_FIELD_VALUE), inline=False)
    for attribute, heading in PROFILE_FIELDS:
        items: list[str] = getattr(profile, attribute)
        embed.add_field(name=heading, value=clip(bullets(items), limits.EMBED_FIELD_VALUE), inline=False)
    embed.set_footer(text="Compare both roles with /compare, or find your fit with /quiz start.")
    return fit_embed(embed)


COMPARE_ROWS: tuple[tuple[str, str], ...] = (
    ("summary", "In one line"),
    ("salary", "Salary (base)"),
    ("builds", "Builds"),
    ("daily_work", "Daily work"),
    ("skills", "Skills"),
    ("tools", "Tools"),
    ("entry_paths", "Getting in"),
    ("where_jobs", "Where the jobs are"),
)


def _compare_value(profile: RoleProfile, attribute: str) -> str:
    if attribute == "summary":
        return profile.summary
    if attribute == "salary":
        return profile.salary.label()
    items: list[str] = getattr(profile, attribute)
    return bullets(items)


def compare_embed(ai: RoleProfile, ml: RoleProfile) -> discord.Embed:
    """The two roles side by side: one row per aspect, AI Engineer on the left."""
    description = "AI Engineers put existing models to work; ML Engineers create and train the models."
    scope = ai.salary.scope or ml.salary.scope
    if scope:
        description += f"\n-# Salaries: {scope}"
    embed = discord.Embed(title="AI Engineer vs ML Engineer", description=description, colour=BLURPLE)
    for attribute, heading in COMPARE_ROWS:
        embed.add_field(
            name=clip(f"{heading} · {ai.name}", limits.EMBED_FIELD_NAME),
            value=clip(_compare_value(ai, attribute), limits.EMBED_FIELD_VALUE),
            inline=True,
        )
        embed.add_field(
            name=clip(f"{heading} · {ml.name}", limits.EMBED_FIELD_NAME),
            value=clip(_compare_value(ml, attribute), limits.EMBED_FIELD_VALUE),
            inline=True,
        )
        embed.add_field(name="\u200b", value="\u200b", inline=True)
    embed.set_footer(text="Full cards: /role. Not sure which fits you? Try /quiz start.")
    return fit_embed(embed)


def fit_embed(embed: discord.Embed) -> discord.Embed:
    """Shorten the longest field values until the embed fits Discord's 6000-character total."""
    while len(embed) > limits.EMBED_TOTAL and embed.fields:
        index, longest = max(enumerate(embed.fields), key=lambda pair: len(pair[1].value or ""))
        value = longest.value or ""
        excess = len(embed) - limits.EMBED_TOTAL
        target = max(len(value) - excess, len(value) // 2, 20)
        if target >= len(value):
            break
        embed.set_field_at(index, name=longest.name, value=clip(value, target), inline=longest.inline)
    return embed
