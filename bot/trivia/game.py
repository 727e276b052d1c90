"""A trivia game's state and timeline.

A game is a frozen plan of knowledge-check questions played one at a time in a channel. Its state
lives in the database; the bot's timer for a game asks :func:`next_step` what to do at a given
moment, so after a restart it picks up exactly where the stored state says: post the current
question, wait for its deadline, close it, pause, or finish.

Times are Unix seconds. ``seconds`` is the answer time members are told; ``time_scale`` turns it
into wall-clock time (1.0 in production; tests run the same game faster).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from bot.quiz import Plan
from bot.storage.trivia import GameRow

MIN_SECONDS = 10  # accessibility: everyone gets at least this long to read and answer
MAX_SECONDS = 120
DEFAULT_SECONDS = 20
MIN_QUESTIONS = 1
MAX_QUESTIONS = 10
DEFAULT_QUESTIONS = 5
PAUSE_SECONDS = 5  # between a reveal and the next question
QUIET_LIMIT = 3  # questions in a row without an answer that end a game
CHOICE_LETTERS = "ABCDE"

GameStatus = Literal["running", "finished", "stopped", "idle"]
Phase = Literal["asking", "pause"]


@dataclass(frozen=True)
class Game:
    """One game as stored. `position` is the current question (0-based); `deadline` is when the
    question closes (phase asking) or when the next one is posted (phase pause)."""

    id: int
    guild_id: int
    channel_id: int
    starter_id: int | None
    plan: Plan
    seconds: int
    time_scale: float
    status: GameStatus
    position: int
    phase: Phase
    deadline: float | None
    question_started_at: float | None
    message_id: int | None
    quiet_streak: int
    started_at: float

    @property
    def total(self) -> int:
        return self.plan.total

    @property
    def running(self) -> bool:
        return self.status == "running"

    @property
    def answer_window(self) -> float:
        """The wall-clock seconds a question stays open."""
        return self.seconds * self.time_scale

    @property
    def pause_window(self) -> float:
        return PAUSE_SECONDS * self.time_scale

    def accepts_answers(self, position: int, now: float) -> bool:
        return (
            self.running
            and self.phase == "asking"
            and self.position == position
            and self.deadline is not None
            and now < self.deadline
        )

    def elapsed(self, now: float) -> float:
        """Seconds (as members count them) since the current question was posted."""
        if self.question_started_at is None:
            return 0.0
        return max(0.0, (now - self.question_started_at) / self.time_scale)


@dataclass(frozen=True)
class Post:
    """Post question `position`: the first, the next one after a pause, or again after a restart
    that came before its message was stored (its answer time then starts again)."""

    position: int


@dataclass(frozen=True)
class Wait:
    until: float


@dataclass(frozen=True)
class Close:
    """The current question's time is up: reveal it."""

    position: int


@dataclass(frozen=True)
class Finish:
    reason: Literal["finished", "idle"]


Step = Post | Wait | Close | Finish


def next_step(game: Game, now: float) -> Step | None:
    """What the game's timer does at `now`; None once the game is over."""
    if not game.running:
        return None
    if game.phase == "asking":
        if game.message_id is None or game.deadline is None:
            return Post(game.position)
        if now < game.deadline:
            return Wait(game.deadline)
        return Close(game.position)
    if game.quiet_streak >= QUIET_LIMIT:
        return Finish("idle")
    if game.position + 1 >= game.total:
        return Finish("finished")
    if game.deadline is not None and now < game.deadline:
        return Wait(game.deadline)
    return Post(game.position + 1)


def trim_plan(plan: Plan, questions: int) -> Plan:
    """The first `questions` questions of a knowledge-check plan (the draw's order and rules kept)."""
    if questions < 1:
        raise ValueError("a game needs at least one question")
    return plan.model_copy(update={"questions": plan.questions[:questions]})


def from_row(row: GameRow, plan: Plan | None = None) -> Game:
    """The game a stored row describes; `plan` saves parsing the stored plan again."""
    return Game(
        id=row.id,
        guild_id=row.guild_id,
        channel_id=row.channel_id,
        starter_id=row.starter_id,
        plan=plan if plan is not None else Plan.from_json(row.plan),
        seconds=row.seconds,
        time_scale=row.time_scale,
        status=row.status,
        position=row.position,
        phase=row.phase,
        deadline=row.deadline,
        question_started_at=row.question_started_at,
        message_id=row.message_id,
        quiet_streak=row.quiet_streak,
        started_at=row.started_at,
    )
