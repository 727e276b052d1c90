"""PostgreSQL queries for the quiz part of the storage protocol (see bot.storage.quiz for SQLite's).

The rules are SQLite's (one session in progress per member and quiz, one answer per question, the
idle expiry applied before every read). What SQLite gets from its single writer, PostgreSQL gets from
the database: an answer is written by one statement that locks the session row only while it is
still in progress at the position the click was validated against, inserts the answer unless one
exists, and moves the position on. Two processes recording the same click, or finishing the same
quiz, therefore write once; the other is told "duplicate", "moved" or "closed".
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable
from dataclasses import replace
from typing import TypeVar

import asyncpg

from bot.storage.guilds import DEFAULT_QUIZ_EXPIRY_HOURS
from bot.storage.postgres.core import Connection, PgCore
from bot.storage.quiz import (
    HISTORY_LIMIT,
    ActiveSessionExists,
    Click,
    Delivery,
    Finish,
    LeaderboardRow,
    MemberProgress,
    MissedQuestion,
    Proposed,
    QuizSession,
    Recorded,
    StoredAnswer,
    leaderboard_row,
    session_from_row,
    started_session,
)

D = TypeVar("D")
# pg_advisory_xact_lock(STARTING, hash of member and quiz) is held while a session starts, so two
# processes starting one member's quiz at once take turns (the second sees the first's session).
STARTING = 0x51554953  # "QUIS"; two-key advisory locks never meet the one-key ones


def affected(status: str) -> int:
    """Rows changed, from a command status such as "UPDATE 3" or "INSERT 0 1"."""
    return int(status.rsplit(" ", 1)[-1])


# $1 is the current time; callers add conditions on the alias `s`.
_EXPIRE = f"""
    UPDATE quiz_sessions s SET status = 'expired', finished_at = $1
    WHERE s.status = 'in_progress'
      AND s.updated_at < $1 - 3600.0 * COALESCE(
          (SELECT g.quiz_expiry_hours FROM guild_config g WHERE g.guild_id = s.guild_id),
          {DEFAULT_QUIZ_EXPIRY_HOURS})
"""

_SESSION = f"""
    SELECT s.*, COALESCE(g.quiz_expiry_hours, {DEFAULT_QUIZ_EXPIRY_HOURS}) AS expiry_hours
    FROM quiz_sessions s LEFT JOIN guild_config g ON g.guild_id = s.guild_id
    WHERE s.id = $1
"""

# The session and, in the same snapshot, its answers in the order they were given (ctid breaks
# ties between answers given at the same instant; quiz_answers rows are never updated).
_SESSION_AND_ANSWERS = f"""
    SELECT s.*, COALESCE(g.quiz_expiry_hours, {DEFAULT_QUIZ_EXPIRY_HOURS}) AS expiry_hours,
           a.answer_questions, a.answer_choices, a.answer_correct, a.answer_times
    FROM quiz_sessions s
    LEFT JOIN guild_config g ON g.guild_id = s.guild_id
    CROSS JOIN LATERAL (
        SELECT array_agg(question_id ORDER BY answered_at, ctid) AS answer_questions,
               array_agg(choice_id ORDER BY answered_at, ctid) AS answer_choices,
               array_agg(correct ORDER BY answered_at, ctid) AS answer_correct,
               array_agg(answered_at ORDER BY answered_at, ctid) AS answer_times
        FROM quiz_answers WHERE session_id = s.id
    ) a
    WHERE s.id = $1
"""

# Write one answer and move the session on, only while it is in progress at the expected position
# and not idle past its server's limit: the row lock makes a second writer wait, then find the
# position moved and write nothing. Returns the session as it now is (no row: nothing was written).
_WRITE = f"""
    WITH open AS (
        SELECT s.id FROM quiz_sessions s
        WHERE s.id = $1 AND s.status = 'in_progress' AND s.position = $2
          AND s.updated_at >= $6 - 3600.0 * COALESCE(
              (SELECT g.quiz_expiry_hours FROM guild_config g WHERE g.guild_id = s.guild_id),
              {DEFAULT_QUIZ_EXPIRY_HOURS})
        FOR UPDATE
    ), answer AS (
        INSERT INTO quiz_answers (session_id, question_id, choice_id, correct, answered_at)
        SELECT id, $3, $4, $5, $6 FROM open
        ON CONFLICT (session_id, question_id) DO NOTHING
        RETURNING session_id
    )
    UPDATE quiz_sessions SET position = $2 + 1, updated_at = $6{{finish}}
    WHERE id IN (SELECT session_id FROM answer)
    RETURNING *
"""
_MOVE_ON = _WRITE.format(finish="")
_FINISH = _WRITE.format(
    finish=", status = 'completed', finished_at = $6, result = $7, path_result = $8, score = $9,"
    " total = COALESCE($10, total)"
)

_LEADERBOARD = """
    WITH best AS (
        SELECT user_id, score, total, finished_at, id,
               ROW_NUMBER() OVER (
                   PARTITION BY user_id
                   ORDER BY score::double precision / total DESC, score DESC, finished_at ASC, id ASC
               ) AS pick,
               COUNT(*) OVER (PARTITION BY user_id) AS attempts
        FROM quiz_sessions
        WHERE guild_id = $1 AND quiz_id = $2 AND status = 'completed'
          AND score IS NOT NULL AND total > 0
    )
    SELECT user_id, score, total, finished_at, attempts,
           ROW_NUMBER() OVER (
               ORDER BY score::double precision / total DESC, score DESC, finished_at ASC, id ASC
           ) AS rank
    FROM best WHERE pick = 1
"""


def _answers_of(row: asyncpg.Record) -> list[StoredAnswer]:
    if row["answer_questions"] is None:
        return []
    return [
        StoredAnswer(
            session_id=int(row["id"]),
            question_id=question,
            choice_id=choice,
            correct=None if correct is None else bool(correct),
            answered_at=float(answered_at),
        )
        for question, choice, correct, answered_at in zip(
            row["answer_questions"], row["answer_choices"], row["answer_correct"], row["answer_times"], strict=True
        )
    ]


def _answer(row: asyncpg.Record) -> StoredAnswer:
    return StoredAnswer(
        session_id=int(row["session_id"]),
        question_id=row["question_id"],
        choice_id=row["choice_id"],
        correct=None if row["correct"] is None else bool(row["correct"]),
        answered_at=float(row["answered_at"]),
    )


async def _expire_if_idle(conn: Connection, row: asyncpg.Record, now: float) -> QuizSession:
    """The session of `row`, expired first when it has been idle past its server's limit."""
    session = session_from_row(row)
    cutoff = now - 3600.0 * float(row["expiry_hours"])
    if session.status == "in_progress" and session.updated_at < cutoff:
        await conn.execute(
            "UPDATE quiz_sessions SET status = 'expired', finished_at = $2"
            " WHERE id = $1 AND status = 'in_progress' AND updated_at < $3",
            session.id,
            now,
            cutoff,
        )
        session = replace(session, status="expired", finished_at=now)
    return session


async def _current(conn: Connection, session_id: int, now: float) -> QuizSession | None:
    row = await conn.fetchrow(_SESSION, session_id)
    return None if row is None else await _expire_if_idle(conn, row, now)


async def _current_with_answers(
    conn: Connection, session_id: int, now: float
) -> tuple[QuizSession | None, list[StoredAnswer]]:
    row = await conn.fetchrow(_SESSION_AND_ANSWERS, session_id)
    if row is None:
        return None, []
    return await _expire_if_idle(conn, row, now), _answers_of(row)


async def _not_written(conn: Connection, session_id: int, now: float, question_id: str) -> Recorded:
    """Why an answer was not written: the question was answered already, or the session moved on."""
    session = await _current(conn, session_id, now)
    if session is None:
        raise LookupError(f"no quiz session {session_id}")
    first = await conn.fetchval(
        "SELECT choice_id FROM quiz_answers WHERE session_id = $1 AND question_id = $2", session_id, question_id
    )
    if first is not None:
        return Recorded("duplicate", session, str(first))
    return Recorded("closed" if session.status != "in_progress" else "moved", session)


async def _write(conn: Connection, session_id: int, now: float, proposed: Proposed) -> Recorded:
    """Write `proposed` exactly once, in one statement; if it cannot be, say why."""
    correct = None if proposed.correct is None else int(proposed.correct)
    common = (session_id, proposed.expected_position, proposed.question_id, proposed.choice_id, correct, now)
    finish = proposed.finish
    if finish is None:
        row = await conn.fetchrow(_MOVE_ON, *common)
    else:
        stored = finish.result if isinstance(finish.result, dict) else finish.result.to_json()
        result = json.dumps(stored, sort_keys=True)
        row = await conn.fetchrow(_FINISH, *common, result, finish.path_result, finish.score, finish.total)
    if row is None:
        return await _not_written(conn, session_id, now, proposed.question_id)
    return Recorded("recorded", session_from_row(row), proposed.choice_id)


async def _record(conn: Connection, session: QuizSession, now: float, proposed: Proposed) -> Recorded:
    """Write `proposed` for a session read (and expiry applied) in this transaction."""
    if session.status != "in_progress" or session.position != proposed.expected_position:
        return await _not_written(conn, session.id, now, proposed.question_id)
    return await _write(conn, session.id, now, proposed)


async def _active(conn: Connection, user_id: int, now: float) -> list[QuizSession]:
    rows = await conn.fetch(
        f"""
        WITH expired AS ({_EXPIRE} AND s.user_id = $2 RETURNING s.id)
        SELECT * FROM quiz_sessions
        WHERE user_id = $2 AND status = 'in_progress' AND id NOT IN (SELECT id FROM expired)
        ORDER BY updated_at DESC, id DESC
        """,
        now,
        user_id,
    )
    return [session_from_row(row) for row in rows]


class PgQuiz(PgCore):
    """The quiz methods of :class:`bot.storage.protocol.Storage` on PostgreSQL."""

    async def expire_idle_sessions(self) -> int:
        async with self.transaction() as conn:
            return affected(await conn.execute(_EXPIRE, self.now()))

    async def create_session(
        self,
        *,
        guild_id: int | None,
        user_id: int,
        quiz_id: str,
        quiz_version: str,
        seed: int,
        plan: str,
        total: int,
        delivery: Delivery = "dm",
        replace: bool = False,
    ) -> QuizSession:
        now = self.now()
        new = started_session(0, guild_id, user_id, quiz_id, quiz_version, seed, plan, delivery, total, now)
        return await self._create(new, replace=replace)

    async def _create(self, new: QuizSession, *, replace: bool) -> QuizSession:
        now = new.started_at
        async with self.transaction() as conn:
            await conn.execute(
                "SELECT pg_advisory_xact_lock($1, hashtext($2::bigint::text || ':' || $3))",
                STARTING,
                new.user_id,
                new.quiz_id,
            )
            existing = await conn.fetchrow(
                f"""
                WITH expired AS ({_EXPIRE} AND s.user_id = $2 AND s.quiz_id = $3 RETURNING s.id)
                SELECT * FROM quiz_sessions
                WHERE user_id = $2 AND quiz_id = $3 AND status = 'in_progress'
                  AND id NOT IN (SELECT id FROM expired)
                FOR UPDATE
                """,
                now,
                new.user_id,
                new.quiz_id,
            )
            if existing is not None:
                if not replace:
                    raise ActiveSessionExists(session_from_row(existing))
                await conn.execute(
                    "UPDATE quiz_sessions SET status = 'cancelled', finished_at = $2 WHERE id = $1",
                    existing["id"],
                    now,
                )
            session_id = await conn.fetchval(
                """
                INSERT INTO quiz_sessions
                    (guild_id, user_id, quiz_id, quiz_version, seed, plan, delivery, status, position,
                     started_at, updated_at, total)
                VALUES ($1, $2, $3, $4, $5, $6, $7, 'in_progress', 0, $8, $8, $9)
                RETURNING id
                """,
                new.guild_id,
                new.user_id,
                new.quiz_id,
                new.quiz_version,
                new.seed,
                new.plan,
                new.delivery,
                now,
                new.total,
            )
        return dataclasses.replace(new, id=int(session_id))

    async def get_session(self, session_id: int) -> QuizSession | None:
        async with self.transaction() as conn:
            return await _current(conn, session_id, self.now())

    async def session_with_answers(self, session_id: int) -> tuple[QuizSession | None, list[StoredAnswer]]:
        async with self.transaction() as conn:
            return await _current_with_answers(conn, session_id, self.now())

    async def active_session(self, user_id: int, quiz_id: str) -> QuizSession | None:
        sessions = await self.active_sessions(user_id)
        return next((s for s in sessions if s.quiz_id == quiz_id), None)

    async def active_sessions(self, user_id: int) -> list[QuizSession]:
        async with self.transaction() as conn:
            return await _active(conn, user_id, self.now())

    async def plan_text(self, session_id: int) -> str | None:
        async with self.read() as conn:
            plan = await conn.fetchval("SELECT plan FROM quiz_sessions WHERE id = $1", session_id)
        return None if plan is None else str(plan)

    async def session_answers(self, session_id: int) -> list[StoredAnswer]:
        async with self.read() as conn:
            rows = await conn.fetch(
                "SELECT * FROM quiz_answers WHERE session_id = $1 ORDER BY answered_at, ctid", session_id
            )
        return [_answer(row) for row in rows]

    async def record_answer(
        self,
        session_id: int,
        *,
        question_id: str,
        choice_id: str,
        correct: bool | None,
        expected_position: int,
        finish: Finish | None = None,
    ) -> Recorded:
        now = self.now()
        proposed = Proposed(question_id, choice_id, correct, expected_position, finish)
        async with self.transaction() as conn:
            return await _write(conn, session_id, now, proposed)

    async def record_click(
        self, session_id: int, decide: Callable[[QuizSession, list[StoredAnswer]], tuple[D, Proposed | None]]
    ) -> Click[D]:
        now = self.now()
        async with self.transaction() as conn:
            session, answers = await _current_with_answers(conn, session_id, now)
            if session is None:
                return Click(None)
            decision, proposed = decide(session, answers)
            if proposed is None:
                return Click(session, decision)
            return Click(session, decision, await _record(conn, session, now, proposed))

    async def touch_session(self, session_id: int) -> None:
        async with self.transaction() as conn:
            await conn.execute(
                "UPDATE quiz_sessions SET updated_at = $2 WHERE id = $1 AND status = 'in_progress'",
                session_id,
                self.now(),
            )

    async def set_delivery(self, session_id: int, delivery: Delivery) -> bool:
        async with self.transaction() as conn:
            status = await conn.execute(
                "UPDATE quiz_sessions SET delivery = $2, updated_at = $3 WHERE id = $1 AND status = 'in_progress'",
                session_id,
                delivery,
                self.now(),
            )
        return affected(status) > 0

    async def cancel_session(self, session_id: int) -> bool:
        async with self.transaction() as conn:
            status = await conn.execute(
                "UPDATE quiz_sessions SET status = 'cancelled', finished_at = $2"
                " WHERE id = $1 AND status = 'in_progress'",
                session_id,
                self.now(),
            )
        return affected(status) > 0

    async def discard_unstarted(self, session_id: int, *, restore: int | None = None) -> bool:
        async with self.transaction() as conn:
            deleted = affected(
                await conn.execute(
                    "DELETE FROM quiz_sessions WHERE id = $1 AND position = 0"
                    " AND NOT EXISTS (SELECT 1 FROM quiz_answers WHERE session_id = $1)",
                    session_id,
                )
            )
            if deleted and restore is not None:
                await conn.execute(
                    "UPDATE quiz_sessions SET status = 'in_progress', finished_at = NULL"
                    " WHERE id = $1 AND status = 'cancelled'",
                    restore,
                )
        return deleted > 0

    async def member_progress(
        self, user_id: int, *, path_quiz: str = "path", knowledge_quiz: str = "knowledge"
    ) -> MemberProgress:
        async with self.transaction() as conn:
            in_progress = await _active(conn, user_id, self.now())
            last_path = await conn.fetchrow(
                "SELECT * FROM quiz_sessions WHERE user_id = $1 AND quiz_id = $2 AND status = 'completed'"
                " ORDER BY finished_at DESC, id DESC LIMIT 1",
                user_id,
                path_quiz,
            )
            best = await conn.fetchrow(
                "SELECT * FROM quiz_sessions WHERE user_id = $1 AND quiz_id = $2 AND status = 'completed'"
                " AND score IS NOT NULL AND total > 0"
                " ORDER BY score::double precision / total DESC, score DESC, finished_at ASC, id ASC LIMIT 1",
                user_id,
                knowledge_quiz,
            )
            history = await conn.fetch(
                "SELECT * FROM quiz_sessions WHERE user_id = $1 ORDER BY started_at DESC, id DESC LIMIT $2",
                user_id,
                HISTORY_LIMIT,
            )
            counts = await conn.fetch(
                "SELECT quiz_id, COUNT(*) AS n FROM quiz_sessions WHERE user_id = $1"
                " AND (plan::json ->> 'review_of') IS NULL GROUP BY quiz_id",
                user_id,
            )
        return MemberProgress(
            in_progress=in_progress,
            last_path=session_from_row(last_path) if last_path is not None else None,
            best_knowledge=session_from_row(best) if best is not None else None,
            history=[session_from_row(row) for row in history],
            attempts={row["quiz_id"]: int(row["n"]) for row in counts},
        )

    async def latest_completed(self, user_id: int, quiz_id: str) -> QuizSession | None:
        async with self.read() as conn:
            row = await conn.fetchrow(
                "SELECT * FROM quiz_sessions WHERE user_id = $1 AND quiz_id = $2 AND status = 'completed'"
                " ORDER BY finished_at DESC, id DESC LIMIT 1",
                user_id,
                quiz_id,
            )
        return session_from_row(row) if row is not None else None

    async def missed_questions(self, user_id: int, quiz_id: str) -> list[MissedQuestion]:
        async with self.read() as conn:
            rows = await conn.fetch(
                """
                SELECT a.question_id, a.correct
                FROM quiz_answers a JOIN quiz_sessions s ON s.id = a.session_id
                WHERE s.user_id = $1 AND s.quiz_id = $2 AND a.correct IS NOT NULL
                ORDER BY a.answered_at, a.ctid
                """,
                user_id,
                quiz_id,
            )
        misses: dict[str, int] = {}
        answered: dict[str, int] = {}
        last: dict[str, bool] = {}
        for row in rows:
            question = row["question_id"]
            answered[question] = answered.get(question, 0) + 1
            if not row["correct"]:
                misses[question] = misses.get(question, 0) + 1
            last[question] = bool(row["correct"])
        found = [MissedQuestion(q, n, answered[q], last[q]) for q, n in misses.items()]
        return sorted(found, key=lambda m: (-m.misses, m.question_id))

    async def quiz_leaderboard(
        self, guild_id: int, *, quiz_id: str = "knowledge", limit: int = 10
    ) -> list[LeaderboardRow]:
        async with self.read() as conn:
            rows = await conn.fetch(f"{_LEADERBOARD} ORDER BY rank LIMIT $3", guild_id, quiz_id, limit)
        return [leaderboard_row(row) for row in rows]

    async def quiz_leaderboard_entry(
        self, guild_id: int, user_id: int, *, quiz_id: str = "knowledge"
    ) -> LeaderboardRow | None:
        async with self.read() as conn:
            row = await conn.fetchrow(
                f"SELECT * FROM ({_LEADERBOARD}) board WHERE user_id = $3", guild_id, quiz_id, user_id
            )
        return leaderboard_row(row) if row is not None else None
