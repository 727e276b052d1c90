"""The PostgreSQL backend: :class:`PostgresStorage` implements :class:`bot.storage.protocol.Storage`
over asyncpg. Each module holds one part of the protocol, beside SQLite's module of the same name."""

from __future__ import annotations

from bot.storage.postgres.asks import PgAsks
from bot.storage.postgres.core import PgCore, connect_sentence, describe_url, migrations
from bot.storage.postgres.entries import PgEntries
from bot.storage.postgres.guilds import PgGuilds
from bot.storage.postgres.privacy import PgPrivacy
from bot.storage.postgres.quiz import PgQuiz
from bot.storage.postgres.stats import PgStats
from bot.storage.postgres.trivia import PgTrivia


class PostgresStorage(PgAsks, PgQuiz, PgGuilds, PgPrivacy, PgTrivia, PgEntries, PgStats):
    """Every storage operation on PostgreSQL; open with `await storage.open()` or `async with`."""


__all__ = ["PgCore", "PostgresStorage", "connect_sentence", "describe_url", "migrations"]
