"""What members see of the knowledge base: the answer embed, the "did you mean" reply, the role
profile card, the side-by-side comparison, and the persistent topic buttons.

Topic buttons are DynamicItems whose custom_id names the entry (``faq:<entry id>:q<ask id>`` for
a "did you mean" choice under a logged question, ``faq:<entry id>`` for one from before questions
were carried, ``faq:<entry id>:r`` for a related entry), so they keep working after a restart.
Vote buttons (``vote:<ask id>:h`` for "Helpful", ``vote:<ask id>:n`` for "Not what I asked") sit
under every answer. A question is carried by its id in the ask log, never read back from an
embed. The buttons only parse their custom_id; what a click does lives in the FAQ cog, reached
through the :class:`TopicHandler` it registers as the cog named ``FAQ``.

Echoed member text is inert: it appears only in embed footers, which Discord renders as plain
text (no markdown, no links, no mentions).
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
from bot.ui.errors import cog_or_unavailable, guarded

FAQ_COG = "FAQ"
TOPIC_PREFIX = "faq"
TOPIC_TEMPLATE = re.compile(r"^faq:(?P<entry>[a-z0-9][a-z0-9-]{0,59})(?::(?P<via>r|q(?P<ask>[0-9]{1,19})))?$")
VOTE_TEMPLATE = re.compile(r"^vote:(?P<ask>[0-9]{1,19}):(?P<kind>[hn])$")
TopicSource = Literal["suggestion", "related"]

BLURPLE = discord.Colour.blurple()
GREY = discord.Colour.light_grey()
AI_COLOUR = discord.Colour.teal()
ML_COLOUR = discord.Colour.purple()

DECLINED_TITLE = "I don't have a confident answer to that"
UNCOVERED_TITLE = "The guide doesn't cover that"
HELPFUL_LABEL = "Helpful"
NOT_HELPFUL_LABEL = "Not what I asked"
PATH_FINDER = (
    "Not sure which path fits you? The path finder asks a few questions and suggests one: `/quiz start` → Path finder."
)
UNAVAILABLE = "The knowledge base is not available right now; please try again in a minute."
GONE = "That topic is no longer in the knowledge base. Browse the current topics with `/faq`."
PROFILE_MISSING = "That role profile is missing from the knowledge base; ask a server admin to check the content."
MAX_TOPIC_BUTTONS = limits.BUTTONS_PER_ROW
ASKED_PREFIX = "You asked: "
QUESTION_IN_FOOTER = 500


def topic_custom_id(entry_id: str, source: TopicSource = "suggestion", ask_id: int | None = None) -> str:
    custom_id = f"{TOPIC_PREFIX}:{entry_id}"
    if source == "related":
        custom_id += ":r"
    elif ask_id is not None:
        custom_id += f":q{ask_id}"
    if len(custom_id) > limits.CUSTOM_ID or not TOPIC_TEMPLATE.match(custom_id):
        raise ValueError(f"cannot make a topic button for entry id {entry_id!r}")
    return custom_id


def vote_custom_id(ask_id: int, helpful: bool) -> str:
    return f"vote:{ask_id}:{'h' if helpful else 'n'}"


class TopicHandler(Protocol):
    """What the FAQ cog provides to the topic and vote buttons."""

    async def handle_topic(
        self, interaction: discord.Interaction[Any], entry_id: str, source: TopicSource, ask_id: int | None
    ) -> None: ...

    async def handle_vote(self, interaction: discord.Interaction[Any], ask_id: int, helpful: bool) -> None: ...


async def _handler(interaction: discord.Interaction[Any]) -> TopicHandler | None:
    handler: TopicHandler | None = await cog_or_unavailable(interaction, FAQ_COG, UNAVAILABLE)
    return handler


class TopicButton(discord.ui.DynamicItem[discord.ui.Button[Any]], template=TOPIC_TEMPLATE):
    """A button that shows one knowledge-base entry: ``faq:<entry id>`` or ``faq:<entry id>:r``."""

    def __init__(
        self,
        entry_id: str,
        source: TopicSource = "suggestion",
        *,
        ask_id: int | None = None,
        label: str = "…",
        style: discord.ButtonStyle = discord.ButtonStyle.secondary,
        row: int | None = None,
    ) -> None:
        super().__init__(
            discord.ui.Button(
                label=clip(label, limits.BUTTON_LABEL),
                style=style,
                custom_id=topic_custom_id(entry_id, source, ask_id),
            ),
            row=row,
        )
        self.entry_id = entry_id
        self.source: TopicSource = source
        self.ask_id = ask_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> TopicButton:
        related = match["via"] == "r"
        ask_id = int(match["ask"]) if match["ask"] else None
        return cls(match["entry"], "related" if related else "suggestion", ask_id=ask_id)

    @guarded
    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        handler = await _handler(interaction)
        if handler is not None:
            await handler.handle_topic(interaction, self.entry_id, self.source, self.ask_id)


class VoteButton(discord.ui.DynamicItem[discord.ui.Button[Any]], template=VOTE_TEMPLATE):
    """ "Helpful" or "Not what I asked" under an answer: ``vote:<ask id>:h`` or ``vote:<ask id>:n``."""

    def __init__(self, ask_id: int, helpful: bool, *, row: int | None = None) -> None:
        super().__init__(
            discord.ui.Button(
                label=HELPFUL_LABEL if helpful else NOT_HELPFUL_LABEL,
                style=discord.ButtonStyle.success if helpful else discord.ButtonStyle.secondary,
                custom_id=vote_custom_id(ask_id, helpful),
            ),
            row=row,
        )
        self.ask_id = ask_id
        self.helpful = helpful

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> VoteButton:
        return cls(int(match["ask"]), match["kind"] == "h")

    @guarded
    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        handler = await _handler(interaction)
        if handler is not None:
            await handler.handle_vote(interaction, self.ask_id, self.helpful)


DYNAMIC_ITEMS: tuple[type[discord.ui.DynamicItem[Any]], ...] = (TopicButton, VoteButton)


def vote_sentence(helpful: bool, previous: bool | None) -> str:
    """The private reply to a vote."""
    if previous is not None and previous == helpful:
        return "You already voted that way on this answer; nothing changed."
    if helpful:
        said = "Thanks, marked as helpful."
    else:
        said = "Thanks, marked as not what you asked. The server admins see it in `/kb feedback`, so they can fix it."
    return said if previous is None else f"Vote changed. {said}"


VOTE_GONE = "That question is no longer stored (its asker deleted their data), so it cannot take votes."


# --- answers -----------------------------------------------------------------------------------


def _quote(question: str, limit: int) -> str:
    """A member's question for a footer: one line, clipped. Footers render no markdown or links."""
    flat = " ".join(question.split())
    return clip(flat, limit)


def which_path_footer(embeds: list[discord.Embed]) -> list[discord.Embed]:
    """Add the path finder offer to an answer to "which should I pick"."""
    last = embeds[-1]
    last.description = clip(f"{last.description or ''}\n\n{PATH_FINDER}", limits.EMBED_DESCRIPTION)
    return embeds


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


def asked_by(message: discord.Message | None) -> int | None:
    """The id of the member whose slash command produced `message`, when Discord says so."""
    metadata = getattr(message, "interaction_metadata", None) if message is not None else None
    user = getattr(metadata, "user", None)
    return user.id if user is not None else None


def answer_view(related: Sequence[Entry], ask_id: int | None = None) -> discord.ui.View | None:
    """Buttons under an answer: the entries it points to (first row) and, when the question is
    in the ask log, "Helpful" / "Not what I asked" (second row). None when there are none."""
    if not related and ask_id is None:
        return None
    view = discord.ui.View(timeout=None)
    for entry in related[:MAX_TOPIC_BUTTONS]:
        view.add_item(TopicButton(entry.id, "related", label=entry.title, row=0))
    if ask_id is not None:
        view.add_item(VoteButton(ask_id, True, row=1))
        view.add_item(VoteButton(ask_id, False, row=1))
    return view


def related_view(related: Sequence[Entry]) -> discord.ui.View | None:
    """Buttons for the entries an answer points to (one row), or None when there are none."""
    return answer_view(related, None)


def declined_embed(
    question: str, suggestions: Sequence[Hit], *, uncovered: str | None = None, which_path: bool = False
) -> discord.Embed:
    """The reply below the confidence bar: an honest "not sure" (or "the guide doesn't cover
    that"), the closest topics, and the path finder for "which path" questions. The member's
    question is quoted only in the footer, where it cannot render as markdown or a link."""
    lines: list[str] = []
    if uncovered:
        lines.append(f"The guide behind Crossroads doesn't cover **{uncovered}**, so I won't guess an answer.")
        if suggestions:
            lines.append("**Closest topics it does cover:** pick one below.")
    elif suggestions:
        lines.append("I'm not confident any answer fits your question.\n**Closest topics:** pick one below.")
    else:
        lines.append(
            "That doesn't look like something the guide covers. I answer questions on the AI Engineer and "
            "ML Engineer careers: pay, skills, degrees, getting started, daily work or switching roles. "
            "Browse every topic with `/faq`."
        )
    if which_path or not suggestions:
        lines.append(PATH_FINDER)
    lines.append("-# Questions without a confident answer are shown to the server admins so they can add answers.")
    title = UNCOVERED_TITLE if uncovered else DECLINED_TITLE
    embed = discord.Embed(title=title, description=clip("\n\n".join(lines), limits.EMBED_DESCRIPTION), colour=GREY)
    embed.set_footer(text=ASKED_PREFIX + _quote(question, QUESTION_IN_FOOTER))
    return embed


def suggestions_view(suggestions: Sequence[Hit], ask_id: int | None = None) -> discord.ui.View | None:
    """ "Did you mean" buttons, at most one row of them, carrying the logged question's id."""
    if not suggestions:
        return None
    view = discord.ui.View(timeout=None)
    for hit in suggestions[:MAX_TOPIC_BUTTONS]:
        view.add_item(
            TopicButton(hit.entry_id, "suggestion", ask_id=ask_id, label=hit.title, style=discord.ButtonStyle.primary)
        )
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
