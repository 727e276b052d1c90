"""Per-server settings: role rewards, quiz expiry, /ask visibility, trivia.

Each setting has a setter; :func:`update_config` changes several at once by keyword (one transaction)."""

from __future__ import annotations

import enum
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
    return config_from_row(guild_id, row)


def config_from_row(guild_id: int, row: Any) -> GuildConfig:
    """A server's settings from its guild_config row (either backend's row type), or the defaults."""
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


class Keep(enum.Enum):
    """A setting :func:`update_config` leaves as it is."""

    KEEP = "keep"


KEEP = Keep.KEEP


async def set_path_role(store: Store, guild_id: int, leaning: str, role_id: int | None) -> GuildConfig:
    """Map a path finder result ('ai' or 'ml') to a role, or stop giving one (None)."""
    if leaning == "ai":
        return await update_config(store, guild_id, ai_role_id=role_id)
    if leaning == "ml":
        return await update_config(store, guild_id, ml_role_id=role_id)
    raise ValueError(f"no role is mapped to the path result {leaning!r}")


async def set_role_rewards(store: Store, guild_id: int, enabled: bool) -> GuildConfig:
    return await update_config(store, guild_id, role_rewards=enabled)


async def set_quiz_expiry(store: Store, guild_id: int, hours: int) -> GuildConfig:
    return await update_config(store, guild_id, quiz_expiry_hours=hours)


async def set_ask_private(store: Store, guild_id: int, private: bool) -> GuildConfig:
    return await update_config(store, guild_id, ask_private=private)


async def set_trivia(
    store: Store, guild_id: int, *, role_id: int | Keep | None = KEEP, seconds: int | Keep = KEEP
) -> GuildConfig:
    """Who may start trivia games (None: Manage Server only) and a question's default seconds."""
    return await update_config(store, guild_id, trivia_role_id=role_id, trivia_seconds=seconds)


async def update_config(
    store: Store,
    guild_id: int,
    *,
    ai_role_id: int | Keep | None = KEEP,
    ml_role_id: int | Keep | None = KEEP,
    role_rewards: bool | Keep = KEEP,
    quiz_expiry_hours: int | Keep = KEEP,
    ask_private: bool | Keep = KEEP,
    trivia_role_id: int | Keep | None = KEEP,
    trivia_seconds: int | Keep = KEEP,
) -> GuildConfig:
    """Change the given settings of a server (the others keep their value) and return the stored
    result (one transaction)."""
    current = await get_config(store, guild_id)
    updated = replace(
        current,
        ai_role_id=current.ai_role_id if isinstance(ai_role_id, Keep) else ai_role_id,
        ml_role_id=current.ml_role_id if isinstance(ml_role_id, Keep) else ml_role_id,
        role_rewards=current.role_rewards if isinstance(role_rewards, Keep) else role_rewards,
        quiz_expiry_hours=current.quiz_expiry_hours if isinstance(quiz_expiry_hours, Keep) else quiz_expiry_hours,
        ask_private=current.ask_private if isinstance(ask_private, Keep) else ask_private,
        trivia_role_id=current.trivia_role_id if isinstance(trivia_role_id, Keep) else trivia_role_id,
        trivia_seconds=current.trivia_seconds if isinstance(trivia_seconds, Keep) else trivia_seconds,
    )
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
