"""Quiz sessions and answers: the database is the truth for every member's quiz.

Rules kept here:

* One session in progress per member per quiz (a partial unique index in the schema).
* One answer per question per session (the answers table's primary key); :func:`record_answer`
  checks the session's status and position and writes the answer and the new position in one
  transaction, which has committed by the time it returns.
* A session idle for longer than its server's ``quiz_expiry_hours`` (24 by default and for DMs)
  expires; every read of a session applies that rule first, so nobody acts on a stale one.
* A review attempt (its plan names the session it reviews in ``review_of``) stores no ``score``,
  so it never reaches the leaderboard or the best score, and is not counted as an attempt.

Plans are opaque JSON text to this module (the quiz engine writes and reads them). A finished
session's result is read as a :class:`PathSummary` or a :class:`KnowledgeSummary`
(``QuizSession.summary``), tolerant of results stored by earlier versions.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any, Generic, Literal, Protocol, TypeVar

from bot.storage.guilds import DEFAULT_QUIZ_EXPIRY_HOURS
from bot.storage.store import Store

Status = Literal["in_progress", "completed", "cancelled", "expired"]
Delivery = Literal["dm", "ephemeral"]
HISTORY_LIMIT = 10

_EXPIRE_SQL = f"""
    UPDATE quiz_sessions SET status = 'expired', finished_at = ?
    WHERE status = 'in_progress'
      AND updated_at < ? - 3600.0 * COALESCE(
          (SELECT g.quiz_expiry_hours FROM guild_config g WHERE g.guild_id = quiz_sessions.guild_id),
          {DEFAULT_QUIZ_EXPIRY_HOURS})
"""


class RowLike(Protocol):
    """A database row read by column name: sqlite3's and asyncpg's rows both are."""

    def __getitem__(self, key: str, /) -> Any: ...


def _int(value: object) -> int | None:
    return value if isinstance(value, int) else None


@dataclass(frozen=True)
class PathSummary:
    """A path finder's stored result. Results stored before answers were counted have no
    ``*_answers``; older ones may lack more."""

    leaning: str
    strength: int | None = None
    scale: int | None = None
    ai_points: int | None = None
    ml_points: int | None = None
    ai_answers: int | None = None
    ml_answers: int | None = None
    neutral_answers: int | None = None
    kind: Literal["path"] = "path"

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": "path",
            "leaning": self.leaning,
            "strength": self.strength,
            "scale": self.scale,
            "ai_points": self.ai_points,
            "ml_points": self.ml_points,
            "ai_answers": self.ai_answers,
            "ml_answers": self.ml_answers,
            "neutral_answers": self.neutral_answers,
        }


@dataclass(frozen=True)
class KnowledgeSummary:
    """A knowledge check's stored result; ``review_of`` names the attempt a review retried."""

    score: int | None = None
    total: int | None = None
    pass_mark: int | None = None
    passed: bool = False
    review_of: int | None = None
    kind: Literal["knowledge"] = "knowledge"

    def to_json(self) -> dict[str, Any]:
        summary: dict[str, Any] = {
            "kind": "knowledge",
            "score": self.score,
            "total": self.total,
            "pass_mark": self.pass_mark,
            "passed": self.passed,
        }
        if self.review_of is not None:
            summary["review_of"] = self.review_of
        return summary


ResultSummary = PathSummary | KnowledgeSummary


def summary_of(result: Mapping[str, Any] | None, *, path: bool = False) -> ResultSummary | None:
    """The typed view of a stored result (None when there is none); `path` reads a result that
    names no kind as a path finder's."""
    if result is None:
        return None
    if result.get("kind", "path" if path else None) == "path":
        return PathSummary(
            leaning=str(result.get("leaning", "")),
            strength=_int(result.get("strength")),
            scale=_int(result.get("scale")),
            ai_points=_int(result.get("ai_points")),
            ml_points=_int(result.get("ml_points")),
            ai_answers=_int(result.get("ai_answers")),
            ml_answers=_int(result.get("ml_answers")),
            neutral_answers=_int(result.get("neutral_answers")),
        )
    return KnowledgeSummary(
        score=_int(result.get("score")),
        total=_int(result.get("total")),
        pass_mark=_int(result.get("pass_mark")),
        passed=bool(result.get("passed")),
        review_of=_int(result.get("review_of")),
    )


@dataclass(frozen=True)
class QuizSession:
    id: int
    guild_id: int | None
    user_id: int
    quiz_id: str
    quiz_version: str
    seed: int
    plan: str
    delivery: Delivery
    status: Status
    position: int
    started_at: float
    updated_at: float
    finished_at: float | None
    result: dict[str, Any] | None
    path_result: str | None
    score: int | None
    total: int | None

    @property
    def active(self) -> bool:
        return self.status == "in_progress"

    @property
    def summary(self) -> ResultSummary | None:
        return summary_of(self.result, path=self.path_result is not None)


@dataclass(frozen=True)
class StoredAnswer:
    session_id: int
    question_id: str
    choice_id: str
    correct: bool | None
    answered_at: float


@dataclass(frozen=True)
class Finish:
    """What to store when the answer being recorded completes the session."""

    result: ResultSummary | dict[str, Any]
    path_result: str | None = None
    score: int | None = None
    total: int | None = None


@dataclass(frozen=True)
class Recorded:
    """The outcome of :func:`record_answer`.

    * ``status == "recorded"``: the answer is new and committed.
    * ``status == "duplicate"``: the question was already answered; ``choice_id`` is the first answer.
    * ``status == "closed"``: the session is no longer in progress (``session.status`` says why).
    * ``status == "moved"``: the session's position changed since it was read; nothing was written.
    """

    status: Literal["recorded", "duplicate", "closed", "moved"]
    session: QuizSession
    choice_id: str | None = None


class ActiveSessionExists(Exception):
    """The member already has this quiz in progress."""

    def __init__(self, session: QuizSession) -> None:
        self.session = session
        super().__init__(f"session {session.id} of {session.quiz_id} is already in progress")


def session_from_row(row: RowLike) -> QuizSession:
    """A session from a row of quiz_sessions (either backend's row type)."""
    result = row["result"]
    return QuizSession(
        id=int(row["id"]),
        guild_id=row["guild_id"],
        user_id=int(row["user_id"]),
        quiz_id=row["quiz_id"],
        quiz_version=row["quiz_version"],
        seed=int(row["seed"]),
        plan=row["plan"],
        delivery=row["delivery"],
        status=row["status"],
        position=int(row["position"]),
        started_at=float(row["started_at"]),
        updated_at=float(row["updated_at"]),
        finished_at=row["finished_at"],
        result=json.loads(result) if result else None,
        path_result=row["path_result"],
        score=row["score"],
        total=row["total"],
    )


def _one(conn: sqlite3.Connection, sql: str, params: Sequence[Any]) -> QuizSession | None:
    row = conn.execute(sql, params).fetchone()
    return session_from_row(row) if row is not None else None


def _expire_where(conn: sqlite3.Connection, now: float, clause: str, params: Sequence[Any]) -> None:
    conn.execute(f"{_EXPIRE_SQL} AND {clause}", (now, now, *params))


_SESSION_WITH_EXPIRY = f"""
    SELECT s.*, COALESCE(g.quiz_expiry_hours, {DEFAULT_QUIZ_EXPIRY_HOURS}) AS expiry_hours
    FROM quiz_sessions s LEFT JOIN guild_config g ON g.guild_id = s.guild_id
    WHERE s.id = ?
"""


def _current(conn: sqlite3.Connection, session_id: int, now: float) -> QuizSession | None:
    """The session, expiring it first when it has been idle past its server's limit."""
    row = conn.execute(_SESSION_WITH_EXPIRY, (session_id,)).fetchone()
    if row is None:
        return None
    session = session_from_row(row)
    if session.status == "in_progress" and session.updated_at < now - 3600.0 * float(row["expiry_hours"]):
        conn.execute("UPDATE quiz_sessions SET status = 'expired', finished_at = ? WHERE id = ?", (now, session_id))
        session = replace(session, status="expired", finished_at=now)
    return session


def _answers(conn: sqlite3.Connection, session_id: int) -> list[StoredAnswer]:
    rows = conn.execute(
        "SELECT * FROM quiz_answers WHERE session_id = ? ORDER BY answered_at, rowid", (session_id,)
    ).fetchall()
    return [
        StoredAnswer(
            session_id=int(row["session_id"]),
            question_id=row["question_id"],
            choice_id=row["choice_id"],
            correct=None if row["correct"] is None else bool(row["correct"]),
            answered_at=float(row["answered_at"]),
        )
        for row in rows
    ]


async def expire_idle_sessions(store: Store) -> int:
    """Expire every session idle beyond its server's limit; returns how many expired."""
    now = store.now()
    return await store.execute(_EXPIRE_SQL, (now, now))


def started_session(
    session_id: int,
    guild_id: int | None,
    user_id: int,
    quiz_id: str,
    quiz_version: str,
    seed: int,
    plan: str,
    delivery: Delivery,
    total: int,
    now: float,
) -> QuizSession:
    """A session as it is the moment it starts: in progress at its first question, no result yet."""
    return QuizSession(
        id=session_id,
        guild_id=guild_id,
        user_id=user_id,
        quiz_id=quiz_id,
        quiz_version=quiz_version,
        seed=seed,
        plan=plan,
        delivery=delivery,
        status="in_progress",
        position=0,
        started_at=now,
        updated_at=now,
        finished_at=None,
        result=None,
        path_result=None,
        score=None,
        total=total,
    )


async def create_session(
    store: Store,
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
    """Start a session. With `replace`, a session already in progress for this member and quiz is
    cancelled in the same transaction; without it, :class:`ActiveSessionExists` is raised."""
    now = store.now()

    def work(conn: sqlite3.Connection) -> QuizSession:
        _expire_where(conn, now, "user_id = ? AND quiz_id = ?", (user_id, quiz_id))
        existing = _one(
            conn,
            "SELECT * FROM quiz_sessions WHERE user_id = ? AND quiz_id = ? AND status = 'in_progress'",
            (user_id, quiz_id),
        )
        if existing is not None:
            if not replace:
                raise ActiveSessionExists(existing)
            conn.execute(
                "UPDATE quiz_sessions SET status = 'cancelled', finished_at = ? WHERE id = ?", (now, existing.id)
            )
        cursor = conn.execute(
            """
            INSERT INTO quiz_sessions
                (guild_id, user_id, quiz_id, quiz_version, seed, plan, delivery, status, position,
                 started_at, updated_at, total)
            VALUES (?, ?, ?, ?, ?, ?, ?, 'in_progress', 0, ?, ?, ?)
            """,
            (guild_id, user_id, quiz_id, quiz_version, seed, plan, delivery, now, now, total),
        )
        if cursor.lastrowid is None:
            raise RuntimeError("the new session got no id")
        return started_session(
            cursor.lastrowid, guild_id, user_id, quiz_id, quiz_version, seed, plan, delivery, total, now
        )

    return await store.run(work)


async def get_session(store: Store, session_id: int) -> QuizSession | None:
    """The session, after applying the expiry rule to it."""
    now = store.now()
    return await store.run(lambda conn: _current(conn, session_id, now))


async def session_with_answers(store: Store, session_id: int) -> tuple[QuizSession | None, list[StoredAnswer]]:
    """The session (after the expiry rule) and its answers, in one step: what a click needs."""
    now = store.now()

    def work(conn: sqlite3.Connection) -> tuple[QuizSession | None, list[StoredAnswer]]:
        session = _current(conn, session_id, now)
        return session, (_answers(conn, session_id) if session is not None else [])

    return await store.run(work)


async def active_session(store: Store, user_id: int, quiz_id: str) -> QuizSession | None:
    """The member's session of this quiz that is in progress, if any (after expiry)."""
    sessions = await active_sessions(store, user_id)
    return next((s for s in sessions if s.quiz_id == quiz_id), None)


async def active_sessions(store: Store, user_id: int) -> list[QuizSession]:
    """All of the member's sessions in progress, most recently used first (after expiry)."""
    now = store.now()

    def work(conn: sqlite3.Connection) -> list[QuizSession]:
        _expire_where(conn, now, "user_id = ?", (user_id,))
        rows = conn.execute(
            "SELECT * FROM quiz_sessions WHERE user_id = ? AND status = 'in_progress'"
            " ORDER BY updated_at DESC, id DESC",
            (user_id,),
        ).fetchall()
        return [session_from_row(row) for row in rows]

    return await store.run(work)


async def plan_text(store: Store, session_id: int) -> str | None:
    """The session's stored plan (it never changes once the session starts)."""

    def work(conn: sqlite3.Connection) -> str | None:
        row = conn.execute("SELECT plan FROM quiz_sessions WHERE id = ?", (session_id,)).fetchone()
        return None if row is None else str(row[0])

    return await store.read(work)


async def answers(store: Store, session_id: int) -> list[StoredAnswer]:
    """The session's answers in the order they were given."""
    return await store.read(lambda conn: _answers(conn, session_id))


async def record_answer(
    store: Store,
    session_id: int,
    *,
    question_id: str,
    choice_id: str,
    correct: bool | None,
    expected_position: int,
    finish: Finish | None = None,
) -> Recorded:
    """Write one answer exactly once, and the session's new position (and result, on the last one).

    The answer is written only when the session is in progress, not idle past its expiry, and
    still at `expected_position` (the position the caller validated against). One transaction,
    committed on return.
    """
    now = store.now()
    proposed = Proposed(question_id, choice_id, correct, expected_position, finish)
    return await store.run(lambda conn: _record(conn, session_id, now, proposed))


@dataclass(frozen=True)
class Proposed:
    """An answer the quiz engine accepted, to be written by :func:`record_answer` or :func:`click`."""

    question_id: str
    choice_id: str
    correct: bool | None
    expected_position: int
    finish: Finish | None = None


D = TypeVar("D")


@dataclass(frozen=True)
class Click(Generic[D]):
    """What :func:`click` found and did: the session as read, the caller's decision, and the write."""

    session: QuizSession | None
    decision: D | None = None
    recorded: Recorded | None = None


async def click(
    store: Store,
    session_id: int,
    decide: Callable[[QuizSession, list[StoredAnswer]], tuple[D, Proposed | None]],
) -> Click[D]:
    """Read the session and its answers, let `decide` validate the click, and record the answer it
    proposes, all in one transaction (one hand-off to the database). `decide` runs on the
    database's thread, may run more than once, and must not touch anything but its arguments."""
    now = store.now()

    def work(conn: sqlite3.Connection) -> Click[D]:
        session = _current(conn, session_id, now)
        if session is None:
            return Click(None)
        decision, proposed = decide(session, _answers(conn, session_id))
        if proposed is None:
            return Click(session, decision)
        return Click(session, decision, _record(conn, session_id, now, proposed))

    return await store.run(work)


def _earlier(conn: sqlite3.Connection, session_id: int, question_id: str) -> str | None:
    row = conn.execute(
        "SELECT choice_id FROM quiz_answers WHERE session_id = ? AND question_id = ?", (session_id, question_id)
    ).fetchone()
    return None if row is None else str(row["choice_id"])


def _record(conn: sqlite3.Connection, session_id: int, now: float, proposed: Proposed) -> Recorded:
    question_id, choice_id, correct = proposed.question_id, proposed.choice_id, proposed.correct
    expected_position, finish = proposed.expected_position, proposed.finish
    session = _current(conn, session_id, now)
    if session is None:
        raise LookupError(f"no quiz session {session_id}")
    if session.status != "in_progress" or session.position != expected_position:
        first = _earlier(conn, session_id, question_id)
        if first is not None:
            return Recorded("duplicate", session, first)
        return Recorded("closed" if session.status != "in_progress" else "moved", session)
    try:
        conn.execute(
            "INSERT INTO quiz_answers (session_id, question_id, choice_id, correct, answered_at)"
            " VALUES (?, ?, ?, ?, ?)",
            (session_id, question_id, choice_id, None if correct is None else int(correct), now),
        )
    except sqlite3.IntegrityError:
        return Recorded("duplicate", session, _earlier(conn, session_id, question_id))
    position = expected_position + 1
    if finish is None:
        conn.execute("UPDATE quiz_sessions SET position = ?, updated_at = ? WHERE id = ?", (position, now, session_id))
        return Recorded("recorded", replace(session, position=position, updated_at=now), choice_id)
    stored = finish.result if isinstance(finish.result, dict) else finish.result.to_json()
    result = json.dumps(stored, sort_keys=True)
    total = finish.total if finish.total is not None else session.total
    conn.execute(
        """
        UPDATE quiz_sessions
        SET position = ?, updated_at = ?, status = 'completed', finished_at = ?,
            result = ?, path_result = ?, score = ?, total = ?
        WHERE id = ?
        """,
        (position, now, now, result, finish.path_result, finish.score, total, session_id),
    )
    done = replace(
        session,
        position=position,
        updated_at=now,
        status="completed",
        finished_at=now,
        result=json.loads(result),
        path_result=finish.path_result,
        score=finish.score,
        total=total,
    )
    return Recorded("recorded", done, choice_id)


async def touch_session(store: Store, session_id: int) -> None:
    """Count a resume as activity, so the idle clock restarts."""
    await store.execute(
        "UPDATE quiz_sessions SET updated_at = ? WHERE id = ? AND status = 'in_progress'",
        (store.now(), session_id),
    )


async def set_delivery(store: Store, session_id: int, delivery: Delivery) -> bool:
    """Move a session in progress to another delivery (the member's DMs are closed: 'ephemeral')."""
    changed = await store.execute(
        "UPDATE quiz_sessions SET delivery = ?, updated_at = ? WHERE id = ? AND status = 'in_progress'",
        (delivery, store.now(), session_id),
    )
    return changed > 0


async def cancel_session(store: Store, session_id: int) -> bool:
    """Cancel a session in progress; False when it was not in progress."""
    now = store.now()
    changed = await store.execute(
        "UPDATE quiz_sessions SET status = 'cancelled', finished_at = ? WHERE id = ? AND status = 'in_progress'",
        (now, session_id),
    )
    return changed > 0


async def discard_unstarted(store: Store, session_id: int, *, restore: int | None = None) -> bool:
    """Delete a session that has no answers (its first question could not be delivered).

    `restore` names the session this one replaced ("Start over"): it is put back in progress in
    the same transaction, so a start-over that never reached the member loses nothing.
    """

    def work(conn: sqlite3.Connection) -> bool:
        cursor = conn.execute(
            "DELETE FROM quiz_sessions WHERE id = ? AND position = 0"
            " AND NOT EXISTS (SELECT 1 FROM quiz_answers WHERE session_id = ?)",
            (session_id, session_id),
        )
        deleted = cursor.rowcount > 0
        if deleted and restore is not None:
            conn.execute(
                "UPDATE quiz_sessions SET status = 'in_progress', finished_at = NULL"
                " WHERE id = ? AND status = 'cancelled'",
                (restore,),
            )
        return deleted

    return await store.run(work)


@dataclass(frozen=True)
class MemberProgress:
    in_progress: list[QuizSession]
    last_path: QuizSession | None
    best_knowledge: QuizSession | None
    history: list[QuizSession]
    attempts: dict[str, int]


async def member_progress(
    store: Store, user_id: int, *, path_quiz: str = "path", knowledge_quiz: str = "knowledge"
) -> MemberProgress:
    """Everything /quiz progress shows, across every server the member used."""
    in_progress = await active_sessions(store, user_id)
    last_path_row = await store.fetchone(
        "SELECT * FROM quiz_sessions WHERE user_id = ? AND quiz_id = ? AND status = 'completed'"
        " ORDER BY finished_at DESC, id DESC LIMIT 1",
        (user_id, path_quiz),
    )
    best_row = await store.fetchone(
        "SELECT * FROM quiz_sessions WHERE user_id = ? AND quiz_id = ? AND status = 'completed'"
        " AND score IS NOT NULL AND total > 0"
        " ORDER BY CAST(score AS REAL) / total DESC, score DESC, finished_at ASC, id ASC LIMIT 1",
        (user_id, knowledge_quiz),
    )
    history_rows = await store.fetchall(
        "SELECT * FROM quiz_sessions WHERE user_id = ? ORDER BY started_at DESC, id DESC LIMIT ?",
        (user_id, HISTORY_LIMIT),
    )
    count_rows = await store.fetchall(
        "SELECT quiz_id, COUNT(*) AS n FROM quiz_sessions WHERE user_id = ?"
        " AND json_extract(plan, '$.review_of') IS NULL GROUP BY quiz_id",
        (user_id,),
    )
    return MemberProgress(
        in_progress=in_progress,
        last_path=session_from_row(last_path_row) if last_path_row is not None else None,
        best_knowledge=session_from_row(best_row) if best_row is not None else None,
        history=[session_from_row(row) for row in history_rows],
        attempts={row["quiz_id"]: int(row["n"]) for row in count_rows},
    )


async def latest_completed(store: Store, user_id: int, quiz_id: str) -> QuizSession | None:
    """The member's most recently finished session of this quiz (a review counts)."""
    row = await store.fetchone(
        "SELECT * FROM quiz_sessions WHERE user_id = ? AND quiz_id = ? AND status = 'completed'"
        " ORDER BY finished_at DESC, id DESC LIMIT 1",
        (user_id, quiz_id),
    )
    return session_from_row(row) if row is not None else None


@dataclass(frozen=True)
class MissedQuestion:
    question_id: str
    misses: int
    answered: int
    last_correct: bool


async def missed_questions(store: Store, user_id: int, quiz_id: str) -> list[MissedQuestion]:
    """Every question this member has answered wrongly at least once, most often missed first,
    with whether their latest answer to it was right."""

    def work(conn: sqlite3.Connection) -> list[MissedQuestion]:
        rows = conn.execute(
            """
            SELECT a.question_id, a.correct, a.answered_at
            FROM quiz_answers a JOIN quiz_sessions s ON s.id = a.session_id
            WHERE s.user_id = ? AND s.quiz_id = ? AND a.correct IS NOT NULL
            ORDER BY a.answered_at, a.rowid
            """,
            (user_id, quiz_id),
        ).fetchall()
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

    return await store.read(work)


@dataclass(frozen=True)
class LeaderboardRow:
    rank: int
    user_id: int
    score: int
    total: int
    achieved_at: float
    attempts: int


_LEADERBOARD_SQL = """
    WITH best AS (
        SELECT user_id, score, total, finished_at, id,
               ROW_NUMBER() OVER (
                   PARTITION BY user_id
                   ORDER BY CAST(score AS REAL) / total DESC, score DESC, finished_at ASC, id ASC
               ) AS pick,
               COUNT(*) OVER (PARTITION BY user_id) AS attempts
        FROM quiz_sessions
        WHERE guild_id = ? AND quiz_id = ? AND status = 'completed'
          AND score IS NOT NULL AND total > 0
    )
    SELECT user_id, score, total, finished_at, attempts,
           ROW_NUMBER() OVER (
               ORDER BY CAST(score AS REAL) / total DESC, score DESC, finished_at ASC, id ASC
           ) AS rank
    FROM best WHERE pick = 1
    ORDER BY rank
"""


async def leaderboard(
    store: Store, guild_id: int, *, quiz_id: str = "knowledge", limit: int = 10
) -> list[LeaderboardRow]:
    """Best knowledge score per member in this server; equal scores rank by who reached theirs first."""
    rows = await store.fetchall(f"{_LEADERBOARD_SQL} LIMIT ?", (guild_id, quiz_id, limit))
    return [leaderboard_row(row) for row in rows]


async def leaderboard_entry(
    store: Store, guild_id: int, user_id: int, *, quiz_id: str = "knowledge"
) -> LeaderboardRow | None:
    """This member's line on the server's leaderboard, wherever it is."""
    row = await store.fetchone(f"SELECT * FROM ({_LEADERBOARD_SQL}) WHERE user_id = ?", (guild_id, quiz_id, user_id))
    return leaderboard_row(row) if row is not None else None


def leaderboard_row(row: RowLike) -> LeaderboardRow:
    return LeaderboardRow(
        rank=int(row["rank"]),
        user_id=int(row["user_id"]),
        score=int(row["score"]),
        total=int(row["total"]),
        achieved_at=float(row["finished_at"]),
        attempts=int(row["attempts"]),
    )
