"""/quiz: the path finder and the knowledge check, played in DMs (or privately in the server).

The flow of a click: in one database hand-off the session and its answers are read, the engine
validates the click against the session's (cached) plan, and the answer is committed; only then
is the message edited (UPDATE_MESSAGE) and the next question or the result sent. The buttons
are DynamicItems (bot/ui/quiz.py), so clicks work after a restart.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

import discord
from discord import app_commands
from discord.ext import commands

from bot.knowledge import KnowledgeBase
from bot.ops import metrics
from bot.quiz import (
    AnswerOutcome,
    AnswerRejected,
    Attempt,
    KnowledgeQuiz,
    KnowledgeResult,
    PathResult,
    Plan,
    QuizResult,
    new_seed,
    review_plan,
)
from bot.quiz.plans import has_plan, plan_of
from bot.storage import quiz as store_quiz
from bot.storage import trivia as store_trivia
from bot.storage.guilds import get_config
from bot.storage.quiz import ActiveSessionExists, Delivery, Finish, Proposed, QuizSession, StoredAnswer
from bot.ui import expiry
from bot.ui import quiz as ui
from bot.ui import trivia as trivia_ui
from bot.ui.errors import deliver, edit_clicked_message

if TYPE_CHECKING:
    from bot.app import CrossroadsBot

log = logging.getLogger(__name__)

NO_MENTIONS = discord.AllowedMentions.none()
DMS_CLOSED = 50007
REVIEWED_QUIZ = "knowledge"
REVISIT_TOPICS = 5  # one row of buttons
QUIZ_CHOICES = [
    app_commands.Choice(name="Path finder: AI Engineer or ML Engineer?", value="path"),
    app_commands.Choice(name="Knowledge check: 10 questions on the two careers", value="knowledge"),
]

Interaction = discord.Interaction["CrossroadsBot"]
REJECTED = {"not_current": ui.NOT_CURRENT, "unknown_choice": ui.UNKNOWN_CHOICE, "finished": ui.FINISHED}


@dataclass(frozen=True)
class Verdict:
    """What the quiz rules made of a click, decided in the same database hand-off as its write."""

    kind: Literal["not_yours", "already", "closed", "rejected", "answer"]
    plan: Plan | None = None
    attempt: Attempt | None = None
    outcome: AnswerOutcome | None = None
    result: QuizResult | None = None
    text: str = ""


class Quiz(commands.Cog, name=ui.QUIZ_COG):
    """Quiz commands and the handlers behind the quiz buttons."""

    quiz = app_commands.Group(name="quiz", description="Find your path or test what you know")

    def __init__(self, bot: CrossroadsBot) -> None:
        self.bot = bot

    async def cog_load(self) -> None:
        self.bot.add_dynamic_items(*ui.DYNAMIC_ITEMS)

    async def cog_unload(self) -> None:
        self.bot.remove_dynamic_items(*ui.DYNAMIC_ITEMS)

    # --- slash commands ------------------------------------------------------------------------

    @quiz.command(name="start", description="Start a quiz; it continues in your direct messages")
    @app_commands.describe(quiz="Which quiz to take")
    @app_commands.choices(quiz=QUIZ_CHOICES)
    async def start(self, interaction: Interaction, quiz: str) -> None:
        if quiz not in self.bot.content.quizzes:
            await _say(interaction, ui.NO_SUCH_QUIZ)
            return
        existing = await store_quiz.active_session(self.bot.store, interaction.user.id, quiz)
        if existing is not None:
            await self._offer_resume(interaction, existing)
            return
        await self._begin(interaction, quiz, guild_id=interaction.guild_id, delivery="dm", replace=False)

    @quiz.command(name="resume", description="Show the question you are on again")
    @app_commands.describe(quiz="Which quiz to resume (the most recent one if you leave this out)")
    @app_commands.choices(quiz=QUIZ_CHOICES)
    async def resume(self, interaction: Interaction, quiz: str | None = None) -> None:
        session = await self._latest_active(interaction.user.id, quiz)
        if session is None:
            await _say(interaction, "You have no quiz in progress. Start one with `/quiz start`.")
            return
        await store_quiz.touch_session(self.bot.store, session.id)
        await self._show_current(interaction, session, fresh=False)

    @quiz.command(name="cancel", description="Stop a quiz in progress")
    @app_commands.describe(quiz="Which quiz to cancel (the most recent one if you leave this out)")
    @app_commands.choices(quiz=QUIZ_CHOICES)
    async def cancel(self, interaction: Interaction, quiz: str | None = None) -> None:
        session = await self._latest_active(interaction.user.id, quiz)
        if session is None:
            await _say(interaction, "You have no quiz in progress, so there is nothing to cancel.")
            return
        cancelled = await store_quiz.cancel_session(self.bot.store, session.id)
        title = self._quiz_titles().get(session.quiz_id, session.quiz_id)
        if not cancelled:
            await _say(interaction, f"Your {title} had already ended, so there was nothing to cancel.")
            return
        await _say(
            interaction,
            f"Cancelled your **{title}** after {session.position} of {session.total} answers. "
            "Its buttons no longer do anything; start again any time with `/quiz start`.",
        )

    @quiz.command(name="review", description="Retry the questions you missed in your latest knowledge check")
    async def review(self, interaction: Interaction) -> None:
        latest = await store_quiz.latest_completed(self.bot.store, interaction.user.id, REVIEWED_QUIZ)
        if latest is None:
            await _say(
                interaction,
                "You have not finished a knowledge check yet, so there is nothing to review. "
                "Take one with `/quiz start quiz:knowledge`.",
            )
            return
        await self._start_review(interaction, latest)

    @quiz.command(name="progress", description="Your quizzes: in progress, results and history")
    async def progress(self, interaction: Interaction) -> None:
        progress = await store_quiz.member_progress(self.bot.store, interaction.user.id)
        revisit = await self._topics_to_revisit(interaction.user.id)
        embed = ui.progress_embed(progress, self._quiz_titles(), revisit)
        trivia_ui.add_record(embed, await store_trivia.member_record(self.bot.store, interaction.user.id))
        view = ui.progress_view(revisit)
        extra: dict[str, Any] = {"view": view} if view is not None else {}
        await interaction.response.send_message(embed=embed, ephemeral=True, allowed_mentions=NO_MENTIONS, **extra)

    @quiz.command(name="leaderboard", description="Best knowledge check scores in this server")
    async def leaderboard(self, interaction: Interaction) -> None:
        if interaction.guild_id is None:
            await _say(interaction, "The leaderboard belongs to a server: run `/quiz leaderboard` in one.")
            return
        rows = await store_quiz.leaderboard(self.bot.store, interaction.guild_id)
        mine = await store_quiz.leaderboard_entry(self.bot.store, interaction.guild_id, interaction.user.id)
        server = interaction.guild.name if interaction.guild is not None else "this server"
        embed = ui.leaderboard_embed(rows, server=server, mine=mine, user_id=interaction.user.id)
        await interaction.response.send_message(embed=embed, allowed_mentions=NO_MENTIONS)

    # --- buttons -------------------------------------------------------------------------------

    async def handle_choice(self, interaction: Interaction, session_id: int, question_id: str, choice_id: str) -> None:
        user_id = interaction.user.id

        def decide(session: QuizSession, stored: list[StoredAnswer]) -> tuple[Verdict, Proposed | None]:
            # Runs inside the answer's transaction: reading and writing take one database hand-off.
            if session.user_id != user_id:
                return Verdict("not_yours"), None
            plan = plan_of(session.id, session.plan)
            attempt = Attempt.replay(plan, [(a.question_id, a.choice_id) for a in stored])
            earlier = attempt.answers.get(question_id)
            if earlier is not None:
                text = _already(plan, question_id, earlier.choice_id, running=session.active)
                return Verdict("already", plan, attempt, text=text), None
            if session.status != "in_progress":
                return Verdict("closed", plan, attempt), None
            try:
                outcome = attempt.answer(question_id, choice_id)
            except AnswerRejected as exc:
                return Verdict("rejected", plan, attempt, text=REJECTED.get(exc.reason, ui.NOT_CURRENT)), None
            result = attempt.result() if outcome.finished else None
            proposed = Proposed(
                question_id,
                choice_id,
                outcome.answer.correct,
                outcome.position - 1,
                _finish(result) if result is not None else None,
            )
            return Verdict("answer", plan, attempt, outcome, result), proposed

        store = self.bot.store
        if not has_plan(session_id):
            # Parsed here, not inside the write transaction every other click's commit waits on.
            text = await store_quiz.plan_text(store, session_id)
            if text is not None:
                plan_of(session_id, text)
        clicked = await store_quiz.click(store, session_id, decide)
        session, verdict, recorded = clicked.session, clicked.decision, clicked.recorded
        if session is None or verdict is None:
            await _say(interaction, ui.GONE)
            return
        if verdict.kind == "not_yours":
            await _say(interaction, ui.NOT_YOURS)
            return
        if verdict.kind in ("already", "rejected"):
            await _say(interaction, verdict.text)
            return
        if verdict.kind == "closed":
            await self._say_closed(interaction, session)
            return
        plan, attempt, outcome, result = verdict.plan, verdict.attempt, verdict.outcome, verdict.result
        assert plan is not None and attempt is not None and outcome is not None and recorded is not None
        if recorded.status == "duplicate":
            running = recorded.session.active
            await _say(interaction, _already(plan, question_id, recorded.choice_id or choice_id, running=running))
            return
        if recorded.status == "closed":
            await self._say_closed(interaction, recorded.session)
            return
        if recorded.status == "moved":
            await _say(interaction, ui.NOT_CURRENT)
            return
        # The answer is committed; now the member sees it.
        metrics.record_answer()
        index = outcome.position - 1
        committed = time.monotonic()
        shown = await edit_clicked_message(
            interaction,
            note=ui.ANSWER_SAVED,
            content=None,
            embed=ui.answered_embed(plan, index, outcome.question, outcome.answer),
            view=ui.answered_view(session_id, outcome.question, outcome.answer, plan.kind),
        )
        expiry.observe_reply(time.monotonic() - committed)
        if not shown:
            # The answer is saved; the next click or /quiz resume continues from it.
            log.warning("Could not show the answer to session %s question %s", session_id, question_id)
            return
        private = interaction.guild_id is not None
        try:
            if result is None:
                question = attempt.current()
                if question is not None:
                    await deliver(
                        interaction,
                        ephemeral=private,
                        embed=ui.question_embed(plan, attempt.position, question),
                        view=ui.question_view(session_id, question),
                    )
            else:
                await self._send_result(interaction, recorded.session, plan, result, private=private)
        except discord.HTTPException:
            log.warning("Could not send the next quiz message for session %s", session_id, exc_info=True)
            await deliver(interaction, ephemeral=True, content=ui.NEXT_NOT_SENT, allowed_mentions=NO_MENTIONS)

    async def handle_control(
        self, interaction: Interaction, action: ui.ControlAction, quiz_id: str, session_id: int
    ) -> None:
        store = self.bot.store
        session = await store_quiz.get_session(store, session_id) if session_id else None
        if session is not None and session.user_id != interaction.user.id:
            await _say(interaction, ui.NOT_YOURS)
            return
        if quiz_id not in self.bot.content.quizzes:
            await _say(interaction, ui.NO_SUCH_QUIZ)
            return
        if action == "review":
            if session is None:
                await _say(interaction, ui.GONE)
            elif session.status != "completed":
                await _say(interaction, "Only a finished knowledge check can be reviewed.")
            else:
                await self._start_review(interaction, session)
        elif action == "resume":
            if session is None:
                await _say(interaction, ui.GONE)
            elif session.status != "in_progress":
                await self._say_closed(interaction, session)
            else:
                await store_quiz.touch_session(store, session.id)
                await self._show_current(interaction, session, fresh=False)
        elif action == "restart":
            guild_id = interaction.guild_id or (session.guild_id if session else None)
            origin = Plan.from_json(session.plan).channel_id if session is not None else None
            await self._begin(
                interaction, quiz_id, guild_id=guild_id, delivery="dm", replace=True, origin_channel=origin
            )
        elif action == "here":
            if session is not None and session.status == "in_progress":
                await store_quiz.set_delivery(store, session.id, "ephemeral")
                moved = await store_quiz.get_session(store, session.id)
                await self._show_current(interaction, moved or session, fresh=False)
            else:
                # A fresh start here: a running attempt can only exist when "Start over" could not
                # reach the DMs and put the old attempt back, and starting over is what was asked.
                await self._begin(
                    interaction, quiz_id, guild_id=interaction.guild_id, delivery="ephemeral", replace=True
                )
        else:  # fresh
            guild_id = interaction.guild_id or (session.guild_id if session else None)
            delivery: Delivery = "dm" if interaction.guild_id is None or session is None else session.delivery
            origin = Plan.from_json(session.plan).channel_id if session is not None else None
            await self._begin(
                interaction, quiz_id, guild_id=guild_id, delivery=delivery, replace=False, origin_channel=origin
            )

    async def handle_share(self, interaction: Interaction, session_id: int) -> None:
        """Post a public card of a finished result in the channel where the quiz was started."""
        session = await store_quiz.get_session(self.bot.store, session_id)
        if session is None:
            await _say(interaction, ui.GONE)
            return
        if session.user_id != interaction.user.id:
            await _say(interaction, ui.SHARE_NOT_YOURS)
            return
        if session.status != "completed" or session.result is None:
            await _say(interaction, ui.SHARE_NOT_FINISHED)
            return
        channel_id = Plan.from_json(session.plan).channel_id
        if channel_id is None:
            await _say(interaction, ui.SHARE_NO_CHANNEL)
            return
        title = self._quiz_titles().get(session.quiz_id, session.quiz_id)
        card = ui.share_card(session.result, member=interaction.user.display_name, title=title)
        try:
            await self.bot.get_partial_messageable(channel_id).send(embed=card, allowed_mentions=NO_MENTIONS)
        except discord.Forbidden:
            await _say(interaction, ui.SHARE_FORBIDDEN.format(channel=channel_id))
            return
        except discord.NotFound:
            await _say(interaction, ui.SHARE_GONE)
            return
        except discord.HTTPException:
            log.warning("Could not share session %s in channel %s", session_id, channel_id, exc_info=True)
            await _say(interaction, ui.SHARE_FAILED.format(channel=channel_id))
            return
        # The button turns into "Shared" so a second click cannot post the card twice.
        shared = ui.without_share(interaction.message)
        if shared is not None:
            await interaction.response.edit_message(view=shared)
        await _say(interaction, ui.SHARED.format(channel=channel_id))

    # --- the steps -----------------------------------------------------------------------------

    async def _begin(
        self,
        interaction: Interaction,
        quiz_id: str,
        *,
        guild_id: int | None,
        delivery: Delivery,
        replace: bool,
        origin_channel: int | None = None,
    ) -> None:
        """Create a session and show its first question (or offer Resume when one is running)."""
        plan = self.bot.content.quizzes.start(quiz_id, new_seed())
        # Where a result may be shared: this channel, or (from a DM button) where the old attempt began.
        channel_id = interaction.channel_id if interaction.guild_id is not None else origin_channel
        if channel_id is not None:
            plan = plan.model_copy(update={"channel_id": channel_id})
        replacing = await store_quiz.active_session(self.bot.store, interaction.user.id, quiz_id) if replace else None
        try:
            session = await store_quiz.create_session(
                self.bot.store,
                guild_id=guild_id,
                user_id=interaction.user.id,
                quiz_id=quiz_id,
                quiz_version=plan.version,
                seed=plan.seed,
                plan=plan.to_json(),
                total=plan.total,
                delivery=delivery,
                replace=replace,
            )
        except ActiveSessionExists as exc:
            await self._offer_resume(interaction, exc.session)
            return
        await self._show_current(
            interaction, session, fresh=True, plan=plan, replacing=replacing.id if replacing else None
        )

    async def _show_current(
        self,
        interaction: Interaction,
        session: QuizSession,
        *,
        fresh: bool,
        plan: Plan | None = None,
        replacing: int | None = None,
        note: str | None = None,
        keep_prompt: bool = False,
    ) -> None:
        """Show the session's current question where the session lives: in the DM, or right here.
        With `keep_prompt` the message whose button led here stays as it is (a result, say)."""
        plan = plan or plan_of(session.id, session.plan)
        stored = await store_quiz.answers(self.bot.store, session.id)
        attempt = Attempt.replay(plan, [(a.question_id, a.choice_id) for a in stored])
        question = attempt.current()
        if question is None:
            await _say(interaction, ui.FINISHED)
            return
        if fresh and note is None:
            quiz = (
                self.bot.content.quizzes.get(session.quiz_id) if session.quiz_id in self.bot.content.quizzes else None
            )
            note = quiz.intro if quiz is not None else None
        embed = ui.question_embed(plan, attempt.position, question, note=note)
        view = ui.question_view(session.id, question)
        component = interaction.type == discord.InteractionType.component
        if interaction.guild_id is None:
            # In the DM itself: the question is a normal message; a prompt that led here loses its buttons.
            if component and keep_prompt:
                await interaction.response.send_message(embed=embed, view=view)
            elif component:
                await interaction.response.edit_message(content=ui.CONTINUES_BELOW, embed=None, view=None)
                await interaction.followup.send(embed=embed, view=view)
            else:
                await interaction.response.send_message(embed=embed, view=view)
            return
        if session.delivery == "ephemeral":
            if component and not keep_prompt:
                await interaction.response.edit_message(content=None, embed=embed, view=view)
            else:
                await interaction.response.send_message(embed=embed, view=view, ephemeral=True)
            return
        if component:
            await interaction.response.defer()
        else:
            await interaction.response.defer(ephemeral=True, thinking=True)
        try:
            message = await interaction.user.send(embed=embed, view=view)
        except discord.HTTPException as exc:
            if fresh:
                await store_quiz.discard_unstarted(self.bot.store, session.id, restore=replacing)
            if isinstance(exc, discord.Forbidden) and exc.code == DMS_CLOSED:
                text, offer = ui.dms_closed(session.quiz_id, 0 if fresh else session.id)
                await interaction.edit_original_response(content=text, embed=None, view=offer)
            else:
                log.warning("Could not send a quiz question by DM to member %s", session.user_id, exc_info=True)
                await interaction.edit_original_response(
                    content="I could not reach your direct messages just now; nothing was started. "
                    "Please try `/quiz start` again in a moment.",
                    embed=None,
                    view=None,
                )
            return
        title = self._quiz_titles().get(session.quiz_id, plan.title)
        await interaction.edit_original_response(
            content=ui.dm_link_text(title, message.jump_url, resumed=not fresh), embed=None, view=None
        )

    async def _send_result(
        self, interaction: Interaction, session: QuizSession, plan: Plan, result: QuizResult, *, private: bool
    ) -> None:
        titles = self._entry_titles()
        shareable = plan.channel_id is not None and not plan.is_review
        if isinstance(result, PathResult):
            role_note = await self._grant_role(session, result)
            embed = ui.path_result_embed(result, titles=titles, role_note=role_note)
            view = ui.path_reading(result, titles, share_session=session.id if shareable else None)
        else:
            embed = ui.knowledge_result_embed(result, title=plan.title, titles=titles)
            view = ui.knowledge_reading(result, titles, session_id=session.id, shareable=shareable)
        extra: dict[str, Any] = {"view": view} if view is not None else {}
        await interaction.followup.send(embed=embed, ephemeral=private, allowed_mentions=NO_MENTIONS, **extra)

    async def _grant_role(self, session: QuizSession, result: PathResult) -> str | None:
        """Give the member the role an admin mapped to this result; a sentence for the result embed."""
        if session.guild_id is None or result.leaning == "balanced":
            return None
        config = await get_config(self.bot.store, session.guild_id)
        role_id = config.role_for(result.leaning)
        if role_id is None:
            return None
        guild = self.bot.get_guild(session.guild_id)
        server = guild.name if guild is not None else "the server"
        try:
            await self.bot.http.add_role(
                session.guild_id, session.user_id, role_id, reason="Crossroads path finder result"
            )
        except discord.Forbidden:
            log.warning(
                "Server %s (%s): could not give role %s to member %s for their path result because the bot "
                "lacks Manage Roles or the role is above the bot's highest role. An admin can fix this in "
                "Server Settings > Roles, or change the mapping with /config.",
                server,
                session.guild_id,
                role_id,
                session.user_id,
            )
            return (
                f"I could not give you the role for this result in {server}: I lack the permission. "
                "The server's admins have been told; your result is saved either way."
            )
        except discord.HTTPException:
            log.warning(
                "Server %s (%s): giving role %s to member %s failed",
                server,
                session.guild_id,
                role_id,
                session.user_id,
                exc_info=True,
            )
            return f"I could not give you the role for this result in {server} just now; your result is saved."
        # By name: a role mention renders as "@deleted-role" in a DM.
        role = guild.get_role(role_id) if guild is not None else None
        return f"You now have the **{role.name}** role in {server}." if role else f"You now have your role in {server}."

    async def _start_review(self, interaction: Interaction, source: QuizSession) -> None:
        """A short attempt on exactly the questions missed in `source`, recorded as a review."""
        stored = await store_quiz.answers(self.bot.store, source.id)
        missed = [answer.question_id for answer in stored if answer.correct is False]
        if not missed:
            await _say(
                interaction,
                "You got every question right in that knowledge check, so there is nothing to retry. "
                "Take a new one with `/quiz start quiz:knowledge`.",
            )
            return
        plan = review_plan(Plan.from_json(source.plan), missed, session_id=source.id, seed=new_seed())
        plan = plan.model_copy(update={"channel_id": None})
        component = interaction.type == discord.InteractionType.component
        # A retry pressed under a result shown privately in the server stays private there.
        delivery: Delivery = "ephemeral" if component and interaction.guild_id is not None else "dm"
        try:
            session = await store_quiz.create_session(
                self.bot.store,
                guild_id=interaction.guild_id or source.guild_id,
                user_id=interaction.user.id,
                quiz_id=source.quiz_id,
                quiz_version=plan.version,
                seed=plan.seed,
                plan=plan.to_json(),
                total=plan.total,
                delivery=delivery,
            )
        except ActiveSessionExists as exc:
            await self._offer_resume(interaction, exc.session)
            return
        count = "the question" if plan.total == 1 else f"the {plan.total} questions"
        note = (
            f"**Review:** {count} you missed, with the choices reshuffled. "
            "This attempt does not change the leaderboard."
        )
        await self._show_current(interaction, session, fresh=True, plan=plan, note=note, keep_prompt=True)

    async def _topics_to_revisit(self, user_id: int) -> list[ui.TopicToRevisit]:
        """Knowledge-base entries behind the questions a member missed and has not since got right."""
        quiz = self.bot.content.quizzes.get(REVIEWED_QUIZ) if REVIEWED_QUIZ in self.bot.content.quizzes else None
        if not isinstance(quiz, KnowledgeQuiz):
            return []
        entry_of = {question.id: question.review for question in quiz.questions if question.review}
        titles = self._entry_titles()
        misses: dict[str, int] = {}
        for missed in await store_quiz.missed_questions(self.bot.store, user_id, REVIEWED_QUIZ):
            entry = entry_of.get(missed.question_id)
            if entry is not None and entry in titles and not missed.last_correct:
                misses[entry] = misses.get(entry, 0) + missed.misses
        ranked = sorted(misses.items(), key=lambda item: -item[1])[:REVISIT_TOPICS]
        return [ui.TopicToRevisit(entry, titles[entry], count) for entry, count in ranked]

    async def _offer_resume(self, interaction: Interaction, session: QuizSession) -> None:
        title = self._quiz_titles().get(session.quiz_id, session.quiz_id)
        text, view = ui.resume_or_restart(session, title)
        await _say(interaction, text, view=view)

    async def _say_closed(self, interaction: Interaction, session: QuizSession) -> None:
        if session.status == "expired":
            config = await get_config(self.bot.store, session.guild_id)
            text, view = ui.expired(session.quiz_id, session.id, config.quiz_expiry_hours)
            await _say(interaction, text, view=view)
        elif session.status == "cancelled":
            await _say(interaction, ui.CANCELLED)
        else:
            await _say(interaction, ui.FINISHED)

    async def _latest_active(self, user_id: int, quiz_id: str | None) -> QuizSession | None:
        sessions = await store_quiz.active_sessions(self.bot.store, user_id)
        return next((s for s in sessions if quiz_id is None or s.quiz_id == quiz_id), None)

    def _quiz_titles(self) -> dict[str, str]:
        book = self.bot.content.quizzes
        return {quiz_id: book.get(quiz_id).title for quiz_id in book.ids()}

    def _entry_titles(self) -> Mapping[str, str]:
        return entry_titles(self.bot.content.knowledge)


def entry_titles(knowledge: KnowledgeBase) -> dict[str, str]:
    """Knowledge-base entry id -> title, for pointing next steps and reviews at /faq."""
    return {entry.id: entry.title for entry in knowledge.entries()}


def _finish(result: QuizResult) -> Finish:
    if isinstance(result, KnowledgeResult) and result.review_of is not None:
        # No score column: a review never reaches the leaderboard or the best score.
        return Finish(result.summary_json(), total=result.total)
    if isinstance(result, KnowledgeResult):
        return Finish(result.summary_json(), score=result.score, total=result.total)
    return Finish(result.summary_json(), path_result=result.leaning)


def _already(plan: Plan, question_id: str, choice_id: str, *, running: bool) -> str:
    index = plan.index_of(question_id)
    label = choice_id
    if index is not None:
        choice = plan.questions[index].choice(choice_id)
        label = choice.label if choice is not None else choice_id
    text = ui.ALREADY_ANSWERED.format(label=label)
    # A click on an answered question of a running quiz means its follow-up may never have arrived.
    return f"{text} {ui.CONTINUE_WITH_RESUME}" if running else text


async def _say(interaction: Interaction, text: str, *, view: discord.ui.View | None = None) -> None:
    """A short private sentence, whether or not the interaction was answered yet."""
    kwargs: dict[str, Any] = {"ephemeral": True, "allowed_mentions": NO_MENTIONS}
    if view is not None:
        kwargs["view"] = view
    if interaction.response.is_done():
        await interaction.followup.send(text, **kwargs)
    else:
        await interaction.response.send_message(text, **kwargs)


async def setup(bot: CrossroadsBot) -> None:
    await bot.add_cog(Quiz(bot))
