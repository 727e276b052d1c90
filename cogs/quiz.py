"""/quiz: the path finder and the knowledge check, played in DMs (or privately in the server).

The quiz rules live in :mod:`bot.quizflow`, which returns typed outcomes; this cog only turns
Discord input into its calls and its outcomes into messages. A click's answer is committed (one
database hand-off) before the message is edited (UPDATE_MESSAGE) and the next question or the
result sent. The buttons are DynamicItems (bot/ui/quiz.py), so clicks work after a restart.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands
from discord.ext import commands

from bot import quizflow as flow
from bot.knowledge import KnowledgeBase
from bot.ops import metrics
from bot.quiz import PathResult, Plan, QuizResult
from bot.storage import quiz as store_quiz
from bot.storage import trivia as store_trivia
from bot.storage.guilds import get_config
from bot.storage.quiz import Delivery, QuizSession
from bot.ui import expiry
from bot.ui import quiz as ui
from bot.ui import trivia as trivia_ui
from bot.ui.errors import deliver, edit_clicked_message

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
        await self._begin(interaction, quiz, guild_id=interaction.guild_id, delivery="dm", replace=False, offer=True)

    @quiz.command(name="resume", description="Show the question you are on again")
    @app_commands.describe(quiz="Which quiz to resume (the most recent one if you leave this out)")
    @app_commands.choices(quiz=QUIZ_CHOICES)
    async def resume(self, interaction: Interaction, quiz: str | None = None) -> None:
        session = await flow.resume(self.bot.store, interaction.user.id, quiz)
        if session is None:
            await _say(interaction, "You have no quiz in progress. Start one with `/quiz start`.")
            return
        await self._show_current(interaction, session, fresh=False)

    @quiz.command(name="cancel", description="Stop a quiz in progress")
    @app_commands.describe(quiz="Which quiz to cancel (the most recent one if you leave this out)")
    @app_commands.choices(quiz=QUIZ_CHOICES)
    async def cancel(self, interaction: Interaction, quiz: str | None = None) -> None:
        outcome = await flow.cancel(self.bot.store, interaction.user.id, quiz)
        await _say(interaction, ui.cancel_text(outcome, self._quiz_titles()))

    @quiz.command(name="review", description="Retry the questions you missed in your latest knowledge check")
    async def review(self, interaction: Interaction) -> None:
        latest = await store_quiz.latest_completed(self.bot.store, interaction.user.id, flow.REVIEWED_QUIZ)
        if latest is None:
            await _say(interaction, ui.NOTHING_TO_REVIEW)
            return
        await self._start_review(interaction, latest)

    @quiz.command(name="progress", description="Your quizzes: in progress, results and history")
    async def progress(self, interaction: Interaction) -> None:
        progress = await store_quiz.member_progress(self.bot.store, interaction.user.id)
        revisit = await flow.topics_to_revisit(
            self.bot.store, self.bot.content.quizzes, self._entry_titles(), interaction.user.id
        )
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
        outcome = await flow.answer(self.bot.store, session_id, interaction.user.id, question_id, choice_id)
        if isinstance(outcome, flow.Refused):
            await _say(interaction, ui.REFUSED[outcome.reason])
        elif isinstance(outcome, flow.AlreadyAnswered):
            await _say(interaction, ui.already_answered(outcome))
        elif isinstance(outcome, flow.Closed):
            await self._say_closed(interaction, outcome.session)
        else:
            await self._show_answer(interaction, outcome, question_id)

    async def _show_answer(self, interaction: Interaction, accepted: flow.Accepted, question_id: str) -> None:
        """The answer is committed; now the member sees it, then the next question or the result."""
        metrics.record_answer()
        plan, attempt, outcome, session_id = accepted.plan, accepted.attempt, accepted.outcome, accepted.session.id
        committed = time.monotonic()
        shown = await edit_clicked_message(
            interaction,
            note=ui.ANSWER_SAVED,
            content=None,
            embed=ui.answered_embed(plan, accepted.index, outcome.question, outcome.answer),
            view=ui.answered_view(session_id, outcome.question, outcome.answer, plan.kind),
        )
        expiry.observe_reply(time.monotonic() - committed)
        if not shown:
            # The answer is saved; the next click or /quiz resume continues from it.
            log.warning("Could not show the answer to session %s question %s", session_id, question_id)
            return
        private = interaction.guild_id is not None
        try:
            if accepted.result is None:
                question = attempt.current()
                if question is not None:
                    await deliver(
                        interaction,
                        ephemeral=private,
                        embed=ui.question_embed(plan, attempt.position, question),
                        view=ui.question_view(session_id, question),
                    )
            else:
                await self._send_result(interaction, accepted.session, plan, accepted.result, private=private)
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
            origin = flow.origin_channel(session)
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
            origin = flow.origin_channel(session)
            await self._begin(
                interaction, quiz_id, guild_id=guild_id, delivery=delivery, replace=False, origin_channel=origin
            )

    async def handle_share(self, interaction: Interaction, session_id: int) -> None:
        """Post a public card of a finished result in the channel where the quiz was started."""
        found = await flow.shareable(self.bot.store, session_id, interaction.user.id)
        if isinstance(found, flow.ShareProblem):
            await _say(interaction, ui.SHARE_REFUSED[found])
            return
        channel_id, quiz_id = found.channel_id, found.session.quiz_id
        title = self._quiz_titles().get(quiz_id, quiz_id)
        card = ui.share_card(found.summary, member=interaction.user.display_name, title=title)
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
        offer: bool = False,
    ) -> None:
        """Create a session and show its first question (or offer Resume when one is running)."""
        # Where a result may be shared: this channel, or (from a DM button) where the old attempt began.
        channel_id = interaction.channel_id if interaction.guild_id is not None else origin_channel
        outcome = await flow.start(
            self.bot.store,
            self.bot.content.quizzes,
            user_id=interaction.user.id,
            quiz_id=quiz_id,
            guild_id=guild_id,
            channel_id=channel_id,
            delivery=delivery,
            replace=replace,
            offer_running=offer,
        )
        if isinstance(outcome, flow.NoSuchQuiz):
            await _say(interaction, ui.NO_SUCH_QUIZ)
        elif isinstance(outcome, flow.Running):
            await self._offer_resume(interaction, outcome.session)
        else:
            await self._show_current(
                interaction, outcome.session, fresh=True, plan=outcome.plan, replacing=outcome.replacing
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
        now = await flow.current(self.bot.store, session, plan)
        plan, question = now.plan, now.question
        if question is None:
            await _say(interaction, ui.FINISHED)
            return
        if fresh and note is None:
            quiz = (
                self.bot.content.quizzes.get(session.quiz_id) if session.quiz_id in self.bot.content.quizzes else None
            )
            note = quiz.intro if quiz is not None else None
        embed = ui.question_embed(plan, now.attempt.position, question, note=note)
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
        role_id = await flow.role_to_grant(self.bot.store, session, result)
        if role_id is None or session.guild_id is None:
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
            return ui.ROLE_FORBIDDEN.format(server=server)
        except discord.HTTPException:
            log.warning(
                "Server %s (%s): giving role %s to member %s failed",
                server,
                session.guild_id,
                role_id,
                session.user_id,
                exc_info=True,
            )
            return ui.ROLE_FAILED.format(server=server)
        # By name: a role mention renders as "@deleted-role" in a DM.
        role = guild.get_role(role_id) if guild is not None else None
        return ui.role_given(role.name if role else None, server)

    async def _start_review(self, interaction: Interaction, source: QuizSession) -> None:
        """A short attempt on exactly the questions missed in `source`, recorded as a review."""
        component = interaction.type == discord.InteractionType.component
        # A retry pressed under a result shown privately in the server stays private there.
        delivery: Delivery = "ephemeral" if component and interaction.guild_id is not None else "dm"
        outcome = await flow.start_review(
            self.bot.store, source, user_id=interaction.user.id, guild_id=interaction.guild_id, delivery=delivery
        )
        if isinstance(outcome, flow.NothingMissed):
            await _say(interaction, ui.NOTHING_MISSED)
        elif isinstance(outcome, flow.Running):
            await self._offer_resume(interaction, outcome.session)
        else:
            note = ui.review_note(outcome.plan.total)
            await self._show_current(
                interaction, outcome.session, fresh=True, plan=outcome.plan, note=note, keep_prompt=True
            )

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

    def _quiz_titles(self) -> dict[str, str]:
        book = self.bot.content.quizzes
        return {quiz_id: book.get(quiz_id).title for quiz_id in book.ids()}

    def _entry_titles(self) -> Mapping[str, str]:
        return entry_titles(self.bot.content.knowledge)


def entry_titles(knowledge: KnowledgeBase) -> dict[str, str]:
    """Knowledge-base entry id -> title, for pointing next steps and reviews at /faq."""
    return {entry.id: entry.title for entry in knowledge.entries()}


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
