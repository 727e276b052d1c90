"""What admins see about their server: unanswered questions and usage figures.

Every query is scoped to one server and a window of the last N days, measured with the store's
clock. Questions come from `ask_log` (written by /ask and /faq); quiz figures come from
`quiz_sessions`, counting the sessions started inside the window.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Protocol

from bot.storage.store import Store

SECONDS_PER_DAY = 86_400
MIN_DAYS = 1
MAX_DAYS = 365
DEFAULT_UNANSWERED_LIMIT = 1_000
DEFAULT_TOP_ENTRIES = 10


class Clocked(Protocol):
    """A store on either backend, as far as time windows need it."""

    def now(self) -> float: ...


def window_start(store: Clocked, days: int) -> float:
    """The epoch second where a window of the last `days` days begins."""
    if not MIN_DAYS <= days <= MAX_DAYS:
        raise ValueError(f"days must be between {MIN_DAYS} and {MAX_DAYS}, got {days}")
    return store.now() - days * SECONDS_PER_DAY


@dataclass(frozen=True)
class UnansweredQuestion:
    """One question, as members worded it, that the knowledge base did not answer well."""

    normalized: str
    question: str  # the most recent wording members used
    count: int
    members: int
    last_asked: float
    best_score: float


async def unanswered_questions(
    store: Store,
    guild_id: int,
    days: int,
    *,
    low_confidence: float | None = None,
    limit: int = DEFAULT_UNANSWERED_LIMIT,
) -> list[UnansweredQuestion]:
    """Declined questions, and answered ones scored below `low_confidence`, grouped by their
    normalized text; most frequent first, then most recent."""
    since = window_start(store, days)
    threshold = float("-inf") if low_confidence is None else low_confidence
    # A question an admin answered from Discord (kb_resolved) leaves the list until asked again.
    where = (
        "guild_id = ? AND asked_at >= ? AND (matched = 0 OR score < ?) AND NOT EXISTS ("
        "SELECT 1 FROM kb_resolved r WHERE r.guild_id = ask_log.guild_id "
        "AND r.normalized = ask_log.normalized AND r.resolved_at >= ask_log.asked_at)"
    )
    params = (guild_id, since, threshold)
    groups = await store.fetchall(
        f"""
        SELECT normalized,
               COUNT(*) AS asked,
               COUNT(DISTINCT user_id) AS members,
               MAX(asked_at) AS last_asked,
               MAX(score) AS best_score
        FROM ask_log
        WHERE {where}
        GROUP BY normalized
        ORDER BY asked DESC, last_asked DESC, normalized
        LIMIT ?
        """,
        (*params, limit),
    )
    # With exactly one MAX() aggregate, SQLite takes the bare column `question` from the row
    # holding that maximum: the most recent wording of each question.
    latest = {
        row["normalized"]: row["question"]
        for row in await store.fetchall(
            f"SELECT normalized, question, MAX(asked_at) FROM ask_log WHERE {where} GROUP BY normalized",
            params,
        )
    }
    return [
        UnansweredQuestion(
            normalized=row["normalized"],
            question=latest.get(row["normalized"], row["normalized"]),
            count=int(row["asked"]),
            members=int(row["members"]),
            last_asked=float(row["last_asked"]),
            best_score=float(row["best_score"]),
        )
        for row in groups
    ]


@dataclass(frozen=True)
class FaqStats:
    asked: int = 0
    answered: int = 0
    declined: int = 0
    low_confidence: int = 0
    top_entries: tuple[tuple[str, int], ...] = ()
    helpful: int = 0  # answers members marked "Helpful"
    not_helpful: int = 0  # answers members marked "Not what I asked"

    @property
    def answer_rate(self) -> float | None:
        return self.answered / self.asked if self.asked else None


@dataclass(frozen=True)
class QuizStats:
    quiz_id: str
    started: int = 0
    completed: int = 0
    in_progress: int = 0
    cancelled: int = 0
    expired: int = 0

    @property
    def completion_rate(self) -> float | None:
        return self.completed / self.started if self.started else None


@dataclass(frozen=True)
class ScoreStats:
    """Knowledge-check results: `distribution` maps correct answers to how many sessions had them."""

    count: int = 0
    average_score: float | None = None
    average_fraction: float | None = None
    out_of: int | None = None
    distribution: Mapping[int, int] = field(default_factory=dict)


@dataclass(frozen=True)
class ServerStats:
    guild_id: int
    days: int
    since: float
    faq: FaqStats
    quizzes: tuple[QuizStats, ...]
    path_results: Mapping[str, int]
    scores: ScoreStats

    @property
    def quiz_starts(self) -> int:
        return sum(q.started for q in self.quizzes)

    @property
    def quiz_completions(self) -> int:
        return sum(q.completed for q in self.quizzes)

    @property
    def completion_rate(self) -> float | None:
        return self.quiz_completions / self.quiz_starts if self.quiz_starts else None

    @property
    def is_empty(self) -> bool:
        return self.faq.asked == 0 and self.quiz_starts == 0


async def faq_stats(
    store: Store,
    guild_id: int,
    since: float,
    *,
    low_confidence: float | None = None,
    top: int = DEFAULT_TOP_ENTRIES,
) -> FaqStats:
    threshold = float("-inf") if low_confidence is None else low_confidence
    totals = await store.fetchone(
        """
        SELECT COUNT(*) AS asked,
               COALESCE(SUM(matched = 1), 0) AS answered,
               COALESCE(SUM(matched = 0), 0) AS declined,
               COALESCE(SUM(matched = 1 AND score < ?), 0) AS low
        FROM ask_log
        WHERE guild_id = ? AND asked_at >= ? AND command = 'ask'
        """,
        (threshold, guild_id, since),
    )
    entries = await store.fetchall(
        """
        SELECT entry_id, COUNT(*) AS uses
        FROM ask_log
        WHERE guild_id = ? AND asked_at >= ? AND matched = 1 AND entry_id IS NOT NULL
        GROUP BY entry_id
        ORDER BY uses DESC, entry_id
        LIMIT ?
        """,
        (guild_id, since, top),
    )
    votes = await store.fetchone(
        """
        SELECT COALESCE(SUM(helpful = 1), 0) AS helpful, COALESCE(SUM(helpful = 0), 0) AS not_helpful
        FROM ask_votes
        WHERE guild_id = ? AND voted_at >= ?
        """,
        (guild_id, since),
    )
    if totals is None:
        return FaqStats()
    return FaqStats(
        asked=int(totals["asked"]),
        answered=int(totals["answered"]),
        declined=int(totals["declined"]),
        low_confidence=int(totals["low"]),
        top_entries=tuple((row["entry_id"], int(row["uses"])) for row in entries),
        helpful=int(votes["helpful"]) if votes else 0,
        not_helpful=int(votes["not_helpful"]) if votes else 0,
    )


async def quiz_stats(store: Store, guild_id: int, since: float) -> tuple[QuizStats, ...]:
    rows = await store.fetchall(
        """
        SELECT quiz_id,
               COUNT(*) AS started,
               SUM(status = 'completed') AS completed,
               SUM(status = 'in_progress') AS in_progress,
               SUM(status = 'cancelled') AS cancelled,
               SUM(status = 'expired') AS expired
        FROM quiz_sessions
        WHERE guild_id = ? AND started_at >= ?
        GROUP BY quiz_id
        ORDER BY quiz_id
        """,
        (guild_id, since),
    )
    return tuple(
        QuizStats(
            quiz_id=row["quiz_id"],
            started=int(row["started"]),
            completed=int(row["completed"]),
            in_progress=int(row["in_progress"]),
            cancelled=int(row["cancelled"]),
            expired=int(row["expired"]),
        )
        for row in rows
    )


async def path_results(store: Store, guild_id: int, since: float) -> dict[str, int]:
    rows = await store.fetchall(
        """
        SELECT path_result, COUNT(*) AS n
        FROM quiz_sessions
        WHERE guild_id = ? AND started_at >= ? AND status = 'completed' AND path_result IS NOT NULL
        GROUP BY path_result
        ORDER BY n DESC, path_result
        """,
        (guild_id, since),
    )
    return {row["path_result"]: int(row["n"]) for row in rows}


async def score_stats(store: Store, guild_id: int, since: float) -> ScoreStats:
    rows = await store.fetchall(
        """
        SELECT score, total
        FROM quiz_sessions
        WHERE guild_id = ? AND started_at >= ? AND status = 'completed'
          AND score IS NOT NULL AND total IS NOT NULL AND total > 0
        """,
        (guild_id, since),
    )
    if not rows:
        return ScoreStats()
    scores = [int(row["score"]) for row in rows]
    totals = [int(row["total"]) for row in rows]
    distribution: dict[int, int] = {}
    for score in scores:
        distribution[score] = distribution.get(score, 0) + 1
    return ScoreStats(
        count=len(rows),
        average_score=sum(scores) / len(scores),
        average_fraction=math.fsum(s / t for s, t in zip(scores, totals, strict=True)) / len(rows),
        out_of=max(totals),
        distribution=dict(sorted(distribution.items())),
    )


async def server_stats(store: Store, guild_id: int, days: int, *, low_confidence: float | None = None) -> ServerStats:
    """Every figure /stats shows, for one server over the last `days` days."""
    since = window_start(store, days)
    return ServerStats(
        guild_id=guild_id,
        days=days,
        since=since,
        faq=await faq_stats(store, guild_id, since, low_confidence=low_confidence),
        quizzes=await quiz_stats(store, guild_id, since),
        path_results=await path_results(store, guild_id, since),
        scores=await score_stats(store, guild_id, since),
    )


@dataclass(frozen=True)
class LiveSession:
    """An in-progress quiz session, as a content reload needs to see it."""

    session_id: int
    quiz_id: str
    quiz_version: str


async def live_sessions(store: Store) -> list[LiveSession]:
    """Every quiz session still in progress, in any server or DM."""
    rows = await store.fetchall(
        "SELECT id, quiz_id, quiz_version FROM quiz_sessions WHERE status = 'in_progress' ORDER BY id"
    )
    sessions: list[LiveSession] = []
    for row in rows:
        sessions.append(
            LiveSession(
                session_id=int(row["id"]),
                quiz_id=row["quiz_id"],
                quiz_version=row["quiz_version"],
            )
        )
    return sessions
