"""Running trivia games, without Discord: one timer task per game, the clicks, and the end.

Each running game has one task that reads the game's stored state and asks :func:`next_step` what
to do (post, wait, close, finish); a :class:`Table` (the channel, in bot/ui/trivia_table.py) shows
each step. The task holds nothing the database does not, so after a restart :meth:`Games.resume`
starts a task per running game and each continues where its game stood. Clicks are recorded by
the store in one transaction before they are acknowledged.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Coroutine, Sequence
from dataclasses import dataclass
from typing import Any, Generic, Literal, Protocol, TypeVar

from bot.quiz import Plan, PlannedQuestion, QuizBook, new_seed
from bot.storage.protocol import Storage
from bot.storage.trivia import AnswerRow, GameRow, GameRunning, GameStatus, ResultRow
from bot.trivia.game import Close, Finish, Game, Post, Wait, from_row, next_step, trim_plan
from bot.trivia.scoring import Placing, Reveal, points_for, reveal, scoreboard

log = logging.getLogger(__name__)

KNOWLEDGE_QUIZ = "knowledge"
RETRY_SECONDS = 2.0
MAX_FAILURES = 5  # a channel the bot cannot post in ends its game instead of retrying forever
SCOREBOARD_SIZE = 10  # players below this place are told their place privately

Token = TypeVar("Token")
TokenIn = TypeVar("TokenIn", contravariant=True)


class Table(Protocol[TokenIn]):
    """Where a game is shown. `Token` is a player's last click, to reach them privately."""

    async def post(self, game: Game, position: int, deadline: float) -> int:
        """Show question `position`, open until `deadline`; returns its message id."""
        ...

    async def withdraw(self, game: Game, message_id: int) -> None:
        """Take the buttons off a question the game moved past while it was being posted."""
        ...

    async def reveal(self, game: Game, shown: Reveal) -> None:
        """Turn the current question's message into its answer (the answers are safe if this fails)."""
        ...

    async def scoreboard(self, game: Game, placings: Sequence[Placing], reason: str) -> None: ...

    async def tell_places(self, below: Sequence[tuple[Placing, TokenIn]], players: int) -> None:
        """Tell each player below the scoreboard their place, through their last click."""
        ...


@dataclass(frozen=True)
class Started:
    row: GameRow
    plan: Plan


@dataclass(frozen=True)
class ChannelBusy:
    """The channel already has a running game."""

    game: GameRow


@dataclass(frozen=True)
class NoQuestions:
    """The knowledge check's questions are not loaded."""


@dataclass(frozen=True)
class Answered:
    """What became of a click: recorded, duplicate (`choice_id` is the first answer), too late,
    gone (no such game) or unknown_choice."""

    status: Literal["recorded", "duplicate", "too_late", "gone", "unknown_choice"]
    question: PlannedQuestion | None = None
    choice_id: str | None = None


class Games(Generic[Token]):
    """Every running game's timer task, on one store and one table."""

    def __init__(
        self,
        store: Storage,
        table: Table[Token],
        *,
        time_scale: float = 1.0,
        ours: Callable[[int], bool] = lambda _guild_id: True,
    ) -> None:
        self.store = store
        # Whether a server's games are this process's to run (its shard is one of ours).
        self.ours = ours
        self.table = table
        self.time_scale = time_scale
        self._tasks: dict[int, asyncio.Task[None]] = {}
        self._locks: dict[int, asyncio.Lock] = {}
        self._plans: dict[int, Plan] = {}
        # Each player's last acknowledged click per game: it lets the bot tell a player below the
        # top ten their place privately. Lost on restart; the scoreboard's button remains.
        self._clicks: dict[int, dict[int, Token]] = {}
        self._side_tasks: set[asyncio.Task[None]] = set()

    async def resume(self) -> None:
        """Continue every running game in this process's servers and post scoreboards that were
        missed (with several shard processes, each resumes the games of its own shards)."""
        for row in await self.store.running_games():
            if not self.ours(row.guild_id):
                continue
            log.info("Resuming trivia game %s in channel %s", row.id, row.channel_id)
            self._schedule(row.id)
        for row in await self.store.unannounced_games():
            if not self.ours(row.guild_id):
                continue
            log.info("Posting the scoreboard of trivia game %s, which ended while the bot stopped", row.id)
            await self._announce(row)

    async def close(self) -> None:
        tasks = [*self._tasks.values(), *self._side_tasks]
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task

    # --- what members do -----------------------------------------------------------------------

    async def start(
        self, quizzes: QuizBook, *, guild_id: int, channel_id: int, starter_id: int, questions: int, seconds: int
    ) -> Started | ChannelBusy | NoQuestions:
        """A new game of `questions` knowledge-check questions; its timer starts with :meth:`play`."""
        if KNOWLEDGE_QUIZ not in quizzes:
            return NoQuestions()
        drawn = quizzes.start(KNOWLEDGE_QUIZ, new_seed())
        plan = trim_plan(drawn, min(questions, drawn.total))
        try:
            row = await self.store.create_game(
                guild_id=guild_id,
                channel_id=channel_id,
                starter_id=starter_id,
                plan=plan.to_json(),
                seconds=seconds,
                time_scale=self.time_scale,
            )
        except GameRunning as exc:
            return ChannelBusy(exc.game)
        self._plans[row.id] = plan
        return Started(row, plan)

    def play(self, game_id: int) -> None:
        self._schedule(game_id)

    async def answer(self, game_id: int, position: int, user_id: int, choice_id: str, token: Token) -> Answered:
        plan = await self._plan(game_id)
        if plan is None:
            return Answered("gone")
        if position >= plan.total:
            return Answered("too_late")
        question = plan.questions[position]
        choice = question.choice(choice_id)
        if choice is None:
            return Answered("unknown_choice", question)
        recorded = await self.store.record_trivia_answer(
            game_id, position, user_id=user_id, choice_id=choice_id, correct=bool(choice.correct), score=points_for
        )
        if recorded.status == "recorded":
            self._clicks.setdefault(game_id, {})[user_id] = token
            return Answered("recorded", question, choice_id)
        if recorded.status == "duplicate" and recorded.answer is not None:
            return Answered("duplicate", question, recorded.answer.choice_id)
        return Answered("gone") if recorded.status == "gone" else Answered("too_late")

    async def stop(self, game_id: int) -> tuple[Game, list[Placing]] | None:
        """End a running game now (its open question revealed); None when it had already ended.
        The caller posts the scoreboard."""
        async with self._lock(game_id):
            self._cancel(game_id)
            current = await self.store.get_game(game_id)
            if current is None or current.status != "running":
                return None
            game = self._game(current)
            if game.phase == "asking" and game.message_id is not None:
                await self._show_reveal(game)
            return await self._end(game, "stopped")

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
                row = await self.store.get_game(game_id)
                if row is None or row.status != "running":
                    break
                step = next_step(self._game(row), self.store.now())
                if step is None:
                    break
                if isinstance(step, Wait):
                    await asyncio.sleep(max(0.0, step.until - self.store.now()))
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
                current = await self.store.get_game(game_id)
                if current is not None and current.status == "running":
                    await self._end(self._game(current), "stopped", announce=False)
                    log.error(
                        "Trivia game %s in channel %s ended: the bot could not run it", game_id, current.channel_id
                    )

    async def _act(self, game_id: int, step: Post | Close | Finish) -> None:
        """One step, on the state as it is now (a /trivia stop may have come first)."""
        row = await self.store.get_game(game_id)
        if row is None or row.status != "running":
            return
        game = self._game(row)
        if next_step(game, self.store.now()) != step:
            return
        if isinstance(step, Post):
            await self._post(game, step.position)
        elif isinstance(step, Close):
            await self._show_reveal(game)
            await self.store.close_trivia_question(game.id, step.position, next_at=self.store.now() + game.pause_window)
        else:
            await self._end(game, step.reason)

    async def _post(self, game: Game, position: int) -> None:
        opens = self.store.now()
        deadline = opens + game.answer_window
        # Open for answers before the message exists, so the quickest click already counts.
        if await self.store.begin_trivia_question(game.id, position, started_at=opens, deadline=deadline) is None:
            return
        message_id = await self.table.post(game, position, deadline)
        if not await self.store.set_trivia_message(game.id, position, message_id):
            await self.table.withdraw(game, message_id)

    async def _show_reveal(self, game: Game) -> None:
        if game.message_id is None:
            return
        answers = await self.store.trivia_question_answers(game.id, game.position)
        await self.table.reveal(game, reveal(game.plan.questions[game.position], answers))

    async def _end(self, game: Game, reason: str, *, announce: bool = True) -> tuple[Game, list[Placing]] | None:
        """Store every member's result and (when the timer ends the game) post the scoreboard."""
        status: GameStatus = "stopped" if reason == "stopped" else "idle" if reason == "idle" else "finished"
        ended = await self.store.finish_game(game.id, status, _rank)
        if ended is None:
            return None
        row, answers = ended
        final = self._game(row)
        placings = scoreboard(answers)
        if not announce:
            await self.store.mark_game_announced(final.id)
        elif reason != "stopped":
            await self._post_scoreboard(final, placings, reason)
        clicks = self._clicks.pop(final.id, {})
        below = [(p, clicks[p.standing.user_id]) for p in placings[SCOREBOARD_SIZE:] if p.standing.user_id in clicks]
        if announce and below:
            self.background(self.table.tell_places(below, len(placings)))
        return final, placings

    async def _post_scoreboard(self, game: Game, placings: list[Placing], reason: str) -> None:
        await self.table.scoreboard(game, placings, reason)
        await self.store.mark_game_announced(game.id)

    async def _announce(self, row: GameRow) -> None:
        """Post the scoreboard of a game that ended just before the bot stopped."""
        try:
            answers = await self.store.game_answers(row.id)
            await self._post_scoreboard(self._game(row), scoreboard(answers), row.status)
        except Exception:
            log.warning("Could not post the scoreboard of trivia game %s", row.id, exc_info=True)

    def background(self, work: Coroutine[Any, Any, None]) -> None:
        """Run `work` beside the games; :meth:`close` cancels it with them."""
        task = asyncio.create_task(work)
        self._side_tasks.add(task)
        task.add_done_callback(self._side_tasks.discard)

    def _game(self, row: GameRow) -> Game:
        game = from_row(row, self._plans.get(row.id))
        self._plans[row.id] = game.plan
        return game

    async def _plan(self, game_id: int) -> Plan | None:
        """The game's plan; parsed once per game, since it never changes."""
        plan = self._plans.get(game_id)
        if plan is None:
            row = await self.store.get_game(game_id)
            if row is None:
                return None
            plan = self._game(row).plan
        return plan


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
