"""PostgreSQL queries for the stats part of the storage protocol (see bot.storage.stats for SQLite's).

The figures are the same as SQLite's: counts of 0/1 flags use `COUNT(*) FILTER`, ratios are
computed in Python from whole counts, and text sorts by code point (`COLLATE "C"`, as SQLite
compares text) whatever the database's locale. /stats reads all its figures in one snapshot.
"""

from __future__ import annotations

import math

from bot.storage.postgres.core import Connection, PgCore
from bot.storage.stats import (
    DEFAULT_TOP_ENTRIES,
    DEFAULT_UNANSWERED_LIMIT,
    FaqStats,
    LiveSession,
    QuizStats,
    ScoreStats,
    ServerStats,
    UnansweredQuestion,
    window_start,
)


async def _faq_stats(conn: Connection, guild_id: int, since: float, low_confidence: float | None, top: int) -> FaqStats:
    threshold = float("-inf") if low_confidence is None else low_confidence
    totals = await conn.fetchrow(
        """
        SELECT COUNT(*) AS asked,
               COUNT(*) FILTER (WHERE matched = 1) AS answered,
               COUNT(*) FILTER (WHERE matched = 0) AS declined,
               COUNT(*) FILTER (WHERE matched = 1 AND score < $1) AS low
        FROM ask_log
        WHERE guild_id = $2 AND asked_at >= $3 AND command = 'ask'
        """,
        threshold,
        guild_id,
        since,
    )
    entries = await conn.fetch(
        """
        SELECT entry_id, COUNT(*) AS uses
        FROM ask_log
        WHERE guild_id = $1 AND asked_at >= $2 AND matched = 1 AND entry_id IS NOT NULL
        GROUP BY entry_id
        ORDER BY uses DESC, entry_id COLLATE "C"
        LIMIT $3
        """,
        guild_id,
        since,
        top,
    )
    votes = await conn.fetchrow(
        """
        SELECT COUNT(*) FILTER (WHERE helpful = 1) AS helpful, COUNT(*) FILTER (WHERE helpful = 0) AS not_helpful
        FROM ask_votes
        WHERE guild_id = $1 AND voted_at >= $2
        """,
        guild_id,
        since,
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


async def _quiz_stats(conn: Connection, guild_id: int, since: float) -> tuple[QuizStats, ...]:
    rows = await conn.fetch(
        """
        SELECT quiz_id,
               COUNT(*) AS started,
               COUNT(*) FILTER (WHERE status = 'completed') AS completed,
               COUNT(*) FILTER (WHERE status = 'in_progress') AS in_progress,
               COUNT(*) FILTER (WHERE status = 'cancelled') AS cancelled,
               COUNT(*) FILTER (WHERE status = 'expired') AS expired
        FROM quiz_sessions
        WHERE guild_id = $1 AND started_at >= $2
        GROUP BY quiz_id
        ORDER BY quiz_id COLLATE "C"
        """,
        guild_id,
        since,
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


async def _path_results(conn: Connection, guild_id: int, since: float) -> dict[str, int]:
    rows = await conn.fetch(
        """
        SELECT path_result, COUNT(*) AS n
        FROM quiz_sessions
        WHERE guild_id = $1 AND started_at >= $2 AND status = 'completed' AND path_result IS NOT NULL
        GROUP BY path_result
        ORDER BY n DESC, path_result COLLATE "C"
        """,
        guild_id,
        since,
    )
    return {row["path_result"]: int(row["n"]) for row in rows}


async def _score_stats(conn: Connection, guild_id: int, since: float) -> ScoreStats:
    rows = await conn.fetch(
        """
        SELECT score, total
        FROM quiz_sessions
        WHERE guild_id = $1 AND started_at >= $2 AND status = 'completed'
          AND score IS NOT NULL AND total IS NOT NULL AND total > 0
        ORDER BY id
        """,
        guild_id,
        since,
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


class PgStats(PgCore):
    """The stats methods of :class:`bot.storage.protocol.Storage` on PostgreSQL."""

    async def unanswered_questions(
        self,
        guild_id: int,
        days: int,
        *,
        low_confidence: float | None = None,
        limit: int = DEFAULT_UNANSWERED_LIMIT,
    ) -> list[UnansweredQuestion]:
        since = window_start(self, days)
        threshold = float("-inf") if low_confidence is None else low_confidence
        # A question an admin answered from Discord (kb_resolved) leaves the list until asked again;
        # each group shows the most recent wording members used.
        async with self.read() as conn:
            rows = await conn.fetch(
                """
                WITH hits AS (
                    SELECT a.id, a.normalized, a.question, a.user_id, a.asked_at, a.score
                    FROM ask_log a
                    WHERE a.guild_id = $1 AND a.asked_at >= $2 AND (a.matched = 0 OR a.score < $3)
                      AND NOT EXISTS (
                          SELECT 1 FROM kb_resolved r
                          WHERE r.guild_id = a.guild_id AND r.normalized = a.normalized
                            AND r.resolved_at >= a.asked_at)
                ), groups AS (
                    SELECT normalized, COUNT(*) AS asked, COUNT(DISTINCT user_id) AS members,
                           MAX(asked_at) AS last_asked, MAX(score) AS best_score
                    FROM hits GROUP BY normalized
                ), latest AS (
                    SELECT DISTINCT ON (normalized) normalized, question
                    FROM hits ORDER BY normalized, asked_at DESC, id DESC
                )
                SELECT g.normalized, g.asked, g.members, g.last_asked, g.best_score, l.question
                FROM groups g JOIN latest l ON l.normalized = g.normalized
                ORDER BY g.asked DESC, g.last_asked DESC, g.normalized COLLATE "C"
                LIMIT $4
                """,
                guild_id,
                since,
                threshold,
                limit,
            )
        return [
            UnansweredQuestion(
                normalized=row["normalized"],
                question=row["question"],
                count=int(row["asked"]),
                members=int(row["members"]),
                last_asked=float(row["last_asked"]),
                best_score=float(row["best_score"]),
            )
            for row in rows
        ]

    async def faq_stats(
        self, guild_id: int, since: float, *, low_confidence: float | None = None, top: int = DEFAULT_TOP_ENTRIES
    ) -> FaqStats:
        async with self.read() as conn:
            return await _faq_stats(conn, guild_id, since, low_confidence, top)

    async def quiz_stats(self, guild_id: int, since: float) -> tuple[QuizStats, ...]:
        async with self.read() as conn:
            return await _quiz_stats(conn, guild_id, since)

    async def path_results(self, guild_id: int, since: float) -> dict[str, int]:
        async with self.read() as conn:
            return await _path_results(conn, guild_id, since)

    async def score_stats(self, guild_id: int, since: float) -> ScoreStats:
        async with self.read() as conn:
            return await _score_stats(conn, guild_id, since)

    async def server_stats(self, guild_id: int, days: int, *, low_confidence: float | None = None) -> ServerStats:
        since = window_start(self, days)
        async with self.read() as conn:
            return ServerStats(
                guild_id=guild_id,
                days=days,
                since=since,
                faq=await _faq_stats(conn, guild_id, since, low_confidence, DEFAULT_TOP_ENTRIES),
                quizzes=await _quiz_stats(conn, guild_id, since),
                path_results=await _path_results(conn, guild_id, since),
                scores=await _score_stats(conn, guild_id, since),
            )

    async def live_sessions(self) -> list[LiveSession]:
        async with self.read() as conn:
            rows = await conn.fetch(
                "SELECT id, quiz_id, quiz_version FROM quiz_sessions WHERE status = 'in_progress' ORDER BY id"
            )
        return [LiveSession(int(row["id"]), row["quiz_id"], row["quiz_version"]) for row in rows]
