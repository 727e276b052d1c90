"""What members see of the quizzes: question and answer messages, results, progress, leaderboard,
and the persistent buttons (DynamicItems) whose custom_ids carry the session, question and choice.

The buttons only parse their custom_id; what a click does lives in the quiz cog, reached through
the :class:`QuizHandler` it registers as the cog named ``Quiz``.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping, Sequence
from typing import Any, Literal, Protocol

import discord

from bot.quiz import Answer, KnowledgeResult, PathResult, Plan, PlannedQuestion
from bot.quiz.text import PATH_NAMES, ROLE_NAMES, leaning_line, score_line
from bot.storage.quiz import LeaderboardRow, MemberProgress, QuizSession
from bot.ui import limits
from bot.ui.errors import guarded
from bot.ui.faq import TopicButton
from bot.ui.limits import clip

log = logging.getLogger(__name__)

QUIZ_COG = "Quiz"
CHOICE_PREFIX = "quiz"
CONTROL_PREFIX = "quizctl"
CHOICE_TEMPLATE = re.compile(
    r"^quiz:(?P<session>[0-9]{1,19}):(?P<question>[a-z0-9][a-z0-9_-]{0,39}):(?P<choice>[a-z0-9][a-z0-9_-]{0,19})$"
)
ControlAction = Literal["resume", "restart", "here", "fresh"]
CONTROL_TEMPLATE = re.compile(
    r"^quizctl:(?P<action>resume|restart|here|fresh):(?P<quiz>[a-z0-9][a-z0-9_-]{0,19}):(?P<session>[0-9]{1,19})$"
)

# A session number SQLite cannot hold names no session; 0 is a rowid SQLite never assigns, and
# the templates still match it, so the click reaches the cog and gets its sentence.
SQLITE_MAX_INTEGER = 2**63 - 1
NO_SESSION = 0


def session_number(text: str) -> int:
    number = int(text)
    return number if number <= SQLITE_MAX_INTEGER else NO_SESSION


BLURPLE = discord.Colour.blurple()
GREEN = discord.Colour.green()
RED = discord.Colour.red()
GREY = discord.Colour.light_grey()
GOLD = discord.Colour.gold()

# Short sentences for clicks that change nothing.
ALREADY_ANSWERED = (
    "You already answered this question (you chose **{label}**); your first answer counts. "
    "Use `/quiz resume` to see where you are."
)
NOT_YOURS = "This quiz belongs to someone else. Start your own with `/quiz start`."
NOT_CURRENT = "That question is not the one you are on. Use `/quiz resume` to see your current question."
UNKNOWN_CHOICE = "That button is not one of this question's choices. Use `/quiz resume` to see your current question."
FINISHED = "This quiz is already finished. See your results with `/quiz progress`, or start again with `/quiz start`."
CANCELLED = "This quiz was cancelled, so that button does nothing now. Start a new one with `/quiz start`."
GONE = "This quiz no longer exists (its data may have been deleted). Start a new one with `/quiz start`."
UNAVAILABLE = "Quizzes are not available right now; please try again in a minute."
CONTINUES_BELOW = "Your quiz continues below."
ANSWER_SAVED = "Your answer is saved. If the next question does not appear below, use `/quiz resume` to continue."
NEXT_NOT_SENT = "Your answer is saved, but I could not send the next message. Use `/quiz resume` to continue."
NO_SUCH_QUIZ = "That quiz is not available any more. Start a new one with `/quiz start`."


def choice_custom_id(session_id: int, question_id: str, choice_id: str) -> str:
    custom_id = f"{CHOICE_PREFIX}:{session_id}:{question_id}:{choice_id}"
    if len(custom_id) > limits.CUSTOM_ID:
        raise ValueError(f"custom_id {custom_id!r} is longer than {limits.CUSTOM_ID} characters")
    return custom_id


def control_custom_id(action: ControlAction, quiz_id: str, session_id: int = 0) -> str:
    return f"{CONTROL_PREFIX}:{action}:{quiz_id}:{session_id}"


class QuizHandler(Protocol):
    """What the quiz cog provides to the buttons."""

    async def handle_choice(
        self, interaction: discord.Interaction[Any], session_id: int, question_id: str, choice_id: str
    ) -> None: ...

    async def handle_control(
        self, interaction: discord.Interaction[Any], action: ControlAction, quiz_id: str, session_id: int
    ) -> None: ...


async def _handler(interaction: discord.Interaction[Any]) -> QuizHandler | None:
    get_cog = getattr(interaction.client, "get_cog", None)
    cog = get_cog(QUIZ_COG) if get_cog is not None else None
    if cog is None:
        await interaction.response.send_message(UNAVAILABLE, ephemeral=True)
        return None
    handler: QuizHandler = cog
    return handler


class ChoiceButton(discord.ui.DynamicItem[discord.ui.Button[Any]], template=CHOICE_TEMPLATE):
    """One answer button: ``quiz:<session>:<question>:<choice>``."""

    def __init__(
        self,
        session_id: int,
        question_id: str,
        choice_id: str,
        *,
        label: str = "…",
        style: discord.ButtonStyle = discord.ButtonStyle.secondary,
        disabled: bool = False,
        row: int | None = None,
    ) -> None:
        super().__init__(
            discord.ui.Button(
                label=clip(label, limits.BUTTON_LABEL),
                style=style,
                disabled=disabled,
                custom_id=choice_custom_id(session_id, question_id, choice_id),
            ),
            row=row,
        )
        self.session_id = session_id
        self.question_id = question_id
        self.choice_id = choice_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> ChoiceButton:
        return cls(session_number(match["session"]), match["question"], match["choice"])

    @guarded
    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        handler = await _handler(interaction)
        if handler is not None:
            await handler.handle_choice(interaction, self.session_id, self.question_id, self.choice_id)


class ControlButton(discord.ui.DynamicItem[discord.ui.Button[Any]], template=CONTROL_TEMPLATE):
    """Resume, Start over, Take it here, Start a fresh one: ``quizctl:<action>:<quiz>:<session>``."""

    def __init__(
        self,
        action: ControlAction,
        quiz_id: str,
        session_id: int = 0,
        *,
        label: str = "…",
        style: discord.ButtonStyle = discord.ButtonStyle.primary,
    ) -> None:
        super().__init__(
            discord.ui.Button(label=label, style=style, custom_id=control_custom_id(action, quiz_id, session_id))
        )
        self.action: ControlAction = action
        self.quiz_id = quiz_id
        self.session_id = session_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> ControlButton:
        actions: dict[str, ControlAction] = {"resume": "resume", "restart": "restart", "here": "here", "fresh": "fresh"}
        return cls(actions[match["action"]], match["quiz"], session_number(match["session"]))

    @guarded
    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        handler = await _handler(interaction)
        if handler is not None:
            await handler.handle_control(interaction, self.action, self.quiz_id, self.session_id)


DYNAMIC_ITEMS: tuple[type[discord.ui.DynamicItem[Any]], ...] = (ChoiceButton, ControlButton)


# --- questions and answers -------------------------------------------------------------------


def progress_bar(done: int, total: int) -> str:
    total = max(total, 1)
    done = max(0, min(done, total))
    return f"{'▰' * done}{'▱' * (total - done)}  {done}/{total}"


def _question_title(plan: Plan, index: int) -> str:
    return clip(f"{plan.title} · question {index + 1} of {plan.total}", limits.EMBED_TITLE)


def question_embed(plan: Plan, index: int, question: PlannedQuestion, *, note: str | None = None) -> discord.Embed:
    """The question as it waits for an answer."""
    description = f"{question.prompt}\n\n{progress_bar(index, plan.total)}"
    if note:
        description = f"{note}\n\n{description}"
    embed = discord.Embed(
        title=_question_title(plan, index),
        description=clip(description, limits.EMBED_DESCRIPTION),
        colour=BLURPLE,
    )
    embed.set_footer(text="Pick an answer. You can stop any time and continue later with /quiz resume.")
    return embed


def question_view(session_id: int, question: PlannedQuestion) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    for choice in question.choices[: limits.BUTTONS_PER_ROW * limits.ROWS_PER_MESSAGE]:
        view.add_item(ChoiceButton(session_id, question.id, choice.id, label=choice.label))
    return view


def answered_embed(plan: Plan, index: int, question: PlannedQuestion, answer: Answer) -> discord.Embed:
    """The question after it was answered: the choice, and for the knowledge check right or wrong."""
    chosen = question.choice(answer.choice_id)
    chosen_label = chosen.label if chosen else answer.choice_id
    description = f"{question.prompt}\n\nYour answer: **{chosen_label}**\n\n{progress_bar(index + 1, plan.total)}"
    colour = GREY
    embed = discord.Embed(title=_question_title(plan, index), colour=colour)
    if plan.kind == "knowledge":
        right = question.correct_choice()
        if answer.correct:
            verdict = "✅ Right"
            embed.colour = GREEN
        else:
            verdict = "❌ Not quite"
            embed.colour = RED
            if right is not None:
                description += f"\nThe answer is **{right.label}**."
        if question.explanation:
            embed.add_field(name=verdict, value=clip(question.explanation, limits.EMBED_FIELD_VALUE), inline=False)
        else:
            description += f"\n{verdict}"
    embed.description = clip(description, limits.EMBED_DESCRIPTION)
    return embed


def answered_view(session_id: int, question: PlannedQuestion, answer: Answer, kind: str) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    for choice in question.choices[: limits.BUTTONS_PER_ROW * limits.ROWS_PER_MESSAGE]:
        style = discord.ButtonStyle.secondary
        if kind == "knowledge":
            if choice.correct:
                style = discord.ButtonStyle.success
            elif choice.id == answer.choice_id:
                style = discord.ButtonStyle.danger
        elif choice.id == answer.choice_id:
            style = discord.ButtonStyle.primary
        view.add_item(ChoiceButton(session_id, question.id, choice.id, label=choice.label, style=style, disabled=True))
    return view


# --- results ---------------------------------------------------------------------------------


def _bullets(lines: Sequence[str], limit: int) -> str:
    text = ""
    for line in lines:
        candidate = f"{text}\n• {line}" if text else f"• {line}"
        if len(candidate) > limit:
            break
        text = candidate
    if not text and lines:
        return clip(f"• {lines[0]}", limit)
    return text


def next_step_lines(result: PathResult, titles: Mapping[str, str]) -> list[str]:
    lines = []
    for step in result.next_steps:
        title = titles.get(step.entry)
        if title:
            lines.append(f"{step.label}: `/faq topic:{title}`")
        else:
            lines.append(step.label)
    return lines


def path_result_embed(result: PathResult, *, titles: Mapping[str, str], role_note: str | None = None) -> discord.Embed:
    name = ROLE_NAMES[result.leaning]
    heading = f"Your path: {result.title}" if result.leaning != "balanced" else result.title
    embed = discord.Embed(
        title=clip(heading, limits.EMBED_TITLE),
        description=clip(f"{leaning_line(result)}\n\n{result.summary}", limits.EMBED_DESCRIPTION),
        colour=GOLD,
    )
    if result.reasons:
        why = "Why" if result.leaning != "balanced" else "What pulled each way"
        embed.add_field(name=why, value=_bullets(result.reasons, limits.EMBED_FIELD_VALUE), inline=False)
    embed.add_field(
        name="Next steps",
        value=_bullets(next_step_lines(result, titles), limits.EMBED_FIELD_VALUE),
        inline=False,
    )
    if role_note:
        embed.add_field(name="Server role", value=clip(role_note, limits.EMBED_FIELD_VALUE), inline=False)
    embed.set_footer(text=clip(f"Result: {name}. Take it again any time with /quiz start.", limits.EMBED_FOOTER))
    return embed


def reading_view(links: Sequence[tuple[str, str]], titles: Mapping[str, str]) -> discord.ui.View | None:
    """Buttons that open knowledge-base entries (entry id, label), for entries that exist now."""
    view = discord.ui.View(timeout=None)
    seen: set[str] = set()
    for entry_id, label in links:
        if entry_id in seen or entry_id not in titles or len(seen) >= limits.BUTTONS_PER_ROW:
            continue
        seen.add(entry_id)
        view.add_item(TopicButton(entry_id, "related", label=label))
    return view if seen else None


def path_reading(result: PathResult, titles: Mapping[str, str]) -> discord.ui.View | None:
    return reading_view([(step.entry, step.label) for step in result.next_steps], titles)


def knowledge_reading(result: KnowledgeResult, titles: Mapping[str, str]) -> discord.ui.View | None:
    links = [(item.review, titles.get(item.review, "")) for item in result.missed if item.review]
    return reading_view(links, titles)


def knowledge_result_embed(
    result: KnowledgeResult, *, title: str, titles: Mapping[str, str] | None = None
) -> discord.Embed:
    embed = discord.Embed(
        title=clip(f"{title}: {result.score} of {result.total}", limits.EMBED_TITLE),
        description=score_line(result),
        colour=GREEN if result.passed else RED,
    )
    footer = "See how you rank with /quiz leaderboard, or try again with /quiz start."
    embed.set_footer(text=footer)
    missed = result.missed
    if not missed:
        embed.description = f"{score_line(result)}\n\nEvery answer was right. Well done!"
        return embed
    used = len(embed.title or "") + len(embed.description or "") + len(footer) + len("Questions to review")
    budget = limits.EMBED_TOTAL - used - 100
    shown = missed[: limits.EMBED_FIELDS]
    per_field = max(120, budget // len(shown))
    name_limit = min(limits.EMBED_FIELD_NAME, per_field // 3)
    value_limit = min(limits.EMBED_FIELD_VALUE, per_field - name_limit)
    for item in shown:
        value = f"You chose {item.chosen}. Answer: **{item.correct_label}**. {item.explanation}"
        entry_title = (titles or {}).get(item.review or "")
        if entry_title:
            value = f"{value}\nRead more: `/faq topic:{entry_title}`"
        embed.add_field(name=clip(item.prompt, name_limit), value=clip(value, value_limit), inline=False)
    return embed


# --- prompts ---------------------------------------------------------------------------------


def resume_or_restart(session: QuizSession, title: str) -> tuple[str, discord.ui.View]:
    total = session.total or 0
    text = (
        f"You already have the **{title}** in progress (question {min(session.position + 1, total)} of {total}). "
        "Resume where you left off, or start over? Starting over cancels the attempt in progress."
    )
    view = discord.ui.View(timeout=None)
    view.add_item(ControlButton("resume", session.quiz_id, session.id, label="Resume"))
    view.add_item(
        ControlButton("restart", session.quiz_id, session.id, label="Start over", style=discord.ButtonStyle.secondary)
    )
    return text, view


def dms_closed(quiz_id: str, session_id: int = 0) -> tuple[str, discord.ui.View]:
    text = (
        "I can't send you direct messages, so the quiz could not start there. To allow them, open this "
        "server's menu (its name at the top of the channel list), choose **Privacy Settings** and turn on "
        "**Direct Messages**, then run `/quiz start` again.\n"
        "Or take the quiz right here: only you will see the questions."
    )
    view = discord.ui.View(timeout=None)
    view.add_item(ControlButton("here", quiz_id, session_id, label="Take it here"))
    return text, view


def expired(quiz_id: str, session_id: int, hours: int) -> tuple[str, discord.ui.View]:
    unit = "hour" if hours == 1 else "hours"
    text = f"This quiz expired after {hours} {unit} without an answer. Would you like to start a fresh one?"
    view = discord.ui.View(timeout=None)
    view.add_item(ControlButton("fresh", quiz_id, session_id, label="Start a fresh one"))
    return text, view


def dm_link_text(title: str, jump_url: str, *, resumed: bool = False) -> str:
    verb = "continues" if resumed else "is waiting for you"
    return f"Your **{title}** {verb} in your direct messages: {jump_url}"


# --- progress and leaderboard ---------------------------------------------------------------


def _when(epoch: float | None, style: str = "R") -> str:
    return f"<t:{int(epoch)}:{style}>" if epoch is not None else "?"


def path_summary(result: Mapping[str, Any], *, bold: bool = False) -> str:
    """A stored path result in a few words: "ML Engineer, leaning 8 of 10 toward ML Engineering"."""
    leaning = str(result.get("leaning", ""))
    name = ROLE_NAMES.get(leaning, leaning)
    name = f"**{name}**" if bold else name
    where = PATH_NAMES.get(leaning)
    if where:
        return f"{name}, leaning {result.get('strength')} of {result.get('scale', 10)} toward {where}"
    ai, ml = result.get("ai_points"), result.get("ml_points")
    if ai is None or ml is None:
        return f"{name}, no clear lean"
    return f"{name}, no clear lean ({ai} points toward AI Engineering, {ml} toward ML Engineering)"


def _session_line(session: QuizSession, titles: Mapping[str, str]) -> str:
    title = titles.get(session.quiz_id, session.quiz_id)
    started = _when(session.started_at, "d")
    result = session.result or {}
    if session.status == "completed":
        detail = path_summary(result) if result.get("kind") == "path" else f"{session.score} of {session.total}"
        return f"{started} {title}: {detail}"
    if session.status == "in_progress":
        return f"{started} {title}: in progress, {session.position} of {session.total} answered"
    return f"{started} {title}: {session.status.replace('_', ' ')} after {session.position} of {session.total}"


def progress_embed(progress: MemberProgress, titles: Mapping[str, str]) -> discord.Embed:
    embed = discord.Embed(title="Your quiz progress", colour=BLURPLE)
    if not progress.history:
        embed.description = "You have not taken a quiz yet. Find your path with `/quiz start quiz:path`."
        return embed
    if progress.in_progress:
        lines = [
            f"{titles.get(s.quiz_id, s.quiz_id)}: question {min(s.position + 1, s.total or 0)} of {s.total}, "
            f"last answer {_when(s.updated_at)}"
            for s in progress.in_progress
        ]
        lines.append("Continue with `/quiz resume`.")
        embed.add_field(name="In progress", value=clip("\n".join(lines), limits.EMBED_FIELD_VALUE), inline=False)
    if progress.last_path is not None and progress.last_path.result:
        text = f"{path_summary(progress.last_path.result, bold=True)} ({_when(progress.last_path.finished_at, 'D')})"
        embed.add_field(name="Last path result", value=clip(text, limits.EMBED_FIELD_VALUE), inline=False)
    if progress.best_knowledge is not None:
        best = progress.best_knowledge
        attempts = progress.attempts.get(best.quiz_id, 0)
        text = (
            f"**{best.score} of {best.total}** ({_when(best.finished_at, 'D')}), "
            f"{attempts} attempt{'s' if attempts != 1 else ''} in all"
        )
        embed.add_field(name="Best knowledge score", value=text, inline=False)
    history = "\n".join(_session_line(s, titles) for s in progress.history)
    embed.add_field(name="Recent attempts", value=clip(history, limits.EMBED_FIELD_VALUE), inline=False)
    return embed


def leaderboard_embed(
    rows: Sequence[LeaderboardRow], *, server: str, mine: LeaderboardRow | None, user_id: int
) -> discord.Embed:
    embed = discord.Embed(title=clip(f"Knowledge check leaderboard · {server}", limits.EMBED_TITLE), colour=GOLD)
    if not rows:
        embed.description = (
            "Nobody in this server has finished the knowledge check yet. Be the first: `/quiz start quiz:knowledge`."
        )
        return embed
    lines = [_board_line(row, row.user_id == user_id) for row in rows]
    if mine is not None and all(row.user_id != user_id for row in rows):
        lines.append("…")
        lines.append(_board_line(mine, True))
    embed.description = clip("\n".join(lines), limits.EMBED_DESCRIPTION)
    embed.set_footer(text="Best score per member; equal scores rank by who reached theirs first.")
    return embed


def _board_line(row: LeaderboardRow, me: bool) -> str:
    line = f"**{row.rank}.** <@{row.user_id}>: {row.score} of {row.total} ({_when(row.achieved_at, 'd')})"
    return f"{line} ← you" if me else line
