"""PostgreSQL queries for the privacy part of the storage protocol (see bot.storage.privacy for SQLite's
and the rules both follow). The schema is read from PostgreSQL's catalog; an export is one snapshot."""

from __future__ import annotations

from typing import Any

from bot.storage.postgres.core import Connection, PgCore
from bot.storage.postgres.quiz import affected
from bot.storage.privacy import (
    HISTORY_NAMES,
    ForeignKey,
    Schema,
    deletion_order,
    friendly_name,
    order_by,
    owned_from,
    quote,
    shared_in,
    shared_order,
    where,
)

_COLUMNS = """
    SELECT c.relname AS table_name, a.attname AS column_name,
           COALESCE(array_position(i.indkey::int2[], a.attnum) - array_lower(i.indkey::int2[], 1) + 1, 0)
               AS pk_position
    FROM pg_class c
    JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
    LEFT JOIN pg_index i ON i.indrelid = c.oid AND i.indisprimary
    WHERE c.relkind = 'r' AND c.relnamespace = current_schema()::regnamespace
    ORDER BY c.relname, a.attnum
"""

_FOREIGN_KEYS = """
    SELECT child.relname AS table_name, a.attname AS column_name,
           parent.relname AS parent, pa.attname AS parent_column
    FROM pg_constraint k
    JOIN pg_class child ON child.oid = k.conrelid
    JOIN pg_class parent ON parent.oid = k.confrelid
    JOIN pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = k.conkey[1]
    JOIN pg_attribute pa ON pa.attrelid = k.confrelid AND pa.attnum = k.confkey[1]
    WHERE k.contype = 'f' AND k.connamespace = current_schema()::regnamespace
    ORDER BY child.relname, k.conname
"""


async def schema_of(conn: Connection) -> Schema:
    """The database's tables (schema_version aside), columns, primary keys and foreign keys."""
    schema = Schema()
    keys: dict[str, list[tuple[int, str]]] = {}
    for row in await conn.fetch(_COLUMNS):
        table = row["table_name"]
        if table == "schema_version":
            continue
        schema.columns.setdefault(table, []).append(row["column_name"])
        if row["pk_position"]:
            keys.setdefault(table, []).append((int(row["pk_position"]), row["column_name"]))
    schema.primary_keys = {table: [c for _, c in sorted(found)] for table, found in keys.items()}
    for row in await conn.fetch(_FOREIGN_KEYS):
        schema.foreign_keys.setdefault(row["table_name"], []).append(
            ForeignKey(row["column_name"], row["parent"], row["parent_column"])
        )
    return schema


class PgPrivacy(PgCore):
    """The privacy methods of :class:`bot.storage.protocol.Storage` on PostgreSQL."""

    async def export_member_data(self, user_id: int) -> dict[str, Any]:
        data: dict[str, Any] = {"member_id": str(user_id), "exported_at": self.now()}
        async with self.read() as conn:
            schema = await schema_of(conn)
            for table in owned_from(schema):
                rows = await conn.fetch(
                    f"SELECT * FROM {quote(table.name)} WHERE {where(table, '$1')}{order_by(table.order)}", user_id
                )
                data[friendly_name(table.name)] = [dict(row) for row in rows]
            for (table_name, column), name in shared_in(schema).items():
                rows = await conn.fetch(
                    f"SELECT * FROM {quote(table_name)} WHERE {quote(column)} = $1"
                    f"{order_by(shared_order(schema, table_name))}",
                    user_id,
                )
                data[name] = [dict(row) for row in rows]
        return data

    async def count_member_data(self, user_id: int) -> dict[str, int]:
        counts: dict[str, int] = {}
        async with self.read() as conn:
            schema = await schema_of(conn)
            for table in owned_from(schema):
                n = await conn.fetchval(f"SELECT COUNT(*) FROM {quote(table.name)} WHERE {where(table, '$1')}", user_id)
                counts[friendly_name(table.name)] = int(n)
            for (table_name, column), name in shared_in(schema).items():
                n = await conn.fetchval(f"SELECT COUNT(*) FROM {quote(table_name)} WHERE {quote(column)} = $1", user_id)
                counts[name] = int(n)
            mentions = await conn.fetchval("SELECT COUNT(*) FROM kb_history WHERE editor_id = $1", user_id)
        if mentions:
            counts[HISTORY_NAMES] = int(mentions)
        return counts

    async def delete_member_data(self, user_id: int) -> dict[str, int]:
        removed: dict[str, int] = {}
        async with self.transaction() as conn:
            schema = await schema_of(conn)
            for (table_name, column), name in shared_in(schema).items():
                removed[name] = affected(
                    await conn.execute(
                        f"UPDATE {quote(table_name)} SET {quote(column)} = NULL WHERE {quote(column)} = $1", user_id
                    )
                )
            # Referencing rows first, so each count is exact and no foreign key is left dangling.
            for table in deletion_order(owned_from(schema)):
                removed[friendly_name(table.name)] = affected(
                    await conn.execute(f"DELETE FROM {quote(table.name)} WHERE {where(table, '$1')}", user_id)
                )
            # Entries an admin wrote are the server's content: only the member's id comes off their history.
            mentions = affected(
                await conn.execute("UPDATE kb_history SET editor_id = NULL WHERE editor_id = $1", user_id)
            )
        if mentions:
            removed[HISTORY_NAMES] = mentions
        return removed
