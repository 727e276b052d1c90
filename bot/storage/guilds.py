"""Per-server settings: role rewards, quiz expiry, /ask visibility, trivia."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from bot.storage.store import Store

DEFAULT_QUIZ_EXPIRY_HOURS = 24
DEFAULT_TRIVIA_SECONDS = 20


@dataclass(frozen=True)
class GuildConfig:
    guild_id: int
    ai_role_id: int | None = None
    ml_role_id: int | None = None
    role_rewards: bool = True
    quiz_expiry_hours: int = DEFAULT_QUIZ_EXPIRY_HOURS
    ask_private: bool = False
    trivia_role_id: int | None = None
    trivia_seconds: int = DEFAULT_TRIVIA_SECONDS

    def role_for(self, path_result: str) -> int | None:
        """The server role an admin mapped to a path result ('ai' or 'ml'), if rewards are on."""
        if not self.role_rewards:
            return None
        return {"ai": self.ai_role_id, "ml": self.ml_role_id}.get(path_result)


async def get_config(store: Store, guild_id: int | None) -> GuildConfig:
    """The server's settings, or the defaults when it has none (or for a DM, guild_id None)."""
    if guild_id is None:
        return GuildConfig(guild_id=0)
    row = await store.fetchone("SELECT * FROM guild_config WHERE guild_id = ?", (guild_id,))
    if row is None:
        return GuildConfig(guild_id=guild_id)
    return GuildConfig(
        guild_id=guild_id,
        ai_role_id=row["ai_role_id"],
        ml_role_id=row["ml_role_id"],
        role_rewards=bool(row["role_rewards"]),
        quiz_expiry_hours=int(row["quiz_expiry_hours"]),
        ask_private=bool(row["ask_private"]),
        trivia_role_id=row["trivia_role_id"],
        trivia_seconds=int(row["trivia_seconds"]),
    )


async def update_config(store: Store, guild_id: int, **changes: Any) -> GuildConfig:
    """Change some settings of a server and return the stored result (one transaction)."""
    current = await get_config(store, guild_id)
    updated = replace(current, **changes)
    if updated.quiz_expiry_hours <= 0:
        raise ValueError("quiz_expiry_hours must be positive")
    if updated.trivia_seconds < 10:
        raise ValueError("trivia_seconds must be at least 10")
    await store.execute(
        """
        INSERT INTO guild_config
            (guild_id, ai_role_id, ml_role_id, role_rewards, quiz_expiry_hours, ask_private,
             trivia_role_id, trivia_seconds, updated_at)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT (guild_id) DO UPDATE SET
            ai_role_id = excluded.ai_role_id,
            ml_role_id = excluded.ml_role_id,
            role_rewards = excluded.role_rewards,
            quiz_expiry_hours = excluded.quiz_expiry_hours,
            ask_private = excluded.ask_private,
            trivia_role_id = excluded.trivia_role_id,
            trivia_seconds = excluded.trivia_seconds,
            updated_at = excluded.updated_at
        """,
        (
            guild_id,
            updated.ai_role_id,
            updated.ml_role_id,
            int(updated.role_rewards),
            updated.quiz_expiry_hours,
            int(updated.ask_private),
            updated.trivia_role_id,
            updated.trivia_seconds,
            store.now(),
        ),
    )
    return updated
