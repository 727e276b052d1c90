"""The quiz flow's Discord side: where a session's questions, answers and results reach the member
(their DMs, or privately in the server), the role a path result grants, and the share card.

:class:`QuizDelivery` turns :mod:`bot.quizflow` outcomes into messages. The quiz cog hands it
each command and click; the rules stay in the flow, the wording in :mod:`bot.ui.quiz`. A click's
answer is committed before the message is edited (UPDATE_MESSAGE) and the next question or the
result sent.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

import discord

from bot import quizflow as flow
from bot.content import Content
from bot.ops import metrics
from bot.quiz import PathResult, Plan, QuizResult
from bot.storage.protocol import Storage
from bot.storage.quiz import Delivery, QuizSession
from bot.ui import expiry
from bot.ui import quiz as ui
from bot.ui import trivia as trivia_ui
from bot.ui.errors import deliver, edit_clicked_message, send_ephemeral

log = logging.getLogger(__name__)

DMS_CLOSED = 50007

Interaction = discord.Interaction[Any]


class QuizDelivery:
    """Shows a quiz where it lives. `content` is read at use time, since a reload swaps it."""

    def __init__(self, client: discord.Client, store: Storage, content: Callable[[], Content]) -> None:
        self.client = client
        self.store = store
        self.content = content

    # --- what the buttons do -------------------------------------------------------------------

    async def click(self, interaction: Interaction, session_id: int, question_id: str, choice_id: str) -> None:
        outcome = await flow.answer(self.store, session_id, interaction.user.id, question_id, choice_id)
        if isinstance(outcome, flow.Refused):
            await send_ephemeral(interaction, ui.REFUSED[outcome.reason])
        elif isinstance(outcome, flow.AlreadyAnswered):
            await send_ephemeral(interaction, ui.already_answered(outcome))
        elif isinstance(outcome, flow.Closed):
            await self.say_closed(interaction, outcome.session)
        else:
            await self._show_answer(interaction, outcome, question_id)

    async def control(self, interaction: Interaction, outcome: flow.ControlOutcome) -> None:
        if isinstance(outcome, flow.ControlProblem):
            await send_ephemeral(interaction, ui.CONTROL_REFUSED[outcome])
        elif isinstance(outcome, flow.Closed):
            await self.say_closed(interaction, outcome.session)
        elif isinstance(outcome, flow.Review):
            await self.review(interaction, outcome.session)
        elif isinstance(outcome, flow.Show):
            await self.show_current(interaction, outcome.session, fresh=False)
        else:
            await self.begin(
                interaction,
                outcome.quiz_id,
                guild_id=outcome.guild_id,
                delivery=outcome.delivery,
                replace=outcome.replace,
                origin_channel=outcome.origin_channel,
            )

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
            await deliver(interaction, ephemeral=True, content=ui.NEXT_NOT_SENT)

    async def share(self, interaction: Interaction, session_id: int) -> None:
        """Post a public card of a finished result in the channel where the quiz was started."""
        found = await flow.shareable(self.store, session_id, interaction.user.id)
        if isinstance(found, flow.ShareProblem):
            await send_ephemeral(interaction, ui.SHARE_REFUSED[found])
            return
        channel_id, quiz_id = found.channel_id, found.session.quiz_id
        title = self.quiz_titles().get(quiz_id, quiz_id)
        card = ui.share_card(found.summary, member=interaction.user.display_name, title=title)
        try:
            await self.client.get_partial_messageable(channel_id).send(embed=card)
        except discord.Forbidden:
            await send_ephemeral(interaction, ui.SHARE_FORBIDDEN.format(channel=channel_id))
            return
        except discord.NotFound:
            await send_ephemeral(interaction, ui.SHARE_GONE)
            return
        except discord.HTTPException:
            log.warning("Could not share session %s in channel %s", session_id, channel_id, exc_info=True)
            await send_ephemeral(interaction, ui.SHARE_FAILED.format(channel=channel_id))
            return
        # The button turns into "Shared" so a second click cannot post the card twice.
        shared = ui.without_share(interaction.message)
        if shared is not None:
            await interaction.response.edit_message(view=shared)
        await send_ephemeral(interaction, ui.SHARED.format(channel=channel_id))

    # --- the steps -----------------------------------------------------------------------------

    async def begin(
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
            self.store,
            self.content().quizzes,
            user_id=interaction.user.id,
            quiz_id=quiz_id,
            guild_id=guild_id,
            channel_id=channel_id,
            delivery=delivery,
            replace=replace,
            offer_running=offer,
        )
        if isinstance(outcome, flow.NoSuchQuiz):
            await send_ephemeral(interaction, ui.NO_SUCH_QUIZ)
        elif isinstance(outcome, flow.Running):
            await self._offer_resume(interaction, outcome.session)
        else:
            await self.show_current(
                interaction, outcome.session, fresh=True, plan=outcome.plan, replacing=outcome.replacing
            )

    async def resume(self, interaction: Interaction, session: QuizSession | None) -> None:
        if session is None:
            await send_ephemeral(interaction, ui.NO_QUIZ_RUNNING)
        else:
            await self.show_current(interaction, session, fresh=False)

    async def show_current(
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
        now = await flow.current(self.store, session, plan)
        plan, question = now.plan, now.question
        if question is None:
            await send_ephemeral(interaction, ui.FINISHED)
            return
        if fresh and note is None:
            quizzes = self.content().quizzes
            note = quizzes.get(session.quiz_id).intro if session.quiz_id in quizzes else None
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
        await self._send_to_dm(interaction, session, plan, embed, view, fresh=fresh, replacing=replacing)

    async def _send_to_dm(
        self,
        interaction: Interaction,
        session: QuizSession,
        plan: Plan,
        embed: discord.Embed,
        view: discord.ui.View,
        *,
        fresh: bool,
        replacing: int | None,
    ) -> None:
        """From the server: the question goes to the member's DMs, and a link to it here."""
        if interaction.type == discord.InteractionType.component:
            await interaction.response.defer()
        else:
            await interaction.response.defer(ephemeral=True, thinking=True)
        try:
            message = await interaction.user.send(embed=embed, view=view)
        except discord.HTTPException as exc:
            if fresh:
                await self.store.discard_unstarted(session.id, restore=replacing)
            if isinstance(exc, discord.Forbidden) and exc.code == DMS_CLOSED:
                text, offer = ui.dms_closed(session.quiz_id, 0 if fresh else session.id)
                await interaction.edit_original_response(content=text, embed=None, view=offer)
            else:
                log.warning("Could not send a quiz question by DM to member %s", session.user_id, exc_info=True)
                await interaction.edit_original_response(content=ui.DMS_UNREACHABLE, embed=None, view=None)
            return
        title = self.quiz_titles().get(session.quiz_id, plan.title)
        await interaction.edit_original_response(
            content=ui.dm_link_text(title, message.jump_url, resumed=not fresh), embed=None, view=None
        )

    async def _send_result(
        self, interaction: Interaction, session: QuizSession, plan: Plan, result: QuizResult, *, private: bool
    ) -> None:
        titles = self.entry_titles()
        shareable = plan.channel_id is not None and not plan.is_review
        if isinstance(result, PathResult):
            role_note = await self._grant_role(session, result)
            embed = ui.path_result_embed(result, titles=titles, role_note=role_note)
            view = ui.path_reading(result, titles, share_session=session.id if shareable else None)
        else:
            embed = ui.knowledge_result_embed(result, title=plan.title, titles=titles)
            view = ui.knowledge_reading(result, titles, session_id=session.id, shareable=shareable)
        extra: dict[str, Any] = {"view": view} if view is not None else {}
        await interaction.followup.send(embed=embed, ephemeral=private, **extra)

    async def _grant_role(self, session: QuizSession, result: PathResult) -> str | None:
        """Give the member the role an admin mapped to this result; a sentence for the result embed."""
        role_id = await flow.role_to_grant(self.store, session, result)
        if role_id is None or session.guild_id is None:
            return None
        guild = self.client.get_guild(session.guild_id)
        server = guild.name if guild is not None else "the server"
        try:
            await self.client.http.add_role(
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

    async def review(self, interaction: Interaction, source: QuizSession | None) -> None:
        """A short attempt on exactly the questions missed in `source`, recorded as a review."""
        if source is None:
            await send_ephemeral(interaction, ui.NOTHING_TO_REVIEW)
            return
        component = interaction.type == discord.InteractionType.component
        # A retry pressed under a result shown privately in the server stays private there.
        delivery: Delivery = "ephemeral" if component and interaction.guild_id is not None else "dm"
        outcome = await flow.start_review(
            self.store, source, user_id=interaction.user.id, guild_id=interaction.guild_id, delivery=delivery
        )
        if isinstance(outcome, flow.NothingMissed):
            await send_ephemeral(interaction, ui.NOTHING_MISSED)
        elif isinstance(outcome, flow.Running):
            await self._offer_resume(interaction, outcome.session)
        else:
            note = ui.review_note(outcome.plan.total)
            await self.show_current(
                interaction, outcome.session, fresh=True, plan=outcome.plan, note=note, keep_prompt=True
            )

    async def _offer_resume(self, interaction: Interaction, session: QuizSession) -> None:
        title = self.quiz_titles().get(session.quiz_id, session.quiz_id)
        text, view = ui.resume_or_restart(session, title)
        await send_ephemeral(interaction, text, view=view)

    async def say_closed(self, interaction: Interaction, session: QuizSession) -> None:
        if session.status == "expired":
            config = await self.store.get_config(session.guild_id)
            text, view = ui.expired(session.quiz_id, session.id, config.quiz_expiry_hours)
            await send_ephemeral(interaction, text, view=view)
        elif session.status == "cancelled":
            await send_ephemeral(interaction, ui.CANCELLED)
        else:
            await send_ephemeral(interaction, ui.FINISHED)

    # --- the member's standing -----------------------------------------------------------------

    async def progress(self, interaction: Interaction) -> None:
        found = await flow.progress(self.store, self.content().quizzes, self.entry_titles(), interaction.user.id)
        embed = ui.progress_embed(found.quizzes, self.quiz_titles(), found.revisit)
        trivia_ui.add_record(embed, found.trivia)
        await send_ephemeral(interaction, embed=embed, view=ui.progress_view(found.revisit))

    def quiz_titles(self) -> dict[str, str]:
        book = self.content().quizzes
        return {quiz_id: book.get(quiz_id).title for quiz_id in book.ids()}

    def entry_titles(self) -> dict[str, str]:
        """Knowledge-base entry id -> title, for pointing next steps and reviews at /faq."""
        return {entry.id: entry.title for entry in self.content().knowledge.entries()}
