"""PostgreSQL queries for the asks part of the storage protocol (see bot.storage.asks for SQLite's)."""

from __future__ import annotations

from bot.storage.postgres.core import PgCore


class PgAsks(PgCore):
    """The asks methods of :class:`bot.storage.protocol.Storage` on PostgreSQL."""
