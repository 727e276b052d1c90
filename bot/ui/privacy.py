"""/mydata: the summary and JSON export of a member's data, and the confirm-delete buttons.

The buttons are `DynamicItem`s: their custom_id carries the member and when the confirmation was
issued, so a click still works after the bot restarts, and a confirmation older than
CONFIRM_SECONDS asks the member to start again.
"""

from __future__ import annotations

import io
import json
import logging
import re
from collections.abc import Mapping
from typing import Any

import discord

from bot.quizflow.export import readable_export
from bot.storage.protocol import Storage
from bot.ui.errors import guarded

log = logging.getLogger(__name__)

CONFIRM_SECONDS = 15 * 60
EXPORT_FILE = "crossroads-my-data.json"
INFO_COLOUR = discord.Colour.blurple()
DANGER_COLOUR = discord.Colour.red()

LABELS = {
    "quiz_sessions": ("quiz session", "quiz sessions"),
    "quiz_answers": ("quiz answer", "quiz answers"),
    "asked_questions": ("question you asked", "questions you asked"),
    "kb_history_mentions": (
        "mention of you in the knowledge-base history",
        "mentions of you in the knowledge-base history",
    ),
    "trivia_answers": ("trivia answer", "trivia answers"),
    "trivia_results": ("trivia game result", "trivia game results"),
    "trivia_games_started": ("trivia game you started", "trivia games you started"),
    "answer_votes": ("vote on an answer", "votes on answers"),
}


def describe(kind: str, count: int) -> str:
    name = kind.replace("_", " ")
    singular, plural = LABELS.get(kind, (f"record in {name}", f"records in {name}"))
    return f"{count} {singular if count == 1 else plural}"


def describe_counts(counts: Mapping[str, int]) -> str:
    order = [*LABELS, *sorted(set(counts) - set(LABELS))]
    parts = [describe(kind, counts[kind]) for kind in order if counts.get(kind)]
    if not parts:
        return "nothing"
    if len(parts) == 1:
        return parts[0]
    return ", ".join(parts[:-1]) + " and " + parts[-1]


def nothing_stored_sentence() -> str:
    return "Crossroads stores nothing about you: no quiz sessions, no answers and no questions."


def summary_embed(data: Mapping[str, Any]) -> discord.Embed:
    """An overview of an export from the store's export_member_data."""
    embed = discord.Embed(title="What Crossroads stores about you", colour=INFO_COLOUR)
    sessions = data.get("quiz_sessions", [])
    if sessions:
        in_progress = sum(1 for s in sessions if s.get("status") == "in_progress")
        completed = sum(1 for s in sessions if s.get("status") == "completed")
        text = f"{len(sessions)} in all: {completed} completed, {in_progress} in progress."
        embed.add_field(name="Quiz sessions", value=text, inline=False)
    answers = data.get("quiz_answers", [])
    if answers:
        embed.add_field(name="Quiz answers", value=f"{len(answers)} answers to quiz questions.", inline=False)
    asked = data.get("asked_questions", [])
    if asked:
        declined = sum(1 for a in asked if not a.get("matched"))
        embed.add_field(
            name="Questions you asked",
            value=f"{len(asked)} questions with the answer each got ({declined} had no confident answer).",
            inline=False,
        )
    votes = data.get("answer_votes", [])
    if votes:
        wrong = sum(1 for v in votes if not v.get("helpful"))
        embed.add_field(
            name="Your votes on answers",
            value=f"{len(votes)} votes: {len(votes) - wrong} Helpful, {wrong} Not what I asked.",
            inline=False,
        )
    known = {"member_id", "exported_at", "quiz_sessions", "quiz_answers", "asked_questions", "answer_votes"}
    for key, rows in data.items():
        if key not in known and isinstance(rows, list) and rows:
            embed.add_field(name=key.replace("_", " ").capitalize(), value=f"{len(rows)} records.", inline=False)
    embed.set_footer(text=f"Every record is in {EXPORT_FILE}. /mydata delete removes all of it.")
    return embed


def has_data(data: Mapping[str, Any]) -> bool:
    return any(isinstance(rows, list) and rows for rows in data.values())


def export_file(data: Mapping[str, Any]) -> discord.File:
    """The member's stored rows (from the store's export) as the readable JSON file they download."""
    text = json.dumps(readable_export(data), indent=2, ensure_ascii=False, sort_keys=False)
    return discord.File(io.BytesIO(text.encode("utf-8")), filename=EXPORT_FILE)


def confirm_embed(counts: Mapping[str, int]) -> discord.Embed:
    return discord.Embed(
        title="Delete everything Crossroads stores about you?",
        colour=DANGER_COLOUR,
        description=(
            f"This removes {describe_counts(counts)}, in every server and in DMs. A quiz in progress ends, "
            "and your scores leave the leaderboards. Roles you already received stay. This cannot be undone."
        ),
    )


def deleted_sentence(removed: Mapping[str, int]) -> str:
    if not any(removed.values()):
        return "There was nothing left to delete: Crossroads stores nothing about you."
    return f"Done. Removed {describe_counts(removed)}. Crossroads now stores nothing about you."


def _store(interaction: discord.Interaction[Any]) -> Storage:
    store: Storage = interaction.client.store
    return store


class DeleteMyDataButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"mydata:delete:(?P<user>[0-9]+):(?P<issued>[0-9]+)",
):
    """Confirms /mydata delete for one member."""

    def __init__(self, user_id: int, issued: int) -> None:
        self.user_id = user_id
        self.issued = issued
        super().__init__(
            discord.ui.Button(
                label="Delete all my data",
                style=discord.ButtonStyle.danger,
                custom_id=f"mydata:delete:{user_id}:{issued}",
            )
        )

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction[Any],
        item: discord.ui.Item[Any],
        match: re.Match[str],
    ) -> DeleteMyDataButton:
        return cls(int(match["user"]), int(match["issued"]))

    @guarded
    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        if interaction.user.id != self.user_id:
            await interaction.response.send_message(
                "This button belongs to another member; run /mydata delete to remove your own data.",
                ephemeral=True,
            )
            return
        store = _store(interaction)
        if store.now() - self.issued > CONFIRM_SECONDS:
            await interaction.response.edit_message(
                content="This confirmation has expired and nothing was deleted. Run /mydata delete again.",
                embed=None,
                view=None,
            )
            return
        removed = await store.delete_member_data(self.user_id)
        log.info("Deleted the stored data of member %s at their request: %s", self.user_id, removed)
        await interaction.response.edit_message(content=deleted_sentence(removed), embed=None, view=None)


class KeepMyDataButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"mydata:keep:(?P<user>[0-9]+)",
):
    """Cancels /mydata delete."""

    def __init__(self, user_id: int) -> None:
        self.user_id = user_id
        super().__init__(
            discord.ui.Button(
                label="Keep my data",
                style=discord.ButtonStyle.secondary,
                custom_id=f"mydata:keep:{user_id}",
            )
        )

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction[Any],
        item: discord.ui.Item[Any],
        match: re.Match[str],
    ) -> KeepMyDataButton:
        return cls(int(match["user"]))

    @guarded
    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        if interaction.user.id != self.user_id:
            await interaction.response.send_message(
                "This button belongs to another member; nothing was changed.", ephemeral=True
            )
            return
        await interaction.response.edit_message(
            content="Nothing was deleted. Your data stays as it was.", embed=None, view=None
        )


def confirm_view(user_id: int, issued: float) -> discord.ui.View:
    """The two buttons under the confirmation; they keep working after a restart."""
    view = discord.ui.View(timeout=None)
    view.add_item(DeleteMyDataButton(user_id, int(issued)))
    view.add_item(KeepMyDataButton(user_id))
    return view


DYNAMIC_ITEMS: tuple[type[discord.ui.DynamicItem[Any]], ...] = (DeleteMyDataButton, KeepMyDataButton)
