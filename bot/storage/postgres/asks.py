"""PostgreSQL queries for the asks part of the storage protocol (see bot.storage.asks for SQLite's)."""

from __future__ import annotations

from bot.storage.asks import (
    AskCommand,
    AskRecord,
    WrongAnswer,
    ask_from_row,
    group_wrong_answers,
    storable_question,
)
from bot.storage.postgres.core import PgCore

# A vote in one statement: the question's server, the member's earlier vote (from before this
# statement), and the vote written or replaced.
_VOTE = """
    WITH asked AS (
        SELECT id, guild_id FROM ask_log WHERE id = $1
    ), earlier AS (
        SELECT helpful FROM ask_votes WHERE ask_id = $1 AND user_id = $2
    ), vote AS (
        INSERT INTO ask_votes (ask_id, user_id, guild_id, helpful, voted_at)
        SELECT id, $2, guild_id, $3, $4 FROM asked
        ON CONFLICT (ask_id, user_id) DO UPDATE SET helpful = excluded.helpful, voted_at = excluded.voted_at
        RETURNING ask_id
    )
    SELECT EXISTS (SELECT 1 FROM vote) AS voted, (SELECT helpful FROM earlier) AS previous
"""


class PgAsks(PgCore):
    """The asks methods of :class:`bot.storage.protocol.Storage` on PostgreSQL."""

    async def record_ask(
        self,
        *,
        guild_id: int | None,
        user_id: int,
        question: str,
        normalized: str,
        entry_id: str | None,
        score: float,
        matched: bool,
        command: AskCommand = "ask",
    ) -> int:
        if matched and entry_id is None:
            raise ValueError("a matched question needs the entry that answered it")
        async with self.transaction() as conn:
            row_id = await conn.fetchval(
                """
                INSERT INTO ask_log
                    (guild_id, user_id, command, question, normalized, entry_id, score, matched, asked_at)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
                RETURNING id
                """,
                guild_id,
                user_id,
                command,
                storable_question(question),
                storable_question(normalized),
                entry_id,
                float(score),
                int(matched),
                self.now(),
            )
        return int(row_id)

    async def recent_asks(self, guild_id: int | None, limit: int = 50) -> list[AskRecord]:
        where = "guild_id IS NULL" if guild_id is None else "guild_id = $2"
        args = (limit,) if guild_id is None else (limit, guild_id)
        async with self.read() as conn:
            rows = await conn.fetch(
                f"SELECT * FROM ask_log WHERE {where} ORDER BY asked_at DESC, id DESC LIMIT $1", *args
            )
        return [ask_from_row(row) for row in rows]

    async def get_ask(self, ask_id: int) -> AskRecord | None:
        async with self.read() as conn:
            row = await conn.fetchrow("SELECT * FROM ask_log WHERE id = $1", ask_id)
        return None if row is None else ask_from_row(row)

    async def record_vote(self, *, ask_id: int, user_id: int, helpful: bool) -> bool | None:
        async with self.transaction() as conn:
            row = await conn.fetchrow(_VOTE, ask_id, user_id, int(helpful), self.now())
        if row is None or not row["voted"]:
            raise LookupError(f"no logged question {ask_id}")
        return None if row["previous"] is None else bool(row["previous"])

    async def wrong_answers(self, guild_id: int, since: float, limit: int = 25) -> list[WrongAnswer]:
        async with self.read() as conn:
            rows = await conn.fetch(
                """
                SELECT l.entry_id AS entry_id, l.question AS question, v.ask_id AS ask_id
                FROM ask_votes v JOIN ask_log l ON l.id = v.ask_id
                WHERE v.guild_id = $1 AND v.helpful = 0 AND v.voted_at >= $2 AND l.entry_id IS NOT NULL
                ORDER BY v.voted_at DESC, v.ask_id DESC
                """,
                guild_id,
                since,
            )
        return group_wrong_answers(rows, limit)
