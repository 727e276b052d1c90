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
from bot.quiz import (
    AnswerOutcome,
    AnswerRejected,
    Attempt,
    KnowledgeResult,
    PathResult,
    Plan,
    QuizResult,
    new_seed,
)
from bot.quiz.plans import has_plan, plan_of
from bot.storage import quiz as store_quiz
from bot.storage.guilds import get_config
from bot.storage.quiz import ActiveSessionExists, Delivery, Finish, Proposed, QuizSession, StoredAnswer
from bot.ui import expiry
from bot.ui import quiz as ui

if TYPE_CHECKING:
    from bot.app import CrossroadsBot

log = logging.getLogger(__name__)

NO_MENTIONS = discord.AllowedMentions.none()
DMS_CLOSED = 50007
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

    @quiz.command(name="progress", description="Your quizzes: in progress, results and history")
    async def progress(self, interaction: Interaction) -> None:
        progress = await store_quiz.member_progress(self.bot.store, interaction.user.id)
        embed = ui.progress_embed(progress, self._quiz_titles())
        await interaction.response.send_message(embed=embed, ephemeral=True, allowed_mentions=NO_MENTIONS)

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
                return Verdict("already", plan, attempt, text=_already(plan, question_id, earlier.choice_id)), None
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
            await _say(interaction, _already(plan, question_id, recorded.choice_id or choice_id))
            return
        if recorded.status == "closed":
            await self._say_closed(interaction, recorded.session)
            return
        if recorded.status == "moved":
            await _say(interaction, ui.NOT_CURRENT)
            return
        # The answer is committed; now the member sees it.
        index = outcome.position - 1
        committed = time.monotonic()
        try:
            await interaction.response.edit_message(
                content=None,
                embed=ui.answered_embed(plan, index, outcome.question, outcome.answer),
                view=ui.answered_view(session_id, outcome.question, outcome.answer, plan.kind),
            )
            expiry.observe_reply(time.monotonic() - committed)
        except discord.HTTPException as exc:
            expiry.observe_reply(time.monotonic() - committed)
            # The answer is saved; /quiz resume shows the next question.
            if not expiry.gone(exc, "showing a quiz answer"):
                log.warning(
                    "Could not show the answer to session %s question %s", session_id, question_id, exc_info=True
                )
            return
        private = interaction.guild_id is not None
        try:
            if result is None:
                question = attempt.current()
                if question is not None:
                    await interaction.followup.send(
                        embed=ui.question_embed(plan, attempt.position, question),
                        view=ui.question_view(session_id, question),
                        ephemeral=private,
                        wait=False,
                    )
            else:
                await self._send_result(interaction, recorded.session, plan, result, private=private)
        except discord.HTTPException:
            log.warning("Could not send the next quiz message for session %s", session_id, exc_info=True)
            await _say(
                interaction,
                "Your answer is saved, but I could not send the next message. Use `/quiz resume` to continue.",
            )

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
        if action == "resume":
            if session is None:
                await _say(interaction, ui.GONE)
            elif session.status != "in_progress":
                await self._say_closed(interaction, session)
            else:
                await store_quiz.touch_session(store, session.id)
                await self._show_current(interaction, session, fresh=False)
        elif action == "restart":
            guild_id = interaction.guild_id or (session.guild_id if session else None)
            await self._begin(interaction, quiz_id, guild_id=guild_id, delivery="dm", replace=True)
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
            await self._begin(interaction, quiz_id, guild_id=guild_id, delivery=delivery, replace=False)

    # --- the steps -----------------------------------------------------------------------------

    async def _begin(
        self, interaction: Interaction, quiz_id: str, *, guild_id: int | None, delivery: Delivery, replace: bool
    ) -> None:
        """Create a session and show its first question (or offer Resume when one is running)."""
        plan = self.bot.content.quizzes.start(quiz_id, new_seed())
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
    ) -> None:
        """Show the session's current question where the session lives: in the DM, or right here."""
        plan = plan or plan_of(session.id, session.plan)
        stored = await store_quiz.answers(self.bot.store, session.id)
        attempt = Attempt.replay(plan, [(a.question_id, a.choice_id) for a in stored])
        question = attempt.current()
        if question is None:
            await _say(interaction, ui.FINISHED)
            return
        note = None
        if fresh:
            quiz = (
                self.bot.content.quizzes.get(session.quiz_id) if session.quiz_id in self.bot.content.quizzes else None
            )
            note = quiz.intro if quiz is not None else None
        embed = ui.question_embed(plan, attempt.position, question, note=note)
        view = ui.question_view(session.id, question)
        component = interaction.type == discord.InteractionType.component
        if interaction.guild_id is None:
            # In the DM itself: the question is a normal message; a prompt that led here loses its buttons.
            if component:
                await interaction.response.edit_message(content=ui.CONTINUES_BELOW, embed=None, view=None)
                await interaction.followup.send(embed=embed, view=view)
            else:
                await interaction.response.send_message(embed=embed, view=view)
            return
        if session.delivery == "ephemeral":
            if component:
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
        if isinstance(result, PathResult):
            role_note = await self._grant_role(session, result)
            embed = ui.path_result_embed(result, titles=titles, role_note=role_note)
            view = ui.path_reading(result, titles)
        else:
            embed = ui.knowledge_result_embed(result, title=plan.title, titles=titles)
            view = ui.knowledge_reading(result, titles)
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
        return f"You now have the <@&{role_id}> role in {server}."

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
    if isinstance(result, KnowledgeResult):
        return Finish(result.summary_json(), score=result.score, total=result.total)
    return Finish(result.summary_json(), path_result=result.leaning)


def _already(plan: Plan, question_id: str, choice_id: str) -> str:
    index = plan.index_of(question_id)
    label = choice_id
    if index is not None:
        choice = plan.questions[index].choice(choice_id)
        label = choice.label if choice is not None else choice_id
    return ui.ALREADY_ANSWERED.format(label=label)


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
