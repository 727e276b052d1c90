"""PostgreSQL queries for the guilds part of the storage protocol (see bot.storage.guilds for SQLite's)."""

from __future__ import annotations

from bot.storage.postgres.core import PgCore


class PgGuilds(PgCore):
    """The guilds methods of :class:`bot.storage.protocol.Storage` on PostgreSQL."""
