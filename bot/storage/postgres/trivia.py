"""PostgreSQL queries for the trivia part of the storage protocol (see bot.storage.trivia for SQLite's).

Several processes may serve one channel's game (a restart, a standby taking over), so what must not
interleave is settled by the database: one running game per channel by the partial unique index
(`INSERT … ON CONFLICT DO NOTHING`), one answer per member and question by the primary key, and a
click against closing or finishing the question by the game's row lock (a click holds it shared,
closing and finishing take it exclusively, so an answer is either counted or refused as closed).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from bot.storage.postgres.core import Connection, PgCore
from bot.storage.trivia import (
    _GAME_COLUMNS,
    LEADERBOARD_SIZE,
    AnswerRow,
    GameRow,
    GameRunning,
    GameStatus,
    LeaderboardEntry,
    LeaderboardOrder,
    Recorded,
    ResultRow,
    TriviaRecord,
)

_ANSWER_COLUMNS = "user_id, position, choice_id, correct, points, elapsed, answered_at"

# The leaderboard's orders in aggregates (PostgreSQL resolves names inside ORDER BY expressions to
# the table's columns, not to the select list's totals).
_PG_ORDERS: dict[str, str] = {
    "points": "SUM(points) DESC, SUM(won) DESC, SUM(correct) DESC",
    "wins": "SUM(won) DESC, SUM(points) DESC, SUM(correct) DESC",
    "accuracy": "SUM(correct)::float8 / SUM(answered) DESC, SUM(answered) DESC, SUM(points) DESC",
}

_TOTALS = (
    "COUNT(*) AS games, SUM(won) AS wins, SUM(points) AS points, SUM(correct) AS correct, SUM(answered) AS answered"
)


def _game(row: Any) -> GameRow | None:
    return None if row is None else GameRow(**dict(row))


def _answer(row: Any) -> AnswerRow:
    return AnswerRow(
        user_id=int(row["user_id"]),
        position=int(row["position"]),
        choice_id=str(row["choice_id"]),
        correct=bool(row["correct"]),
        points=int(row["points"]),
        elapsed=float(row["elapsed"]),
        answered_at=float(row["answered_at"]),
    )


def _record(row: Any) -> TriviaRecord:
    if row is None or not row["games"]:
        return TriviaRecord(0, 0, 0, 0, 0)
    return TriviaRecord(
        int(row["games"]),
        int(row["wins"] or 0),
        int(row["points"] or 0),
        int(row["correct"] or 0),
        int(row["answered"] or 0),
    )


async def _read_game(conn: Connection, game_id: int) -> GameRow | None:
    return _game(await conn.fetchrow(f"SELECT {_GAME_COLUMNS} FROM trivia_games WHERE id = $1", game_id))


class PgTrivia(PgCore):
    """The trivia methods of :class:`bot.storage.protocol.Storage` on PostgreSQL."""

    async def create_game(
        self, *, guild_id: int, channel_id: int, starter_id: int, plan: str, seconds: int, time_scale: float = 1.0
    ) -> GameRow:
        now = self.now()
        while True:
            async with self.transaction() as conn:
                created = await conn.fetchrow(
                    "INSERT INTO trivia_games (guild_id, channel_id, starter_id, plan, seconds, time_scale, started_at)"
                    " VALUES ($1, $2, $3, $4, $5, $6, $7)"
                    " ON CONFLICT (channel_id) WHERE status = 'running' DO NOTHING"
                    f" RETURNING {_GAME_COLUMNS}",
                    guild_id,
                    channel_id,
                    starter_id,
                    plan,
                    seconds,
                    time_scale,
                    now,
                )
                if created is not None:
                    game = _game(created)
                    assert game is not None
                    return game
                running = await self._running_in(conn, channel_id)
            if running is not None:
                raise GameRunning(running)
            # The running game ended between the insert and the read: try again.

    async def get_game(self, game_id: int) -> GameRow | None:
        async with self.read() as conn:
            return await _read_game(conn, game_id)

    @staticmethod
    async def _running_in(conn: Connection, channel_id: int) -> GameRow | None:
        return _game(
            await conn.fetchrow(
                f"SELECT {_GAME_COLUMNS} FROM trivia_games WHERE channel_id = $1 AND status = 'running'", channel_id
            )
        )

    async def running_game_in(self, channel_id: int) -> GameRow | None:
        async with self.read() as conn:
            return await self._running_in(conn, channel_id)

    async def running_games(self) -> list[GameRow]:
        async with self.read() as conn:
            rows = await conn.fetch(f"SELECT {_GAME_COLUMNS} FROM trivia_games WHERE status = 'running' ORDER BY id")
        return [g for g in (_game(r) for r in rows) if g is not None]

    async def unannounced_games(self) -> list[GameRow]:
        async with self.read() as conn:
            rows = await conn.fetch(
                f"SELECT {_GAME_COLUMNS} FROM trivia_games WHERE status != 'running' AND announced = 0 ORDER BY id"
            )
        return [g for g in (_game(r) for r in rows) if g is not None]

    async def mark_game_announced(self, game_id: int) -> None:
        async with self.transaction() as conn:
            await conn.execute("UPDATE trivia_games SET announced = 1 WHERE id = $1", game_id)

    async def begin_trivia_question(
        self, game_id: int, position: int, *, started_at: float, deadline: float
    ) -> GameRow | None:
        async with self.transaction() as conn:
            return _game(
                await conn.fetchrow(
                    "UPDATE trivia_games SET position = $1, phase = 'asking', message_id = NULL,"
                    " question_started_at = $2, deadline = $3 WHERE id = $4 AND status = 'running'"
                    f" RETURNING {_GAME_COLUMNS}",
                    position,
                    started_at,
                    deadline,
                    game_id,
                )
            )

    async def set_trivia_message(self, game_id: int, position: int, message_id: int) -> bool:
        async with self.transaction() as conn:
            changed = await conn.fetchval(
                "UPDATE trivia_games SET message_id = $1 WHERE id = $2 AND status = 'running' AND phase = 'asking'"
                " AND position = $3 RETURNING id",
                message_id,
                game_id,
                position,
            )
        return changed is not None

    async def record_trivia_answer(
        self,
        game_id: int,
        position: int,
        *,
        user_id: int,
        choice_id: str,
        correct: bool,
        score: Callable[[bool, float, int], int],
    ) -> Recorded:
        now = self.now()
        async with self.transaction() as conn:
            # The game row shared: other clicks go on at once, closing or finishing waits for this one.
            game = await conn.fetchrow(
                "SELECT g.status, g.phase, g.position, g.deadline, g.question_started_at, g.seconds, g.time_scale,"
                " a.user_id AS a_user, a.choice_id AS a_choice, a.correct AS a_correct, a.points AS a_points,"
                " a.elapsed AS a_elapsed, a.answered_at AS a_at"
                " FROM trivia_games g LEFT JOIN trivia_answers a"
                " ON a.game_id = g.id AND a.position = $2 AND a.user_id = $3"
                " WHERE g.id = $1 FOR SHARE OF g",
                game_id,
                position,
                user_id,
            )
            if game is None:
                return Recorded("gone")
            if game["a_user"] is not None:
                earlier = AnswerRow(
                    user_id,
                    position,
                    str(game["a_choice"]),
                    bool(game["a_correct"]),
                    int(game["a_points"]),
                    float(game["a_elapsed"]),
                    float(game["a_at"]),
                )
                return Recorded("duplicate", earlier)
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
            inserted = await conn.fetchval(
                "INSERT INTO trivia_answers (game_id, position, user_id, choice_id, correct, points, elapsed,"
                " answered_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"
                " ON CONFLICT (game_id, position, user_id) DO NOTHING RETURNING user_id",
                game_id,
                position,
                user_id,
                choice_id,
                int(correct),
                answer.points,
                elapsed,
                now,
            )
            if inserted is not None:
                return Recorded("recorded", answer)
            # The same member's other click committed first.
            first = await conn.fetchrow(
                f"SELECT {_ANSWER_COLUMNS} FROM trivia_answers WHERE game_id = $1 AND position = $2 AND user_id = $3",
                game_id,
                position,
                user_id,
            )
        return Recorded("duplicate", _answer(first))

    async def trivia_question_answers(self, game_id: int, position: int) -> list[AnswerRow]:
        async with self.read() as conn:
            rows = await conn.fetch(
                f"SELECT {_ANSWER_COLUMNS} FROM trivia_answers WHERE game_id = $1 AND position = $2"
                " ORDER BY answered_at",
                game_id,
                position,
            )
        return [_answer(r) for r in rows]

    async def game_answers(self, game_id: int) -> list[AnswerRow]:
        async with self.read() as conn:
            return await self._game_answers(conn, game_id)

    @staticmethod
    async def _game_answers(conn: Connection, game_id: int) -> list[AnswerRow]:
        rows = await conn.fetch(
            f"SELECT {_ANSWER_COLUMNS} FROM trivia_answers WHERE game_id = $1 ORDER BY answered_at", game_id
        )
        return [_answer(r) for r in rows]

    async def close_trivia_question(self, game_id: int, position: int, *, next_at: float) -> GameRow | None:
        async with self.transaction() as conn:
            # Exclusively: clicks in flight commit first and are counted below.
            locked = await conn.fetchval(
                "SELECT id FROM trivia_games WHERE id = $1 AND status = 'running' AND phase = 'asking'"
                " AND position = $2 FOR UPDATE",
                game_id,
                position,
            )
            if locked is None:
                return None
            answered = await conn.fetchval(
                "SELECT EXISTS (SELECT 1 FROM trivia_answers WHERE game_id = $1 AND position = $2)", game_id, position
            )
            return _game(
                await conn.fetchrow(
                    "UPDATE trivia_games SET phase = 'pause', deadline = $1,"
                    " quiet_streak = CASE WHEN $2 THEN 0 ELSE quiet_streak + 1 END"
                    " WHERE id = $3 AND status = 'running' AND phase = 'asking' AND position = $4"
                    f" RETURNING {_GAME_COLUMNS}",
                    next_at,
                    answered,
                    game_id,
                    position,
                )
            )

    async def finish_game(
        self, game_id: int, status: GameStatus, rank: Callable[[list[AnswerRow]], Sequence[ResultRow]]
    ) -> tuple[GameRow, list[AnswerRow]] | None:
        now = self.now()
        async with self.transaction() as conn:
            game = _game(
                await conn.fetchrow(
                    "UPDATE trivia_games SET status = $1, finished_at = $2 WHERE id = $3 AND status = 'running'"
                    f" RETURNING {_GAME_COLUMNS}",
                    status,
                    now,
                    game_id,
                )
            )
            if game is None:
                return None
            answers = await self._game_answers(conn, game_id)
            results = list(rank(answers))
            if results:
                await conn.executemany(
                    "INSERT INTO trivia_results (game_id, guild_id, user_id, points, correct, answered, place, won,"
                    " played_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
                    [
                        (game_id, game.guild_id, r.user_id, r.points, r.correct, r.answered, r.place, int(r.won), now)
                        for r in results
                    ],
                )
        return game, answers

    async def game_results(self, game_id: int) -> list[ResultRow]:
        async with self.read() as conn:
            rows = await conn.fetch(
                "SELECT user_id, points, correct, answered, place, won FROM trivia_results WHERE game_id = $1"
                " ORDER BY place, user_id",
                game_id,
            )
        return [
            ResultRow(
                int(r["user_id"]),
                int(r["points"]),
                int(r["correct"]),
                int(r["answered"]),
                int(r["place"]),
                bool(r["won"]),
            )
            for r in rows
        ]

    async def trivia_record(self, user_id: int, guild_id: int | None = None) -> TriviaRecord:
        async with self.read() as conn:
            if guild_id is None:
                row = await conn.fetchrow(f"SELECT {_TOTALS} FROM trivia_results WHERE user_id = $1", user_id)
            else:
                row = await conn.fetchrow(
                    f"SELECT {_TOTALS} FROM trivia_results WHERE user_id = $1 AND guild_id = $2", user_id, guild_id
                )
        return _record(row)

    async def trivia_leaderboard(
        self, guild_id: int, order: LeaderboardOrder = "points", limit: int = LEADERBOARD_SIZE
    ) -> list[LeaderboardEntry]:
        async with self.read() as conn:
            rows = await conn.fetch(
                f"SELECT user_id, {_TOTALS} FROM trivia_results WHERE guild_id = $1 GROUP BY user_id"
                f" HAVING SUM(answered) > 0 ORDER BY {_PG_ORDERS[order]}, MIN(played_at), user_id LIMIT $2",
                guild_id,
                limit,
            )
        return [LeaderboardEntry(rank, int(row["user_id"]), _record(row)) for rank, row in enumerate(rows, start=1)]
