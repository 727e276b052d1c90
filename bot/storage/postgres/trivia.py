"""PostgreSQL queries for the trivia part of the storage protocol (see bot.storage.trivia for SQLite's)."""

from __future__ import annotations

from bot.storage.postgres.core import PgCore


class PgTrivia(PgCore):
    """The trivia methods of :class:`bot.storage.protocol.Storage` on PostgreSQL."""
