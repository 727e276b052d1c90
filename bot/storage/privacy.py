"""Everything Crossroads stores about one member: export it, or delete all of it at once.

A row is the member's when its table has a `user_id` column holding the member's id, or when it
belongs (by foreign key) to such a row, as quiz answers belong to quiz sessions. The tables are
discovered from the schema, so a table added by a later migration is covered without a change
here.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import aiosqlite

from bot.storage.store import Store

MEMBER_COLUMN = "user_id"
# Knowledge-base history records that name the member as the admin who made a change.
HISTORY_NAMES = "kb_history_mentions"

# How a table is named in an export and in the deletion summary.
FRIENDLY_NAMES = {
    "quiz_sessions": "quiz_sessions",
    "quiz_answers": "quiz_answers",
    "ask_log": "asked_questions",
    "ask_votes": "answer_votes",
}
# Columns naming a member in rows that belong to others too: exported, and cleared (not the row
# deleted) when the member deletes their data; a trivia game belongs to everyone who played it.
SHARED_COLUMNS = {("trivia_games", "starter_id"): "trivia_games_started"}
# Columns holding JSON text, exported as JSON values.
JSON_COLUMNS = {("quiz_sessions", "result")}
# A plan holds the whole quiz as shown; the export keeps which questions were shown.
PLAN_COLUMNS = {("quiz_sessions", "plan"), ("trivia_games", "plan")}


def friendly_name(table: str) -> str:
    return FRIENDLY_NAMES.get(table, table)


@dataclass(frozen=True)
class OwnedTable:
    """A table holding member data: directly (`user_id`), or through a parent table's rows."""

    name: str
    parent: str | None = None  # the owned table this one references
    child_column: str | None = None  # the column here that references the parent
    parent_column: str | None = None  # the referenced column of the parent
    references: frozenset[str] = frozenset()  # every other owned table this one points at


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


async def owned_tables(store: Store) -> list[OwnedTable]:
    """Tables holding member data, parents before the tables that reference them."""
    names = [
        row["name"]
        for row in await store.fetchall(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
        )
    ]
    direct: list[str] = []
    foreign_keys: dict[str, list[aiosqlite.Row]] = {}
    for name in names:
        columns = {row["name"] for row in await store.fetchall(f"PRAGMA table_info({_quote(name)})")}
        if MEMBER_COLUMN in columns:
            direct.append(name)
        foreign_keys[name] = await store.fetchall(f"PRAGMA foreign_key_list({_quote(name)})")
    tables: list[OwnedTable] = []
    for name in names:
        references = frozenset(fk["table"] for fk in foreign_keys[name] if fk["table"] in direct) - {name}
        if name in direct:
            tables.append(OwnedTable(name, references=references))
            continue
        for fk in foreign_keys[name]:
            if fk["table"] in direct:
                tables.append(
                    OwnedTable(
                        name,
                        parent=fk["table"],
                        child_column=fk["from"],
                        parent_column=fk["to"] or "rowid",
                        references=references,
                    )
                )
                break
    return tables


def _deletion_order(tables: list[OwnedTable]) -> list[OwnedTable]:
    """Tables that reference other owned tables come before the tables they reference."""
    ordered: list[OwnedTable] = []
    remaining = list(tables)
    while remaining:
        pending = {t.name for t in remaining}
        ready = [t for t in remaining if not any(t.name in other.references for other in remaining if other is not t)]
        if not ready:  # a reference cycle: fall back to children first
            ready = sorted(remaining, key=lambda t: t.parent is None)
        for table in ready:
            ordered.append(table)
            pending.discard(table.name)
        remaining = [t for t in remaining if t.name in pending]
    return ordered


def _where(table: OwnedTable) -> str:
    if table.parent is None:
        return f"{_quote(MEMBER_COLUMN)} = ?"
    assert table.child_column is not None and table.parent_column is not None
    return (
        f"{_quote(table.child_column)} IN (SELECT {_quote(table.parent_column)} "
        f"FROM {_quote(table.parent)} WHERE {_quote(MEMBER_COLUMN)} = ?)"
    )


def _iso(value: Any) -> Any:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return datetime.fromtimestamp(float(value), tz=UTC).isoformat(timespec="seconds")
    return value


def _export_value(table: str, column: str, value: Any) -> Any:
    if value is None:
        return None
    if column.endswith("_at"):
        return _iso(value)
    if (table, column) in JSON_COLUMNS and isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


def _shown_questions(plan: Any) -> list[str]:
    try:
        data = json.loads(plan)
    except (TypeError, ValueError):
        return []
    questions = data.get("questions") if isinstance(data, dict) else None
    if not isinstance(questions, list):
        return []
    return [str(q["id"]) for q in questions if isinstance(q, dict) and "id" in q]


def _export_row(table: str, row: aiosqlite.Row) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for column in row.keys():  # noqa: SIM118 - aiosqlite.Row is not iterable by key
        value = row[column]
        if (table, column) in PLAN_COLUMNS:
            out["questions_shown"] = _shown_questions(value)
            continue
        out[column] = _export_value(table, column, value)
    return out


async def export_member_data(store: Store, user_id: int) -> dict[str, Any]:
    """All of the member's rows, ready for json.dumps; one list per table, oldest first."""
    data: dict[str, Any] = {
        "member_id": str(user_id),
        "exported_at": _iso(store.now()),
    }
    for table in await owned_tables(store):
        rows = await store.fetchall(
            f"SELECT * FROM {_quote(table.name)} WHERE {_where(table)} ORDER BY rowid", (user_id,)
        )
        data[friendly_name(table.name)] = [_export_row(table.name, row) for row in rows]
    for (table_name, column), name in (await _shared_columns(store)).items():
        rows = await store.fetchall(
            f"SELECT * FROM {_quote(table_name)} WHERE {_quote(column)} = ? ORDER BY rowid", (user_id,)
        )
        data[name] = [_export_row(table_name, row) for row in rows]
    return data


async def _shared_columns(store: Store) -> dict[tuple[str, str], str]:
    """The SHARED_COLUMNS whose table exists in this database."""
    names = {row["name"] for row in await store.fetchall("SELECT name FROM sqlite_master WHERE type = 'table'")}
    return {key: name for key, name in SHARED_COLUMNS.items() if key[0] in names}


async def count_member_data(store: Store, user_id: int) -> dict[str, int]:
    """How many rows of each kind Crossroads holds about the member."""
    counts: dict[str, int] = {}
    for table in await owned_tables(store):
        row = await store.fetchone(f"SELECT COUNT(*) AS n FROM {_quote(table.name)} WHERE {_where(table)}", (user_id,))
        counts[friendly_name(table.name)] = int(row["n"]) if row is not None else 0
    for (table_name, column), name in (await _shared_columns(store)).items():
        row = await store.fetchone(
            f"SELECT COUNT(*) AS n FROM {_quote(table_name)} WHERE {_quote(column)} = ?", (user_id,)
        )
        counts[name] = int(row["n"]) if row is not None else 0
    row = await store.fetchone("SELECT COUNT(*) AS n FROM kb_history WHERE editor_id = ?", (user_id,))
    if row is not None and row["n"]:
        counts[HISTORY_NAMES] = int(row["n"])
    return counts


async def delete_member_data(store: Store, user_id: int) -> dict[str, int]:
    """Delete every row about the member in one transaction; returns rows removed per kind."""
    tables = await owned_tables(store)
    shared = await _shared_columns(store)
    removed: dict[str, int] = {}
    async with store.transaction() as conn:
        for (table_name, column), name in shared.items():
            cursor = await conn.execute(
                f"UPDATE {_quote(table_name)} SET {_quote(column)} = NULL WHERE {_quote(column)} = ?", (user_id,)
            )
            removed[name] = cursor.rowcount
        # Referencing rows first, so each count is exact and no foreign key is left dangling.
        for table in _deletion_order(tables):
            cursor = await conn.execute(f"DELETE FROM {_quote(table.name)} WHERE {_where(table)}", (user_id,))
            removed[friendly_name(table.name)] = cursor.rowcount
        # Entries an admin wrote are the server's content, not member data: only the member's id
        # comes off the history records of their changes.
        cursor = await conn.execute("UPDATE kb_history SET editor_id = NULL WHERE editor_id = ?", (user_id,))
        if cursor.rowcount:
            removed[HISTORY_NAMES] = cursor.rowcount
    return removed
