"""PostgreSQL queries for the privacy part of the storage protocol (see bot.storage.privacy for SQLite's)."""

from __future__ import annotations

from bot.storage.postgres.core import PgCore


class PgPrivacy(PgCore):
    """The privacy methods of :class:`bot.storage.protocol.Storage` on PostgreSQL."""
