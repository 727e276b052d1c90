"""The log of questions members ask (/ask, /faq and "did you mean" clicks), so admins can see
what the knowledge base answered and what it could not."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from bot.storage.store import Store, clean_text

AskCommand = Literal["ask", "faq", "suggestion"]
QUESTION_MAX = 1000  # longer questions are stored shortened; Discord caps an option at 6000


@dataclass(frozen=True)
class AskRecord:
    id: int
    guild_id: int | None
    user_id: int
    command: AskCommand
    question: str
    normalized: str
    entry_id: str | None
    score: float
    matched: bool
    asked_at: float


async def record_ask(
    store: Store,
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
    """Store one question and what it was answered with (entry_id None when declined); returns its id."""
    if matched and entry_id is None:
        raise ValueError("a matched question needs the entry that answered it")
    async with store.transaction() as conn:
        cursor = await conn.execute(
            """
            INSERT INTO ask_log
                (guild_id, user_id, command, question, normalized, entry_id, score, matched, asked_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            """,
            (
                guild_id,
                user_id,
                command,
                clean_text(question[:QUESTION_MAX]),
                clean_text(normalized[:QUESTION_MAX]),
                entry_id,
                float(score),
                int(matched),
                store.now(),
            ),
        )
        row_id = cursor.lastrowid
    if row_id is None:
        raise RuntimeError("the database did not return the new row's id")
    return int(row_id)


async def recent_asks(store: Store, guild_id: int | None, limit: int = 50) -> list[AskRecord]:
    """The latest questions asked in a server (or in DMs for guild_id None), newest first."""
    if guild_id is None:
        rows = await store.fetchall(
            "SELECT * FROM ask_log WHERE guild_id IS NULL ORDER BY asked_at DESC, id DESC LIMIT ?", (limit,)
        )
    else:
        rows = await store.fetchall(
            "SELECT * FROM ask_log WHERE guild_id = ? ORDER BY asked_at DESC, id DESC LIMIT ?", (guild_id, limit)
        )
    return [
        AskRecord(
            id=row["id"],
            guild_id=row["guild_id"],
            user_id=row["user_id"],
            command=row["command"],
            question=row["question"],
            normalized=row["normalized"],
            entry_id=row["entry_id"],
            score=row["score"],
            matched=bool(row["matched"]),
            asked_at=row["asked_at"],
        )
        for row in rows
    ]
