"""/trivia: a game in a channel with buttons, speed scoring, reveals and a scoreboard.

Each running game has one timer task that reads the game's stored state and asks
bot.trivia.next_step what to do (post, wait, close, finish). The task holds nothing the database
does not, so after a restart cog_load starts a task per running game and each continues where
its game stood. Clicks are recorded by the store in one transaction before they are acknowledged.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Coroutine, Sequence
from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.quiz import Plan, new_seed
from bot.storage.trivia import AnswerRow, GameRow, GameRunning, GameStatus, LeaderboardOrder, ResultRow
from bot.trivia import (
    DEFAULT_QUESTIONS,
    MAX_QUESTIONS,
    MAX_SECONDS,
    MIN_QUESTIONS,
    MIN_SECONDS,
    Close,
    Finish,
    Game,
    Placing,
    Post,
    Wait,
    from_row,
    next_step,
    points_for,
    reveal,
    scoreboard,
    trim_plan,
)
from bot.ui import trivia as ui
from bot.ui.checks import server_only
from bot.ui.errors import send_ephemeral

if TYPE_CHECKING:
    from bot.app import CrossroadsBot

log = logging.getLogger(__name__)

KNOWLEDGE_QUIZ = "knowledge"
RETRY_SECONDS = 2.0
MAX_FAILURES = 5  # a channel the bot cannot post in ends its game instead of retrying forever

Interaction = discord.Interaction["CrossroadsBot"]


class Trivia(commands.Cog, name=ui.TRIVIA_COG):
    """Trivia commands, the answer buttons and one timer task per running game."""

    trivia = server_only(app_commands.Group(name="trivia", description="A quiz game for everyone in a channel"))

    def __init__(self, bot: CrossroadsBot) -> None:
        self.bot = bot
        self._tasks: dict[int, asyncio.Task[None]] = {}
        self._locks: dict[int, asyncio.Lock] = {}
        self._plans: dict[int, Plan] = {}
        # Each player's last acknowledged click per game: its token lets the bot tell a player
        # below the top ten their place privately. Lost on restart; the scoreboard's button remains.
        self._clicks: dict[int, dict[int, Interaction]] = {}
        self._side_tasks: set[asyncio.Task[None]] = set()

    async def cog_load(self) -> None:
        self.bot.add_dynamic_items(*ui.DYNAMIC_ITEMS)
        self._background(self._resume())

    async def _resume(self) -> None:
        """Once connected, continue every running game and post scoreboards that were missed.
        Waiting for the connection keeps `python -m bot sync`, which never connects, from playing."""
        await self.bot.wait_until_ready()
        for row in await self.bot.store.running_games():
            log.info("Resuming trivia game %s in channel %s", row.id, row.channel_id)
            self._schedule(row.id)
        for row in await self.bot.store.unannounced_games():
            log.info("Posting the scoreboard of trivia game %s, which ended while the bot stopped", row.id)
            await self._announce(row)

    async def cog_unload(self) -> None:
        self.bot.remove_dynamic_items(*ui.DYNAMIC_ITEMS)
        tasks = [*self._tasks.values(), *self._side_tasks]
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task

    # --- slash commands ------------------------------------------------------------------------

    @trivia.command(name="start", description="Start a trivia game in this channel")
    @app_commands.describe(
        questions=f"How many questions ({MIN_QUESTIONS}-{MAX_QUESTIONS}, default {DEFAULT_QUESTIONS})",
        seconds=f"Seconds to answer each question ({MIN_SECONDS}-{MAX_SECONDS}; the server's default if left out)",
    )
    async def start(
        self,
        interaction: Interaction,
        questions: app_commands.Range[int, MIN_QUESTIONS, MAX_QUESTIONS] = DEFAULT_QUESTIONS,
        seconds: app_commands.Range[int, MIN_SECONDS, MAX_SECONDS] | None = None,
    ) -> None:
        if interaction.guild_id is None or interaction.channel_id is None:
            await send_ephemeral(interaction, ui.SERVER_ONLY)
            return
        config = await self.bot.store.get_config(interaction.guild_id)
        if not _may_start(interaction, config.trivia_role_id):
            role = f" or the <@&{config.trivia_role_id}> role" if config.trivia_role_id else ""
            await send_ephemeral(
                interaction, f"Only members with the Manage Server permission{role} can start a trivia game."
            )
            return
        chosen = config.trivia_seconds if seconds is None else seconds
        if not MIN_SECONDS <= chosen <= MAX_SECONDS or not MIN_QUESTIONS <= questions <= MAX_QUESTIONS:
            await send_ephemeral(
                interaction,
                f"Choose {MIN_QUESTIONS} to {MAX_QUESTIONS} questions and {MIN_SECONDS} to {MAX_SECONDS} seconds "
                "per question.",
            )
            return
        if KNOWLEDGE_QUIZ not in self.bot.content.quizzes:
            await send_ephemeral(interaction, ui.NO_QUESTIONS)
            return
        drawn = self.bot.content.quizzes.start(KNOWLEDGE_QUIZ, new_seed())
        plan = trim_plan(drawn, min(questions, drawn.total))
        try:
            row = await self.bot.store.create_game(
                guild_id=interaction.guild_id,
                channel_id=interaction.channel_id,
                starter_id=interaction.user.id,
                plan=plan.to_json(),
                seconds=chosen,
                time_scale=self.bot.settings.trivia_time_scale,
            )
        except GameRunning as exc:
            running = exc.game
            await send_ephemeral(
                interaction, ui.already_running(running.id, running.guild_id, running.channel_id, running.message_id)
            )
            return
        self._plans[row.id] = plan
        await interaction.response.send_message(ui.intro_text(plan.total, chosen, interaction.user.id))
        self._schedule(row.id)

    @trivia.command(name="stop", description="Stop the trivia game in this channel and post the scoreboard so far")
    async def stop(self, interaction: Interaction) -> None:
        if interaction.channel_id is None:
            await send_ephemeral(interaction, ui.SERVER_ONLY)
            return
        row = await self.bot.store.running_game_in(interaction.channel_id)
        if row is None:
            await send_ephemeral(interaction, ui.NOTHING_TO_STOP)
            return
        if interaction.user.id != row.starter_id and not interaction.permissions.manage_guild:
            await send_ephemeral(interaction, "Only the member who started this game or a server admin can stop it.")
            return
        await interaction.response.defer(thinking=True)
        async with self._lock(row.id):
            self._cancel(row.id)
            current = await self.bot.store.get_game(row.id)
            if current is None or current.status != "running":
                await interaction.followup.send("This game had already ended.")
                return
            game = self._game(current)
            if game.phase == "asking" and game.message_id is not None:
                await self._show_reveal(game)
            finished = await self._end(game, "stopped")
        if finished is None:
            await interaction.followup.send("This game had already ended.")
            return
        ended, placings = finished
        await interaction.followup.send(
            embed=ui.scoreboard_embed(ended, placings, "stopped"),
            view=ui.scoreboard_view(ended.id),
        )
        await self.bot.store.mark_game_announced(ended.id)

    @trivia.command(name="leaderboard", description="This server's best trivia players")
    @app_commands.describe(by="Rank by total points, games won, or share of right answers")
    @app_commands.choices(
        by=[app_commands.Choice(name=name, value=name) for name in ("points", "wins", "accuracy")],
    )
    async def leaderboard(self, interaction: Interaction, by: str = "points") -> None:
        if interaction.guild_id is None:
            await send_ephemeral(interaction, ui.SERVER_ONLY)
            return
        order: LeaderboardOrder = "wins" if by == "wins" else "accuracy" if by == "accuracy" else "points"
        entries = await self.bot.store.trivia_leaderboard(interaction.guild_id, order)
        server = interaction.guild.name if interaction.guild is not None else "this server"
        await interaction.response.send_message(embed=ui.leaderboard_embed(entries, order, server))

    @trivia.command(name="help", description="How trivia works and how points are counted")
    async def help(self, interaction: Interaction) -> None:
        await interaction.response.send_message(embed=ui.help_embed(), ephemeral=True)

    # --- buttons -------------------------------------------------------------------------------

    async def handle_answer(self, interaction: Interaction, game_id: int, position: int, choice_id: str) -> None:
        plan = await self._plan(game_id)
        if plan is None:
            await send_ephemeral(interaction, ui.GONE)
            return
        if position >= plan.total:
            await send_ephemeral(interaction, ui.TOO_LATE)
            return
        question = plan.questions[position]
        choice = question.choice(choice_id)
        if choice is None:
            await send_ephemeral(interaction, ui.UNKNOWN_CHOICE)
            return
        recorded = await self.bot.store.record_trivia_answer(
            game_id,
            position,
            user_id=interaction.user.id,
            choice_id=choice_id,
            correct=bool(choice.correct),
            score=points_for,
        )
        if recorded.status == "recorded":
            self._clicks.setdefault(game_id, {})[interaction.user.id] = interaction
            text = ui.RECORDED.format(letter=ui.letter(question, choice_id))
        elif recorded.status == "duplicate" and recorded.answer is not None:
            text = ui.ALREADY_ANSWERED.format(letter=ui.letter(question, recorded.answer.choice_id))
        elif recorded.status == "gone":
            text = ui.GONE
        else:
            text = ui.TOO_LATE
        await interaction.response.send_message(text, ephemeral=True)

    async def handle_place(self, interaction: Interaction, game_id: int) -> None:
        results = await self.bot.store.game_results(game_id)
        await send_ephemeral(interaction, ui.place_sentence(results, interaction.user.id))

    # --- the game's timer ----------------------------------------------------------------------

    def _schedule(self, game_id: int) -> None:
        if game_id in self._tasks and not self._tasks[game_id].done():
            return
        self._tasks[game_id] = asyncio.create_task(self._drive(game_id), name=f"trivia-{game_id}")

    def _cancel(self, game_id: int) -> None:
        task = self._tasks.pop(game_id, None)
        if task is not None and task is not asyncio.current_task():
            task.cancel()

    def _lock(self, game_id: int) -> asyncio.Lock:
        return self._locks.setdefault(game_id, asyncio.Lock())

    async def _drive(self, game_id: int) -> None:
        """Run one game to its end from whatever state the database holds."""
        failures = 0
        while True:
            try:
                row = await self.bot.store.get_game(game_id)
                if row is None or row.status != "running":
                    break
                game = self._game(row)
                step = next_step(game, self.bot.store.now())
                if step is None:
                    break
                if isinstance(step, Wait):
                    await asyncio.sleep(max(0.0, step.until - self.bot.store.now()))
                    continue
                async with self._lock(game_id):
                    await self._act(game_id, step)
                failures = 0
            except asyncio.CancelledError:
                raise
            except Exception:
                failures += 1
                log.warning("Trivia game %s: a step failed (%d in a row)", game_id, failures, exc_info=True)
                if failures >= MAX_FAILURES:
                    await self._give_up(game_id)
                    break
                await asyncio.sleep(RETRY_SECONDS)
        self._tasks.pop(game_id, None)
        self._plans.pop(game_id, None)

    async def _give_up(self, game_id: int) -> None:
        """End a game the bot cannot run (say, a channel it can no longer post in), keeping results."""
        with contextlib.suppress(Exception):
            async with self._lock(game_id):
                current = await self.bot.store.get_game(game_id)
                if current is not None and current.status == "running":
                    await self._end(self._game(current), "stopped", announce=False)
                    log.error(
                        "Trivia game %s in channel %s ended: the bot could not run it", game_id, current.channel_id
                    )

    async def _act(self, game_id: int, step: Post | Close | Finish) -> None:
        """One step, on the state as it is now (a /trivia stop may have come first)."""
        row = await self.bot.store.get_game(game_id)
        if row is None or row.status != "running":
            return
        game = self._game(row)
        if next_step(game, self.bot.store.now()) != step:
            return
        if isinstance(step, Post):
            await self._post(game, step.position)
        elif isinstance(step, Close):
            await self._show_reveal(game)
            await self.bot.store.close_trivia_question(
                game.id, step.position, next_at=self.bot.store.now() + game.pause_window
            )
        else:
            await self._end(game, step.reason)

    def _channel(self, game: Game) -> discord.PartialMessageable:
        return self.bot.get_partial_messageable(game.channel_id, guild_id=game.guild_id)

    async def _post(self, game: Game, position: int) -> None:
        question = game.plan.questions[position]
        opens = self.bot.store.now()
        deadline = opens + game.answer_window
        # Open for answers before the message exists, so the quickest click already counts.
        if await self.bot.store.begin_trivia_question(game.id, position, started_at=opens, deadline=deadline) is None:
            return
        message = await self._channel(game).send(
            embed=ui.question_embed(game, position, deadline),
            view=ui.question_view(game.id, position, question),
        )
        if not await self.bot.store.set_trivia_message(game.id, position, message.id):
            with contextlib.suppress(discord.HTTPException):
                await message.edit(view=None)

    async def _show_reveal(self, game: Game) -> None:
        """Edit the current question to show its answer; the answers are safe if this fails."""
        if game.message_id is None:
            return
        answers = await self.bot.store.trivia_question_answers(game.id, game.position)
        shown = reveal(game.plan.questions[game.position], answers)
        try:
            await (
                self._channel(game)
                .get_partial_message(game.message_id)
                .edit(
                    embed=ui.reveal_embed(game, game.position, shown),
                    view=ui.reveal_view(game.id, game.position, shown),
                )
            )
        except discord.HTTPException:
            log.warning("Trivia game %s: could not show the answer to question %s", game.id, game.position + 1)

    async def _end(self, game: Game, reason: str, *, announce: bool = True) -> tuple[Game, list[Placing]] | None:
        """Store every member's result and (when the timer ends the game) post the scoreboard."""
        status: GameStatus = "stopped" if reason == "stopped" else "idle" if reason == "idle" else "finished"
        ended = await self.bot.store.finish_game(game.id, status, _rank)
        if ended is None:
            return None
        row, answers = ended
        final = self._game(row)
        placings = scoreboard(answers)
        if not announce:
            await self.bot.store.mark_game_announced(final.id)
        elif reason != "stopped":
            await self._post_scoreboard(final, placings, reason)
        clicks = self._clicks.pop(final.id, {})
        below = [
            (p, clicks[p.standing.user_id]) for p in placings[ui.SCOREBOARD_SIZE :] if p.standing.user_id in clicks
        ]
        if announce and below:
            self._background(self._tell_places(below, len(placings)))
        return final, placings

    async def _post_scoreboard(self, game: Game, placings: list[Placing], reason: str) -> None:
        await self._channel(game).send(
            embed=ui.scoreboard_embed(game, placings, reason),
            view=ui.scoreboard_view(game.id),
        )
        await self.bot.store.mark_game_announced(game.id)

    async def _announce(self, row: GameRow) -> None:
        """Post the scoreboard of a game that ended just before the bot stopped."""
        try:
            answers = await self.bot.store.game_answers(row.id)
            await self._post_scoreboard(self._game(row), scoreboard(answers), row.status)
        except Exception:
            log.warning("Could not post the scoreboard of trivia game %s", row.id, exc_info=True)

    def _background(self, work: Coroutine[Any, Any, None]) -> None:
        task = asyncio.create_task(work)
        self._side_tasks.add(task)
        task.add_done_callback(self._side_tasks.discard)

    async def _tell_places(self, below: list[tuple[Placing, Interaction]], players: int) -> None:
        """Tell each player below the top ten their place, privately, through their last click."""
        for placing, interaction in below:
            standing = placing.standing
            text = ui.place_text(placing.place, players, standing.points, standing.correct, standing.answered)
            try:
                await interaction.followup.send(text, ephemeral=True)
            except discord.HTTPException:
                log.info("Could not tell member %s their trivia place; the scoreboard's button can", standing.user_id)

    def _game(self, row: GameRow) -> Game:
        plan = self._plans.get(row.id)
        game = from_row(row, plan)
        self._plans[row.id] = game.plan
        return game

    async def _plan(self, game_id: int) -> Plan | None:
        """The game's plan; parsed once per game, since it never changes."""
        plan = self._plans.get(game_id)
        if plan is None:
            row = await self.bot.store.get_game(game_id)
            if row is None:
                return None
            plan = self._game(row).plan
        return plan


def _may_start(interaction: Interaction, role_id: int | None) -> bool:
    if interaction.permissions.manage_guild:
        return True
    roles = getattr(interaction.user, "roles", [])
    return role_id is not None and any(role.id == role_id for role in roles)


def _rank(answers: list[AnswerRow]) -> Sequence[ResultRow]:
    return [
        ResultRow(
            user_id=p.standing.user_id,
            points=p.standing.points,
            correct=p.standing.correct,
            answered=p.standing.answered,
            place=p.place,
            won=p.won,
        )
        for p in scoreboard(answers)
    ]


async def setup(bot: CrossroadsBot) -> None:
    await bot.add_cog(Trivia(bot))
