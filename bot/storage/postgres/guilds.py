"""PostgreSQL queries for the guilds part of the storage protocol (see bot.storage.guilds for SQLite's).

A setter writes only the settings it changes, in one `INSERT … ON CONFLICT DO UPDATE … RETURNING`,
so two processes changing different settings of one server at once both keep their change."""

from __future__ import annotations

from typing import Any

from bot.storage.guilds import KEEP, GuildConfig, Keep, config_from_row
from bot.storage.postgres.core import PgCore

# The settings a setter may change, as guild_config columns.
_COLUMNS = (
    "ai_role_id",
    "ml_role_id",
    "role_rewards",
    "quiz_expiry_hours",
    "ask_private",
    "trivia_role_id",
    "trivia_seconds",
)


class PgGuilds(PgCore):
    """The guilds methods of :class:`bot.storage.protocol.Storage` on PostgreSQL."""

    async def get_config(self, guild_id: int | None) -> GuildConfig:
        if guild_id is None:
            return GuildConfig(guild_id=0)
        async with self.read() as conn:
            row = await conn.fetchrow("SELECT * FROM guild_config WHERE guild_id = $1", guild_id)
        return config_from_row(guild_id, row)

    async def _update(self, guild_id: int, changes: dict[str, Any]) -> GuildConfig:
        """Store the given settings (column → value) of a server and return all of its settings."""
        if changes.get("quiz_expiry_hours", 1) <= 0:
            raise ValueError("quiz_expiry_hours must be positive")
        if changes.get("trivia_seconds", 10) < 10:
            raise ValueError("trivia_seconds must be at least 10")
        columns = [c for c in _COLUMNS if c in changes]
        values = [int(v) if isinstance(v, bool) else v for v in (changes[c] for c in columns)]
        names = ", ".join(["guild_id", *columns, "updated_at"])
        slots = ", ".join(f"${i}" for i in range(1, len(columns) + 3))
        updates = ", ".join(f"{c} = excluded.{c}" for c in [*columns, "updated_at"])
        async with self.transaction() as conn:
            row = await conn.fetchrow(
                f"INSERT INTO guild_config ({names}) VALUES ({slots})"
                f" ON CONFLICT (guild_id) DO UPDATE SET {updates} RETURNING *",
                guild_id,
                *values,
                self.now(),
            )
        return config_from_row(guild_id, row)

    async def set_path_role(self, guild_id: int, leaning: str, role_id: int | None) -> GuildConfig:
        if leaning not in ("ai", "ml"):
            raise ValueError(f"no role is mapped to the path result {leaning!r}")
        return await self._update(guild_id, {f"{leaning}_role_id": role_id})

    async def set_role_rewards(self, guild_id: int, enabled: bool) -> GuildConfig:
        return await self._update(guild_id, {"role_rewards": enabled})

    async def set_quiz_expiry(self, guild_id: int, hours: int) -> GuildConfig:
        return await self._update(guild_id, {"quiz_expiry_hours": hours})

    async def set_ask_private(self, guild_id: int, private: bool) -> GuildConfig:
        return await self._update(guild_id, {"ask_private": private})

    async def set_trivia(
        self, guild_id: int, *, role_id: int | Keep | None = KEEP, seconds: int | Keep = KEEP
    ) -> GuildConfig:
        changes: dict[str, Any] = {}
        if not isinstance(role_id, Keep):
            changes["trivia_role_id"] = role_id
        if not isinstance(seconds, Keep):
            changes["trivia_seconds"] = seconds
        return await self._update(guild_id, changes)
