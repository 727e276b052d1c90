"""Everything Crossroads stores about one member: export it, or delete all of it at once.

A row is the member's when its table has a `user_id` column holding the member's id, or when it
belongs (by foreign key) to such a row, as quiz answers belong to quiz sessions. The tables are
discovered from the schema, so a table added by a later migration is covered without a change
here. Both backends share the rules below; each discovers its own schema (:class:`Schema`).

The export is plain rows, the columns as stored (times as epoch seconds, plans and results as
their JSON text), oldest first; turning them into what a member reads is
:func:`bot.quizflow.export.readable_export`'s job.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

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
    order: tuple[str, ...] = ()  # oldest first: the table's first time column, then its primary key


@dataclass(frozen=True)
class ForeignKey:
    column: str
    parent: str
    parent_column: str


@dataclass
class Schema:
    """What the privacy rules need to know of a database's tables, however it was read."""

    columns: dict[str, list[str]] = field(default_factory=dict)  # table → columns in order
    primary_keys: dict[str, list[str]] = field(default_factory=dict)
    foreign_keys: dict[str, list[ForeignKey]] = field(default_factory=dict)


def row_order(columns: list[str], primary_key: list[str]) -> tuple[str, ...]:
    """How a table's rows are listed oldest first: its first `*_at` column, then its primary key."""
    times = [c for c in columns if c.endswith("_at")][:1]
    return tuple(times + [c for c in primary_key if c not in times])


def owned_from(schema: Schema) -> list[OwnedTable]:
    """The tables holding member data, in name order."""
    names = sorted(schema.columns)
    direct = [name for name in names if MEMBER_COLUMN in schema.columns[name]]
    tables: list[OwnedTable] = []
    for name in names:
        keys = schema.foreign_keys.get(name, [])
        references = frozenset(fk.parent for fk in keys if fk.parent in direct) - {name}
        order = row_order(schema.columns[name], schema.primary_keys.get(name, []))
        if name in direct:
            tables.append(OwnedTable(name, references=references, order=order))
            continue
        for fk in keys:
            if fk.parent in direct:
                tables.append(
                    OwnedTable(
                        name,
                        parent=fk.parent,
                        child_column=fk.column,
                        parent_column=fk.parent_column,
                        references=references,
                        order=order,
                    )
                )
                break
    return tables


def shared_in(schema: Schema) -> dict[tuple[str, str], str]:
    """The SHARED_COLUMNS whose table exists in this database."""
    return {key: name for key, name in SHARED_COLUMNS.items() if key[0] in schema.columns}


def shared_order(schema: Schema, table: str) -> tuple[str, ...]:
    return row_order(schema.columns[table], schema.primary_keys.get(table, []))


def deletion_order(tables: list[OwnedTable]) -> list[OwnedTable]:
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


def quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def where(table: OwnedTable, slot: str) -> str:
    """The condition selecting the member's rows of `table`; `slot` is the member id's placeholder."""
    if table.parent is None:
        return f"{quote(MEMBER_COLUMN)} = {slot}"
    assert table.child_column is not None and table.parent_column is not None
    return (
        f"{quote(table.child_column)} IN (SELECT {quote(table.parent_column)} "
        f"FROM {quote(table.parent)} WHERE {quote(MEMBER_COLUMN)} = {slot})"
    )


def order_by(order: tuple[str, ...]) -> str:
    return f" ORDER BY {', '.join(quote(c) for c in order)}" if order else ""


# --- SQLite ------------------------------------------------------------------------------------


async def schema_of(store: Store) -> Schema:
    """The SQLite database's tables, columns, primary keys and foreign keys."""
    schema = Schema()
    rows = await store.fetchall(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
    )
    for name in (row["name"] for row in rows):
        info = await store.fetchall(f"PRAGMA table_info({quote(name)})")
        schema.columns[name] = [row["name"] for row in info]
        schema.primary_keys[name] = [row["name"] for row in sorted(info, key=lambda r: r["pk"]) if row["pk"]]
        schema.foreign_keys[name] = [
            ForeignKey(fk["from"], fk["table"], fk["to"] or "rowid")
            for fk in await store.fetchall(f"PRAGMA foreign_key_list({quote(name)})")
        ]
    return schema


async def owned_tables(store: Store) -> list[OwnedTable]:
    """Tables holding member data in the SQLite database."""
    return owned_from(await schema_of(store))


async def export_member_data(store: Store, user_id: int) -> dict[str, Any]:
    """All of the member's rows as stored; one list per table, oldest first."""
    schema = await schema_of(store)
    data: dict[str, Any] = {"member_id": str(user_id), "exported_at": store.now()}
    for table in owned_from(schema):
        rows = await store.fetchall(
            f"SELECT * FROM {quote(table.name)} WHERE {where(table, '?')}{order_by(table.order)}", (user_id,)
        )
        data[friendly_name(table.name)] = [dict(row) for row in rows]
    for (table_name, column), name in shared_in(schema).items():
        rows = await store.fetchall(
            f"SELECT * FROM {quote(table_name)} WHERE {quote(column)} = ?{order_by(shared_order(schema, table_name))}",
            (user_id,),
        )
        data[name] = [dict(row) for row in rows]
    return data


async def count_member_data(store: Store, user_id: int) -> dict[str, int]:
    """How many rows of each kind Crossroads holds about the member."""
    schema = await schema_of(store)
    counts: dict[str, int] = {}
    for table in owned_from(schema):
        row = await store.fetchone(
            f"SELECT COUNT(*) AS n FROM {quote(table.name)} WHERE {where(table, '?')}", (user_id,)
        )
        counts[friendly_name(table.name)] = int(row["n"]) if row is not None else 0
    for (table_name, column), name in shared_in(schema).items():
        row = await store.fetchone(
            f"SELECT COUNT(*) AS n FROM {quote(table_name)} WHERE {quote(column)} = ?", (user_id,)
        )
        counts[name] = int(row["n"]) if row is not None else 0
    row = await store.fetchone("SELECT COUNT(*) AS n FROM kb_history WHERE editor_id = ?", (user_id,))
    if row is not None and row["n"]:
        counts[HISTORY_NAMES] = int(row["n"])
    return counts


async def delete_member_data(store: Store, user_id: int) -> dict[str, int]:
    """Delete every row about the member in one transaction; returns rows removed per kind."""
    schema = await schema_of(store)
    removed: dict[str, int] = {}
    async with store.transaction() as conn:
        for (table_name, column), name in shared_in(schema).items():
            cursor = await conn.execute(
                f"UPDATE {quote(table_name)} SET {quote(column)} = NULL WHERE {quote(column)} = ?", (user_id,)
            )
            removed[name] = cursor.rowcount
        # Referencing rows first, so each count is exact and no foreign key is left dangling.
        for table in deletion_order(owned_from(schema)):
            cursor = await conn.execute(f"DELETE FROM {quote(table.name)} WHERE {where(table, '?')}", (user_id,))
            removed[friendly_name(table.name)] = cursor.rowcount
        # Entries an admin wrote are the server's content, not member data: only the member's id
        # comes off the history records of their changes.
        cursor = await conn.execute("UPDATE kb_history SET editor_id = NULL WHERE editor_id = ?", (user_id,))
        if cursor.rowcount:
            removed[HISTORY_NAMES] = cursor.rowcount
    return removed
