"""PostgreSQL queries for the entries part of the storage protocol (see bot.storage.entries for SQLite's).

Every change writes its history record in the same transaction. Two editors in different
processes may add entries at once, so the per-server cap is checked under a transaction-scoped
advisory lock on that server's entries; phrasings added at once to one shipped entry are merged
under the row's lock.
"""

from __future__ import annotations

import json
from typing import Any

from bot.storage.entries import (
    HISTORY_LIMIT,
    AskedQuestion,
    EntryExists,
    EntryLimitReached,
    GuildRows,
    HistoryAction,
    HistoryRecord,
    ShippedChange,
    StoredEntry,
)
from bot.storage.postgres.core import Connection, PgCore

# Namespace of the advisory lock taken while a server's entry count is checked and changed.
_ENTRY_CAP_LOCK = "crossroads.kb_entries:"


async def _history(
    conn: Connection,
    guild_id: int,
    entry_id: str,
    action: HistoryAction,
    editor_id: int,
    now: float,
    detail: str = "",
) -> None:
    await conn.execute(
        "INSERT INTO kb_history (guild_id, entry_id, action, detail, editor_id, changed_at)"
        " VALUES ($1, $2, $3, $4, $5, $6)",
        guild_id,
        entry_id,
        action,
        detail,
        editor_id,
        now,
    )


async def _resolve(conn: Connection, guild_id: int, normalized: str | None, entry_id: str, now: float) -> None:
    if not normalized:
        return
    await conn.execute(
        """
        INSERT INTO kb_resolved (guild_id, normalized, entry_id, resolved_at) VALUES ($1, $2, $3, $4)
        ON CONFLICT (guild_id, normalized) DO UPDATE SET
            entry_id = excluded.entry_id, resolved_at = excluded.resolved_at
        """,
        guild_id,
        normalized,
        entry_id,
        now,
    )


class PgEntries(PgCore):
    """The entries methods of :class:`bot.storage.protocol.Storage` on PostgreSQL."""

    async def load_server_entries(self, guild_id: int) -> GuildRows:
        async with self.read() as conn:
            entries = await conn.fetch(
                "SELECT entry_id, body, created_at, updated_at FROM kb_entries WHERE guild_id = $1"
                ' ORDER BY created_at, entry_id COLLATE "C"',
                guild_id,
            )
            changes = await conn.fetch(
                "SELECT entry_id, hidden, questions FROM kb_shipped_changes WHERE guild_id = $1"
                ' ORDER BY entry_id COLLATE "C"',
                guild_id,
            )
        return GuildRows(
            tuple(StoredEntry(r[0], json.loads(r[1]), float(r[2]), float(r[3])) for r in entries),
            tuple(ShippedChange(r[0], bool(r[1]), tuple(json.loads(r[2]))) for r in changes),
        )

    async def add_entry(
        self,
        guild_id: int,
        entry_id: str,
        body: dict[str, Any],
        editor_id: int,
        *,
        cap: int,
        resolves: str | None = None,
    ) -> None:
        now = self.now()
        async with self.transaction() as conn:
            await conn.execute("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))", f"{_ENTRY_CAP_LOCK}{guild_id}")
            count = await conn.fetchval("SELECT COUNT(*) FROM kb_entries WHERE guild_id = $1", guild_id)
            if count >= cap:
                raise EntryLimitReached(cap)
            added = await conn.fetchval(
                "INSERT INTO kb_entries (guild_id, entry_id, body, created_at, updated_at)"
                " VALUES ($1, $2, $3, $4, $4) ON CONFLICT (guild_id, entry_id) DO NOTHING RETURNING 1",
                guild_id,
                entry_id,
                json.dumps(body, ensure_ascii=False),
                now,
            )
            if added is None:
                raise EntryExists(entry_id)
            await _history(conn, guild_id, entry_id, "added", editor_id, now, str(body.get("title", "")))
            await _resolve(conn, guild_id, resolves, entry_id, now)

    async def update_entry(
        self,
        guild_id: int,
        entry_id: str,
        body: dict[str, Any],
        editor_id: int,
        *,
        action: HistoryAction = "edited",
        detail: str = "",
        resolves: str | None = None,
    ) -> bool:
        now = self.now()
        async with self.transaction() as conn:
            changed = await conn.fetchval(
                "UPDATE kb_entries SET body = $1, updated_at = $2 WHERE guild_id = $3 AND entry_id = $4 RETURNING 1",
                json.dumps(body, ensure_ascii=False),
                now,
                guild_id,
                entry_id,
            )
            if changed is None:
                return False
            await _history(conn, guild_id, entry_id, action, editor_id, now, detail)
            await _resolve(conn, guild_id, resolves, entry_id, now)
            return True

    async def delete_entry(self, guild_id: int, entry_id: str, editor_id: int) -> bool:
        now = self.now()
        async with self.transaction() as conn:
            body = await conn.fetchval(
                "DELETE FROM kb_entries WHERE guild_id = $1 AND entry_id = $2 RETURNING body", guild_id, entry_id
            )
            if body is None:
                return False
            title = str(json.loads(body).get("title", ""))
            await _history(conn, guild_id, entry_id, "deleted", editor_id, now, title)
            return True

    async def set_hidden(self, guild_id: int, entry_id: str, hidden: bool, editor_id: int) -> None:
        now = self.now()
        async with self.transaction() as conn:
            await conn.execute(
                """
                INSERT INTO kb_shipped_changes (guild_id, entry_id, hidden, updated_at) VALUES ($1, $2, $3, $4)
                ON CONFLICT (guild_id, entry_id) DO UPDATE SET
                    hidden = excluded.hidden, updated_at = excluded.updated_at
                """,
                guild_id,
                entry_id,
                int(hidden),
                now,
            )
            await _history(conn, guild_id, entry_id, "hidden" if hidden else "shown", editor_id, now)

    async def add_shipped_phrasing(
        self, guild_id: int, entry_id: str, phrasing: str, editor_id: int, *, resolves: str | None = None
    ) -> None:
        now = self.now()
        async with self.transaction() as conn:
            await conn.execute(
                "INSERT INTO kb_shipped_changes (guild_id, entry_id, updated_at) VALUES ($1, $2, $3)"
                " ON CONFLICT (guild_id, entry_id) DO NOTHING",
                guild_id,
                entry_id,
                now,
            )
            stored = await conn.fetchval(
                "SELECT questions FROM kb_shipped_changes WHERE guild_id = $1 AND entry_id = $2 FOR UPDATE",
                guild_id,
                entry_id,
            )
            questions: list[str] = json.loads(stored)
            if phrasing not in questions:
                questions.append(phrasing)
            await conn.execute(
                "UPDATE kb_shipped_changes SET questions = $1, updated_at = $2 WHERE guild_id = $3 AND entry_id = $4",
                json.dumps(questions, ensure_ascii=False),
                now,
                guild_id,
                entry_id,
            )
            await _history(conn, guild_id, entry_id, "phrasing", editor_id, now, phrasing)
            await _resolve(conn, guild_id, resolves, entry_id, now)

    async def entry_history(self, guild_id: int, entry_id: str, limit: int = HISTORY_LIMIT) -> list[HistoryRecord]:
        async with self.read() as conn:
            rows = await conn.fetch(
                "SELECT entry_id, action, detail, editor_id, changed_at FROM kb_history"
                " WHERE guild_id = $1 AND entry_id = $2 ORDER BY changed_at DESC, id DESC LIMIT $3",
                guild_id,
                entry_id,
                limit,
            )
        return [
            HistoryRecord(row["entry_id"], row["action"], row["detail"], row["editor_id"], float(row["changed_at"]))
            for row in rows
        ]

    async def editor_role(self, guild_id: int) -> int | None:
        async with self.read() as conn:
            role = await conn.fetchval("SELECT role_id FROM kb_editors WHERE guild_id = $1", guild_id)
        return int(role) if role is not None else None

    async def set_editor_role(self, guild_id: int, role_id: int | None) -> None:
        async with self.transaction() as conn:
            await conn.execute(
                """
                INSERT INTO kb_editors (guild_id, role_id, updated_at) VALUES ($1, $2, $3)
                ON CONFLICT (guild_id) DO UPDATE SET role_id = excluded.role_id, updated_at = excluded.updated_at
                """,
                guild_id,
                role_id,
                self.now(),
            )

    async def latest_ask_ids(self, guild_id: int, normalized: list[str]) -> dict[str, int]:
        if not normalized:
            return {}
        async with self.read() as conn:
            rows = await conn.fetch(
                "SELECT normalized, MAX(id) AS id FROM ask_log WHERE guild_id = $1 AND normalized = ANY($2::text[])"
                " GROUP BY normalized",
                guild_id,
                normalized,
            )
        return {row["normalized"]: int(row["id"]) for row in rows}

    async def asked_question(self, guild_id: int, ask_id: int) -> AskedQuestion | None:
        async with self.read() as conn:
            row = await conn.fetchrow(
                "SELECT id, question, normalized FROM ask_log WHERE id = $1 AND guild_id = $2", ask_id, guild_id
            )
        if row is None:
            return None
        return AskedQuestion(int(row["id"]), row["question"], row["normalized"])
