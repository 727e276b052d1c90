"""PostgreSQL queries for the quiz part of the storage protocol (see bot.storage.quiz for SQLite's)."""

from __future__ import annotations

from bot.storage.postgres.core import PgCore


class PgQuiz(PgCore):
    """The quiz methods of :class:`bot.storage.protocol.Storage` on PostgreSQL."""
