"""Persistence for Crossroads (aiosqlite). Never imports discord."""

from bot.storage.store import Store, StoreError, schema_version

__all__ = ["Store", "StoreError", "schema_version"]
