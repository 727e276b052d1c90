"""Which storage backend the settings name: SQLite at DATABASE_PATH (the default, nothing to run beside
the bot) or PostgreSQL at DATABASE_URL (several processes, a standby, one database for many servers)."""

from __future__ import annotations

from bot.settings import Settings
from bot.storage.postgres import PostgresStorage
from bot.storage.sqlite import SqliteStorage


def storage_for(settings: Settings) -> SqliteStorage | PostgresStorage:
    """The store the settings name, not yet opened (`await store.open()` connects and migrates)."""
    if settings.database_url is None:
        return SqliteStorage(settings.database_path, synchronous=settings.database_synchronous)
    return PostgresStorage(settings.database_url.get_secret_value(), pool_size=settings.database_pool_size)
