"""PostgreSQL queries for the stats part of the storage protocol (see bot.storage.stats for SQLite's)."""

from __future__ import annotations

from bot.storage.postgres.core import PgCore


class PgStats(PgCore):
    """The stats methods of :class:`bot.storage.protocol.Storage` on PostgreSQL."""
