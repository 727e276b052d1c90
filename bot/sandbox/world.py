"""The server Crossroads is tried and tested in, built on the stand-in: the default world plus the
roles a path finder result can grant and a channel for results."""

from __future__ import annotations

from typing import Any

from standin.server import StandIn
from standin.state import Perm


def crossroads_world(standin: StandIn) -> None:
    """Server "Crossroads Test": #general and #quiz-results; "AI Engineer" and "ML Engineer" below
    the bot's role, "Moderator" just above it, "Admin" (Manage Server) at the top; members "alice"
    and "morgan" (an Admin).

    With `shard_count` above 1, "Crossroads Test" is on shard 0 and each other shard gets a server
    of its own, "Crossroads Shard <n>" with #general."""
    sharded = standin.shard_count > 1
    guild = standin.add_guild("Crossroads Test", shard=0 if sharded else None)
    standin.add_channel(guild, "general")
    standin.add_channel(guild, "quiz-results")
    standin.add_role(guild, "AI Engineer", position=1)
    standin.add_role(guild, "ML Engineer", position=2)
    standin.add_role(guild, "Moderator", position=guild.roles[standin.bot_role_id(guild)].position + 1)
    admins = standin.add_role(guild, "Admin", permissions=Perm.MANAGE_GUILD, position=standin.top_position() + 1)
    standin.add_member("alice", guild=guild)
    standin.add_member("morgan", guild=guild, roles=[admins])
    for shard in range(1, standin.shard_count):
        other = standin.add_guild(f"Crossroads Shard {shard}", shard=shard)
        standin.add_channel(other, "general")


def crossroads_standin(**options: Any) -> StandIn:
    """A stand-in holding the Crossroads world, its bot user named Crossroads (`shard_count=2`
    for a server on each of two shards)."""
    return StandIn(world=crossroads_world, bot_name="Crossroads", **options)
