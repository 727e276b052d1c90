"""What members see of the quizzes: question and answer messages, results, progress, leaderboard,
and the persistent buttons (DynamicItems) whose custom_ids carry the session, question and choice.

The buttons only parse their custom_id; what a click does lives in the quiz cog, reached through
the :class:`QuizHandler` it registers as the cog named ``Quiz``.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping, Sequence
from typing import Any, Protocol

import discord

from bot import limits
from bot.limits import clip
from bot.quiz import Answer, KnowledgeResult, PathResult, Plan, PlannedQuestion
from bot.quiz.text import PATH_NAMES, ROLE_NAMES, counterpoint_line, leaning_line, score_line
from bot.quizflow import (
    AlreadyAnswered,
    Cancel,
    CancelOutcome,
    ControlAction,
    ControlProblem,
    Refusal,
    ShareProblem,
    TopicToRevisit,
)
from bot.storage.quiz import LeaderboardRow, MemberProgress, PathSummary, QuizSession, ResultSummary
from bot.ui.errors import cog_or_unavailable, guarded
from bot.ui.faq import TopicButton

log = logging.getLogger(__name__)

QUIZ_COG = "Quiz"
CHOICE_PREFIX = "quiz"
CONTROL_PREFIX = "quizctl"
CHOICE_TEMPLATE = re.compile(
    r"^quiz:(?P<session>[0-9]{1,19}):(?P<question>[a-z0-9][a-z0-9_-]{0,39}):(?P<choice>[a-z0-9][a-z0-9_-]{0,19})$"
)
CONTROL_TEMPLATE = re.compile(
    r"^quizctl:(?P<action>resume|restart|here|fresh|review):(?P<quiz>[a-z0-9][a-z0-9_-]{0,19}):(?P<session>[0-9]{1,19})$"
)
SHARE_PREFIX = "quizshare"
SHARE_TEMPLATE = re.compile(r"^quizshare:(?P<session>[0-9]{1,19})$")
RETRY_LABEL = "Retry the ones I missed"
SHARE_LABEL = "Share in the server"

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
ALREADY_ANSWERED = "You already answered this question (you chose **{label}**); your first answer counts."
CONTINUE_WITH_RESUME = "If the next question never arrived, use `/quiz resume` to see the question you are on."
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
ROLE_FORBIDDEN = (
    "I could not give you the role for this result in {server}: I lack the permission. "
    "The server's admins have been told; your result is saved either way."
)
ROLE_FAILED = "I could not give you the role for this result in {server} just now; your result is saved."
NOTHING_TO_REVIEW = (
    "You have not finished a knowledge check yet, so there is nothing to review. "
    "Take one with `/quiz start quiz:knowledge`."
)
NOTHING_MISSED = (
    "You got every question right in that knowledge check, so there is nothing to retry. "
    "Take a new one with `/quiz start quiz:knowledge`."
)
NO_QUIZ_RUNNING = "You have no quiz in progress. Start one with `/quiz start`."
ONLY_FINISHED_REVIEWED = "Only a finished knowledge check can be reviewed."
LEADERBOARD_IN_SERVER = "The leaderboard belongs to a server: run `/quiz leaderboard` in one."
DMS_UNREACHABLE = (
    "I could not reach your direct messages just now; nothing was started. Please try `/quiz start` again in a moment."
)
CONTROL_REFUSED = {
    ControlProblem.NOT_YOURS: NOT_YOURS,
    ControlProblem.NO_SUCH_QUIZ: NO_SUCH_QUIZ,
    ControlProblem.GONE: GONE,
    ControlProblem.NOT_FINISHED: ONLY_FINISHED_REVIEWED,
}
REFUSED = {
    Refusal.GONE: GONE,
    Refusal.NOT_YOURS: NOT_YOURS,
    Refusal.NOT_CURRENT: NOT_CURRENT,
    Refusal.UNKNOWN_CHOICE: UNKNOWN_CHOICE,
    Refusal.FINISHED: FINISHED,
}


def already_answered(outcome: AlreadyAnswered) -> str:
    text = ALREADY_ANSWERED.format(label=outcome.label)
    # A click on an answered question of a running quiz means its follow-up may never have arrived.
    return f"{text} {CONTINUE_WITH_RESUME}" if outcome.running else text


def cancel_text(outcome: CancelOutcome, titles: Mapping[str, str]) -> str:
    session = outcome.session
    if outcome.status is Cancel.NOTHING or session is None:
        return "You have no quiz in progress, so there is nothing to cancel."
    title = titles.get(session.quiz_id, session.quiz_id)
    if outcome.status is Cancel.ALREADY_ENDED:
        return f"Your {title} had already ended, so there was nothing to cancel."
    return (
        f"Cancelled your **{title}** after {session.position} of {session.total} answers. "
        "Its buttons no longer do anything; start again any time with `/quiz start`."
    )


def role_given(role: str | None, server: str) -> str:
    return f"You now have the **{role}** role in {server}." if role else f"You now have your role in {server}."


def review_note(total: int) -> str:
    count = "the question" if total == 1 else f"the {total} questions"
    return f"**Review:** {count} you missed, with the choices reshuffled. This attempt does not change the leaderboard."


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

    async def handle_share(self, interaction: discord.Interaction[Any], session_id: int) -> None: ...


async def _handler(interaction: discord.Interaction[Any]) -> QuizHandler | None:
    handler: QuizHandler | None = await cog_or_unavailable(interaction, QUIZ_COG, UNAVAILABLE)
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
        row: int | None = None,
    ) -> None:
        super().__init__(
            discord.ui.Button(label=label, style=style, custom_id=control_custom_id(action, quiz_id, session_id)),
            row=row,
        )
        self.action: ControlAction = action
        self.quiz_id = quiz_id
        self.session_id = session_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> ControlButton:
        actions: dict[str, ControlAction] = {
            "resume": "resume",
            "restart": "restart",
            "here": "here",
            "fresh": "fresh",
            "review": "review",
        }
        return cls(actions[match["action"]], match["quiz"], session_number(match["session"]))

    @guarded
    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        handler = await _handler(interaction)
        if handler is not None:
            await handler.handle_control(interaction, self.action, self.quiz_id, self.session_id)


class ShareButton(discord.ui.DynamicItem[discord.ui.Button[Any]], template=SHARE_TEMPLATE):
    """ "Share in the server" under a result: ``quizshare:<session>``."""

    def __init__(self, session_id: int, *, row: int | None = None) -> None:
        super().__init__(
            discord.ui.Button(
                label=SHARE_LABEL, style=discord.ButtonStyle.primary, custom_id=f"{SHARE_PREFIX}:{session_id}"
            ),
            row=row,
        )
        self.session_id = session_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> ShareButton:
        return cls(int(match["session"]))

    @guarded
    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        handler = await _handler(interaction)
        if handler is not None:
            await handler.handle_share(interaction, self.session_id)


DYNAMIC_ITEMS: tuple[type[discord.ui.DynamicItem[Any]], ...] = (ChoiceButton, ControlButton, ShareButton)


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
    embed = discord.Embed(title=_question_title(plan, index), colour=GREY)
    embed.description = clip(description, limits.EMBED_DESCRIPTION)
    if plan.kind == "knowledge":
        # The verdict first, then the right answer, then why.
        right = question.correct_choice()
        parts = []
        if answer.correct:
            verdict = "✅ Right"
            embed.colour = GREEN
        else:
            verdict = "❌ Not quite"
            embed.colour = RED
            if right is not None:
                parts.append(f"The answer is **{right.label}**.")
        if question.explanation:
            parts.append(question.explanation)
        embed.add_field(name=verdict, value=clip("\n".join(parts) or verdict, limits.EMBED_FIELD_VALUE), inline=False)
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


COMPARE_STEP = "Both roles side by side: `/compare`"
KNOWLEDGE_STEP = "Test what you know: `/quiz start quiz:knowledge`"


def next_step_lines(result: PathResult, titles: Mapping[str, str]) -> list[str]:
    lines = []
    for step in result.next_steps:
        title = titles.get(step.entry)
        if title:
            lines.append(f"{step.label}: `/faq topic:{title}`")
        else:
            lines.append(step.label)
    return [*lines, COMPARE_STEP, KNOWLEDGE_STEP]


def path_result_embed(result: PathResult, *, titles: Mapping[str, str], role_note: str | None = None) -> discord.Embed:
    name = ROLE_NAMES[result.leaning]
    heading = f"Your path: {result.title}" if result.leaning != "balanced" else result.title
    embed = discord.Embed(
        title=clip(heading, limits.EMBED_TITLE),
        description=clip(
            "\n".join(filter(None, (leaning_line(result), counterpoint_line(result)))) + f"\n\n{result.summary}",
            limits.EMBED_DESCRIPTION,
        ),
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


def reading_view(
    links: Sequence[tuple[str, str]], titles: Mapping[str, str], view: discord.ui.View | None = None
) -> discord.ui.View | None:
    """Buttons on the first row that open knowledge-base entries (entry id, label), for entries
    that exist now; added to `view` when given."""
    view = view or discord.ui.View(timeout=None)
    seen: set[str] = set()
    for entry_id, label in links:
        if entry_id in seen or entry_id not in titles or len(seen) >= limits.BUTTONS_PER_ROW:
            continue
        seen.add(entry_id)
        view.add_item(TopicButton(entry_id, "related", label=label or titles[entry_id], row=0))
    return view if view.children else None


def path_reading(
    result: PathResult, titles: Mapping[str, str], *, share_session: int | None = None
) -> discord.ui.View | None:
    """The next-step entries, and "Share in the server" when the quiz was started in a server."""
    view = discord.ui.View(timeout=None)
    if share_session is not None:
        view.add_item(ShareButton(share_session, row=1))
    return reading_view([(step.entry, step.label) for step in result.next_steps], titles, view)


def knowledge_reading(
    result: KnowledgeResult, titles: Mapping[str, str], *, session_id: int | None = None, shareable: bool = False
) -> discord.ui.View | None:
    """Entries behind the missed questions, "Retry the ones I missed", and "Share in the server"."""
    view = discord.ui.View(timeout=None)
    if session_id is not None and result.missed:
        view.add_item(ControlButton("review", "knowledge", session_id, label=RETRY_LABEL, row=1))
    if session_id is not None and shareable:
        view.add_item(ShareButton(session_id, row=1))
    links = [(item.review, titles.get(item.review, "")) for item in result.missed if item.review]
    return reading_view(links, titles, view)


def knowledge_result_embed(
    result: KnowledgeResult, *, title: str, titles: Mapping[str, str] | None = None
) -> discord.Embed:
    review = result.review_of is not None
    heading = f"{'Review of missed questions' if review else title}: {result.score} of {result.total}"
    embed = discord.Embed(
        title=clip(heading, limits.EMBED_TITLE),
        description=score_line(result),
        colour=GREEN if result.passed else RED,
    )
    footer = (
        "Practice only: the leaderboard keeps your scored attempts."
        if review
        else "See how you rank with /quiz leaderboard, or try again with /quiz start."
    )
    embed.set_footer(text=footer)
    missed = result.missed
    if not missed:
        embed.description = f"{score_line(result)}\n\nEvery answer was right. Well done!"
        return embed
    if result.review_of is None:
        embed.description = f"{score_line(result)}\n\nPress **{RETRY_LABEL}** to try just those again."
    used = len(embed.title or "") + len(embed.description or "") + len(footer) + len("Questions to review")
    budget = limits.EMBED_TOTAL - used - 100
    shown = missed[: limits.EMBED_FIELDS]
    per_field = max(120, budget // len(shown))
    name_limit = min(limits.EMBED_FIELD_NAME, per_field // 3)
    value_limit = min(limits.EMBED_FIELD_VALUE, per_field - name_limit)
    for item in shown:
        value = f"You chose “{item.chosen}”. The answer is **{item.correct_label}**. {item.explanation}"
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


def path_summary(result: PathSummary, *, bold: bool = False) -> str:
    """A stored path result in a few words: "ML Engineer: 7 of 10 answers leaned toward ML Engineering"."""
    leaning = result.leaning
    name = ROLE_NAMES.get(leaning, leaning)
    name = f"**{name}**" if bold else name
    where = PATH_NAMES.get(leaning)
    ai_answers, ml_answers, neutral = result.ai_answers, result.ml_answers, result.neutral_answers
    if ai_answers is not None and ml_answers is not None and neutral is not None:
        total = ai_answers + ml_answers + neutral
        if where:
            return f"{name}: {ai_answers if leaning == 'ai' else ml_answers} of {total} answers leaned toward {where}"
        split = f"{ai_answers} answers toward AI Engineering, {ml_answers} toward ML Engineering"
        return f"{name}, no clear lean ({split})"
    # Results stored before answers were counted hold only points: say so, as a share.
    ai, ml = result.ai_points, result.ml_points
    if where and ai is not None and ml is not None and ai + ml:
        share = round(100 * (ai if leaning == "ai" else ml) / (ai + ml))
        return f"{name}: {share}% of the answer weight toward {where}"
    if where:
        return f"{name}, toward {where}"
    if ai is None or ml is None:
        return f"{name}, no clear lean"
    return f"{name}, no clear lean ({ai} points toward AI Engineering, {ml} toward ML Engineering)"


def _session_line(session: QuizSession, titles: Mapping[str, str]) -> str:
    title = titles.get(session.quiz_id, session.quiz_id)
    started = _when(session.started_at, "d")
    result = session.summary
    if session.status == "completed":
        if isinstance(result, PathSummary):
            detail = path_summary(result)
        elif result is not None and result.review_of is not None:
            detail = f"review of missed questions, {result.score} of {result.total} right"
        else:
            detail = f"{session.score} of {session.total}"
        return f"{started} {title}: {detail}"
    if session.status == "in_progress":
        return f"{started} {title}: in progress, {session.position} of {session.total} answered"
    return f"{started} {title}: {session.status.replace('_', ' ')} after {session.position} of {session.total}"


def progress_embed(
    progress: MemberProgress, titles: Mapping[str, str], revisit: Sequence[TopicToRevisit] = ()
) -> discord.Embed:
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
    last_path = progress.last_path.summary if progress.last_path is not None else None
    if progress.last_path is not None and progress.last_path.result and isinstance(last_path, PathSummary):
        text = f"{path_summary(last_path, bold=True)} ({_when(progress.last_path.finished_at, 'D')})"
        embed.add_field(name="Last path result", value=clip(text, limits.EMBED_FIELD_VALUE), inline=False)
    if progress.best_knowledge is not None:
        best = progress.best_knowledge
        attempts = progress.attempts.get(best.quiz_id, 0)
        text = (
            f"**{best.score} of {best.total}** ({_when(best.finished_at, 'D')}), "
            f"{attempts} attempt{'s' if attempts != 1 else ''} in all"
        )
        embed.add_field(name="Best knowledge score", value=text, inline=False)
    if revisit:
        lines = [f"• {topic.title}: missed {_times(topic.misses)}" for topic in revisit]
        lines.append("Open one below, or retry your latest misses with `/quiz review`.")
        value = clip("\n".join(lines), limits.EMBED_FIELD_VALUE)
        embed.add_field(name="Topics you keep missing", value=value, inline=False)
    history = "\n".join(_session_line(s, titles) for s in progress.history)
    embed.add_field(name="Recent attempts", value=clip(history, limits.EMBED_FIELD_VALUE), inline=False)
    return embed


def _times(count: int) -> str:
    return "once" if count == 1 else "twice" if count == 2 else f"{count} times"


def progress_view(revisit: Sequence[TopicToRevisit]) -> discord.ui.View | None:
    """Buttons to the knowledge-base entries behind the topics a member keeps missing."""
    return reading_view([(t.entry_id, t.title) for t in revisit], {t.entry_id: t.title for t in revisit})


# --- sharing ---------------------------------------------------------------------------------


def share_card(result: ResultSummary, *, member: str, title: str) -> discord.Embed:
    """The public card of a result: the member's name as text (never a mention) and the outcome."""
    if isinstance(result, PathSummary):
        text = path_summary(result, bold=True)
        heading = f"{member}'s {title} result"
        footer = "Find your own path with /quiz start quiz:path"
    else:
        passed = " (a pass)" if result.passed else ""
        text = f"**{result.score} of {result.total}**{passed}"
        heading = f"{member}'s {title} score"
        footer = "Test what you know with /quiz start quiz:knowledge"
    embed = discord.Embed(
        title=clip(heading, limits.EMBED_TITLE), description=clip(text, limits.EMBED_DESCRIPTION), colour=GOLD
    )
    embed.set_footer(text=footer)
    return embed


def without_share(message: discord.Message | None) -> discord.ui.View | None:
    """The message's buttons with "Share in the server" disabled and relabelled "Shared"."""
    if message is None or not message.components:
        return None
    view = discord.ui.View.from_message(message, timeout=None)
    for item in view.children:
        if isinstance(item, discord.ui.Button) and (item.custom_id or "").startswith(f"{SHARE_PREFIX}:"):
            item.disabled = True
            item.label = "Shared"
    return view


SHARED = "Shared in <#{channel}>."
SHARE_NOT_YOURS = "Only the member who took this quiz can share its result."
SHARE_NO_CHANNEL = (
    "This quiz was started in a direct message, so there is no server channel to share it in. "
    "Start the quiz from a server channel to share your next result there."
)
SHARE_NOT_FINISHED = "Only a finished quiz can be shared."
SHARE_FORBIDDEN = (
    "I can't post in <#{channel}>: I am not allowed to send messages there. "
    "Ask a server admin to let me post in that channel, or share your result yourself."
)
SHARE_GONE = "The channel where you started this quiz no longer exists, so I can't share it there."
SHARE_FAILED = "I could not post in <#{channel}> just now; nothing was shared. Please try again in a minute."
SHARE_REFUSED = {
    ShareProblem.GONE: GONE,
    ShareProblem.NOT_YOURS: SHARE_NOT_YOURS,
    ShareProblem.NOT_FINISHED: SHARE_NOT_FINISHED,
    ShareProblem.NO_CHANNEL: SHARE_NO_CHANNEL,
}


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
