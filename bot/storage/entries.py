"""A server's own knowledge-base entries, its changes to shipped entries, and who changed what.

Entries are stored as JSON in the content-file format; bot/knowledge validates them before they
are written and again when they are read. Every change writes a history record in the same
transaction, so a change without its record (or the reverse) cannot exist.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from typing import Any, Literal

from bot.storage.store import Store

HistoryAction = Literal["added", "edited", "deleted", "hidden", "shown", "phrasing"]
HISTORY_LIMIT = 25


class EntryLimitReached(Exception):
    """The server already holds the most entries it may."""


class EntryExists(Exception):
    """The server already has an entry with that id."""


@dataclass(frozen=True)
class StoredEntry:
    entry_id: str
    body: dict[str, Any]
    created_at: float
    updated_at: float


@dataclass(frozen=True)
class ShippedChange:
    """What a server changed about one shipped entry."""

    entry_id: str
    hidden: bool
    questions: tuple[str, ...]


@dataclass(frozen=True)
class GuildRows:
    """Everything a server added to or changed in the knowledge base."""

    entries: tuple[StoredEntry, ...] = ()
    changes: tuple[ShippedChange, ...] = ()

    @property
    def empty(self) -> bool:
        return not self.entries and not self.changes


@dataclass(frozen=True)
class HistoryRecord:
    entry_id: str
    action: str
    detail: str
    editor_id: int | None  # None once the editor had their data deleted
    changed_at: float


@dataclass(frozen=True)
class AskedQuestion:
    ask_id: int
    question: str
    normalized: str


def _history(
    conn: sqlite3.Connection,
    guild_id: int,
    entry_id: str,
    action: HistoryAction,
    editor_id: int,
    now: float,
    detail: str = "",
) -> None:
    conn.execute(
        "INSERT INTO kb_history (guild_id, entry_id, action, detail, editor_id, changed_at) VALUES (?, ?, ?, ?, ?, ?)",
        (guild_id, entry_id, action, detail, editor_id, now),
    )


def _resolve(conn: sqlite3.Connection, guild_id: int, normalized: str | None, entry_id: str, now: float) -> None:
    if not normalized:
        return
    conn.execute(
        """
        INSERT INTO kb_resolved (guild_id, normalized, entry_id, resolved_at) VALUES (?, ?, ?, ?)
        ON CONFLICT (guild_id, normalized) DO UPDATE SET
            entry_id = excluded.entry_id, resolved_at = excluded.resolved_at
        """,
        (guild_id, normalized, entry_id, now),
    )


async def load_guild(store: Store, guild_id: int) -> GuildRows:
    """The server's entries (oldest first) and its changes to shipped entries."""

    def read(conn: sqlite3.Connection) -> GuildRows:
        entries = tuple(
            StoredEntry(row[0], json.loads(row[1]), float(row[2]), float(row[3]))
            for row in conn.execute(
                "SELECT entry_id, body, created_at, updated_at FROM kb_entries WHERE guild_id = ? "
                "ORDER BY created_at, entry_id",
                (guild_id,),
            )
        )
        changes = tuple(
            ShippedChange(row[0], bool(row[1]), tuple(json.loads(row[2])))
            for row in conn.execute(
                "SELECT entry_id, hidden, questions FROM kb_shipped_changes WHERE guild_id = ? ORDER BY entry_id",
                (guild_id,),
            )
        )
        return GuildRows(entries, changes)

    return await store.read(read)


async def add_entry(
    store: Store,
    guild_id: int,
    entry_id: str,
    body: dict[str, Any],
    editor_id: int,
    *,
    cap: int,
    resolves: str | None = None,
) -> None:
    """Store a new entry; `resolves` is the normalized unanswered question it answers."""
    now = store.now()

    def write(conn: sqlite3.Connection) -> None:
        count = conn.execute("SELECT COUNT(*) FROM kb_entries WHERE guild_id = ?", (guild_id,)).fetchone()[0]
        if count >= cap:
            raise EntryLimitReached(cap)
        try:
            conn.execute(
                "INSERT INTO kb_entries (guild_id, entry_id, body, created_at, updated_at) VALUES (?, ?, ?, ?, ?)",
                (guild_id, entry_id, json.dumps(body, ensure_ascii=False), now, now),
            )
        except sqlite3.IntegrityError:
            raise EntryExists(entry_id) from None
        _history(conn, guild_id, entry_id, "added", editor_id, now, str(body.get("title", "")))
        _resolve(conn, guild_id, resolves, entry_id, now)

    await store.run(write)


async def update_entry(
    store: Store,
    guild_id: int,
    entry_id: str,
    body: dict[str, Any],
    editor_id: int,
    *,
    action: HistoryAction = "edited",
    detail: str = "",
    resolves: str | None = None,
) -> bool:
    """Replace a server entry's content; False when the server has no such entry."""
    now = store.now()

    def write(conn: sqlite3.Connection) -> bool:
        cursor = conn.execute(
            "UPDATE kb_entries SET body = ?, updated_at = ? WHERE guild_id = ? AND entry_id = ?",
            (json.dumps(body, ensure_ascii=False), now, guild_id, entry_id),
        )
        if cursor.rowcount == 0:
            return False
        _history(conn, guild_id, entry_id, action, editor_id, now, detail)
        _resolve(conn, guild_id, resolves, entry_id, now)
        return True

    return await store.run(write)


async def delete_entry(store: Store, guild_id: int, entry_id: str, editor_id: int) -> bool:
    """Delete a server entry; its history stays. False when there was no such entry."""
    now = store.now()

    def write(conn: sqlite3.Connection) -> bool:
        row = conn.execute(
            "SELECT body FROM kb_entries WHERE guild_id = ? AND entry_id = ?", (guild_id, entry_id)
        ).fetchone()
        if row is None:
            return False
        conn.execute("DELETE FROM kb_entries WHERE guild_id = ? AND entry_id = ?", (guild_id, entry_id))
        title = str(json.loads(row[0]).get("title", ""))
        _history(conn, guild_id, entry_id, "deleted", editor_id, now, title)
        return True

    return await store.run(write)


async def set_hidden(store: Store, guild_id: int, entry_id: str, hidden: bool, editor_id: int) -> None:
    """Hide a shipped entry in this server, or show it again."""
    now = store.now()

    def write(conn: sqlite3.Connection) -> None:
        conn.execute(
            """
            INSERT INTO kb_shipped_changes (guild_id, entry_id, hidden, updated_at) VALUES (?, ?, ?, ?)
            ON CONFLICT (guild_id, entry_id) DO UPDATE SET hidden = excluded.hidden, updated_at = excluded.updated_at
            """,
            (guild_id, entry_id, int(hidden), now),
        )
        _history(conn, guild_id, entry_id, "hidden" if hidden else "shown", editor_id, now)

    await store.run(write)


async def add_shipped_phrasing(
    store: Store, guild_id: int, entry_id: str, phrasing: str, editor_id: int, *, resolves: str | None = None
) -> None:
    """Add a question phrasing to a shipped entry for this server only."""
    now = store.now()

    def write(conn: sqlite3.Connection) -> None:
        row = conn.execute(
            "SELECT questions FROM kb_shipped_changes WHERE guild_id = ? AND entry_id = ?", (guild_id, entry_id)
        ).fetchone()
        questions: list[str] = json.loads(row[0]) if row is not None else []
        if phrasing not in questions:
            questions.append(phrasing)
        conn.execute(
            """
            INSERT INTO kb_shipped_changes (guild_id, entry_id, questions, updated_at) VALUES (?, ?, ?, ?)
            ON CONFLICT (guild_id, entry_id) DO UPDATE SET
                questions = excluded.questions, updated_at = excluded.updated_at
            """,
            (guild_id, entry_id, json.dumps(questions, ensure_ascii=False), now),
        )
        _history(conn, guild_id, entry_id, "phrasing", editor_id, now, phrasing)
        _resolve(conn, guild_id, resolves, entry_id, now)

    await store.run(write)


async def entry_history(store: Store, guild_id: int, entry_id: str, limit: int = HISTORY_LIMIT) -> list[HistoryRecord]:
    """The latest changes to one entry in this server, newest first."""
    rows = await store.fetchall(
        "SELECT entry_id, action, detail, editor_id, changed_at FROM kb_history "
        "WHERE guild_id = ? AND entry_id = ? ORDER BY changed_at DESC, id DESC LIMIT ?",
        (guild_id, entry_id, limit),
    )
    return [
        HistoryRecord(row["entry_id"], row["action"], row["detail"], row["editor_id"], float(row["changed_at"]))
        for row in rows
    ]


async def editor_role(store: Store, guild_id: int) -> int | None:
    row = await store.fetchone("SELECT role_id FROM kb_editors WHERE guild_id = ?", (guild_id,))
    return int(row["role_id"]) if row is not None and row["role_id"] is not None else None


async def set_editor_role(store: Store, guild_id: int, role_id: int | None) -> None:
    await store.execute(
        """
        INSERT INTO kb_editors (guild_id, role_id, updated_at) VALUES (?, ?, ?)
        ON CONFLICT (guild_id) DO UPDATE SET role_id = excluded.role_id, updated_at = excluded.updated_at
        """,
        (guild_id, role_id, store.now()),
    )


async def latest_ask_ids(store: Store, guild_id: int, normalized: list[str]) -> dict[str, int]:
    """For each normalized question, the id of its most recent ask_log row in this server."""
    found: dict[str, int] = {}
    for start in range(0, len(normalized), 500):
        chunk = normalized[start : start + 500]
        marks = ", ".join("?" for _ in chunk)
        rows = await store.fetchall(
            f"SELECT normalized, MAX(id) AS id FROM ask_log WHERE guild_id = ? AND normalized IN ({marks}) "
            "GROUP BY normalized",
            (guild_id, *chunk),
        )
        found.update({row["normalized"]: int(row["id"]) for row in rows})
    return found


async def asked_question(store: Store, guild_id: int, ask_id: int) -> AskedQuestion | None:
    """One logged question of this server, by its ask_log id."""
    row = await store.fetchone(
        "SELECT id, question, normalized FROM ask_log WHERE id = ? AND guild_id = ?", (ask_id, guild_id)
    )
    if row is None:
        return None
    return AskedQuestion(int(row["id"]), row["question"], row["normalized"])
