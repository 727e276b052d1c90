"""Trivia games in the database: a game's state, every answer with its time, results per member.

A click is recorded by :func:`record_answer` in one transaction that also checks the question is
still open, so an answer acknowledged to a member is committed, and one that came too late is
refused the same way before and after a restart.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal

from bot.storage.store import Store

GameStatus = Literal["running", "finished", "stopped", "idle"]
LeaderboardOrder = Literal["points", "wins", "accuracy"]
LEADERBOARD_SIZE = 10


class GameRunning(Exception):
    """A channel already has a running game."""

    def __init__(self, game: GameRow) -> None:
        super().__init__(f"game {game.id} is running in channel {game.channel_id}")
        self.game = game


@dataclass(frozen=True)
class GameRow:
    id: int
    guild_id: int
    channel_id: int
    starter_id: int | None
    plan: str
    seconds: int
    time_scale: float
    status: GameStatus
    position: int
    phase: Literal["asking", "pause"]
    deadline: float | None
    question_started_at: float | None
    message_id: int | None
    quiet_streak: int
    started_at: float
    finished_at: float | None


@dataclass(frozen=True)
class AnswerRow:
    user_id: int
    position: int
    choice_id: str
    correct: bool
    points: int
    elapsed: float
    answered_at: float


@dataclass(frozen=True)
class ResultRow:
    user_id: int
    points: int
    correct: int
    answered: int
    place: int
    won: bool


@dataclass(frozen=True)
class Recorded:
    """The effect of a click: `recorded` (new), `duplicate` (the member had answered; `answer` is
    the first one), `closed` (the question is no longer open) or `gone` (no such game)."""

    status: Literal["recorded", "duplicate", "closed", "gone"]
    answer: AnswerRow | None = None


@dataclass(frozen=True)
class TriviaRecord:
    """A member's trivia totals (in one server, or everywhere)."""

    games: int
    wins: int
    points: int
    correct: int
    answered: int

    @property
    def accuracy(self) -> float:
        return self.correct / self.answered if self.answered else 0.0


@dataclass(frozen=True)
class LeaderboardEntry:
    rank: int
    user_id: int
    record: TriviaRecord


_GAME_COLUMNS = (
    "id, guild_id, channel_id, starter_id, plan, seconds, time_scale, status, position, phase, deadline,"
    " question_started_at, message_id, quiet_streak, started_at, finished_at"
)


def _game(row: sqlite3.Row | None) -> GameRow | None:
    if row is None:
        return None
    return GameRow(
        id=int(row["id"]),
        guild_id=int(row["guild_id"]),
        channel_id=int(row["channel_id"]),
        starter_id=row["starter_id"],
        plan=str(row["plan"]),
        seconds=int(row["seconds"]),
        time_scale=float(row["time_scale"]),
        status=row["status"],
        position=int(row["position"]),
        phase=row["phase"],
        deadline=row["deadline"],
        question_started_at=row["question_started_at"],
        message_id=row["message_id"],
        quiet_streak=int(row["quiet_streak"]),
        started_at=float(row["started_at"]),
        finished_at=row["finished_at"],
    )


def _answer(row: sqlite3.Row) -> AnswerRow:
    return AnswerRow(
        user_id=int(row["user_id"]),
        position=int(row["position"]),
        choice_id=str(row["choice_id"]),
        correct=bool(row["correct"]),
        points=int(row["points"]),
        elapsed=float(row["elapsed"]),
        answered_at=float(row["answered_at"]),
    )


def _read_game(conn: sqlite3.Connection, game_id: int) -> GameRow | None:
    return _game(conn.execute(f"SELECT {_GAME_COLUMNS} FROM trivia_games WHERE id = ?", (game_id,)).fetchone())


async def create_game(
    store: Store,
    *,
    guild_id: int,
    channel_id: int,
    starter_id: int,
    plan: str,
    seconds: int,
    time_scale: float = 1.0,
) -> GameRow:
    """A new running game in the channel; GameRunning when the channel has one already."""
    now = store.now()

    def work(conn: sqlite3.Connection) -> GameRow | tuple[str, GameRow]:
        running = _game(
            conn.execute(
                f"SELECT {_GAME_COLUMNS} FROM trivia_games WHERE channel_id = ? AND status = 'running'",
                (channel_id,),
            ).fetchone()
        )
        if running is not None:
            return ("running", running)
        cursor = conn.execute(
            "INSERT INTO trivia_games (guild_id, channel_id, starter_id, plan, seconds, time_scale, started_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            (guild_id, channel_id, starter_id, plan, seconds, time_scale, now),
        )
        game = _read_game(conn, int(cursor.lastrowid or 0))
        assert game is not None
        return game

    result = await store.run(work)
    if isinstance(result, tuple):
        raise GameRunning(result[1])
    return result


async def get_game(store: Store, game_id: int) -> GameRow | None:
    return await store.read(lambda conn: _read_game(conn, game_id))


async def running_game_in(store: Store, channel_id: int) -> GameRow | None:
    row = await store.fetchone(
        f"SELECT {_GAME_COLUMNS} FROM trivia_games WHERE channel_id = ? AND status = 'running'", (channel_id,)
    )
    return _game(row)


async def running_games(store: Store) -> list[GameRow]:
    rows = await store.fetchall(f"SELECT {_GAME_COLUMNS} FROM trivia_games WHERE status = 'running' ORDER BY id")
    return [g for g in (_game(r) for r in rows) if g is not None]


async def unannounced_games(store: Store) -> list[GameRow]:
    """Games that ended without their scoreboard being posted (the bot stopped in between)."""
    rows = await store.fetchall(
        f"SELECT {_GAME_COLUMNS} FROM trivia_games WHERE status != 'running' AND announced = 0 ORDER BY id"
    )
    return [g for g in (_game(r) for r in rows) if g is not None]


async def mark_announced(store: Store, game_id: int) -> None:
    await store.execute("UPDATE trivia_games SET announced = 1 WHERE id = ?", (game_id,))


async def begin_question(
    store: Store, game_id: int, position: int, *, started_at: float, deadline: float
) -> GameRow | None:
    """Question `position` opens for answers until `deadline`; its message is stored once sent
    (:func:`set_message`). None when the game stopped meanwhile."""

    def work(conn: sqlite3.Connection) -> GameRow | None:
        cursor = conn.execute(
            "UPDATE trivia_games SET position = ?, phase = 'asking', message_id = NULL, question_started_at = ?,"
            " deadline = ? WHERE id = ? AND status = 'running'",
            (position, started_at, deadline, game_id),
        )
        return _read_game(conn, game_id) if cursor.rowcount else None

    return await store.run(work)


async def set_message(store: Store, game_id: int, position: int, message_id: int) -> bool:
    """The open question `position` is on screen in `message_id`; False when the game moved on."""
    changed = await store.execute(
        "UPDATE trivia_games SET message_id = ? WHERE id = ? AND status = 'running' AND phase = 'asking'"
        " AND position = ?",
        (message_id, game_id, position),
    )
    return changed > 0


async def record_answer(
    store: Store,
    game_id: int,
    position: int,
    *,
    user_id: int,
    choice_id: str,
    correct: bool,
    score: Callable[[bool, float, int], int],
) -> Recorded:
    """Record a member's answer if the question is open and they have not answered it yet.
    `score(correct, elapsed, seconds)` gives the points; elapsed is in game seconds."""
    now = store.now()

    def work(conn: sqlite3.Connection) -> Recorded:
        game = conn.execute(
            "SELECT status, phase, position, deadline, question_started_at, seconds, time_scale"
            " FROM trivia_games WHERE id = ?",
            (game_id,),
        ).fetchone()
        if game is None:
            return Recorded("gone")
        earlier = conn.execute(
            "SELECT * FROM trivia_answers WHERE game_id = ? AND position = ? AND user_id = ?",
            (game_id, position, user_id),
        ).fetchone()
        if earlier is not None:
            return Recorded("duplicate", _answer(earlier))
        open_now = (
            game["status"] == "running"
            and game["phase"] == "asking"
            and game["position"] == position
            and game["deadline"] is not None
            and now < game["deadline"]
        )
        if not open_now:
            return Recorded("closed")
        started = game["question_started_at"] or now
        elapsed = max(0.0, (now - started) / float(game["time_scale"]))
        answer = AnswerRow(
            user_id, position, choice_id, correct, score(correct, elapsed, int(game["seconds"])), elapsed, now
        )
        conn.execute(
            "INSERT INTO trivia_answers (game_id, position, user_id, choice_id, correct, points, elapsed, answered_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (game_id, position, user_id, choice_id, int(correct), answer.points, elapsed, now),
        )
        return Recorded("recorded", answer)

    return await store.run(work)


async def question_answers(store: Store, game_id: int, position: int) -> list[AnswerRow]:
    rows = await store.fetchall(
        "SELECT * FROM trivia_answers WHERE game_id = ? AND position = ? ORDER BY answered_at", (game_id, position)
    )
    return [_answer(r) for r in rows]


async def game_answers(store: Store, game_id: int) -> list[AnswerRow]:
    rows = await store.fetchall("SELECT * FROM trivia_answers WHERE game_id = ? ORDER BY answered_at", (game_id,))
    return [_answer(r) for r in rows]


async def close_question(store: Store, game_id: int, position: int, *, next_at: float) -> GameRow | None:
    """The question's time is up: pause until `next_at`, counting a question nobody answered
    toward the idle limit. None when the game is no longer on that open question."""

    def work(conn: sqlite3.Connection) -> GameRow | None:
        answered = conn.execute(
            "SELECT COUNT(*) FROM trivia_answers WHERE game_id = ? AND position = ?", (game_id, position)
        ).fetchone()[0]
        cursor = conn.execute(
            "UPDATE trivia_games SET phase = 'pause', deadline = ?,"
            " quiet_streak = CASE WHEN ? > 0 THEN 0 ELSE quiet_streak + 1 END"
            " WHERE id = ? AND status = 'running' AND phase = 'asking' AND position = ?",
            (next_at, answered, game_id, position),
        )
        return _read_game(conn, game_id) if cursor.rowcount else None

    return await store.run(work)


async def finish_game(
    store: Store,
    game_id: int,
    status: GameStatus,
    rank: Callable[[list[AnswerRow]], Sequence[ResultRow]],
) -> tuple[GameRow, list[AnswerRow]] | None:
    """End a running game and store each member's result, ranked by `rank` from every answer
    recorded (all in one transaction). Returns the game and its answers; None if it had ended."""
    now = store.now()

    def work(conn: sqlite3.Connection) -> tuple[GameRow, list[AnswerRow]] | None:
        cursor = conn.execute(
            "UPDATE trivia_games SET status = ?, finished_at = ? WHERE id = ? AND status = 'running'",
            (status, now, game_id),
        )
        if not cursor.rowcount:
            return None
        game = _read_game(conn, game_id)
        assert game is not None
        answers = [
            _answer(r)
            for r in conn.execute("SELECT * FROM trivia_answers WHERE game_id = ? ORDER BY answered_at", (game_id,))
        ]
        conn.executemany(
            "INSERT INTO trivia_results (game_id, guild_id, user_id, points, correct, answered, place, won, played_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (game_id, game.guild_id, r.user_id, r.points, r.correct, r.answered, r.place, int(r.won), now)
                for r in rank(answers)
            ],
        )
        return game, answers

    return await store.run(work)


async def game_results(store: Store, game_id: int) -> list[ResultRow]:
    rows = await store.fetchall("SELECT * FROM trivia_results WHERE game_id = ? ORDER BY place, user_id", (game_id,))
    return [
        ResultRow(
            int(r["user_id"]), int(r["points"]), int(r["correct"]), int(r["answered"]), int(r["place"]), bool(r["won"])
        )
        for r in rows
    ]


def _record(row: sqlite3.Row | None) -> TriviaRecord:
    if row is None or not row["games"]:
        return TriviaRecord(0, 0, 0, 0, 0)
    return TriviaRecord(
        int(row["games"]),
        int(row["wins"] or 0),
        int(row["points"] or 0),
        int(row["correct"] or 0),
        int(row["answered"] or 0),
    )


_TOTALS = (
    "COUNT(*) AS games, SUM(won) AS wins, SUM(points) AS points, SUM(correct) AS correct, SUM(answered) AS answered"
)


async def member_record(store: Store, user_id: int, guild_id: int | None = None) -> TriviaRecord:
    """A member's totals in one server, or across every server when guild_id is None."""
    if guild_id is None:
        row = await store.fetchone(f"SELECT {_TOTALS} FROM trivia_results WHERE user_id = ?", (user_id,))
    else:
        row = await store.fetchone(
            f"SELECT {_TOTALS} FROM trivia_results WHERE user_id = ? AND guild_id = ?", (user_id, guild_id)
        )
    return _record(row)


_ORDERS: dict[str, str] = {
    "points": "points DESC, wins DESC, correct DESC",
    "wins": "wins DESC, points DESC, correct DESC",
    "accuracy": "CAST(SUM(correct) AS REAL) / SUM(answered) DESC, SUM(answered) DESC, points DESC",
}


async def leaderboard(
    store: Store, guild_id: int, order: LeaderboardOrder = "points", limit: int = LEADERBOARD_SIZE
) -> list[LeaderboardEntry]:
    """The server's best trivia players; members who never answered are left out."""
    rows = await store.fetchall(
        f"SELECT user_id, {_TOTALS} FROM trivia_results WHERE guild_id = ? GROUP BY user_id"
        f" HAVING SUM(answered) > 0 ORDER BY {_ORDERS[order]}, MIN(played_at), user_id LIMIT ?",
        (guild_id, limit),
    )
    return [LeaderboardEntry(rank, int(row["user_id"]), _record(row)) for rank, row in enumerate(rows, start=1)]
