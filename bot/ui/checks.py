"""Who may run what: checks that refuse with the member's sentence.

Each check raises :class:`~bot.ui.errors.CommandRefused`, which the command tree's error handler
(bot/app.py) sends privately; `guarded` does the same for buttons, so the buttons and forms that
act for a command call the same ``ensure_*`` function before they do anything. Where commands
may be used (servers, DMs) is declared here too, once for the whole bot.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import discord
from discord import app_commands

from bot.storage.protocol import Storage
from bot.ui import teach as teach_ui
from bot.ui import trivia as trivia_ui
from bot.ui.errors import CommandRefused

T = TypeVar("T")

# Discord shows the admin commands to members with this permission unless a server changes it.
ADMIN_PERMISSIONS = discord.Permissions(manage_guild=True)

# Every command is offered in servers and in DMs with the bot, to servers that add the bot; the
# commands that manage or play in a server are declared `server_only`.
EVERYWHERE = app_commands.AppCommandContext(guild=True, dm_channel=True, private_channel=False)
SERVER_INSTALLS = app_commands.AppInstallationType(guild=True, user=False)


def server_only(command: T) -> T:
    """Offer a command or group in servers only (Discord hides it in DMs)."""
    servers = app_commands.allowed_contexts(guilds=True, dms=False, private_channels=False)
    return app_commands.guild_only(servers(command))


def _store(interaction: discord.Interaction[Any]) -> Storage:
    store: Storage = interaction.client.store
    return store


def _has_role(interaction: discord.Interaction[Any], role_id: int | None) -> bool:
    roles = getattr(interaction.user, "roles", [])
    return role_id is not None and any(role.id == role_id for role in roles)


def admin_refusal(interaction: discord.Interaction[Any]) -> str | None:
    """Why the member may not use the admin commands here, or None when they may: members with
    Manage Server, and the bot's owners (OWNER_IDS) in every server."""
    if interaction.guild_id is None:
        return "This command works in a server only, where it manages that server's settings."
    if interaction.guild is None:
        return (
            "I cannot see this server yet. Invite me with the bot scope (not only application commands), "
            "then try again."
        )
    if interaction.permissions.manage_guild or interaction.user.id in (interaction.client.owner_ids or ()):
        return None
    command = interaction.command.qualified_name if interaction.command else "this command"
    return f"Only members with the Manage Server permission can use /{command}. Ask a server admin if you need it run."


def ensure_admin(interaction: discord.Interaction[Any]) -> bool:
    """The admin cogs' `interaction_check`: refuse everyone :func:`admin_refusal` names a reason for."""
    refusal = admin_refusal(interaction)
    if refusal is not None:
        raise CommandRefused(refusal)
    return True


def in_server(sentence: str) -> Callable[[T], T]:
    """Refuse with `sentence` outside a server."""

    def predicate(interaction: discord.Interaction[Any]) -> bool:
        if interaction.guild_id is None:
            raise CommandRefused(sentence)
        return True

    return app_commands.check(predicate)


def manage_server(sentence: str) -> Callable[[T], T]:
    """Refuse with `sentence` unless the member has Manage Server here."""

    def predicate(interaction: discord.Interaction[Any]) -> bool:
        if interaction.guild_id is None or not interaction.permissions.manage_guild:
            raise CommandRefused(sentence)
        return True

    return app_commands.check(predicate)


async def ensure_may_teach(interaction: discord.Interaction[Any]) -> None:
    """Members with Manage Server, or with the role chosen by /config editors, change this server's
    knowledge base."""
    if interaction.guild_id is None:
        raise CommandRefused(teach_ui.NOT_IN_SERVER)
    if interaction.permissions.manage_guild:
        return
    if not _has_role(interaction, await _store(interaction).editor_role(interaction.guild_id)):
        raise CommandRefused(teach_ui.REFUSED)


async def _may_teach(interaction: discord.Interaction[Any]) -> bool:
    await ensure_may_teach(interaction)
    return True


may_teach = app_commands.check(_may_teach)


async def _may_start_trivia(interaction: discord.Interaction[Any]) -> bool:
    """Members with Manage Server, or with the role chosen by /config trivia, start games."""
    if interaction.guild_id is None or interaction.channel_id is None:
        raise CommandRefused(trivia_ui.SERVER_ONLY)
    if interaction.permissions.manage_guild:
        return True
    role_id = (await _store(interaction).get_config(interaction.guild_id)).trivia_role_id
    if not _has_role(interaction, role_id):
        raise CommandRefused(trivia_ui.may_not_start(role_id))
    return True


may_start_trivia = app_commands.check(_may_start_trivia)


async def _may_stop_trivia(interaction: discord.Interaction[Any]) -> bool:
    """The member who started the channel's game, or an admin, stops it."""
    if interaction.channel_id is None:
        raise CommandRefused(trivia_ui.SERVER_ONLY)
    game = await _store(interaction).running_game_in(interaction.channel_id)
    if game is not None and interaction.user.id != game.starter_id and not interaction.permissions.manage_guild:
        raise CommandRefused(trivia_ui.MAY_NOT_STOP)
    return True


may_stop_trivia = app_commands.check(_may_stop_trivia)
