"""The log of questions members ask (/ask, /faq and "did you mean" clicks), so admins can see
what the knowledge base answered and what it could not."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Literal

from bot.storage.store import Store, clean_text

AskCommand = Literal["ask", "faq", "suggestion"]
QUESTION_MAX = 2000  # /ask accepts up to 2000 characters; Discord caps an option at 6000


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


def storable_question(text: str) -> str:
    """A member's question as it is stored: at most QUESTION_MAX characters, encodable as UTF-8,
    without NUL characters (which PostgreSQL's text cannot hold)."""
    return clean_text(text[:QUESTION_MAX]).replace("\x00", "\ufffd")


def ask_from_row(row: Any) -> AskRecord:
    """An ask_log row (either backend's row type) as an AskRecord."""
    return AskRecord(
        id=int(row["id"]),
        guild_id=row["guild_id"],
        user_id=int(row["user_id"]),
        command=row["command"],
        question=row["question"],
        normalized=row["normalized"],
        entry_id=row["entry_id"],
        score=float(row["score"]),
        matched=bool(row["matched"]),
        asked_at=float(row["asked_at"]),
    )


def group_wrong_answers(rows: Iterable[Any], limit: int) -> list[WrongAnswer]:
    """WrongAnswers from (entry_id, question, ask_id) rows, newest vote first."""
    grouped: dict[str, tuple[int, dict[str, int]]] = {}
    for row in rows:
        votes, questions = grouped.setdefault(row["entry_id"], (0, {}))
        questions.setdefault(row["question"], int(row["ask_id"]))
        grouped[row["entry_id"]] = (votes + 1, questions)
    ordered = sorted(grouped.items(), key=lambda item: (-item[1][0], item[0]))[:limit]
    return [
        WrongAnswer(entry_id, votes, tuple(questions), tuple(questions.values()))
        for entry_id, (votes, questions) in ordered
    ]


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
                storable_question(question),
                storable_question(normalized),
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
    return [ask_from_row(row) for row in rows]


async def get_ask(store: Store, ask_id: int) -> AskRecord | None:
    """One logged question by its id (None when it was deleted, e.g. by its asker's /mydata delete)."""
    row = await store.fetchone("SELECT * FROM ask_log WHERE id = ?", (ask_id,))
    return None if row is None else ask_from_row(row)


async def record_vote(store: Store, *, ask_id: int, user_id: int, helpful: bool) -> bool | None:
    """Store a member's vote on one answer, replacing their earlier vote on it.

    Returns the member's previous vote (None when this is their first), or raises LookupError
    when the answer's question is no longer in the log."""
    async with store.transaction() as conn:
        cursor = await conn.execute("SELECT guild_id FROM ask_log WHERE id = ?", (ask_id,))
        asked = await cursor.fetchone()
        if asked is None:
            raise LookupError(f"no logged question {ask_id}")
        cursor = await conn.execute("SELECT helpful FROM ask_votes WHERE ask_id = ? AND user_id = ?", (ask_id, user_id))
        previous = await cursor.fetchone()
        await conn.execute(
            """
            INSERT INTO ask_votes (ask_id, user_id, guild_id, helpful, voted_at) VALUES (?, ?, ?, ?, ?)
            ON CONFLICT (ask_id, user_id) DO UPDATE SET helpful = excluded.helpful, voted_at = excluded.voted_at
            """,
            (ask_id, user_id, asked[0], int(helpful), store.now()),
        )
    return None if previous is None else bool(previous[0])


@dataclass(frozen=True)
class WrongAnswer:
    """Questions whose answer members marked "Not what I asked", for one entry."""

    entry_id: str
    votes: int
    questions: tuple[str, ...]  # newest first, each once
    ask_ids: tuple[int, ...] = ()  # the newest ask of each question, in the same order


async def wrong_answers(store: Store, guild_id: int, since: float, limit: int = 25) -> list[WrongAnswer]:
    """Entries whose answers members marked wrong in a server since `since`, most votes first."""
    rows = await store.fetchall(
        """
        SELECT l.entry_id AS entry_id, l.question AS question, v.voted_at AS voted_at, v.ask_id AS ask_id
        FROM ask_votes v JOIN ask_log l ON l.id = v.ask_id
        WHERE v.guild_id = ? AND v.helpful = 0 AND v.voted_at >= ? AND l.entry_id IS NOT NULL
        ORDER BY v.voted_at DESC, v.ask_id DESC
        """,
        (guild_id, since),
    )
    return group_wrong_answers(rows, limit)
