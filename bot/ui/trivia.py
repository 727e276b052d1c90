"""What members see of a trivia game: the question with A–E buttons, its reveal, the scoreboard,
the leaderboard and the help text, and the persistent buttons (DynamicItems) whose custom_ids
carry the game, the question's position and the choice.

The buttons only parse their custom_id; what a click does lives in the trivia cog, reached through
the :class:`TriviaHandler` it registers as the cog named ``Trivia``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any, Protocol

import discord

from bot import limits
from bot.limits import clip
from bot.quiz import PlannedQuestion
from bot.storage.trivia import LeaderboardEntry, LeaderboardOrder, ResultRow, TriviaRecord
from bot.trivia import (
    CHOICE_LETTERS,
    FORMULA,
    MAX_QUESTIONS,
    MAX_SECONDS,
    MIN_SECONDS,
    PAUSE_SECONDS,
    QUIET_LIMIT,
    SCOREBOARD_SIZE,
    Answered,
    ChannelBusy,
    Game,
    NoQuestions,
    Placing,
    Reveal,
)
from bot.ui.errors import cog_or_unavailable, guarded

TRIVIA_COG = "Trivia"
ANSWER_TEMPLATE = re.compile(
    r"^trivia:(?P<game>[0-9]{1,19}):(?P<position>[0-9]{1,2}):(?P<choice>[a-z0-9][a-z0-9_-]{0,19})$"
)
PLACE_TEMPLATE = re.compile(r"^triviaplace:(?P<game>[0-9]{1,19})$")

BLURPLE = discord.Colour.blurple()
GREEN = discord.Colour.green()
GOLD = discord.Colour.gold()
GREY = discord.Colour.light_grey()

RECORDED = "Answer recorded: **{letter}**. The right answer is revealed when the time is up."
ALREADY_ANSWERED = "You already answered this question (you chose **{letter}**); your first answer counts."
TOO_LATE = "Time is up for this question, so answers are no longer taken. Watch for the next one!"
GONE = "This trivia game no longer exists."
UNKNOWN_CHOICE = "That button is not one of this question's choices."
UNAVAILABLE = "Trivia is not available right now; please try again in a minute."
SERVER_ONLY = "Trivia is a channel game: run `/trivia start` in a server channel."
NO_QUESTIONS = "The knowledge check questions are not available right now, so no game can start."
NOTHING_TO_STOP = "No trivia game is running in this channel."
MAY_NOT_STOP = "Only the member who started this game or a server admin can stop it."
ALREADY_ENDED = "This game had already ended."


def answer_text(answered: Answered) -> str:
    """The private reply to a click on an answer button."""
    question, choice_id = answered.question, answered.choice_id
    if answered.status == "recorded" and question is not None and choice_id is not None:
        return RECORDED.format(letter=letter(question, choice_id))
    if answered.status == "duplicate" and question is not None and choice_id is not None:
        return ALREADY_ANSWERED.format(letter=letter(question, choice_id))
    if answered.status == "unknown_choice":
        return UNKNOWN_CHOICE
    return GONE if answered.status == "gone" else TOO_LATE


def not_started(why: ChannelBusy | NoQuestions) -> str:
    if isinstance(why, NoQuestions):
        return NO_QUESTIONS
    game = why.game
    return already_running(game.id, game.guild_id, game.channel_id, game.message_id)


def may_not_start(role_id: int | None) -> str:
    role = f" or the <@&{role_id}> role" if role_id else ""
    return f"Only members with the Manage Server permission{role} can start a trivia game."


END_REASONS = {
    "finished": "All questions played.",
    "stopped": "The game was stopped.",
    "idle": f"The game ended by itself after {QUIET_LIMIT} questions in a row without an answer.",
}


def answer_custom_id(game_id: int, position: int, choice_id: str) -> str:
    custom_id = f"trivia:{game_id}:{position}:{choice_id}"
    if len(custom_id) > limits.CUSTOM_ID:
        raise ValueError(f"custom_id {custom_id!r} is longer than {limits.CUSTOM_ID} characters")
    return custom_id


class TriviaHandler(Protocol):
    """What the trivia cog provides to the buttons."""

    async def handle_answer(
        self, interaction: discord.Interaction[Any], game_id: int, position: int, choice_id: str
    ) -> None: ...

    async def handle_place(self, interaction: discord.Interaction[Any], game_id: int) -> None: ...


async def _handler(interaction: discord.Interaction[Any]) -> TriviaHandler | None:
    handler: TriviaHandler | None = await cog_or_unavailable(interaction, TRIVIA_COG, UNAVAILABLE)
    return handler


class AnswerButton(discord.ui.DynamicItem[discord.ui.Button[Any]], template=ANSWER_TEMPLATE):
    """One of A–E on a trivia question: ``trivia:<game>:<position>:<choice>``."""

    def __init__(
        self,
        game_id: int,
        position: int,
        choice_id: str,
        *,
        label: str = "…",
        style: discord.ButtonStyle = discord.ButtonStyle.primary,
        disabled: bool = False,
    ) -> None:
        super().__init__(
            discord.ui.Button(
                label=clip(label, limits.BUTTON_LABEL),
                style=style,
                disabled=disabled,
                custom_id=answer_custom_id(game_id, position, choice_id),
            )
        )
        self.game_id = game_id
        self.position = position
        self.choice_id = choice_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> AnswerButton:
        return cls(int(match["game"]), int(match["position"]), match["choice"])

    @guarded
    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        handler = await _handler(interaction)
        if handler is not None:
            await handler.handle_answer(interaction, self.game_id, self.position, self.choice_id)


class PlaceButton(discord.ui.DynamicItem[discord.ui.Button[Any]], template=PLACE_TEMPLATE):
    """ "Where did I place?" under a scoreboard: ``triviaplace:<game>``."""

    def __init__(self, game_id: int) -> None:
        super().__init__(
            discord.ui.Button(
                label="Where did I place?", style=discord.ButtonStyle.secondary, custom_id=f"triviaplace:{game_id}"
            )
        )
        self.game_id = game_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> PlaceButton:
        return cls(int(match["game"]))

    @guarded
    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        handler = await _handler(interaction)
        if handler is not None:
            await handler.handle_place(interaction, self.game_id)


DYNAMIC_ITEMS: tuple[type[discord.ui.DynamicItem[Any]], ...] = (AnswerButton, PlaceButton)


def letter(question: PlannedQuestion, choice_id: str) -> str:
    for index, choice in enumerate(question.choices):
        if choice.id == choice_id:
            return CHOICE_LETTERS[index]
    return "?"


def _choice_lines(question: PlannedQuestion) -> str:
    return "\n".join(f"**{CHOICE_LETTERS[i]}**  {choice.label}" for i, choice in enumerate(question.choices))


def _title(game: Game, position: int) -> str:
    return f"Trivia · question {position + 1} of {game.total}"


def question_embed(game: Game, position: int, deadline: float) -> discord.Embed:
    question = game.plan.questions[position]
    embed = discord.Embed(title=_title(game, position), colour=BLURPLE)
    embed.description = clip(f"{question.prompt}\n\n{_choice_lines(question)}", limits.EMBED_DESCRIPTION)
    embed.add_field(name="Time", value=f"{game.seconds} seconds: closes <t:{int(deadline + 0.999)}:R>", inline=False)
    embed.set_footer(text="Everyone may answer once. Faster right answers score more: /trivia help.")
    return embed


def question_view(game_id: int, position: int, question: PlannedQuestion) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    for index, choice in enumerate(question.choices):
        view.add_item(AnswerButton(game_id, position, choice.id, label=CHOICE_LETTERS[index]))
    return view


def reveal_embed(game: Game, position: int, shown: Reveal) -> discord.Embed:
    question = shown.question
    embed = discord.Embed(title=f"{_title(game, position)} · time is up", colour=GREEN)
    embed.description = clip(question.prompt, limits.EMBED_DESCRIPTION)
    right = question.choices[shown.correct_index]
    embed.add_field(
        name="Answer",
        value=clip(f"**{CHOICE_LETTERS[shown.correct_index]}**  {right.label}", limits.EMBED_FIELD_VALUE),
        inline=False,
    )
    if question.explanation:
        embed.add_field(name="Why", value=clip(question.explanation, limits.EMBED_FIELD_VALUE), inline=False)
    counts = "\n".join(
        f"{'✅' if i == shown.correct_index else '▫️'} **{CHOICE_LETTERS[i]}** {choice.label}: "
        f"{_plural(shown.counts[i], 'answer')}"
        for i, choice in enumerate(question.choices)
    )
    embed.add_field(name="How everyone answered", value=clip(counts, limits.EMBED_FIELD_VALUE), inline=False)
    if shown.right:
        lines = [f"{n}. <@{a.user_id}> {a.elapsed:.1f} s, +{a.points}" for n, a in enumerate(shown.right, start=1)]
        value = _fit_lines(lines, limits.EMBED_FIELD_VALUE)
    elif shown.answered:
        value = "Nobody this time."
    else:
        value = "Nobody answered."
    embed.add_field(name="Right, fastest first", value=value, inline=False)
    return embed


def reveal_view(game_id: int, position: int, shown: Reveal) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    for index, choice in enumerate(shown.question.choices):
        style = discord.ButtonStyle.success if index == shown.correct_index else discord.ButtonStyle.secondary
        view.add_item(
            AnswerButton(
                game_id,
                position,
                choice.id,
                label=f"{CHOICE_LETTERS[index]} · {shown.counts[index]}",
                style=style,
                disabled=True,
            )
        )
    return view


def intro_text(questions: int, seconds: int, starter_id: int) -> str:
    return (
        f"**Trivia!** <@{starter_id}> started a game of {_plural(questions, 'question')} from the knowledge "
        f"check, {seconds} seconds each. Everyone in this channel can play: press A, B, C or D. "
        "Right answers score more the faster they come. The first question is coming up."
    )


def scoreboard_embed(game: Game, placings: Sequence[Placing], reason: str) -> discord.Embed:
    embed = discord.Embed(title="Trivia · scoreboard", colour=GOLD)
    played = game.position + 1
    lines = [
        f"**{p.place}.** <@{p.standing.user_id}> {p.standing.points:,} points ({p.standing.correct} of "
        f"{p.standing.answered} right){' 🏆' if p.won else ''}"
        for p in placings[:SCOREBOARD_SIZE]
    ]
    body = "\n".join(lines) if lines else "Nobody answered, so there is no winner this time."
    note = END_REASONS.get(reason, "")
    embed.description = clip(f"{note}\n\n{body}", limits.EMBED_DESCRIPTION)
    if len(placings) > SCOREBOARD_SIZE:
        embed.set_footer(
            text=f"{len(placings)} players; not in the top {SCOREBOARD_SIZE}? Press the button to see your place."
        )
    else:
        embed.set_footer(text=f"{_plural(min(played, game.total), 'question')} played. Results: /trivia leaderboard.")
    return embed


def scoreboard_view(game_id: int) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    view.add_item(PlaceButton(game_id))
    return view


def place_sentence(results: Sequence[ResultRow], user_id: int) -> str:
    mine = next((r for r in results if r.user_id == user_id), None)
    if mine is None:
        return "You did not answer in this game, so you have no place on its scoreboard."
    return place_text(mine.place, len(results), mine.points, mine.correct, mine.answered)


def place_text(place: int, players: int, points: int, correct: int, answered: int) -> str:
    return f"You placed **{_ordinal(place)}** of {players} with {points:,} points ({correct} of {answered} right)."


def already_running(game_id: int, guild_id: int, channel_id: int, message_id: int | None) -> str:
    where = f"https://discord.com/channels/{guild_id}/{channel_id}"
    if message_id is not None:
        where += f"/{message_id}"
    return f"A trivia game is already running in this channel: {where}. Wait for it to end, or `/trivia stop` it."


def help_embed() -> discord.Embed:
    embed = discord.Embed(title="Trivia: how it works", colour=BLURPLE)
    embed.description = (
        "A channel game with questions from the knowledge check on the AI Engineer and ML Engineer careers."
    )
    embed.add_field(
        name="Playing",
        value=(
            "Each question shows choices A to D. Press one: you can answer once per question, and only you "
            "see that your answer was recorded. When the time is up the question shows the right answer, why, "
            "how many chose each option and who was right, fastest first."
        ),
        inline=False,
    )
    embed.add_field(name="Scoring", value=FORMULA, inline=False)
    embed.add_field(
        name="Starting and stopping",
        value=(
            f"`/trivia start [questions] [seconds]`: up to {MAX_QUESTIONS} questions, {MIN_SECONDS} to "
            f"{MAX_SECONDS} seconds each (the server's default unless you choose). Members with Manage Server "
            "or the trivia role set with `/config trivia` can start a game; one game per channel. "
            f"`/trivia stop` (the starter or an admin) ends it with the scoreboard so far. There are "
            f"{PAUSE_SECONDS} seconds between questions, and a game ends by itself after {QUIET_LIMIT} questions "
            "in a row that nobody answers."
        ),
        inline=False,
    )
    embed.add_field(
        name="Results",
        value=(
            "`/trivia leaderboard` ranks this server by points, wins or accuracy; `/quiz progress` shows your record."
        ),
        inline=False,
    )
    return embed


ORDER_NAMES: dict[str, str] = {"points": "points", "wins": "wins", "accuracy": "accuracy"}


def leaderboard_embed(entries: Sequence[LeaderboardEntry], order: LeaderboardOrder, server: str) -> discord.Embed:
    embed = discord.Embed(title=clip(f"Trivia leaderboard by {order} · {server}", limits.EMBED_TITLE), colour=GOLD)
    if not entries:
        embed.description = "Nobody in this server has played trivia yet. Start a game with `/trivia start`."
        return embed
    lines = [
        f"**{e.rank}.** <@{e.user_id}> {e.record.points:,} points · {_plural(e.record.wins, 'win')} · "
        f"{e.record.accuracy:.0%} right ({e.record.correct} of {e.record.answered}) · "
        f"{_plural(e.record.games, 'game')}"
        for e in entries
    ]
    embed.description = clip("\n".join(lines), limits.EMBED_DESCRIPTION)
    return embed


def record_text(record: TriviaRecord) -> str:
    """A member's trivia record in one line, for /quiz progress."""
    if record.games == 0:
        return "No trivia games yet. Join one when someone runs `/trivia start` in a channel."
    return (
        f"{_plural(record.games, 'game')}, {_plural(record.wins, 'win')}, {record.points:,} points, "
        f"{record.correct} of {record.answered} right ({record.accuracy:.0%})"
    )


def add_record(embed: discord.Embed, record: TriviaRecord) -> None:
    """The member's trivia record as a field of their /quiz progress."""
    embed.add_field(name="Trivia", value=record_text(record), inline=False)


def _fit_lines(lines: Sequence[str], limit: int) -> str:
    shown: list[str] = []
    used = 0
    for index, line in enumerate(lines):
        more = f"…and {len(lines) - index} more"
        if used + len(line) + 1 > limit - len(more) - 1:
            shown.append(more)
            break
        shown.append(line)
        used += len(line) + 1
    return "\n".join(shown)


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"
