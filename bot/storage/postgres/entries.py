"""PostgreSQL queries for the entries part of the storage protocol (see bot.storage.entries for SQLite's)."""

from __future__ import annotations

from bot.storage.postgres.core import PgCore


class PgEntries(PgCore):
    """The entries methods of :class:`bot.storage.protocol.Storage` on PostgreSQL."""
