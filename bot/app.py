"""The Crossroads bot: a commands.Bot that owns the store and the content, and loads the cogs."""

from __future__ import annotations

import asyncio
import logging
import pkgutil
import signal
import sys

import discord
import yarl
from discord import app_commands
from discord.ext import commands
from discord.gateway import DiscordWebSocket

from bot.content import Content, load_content
from bot.problems import ContentError
from bot.settings import Settings
from bot.storage import Store, StoreError
from bot.ui import expiry
from bot.ui.errors import UNEXPECTED_ERROR, bind_deadline, send_ephemeral, store_sentence

log = logging.getLogger("crossroads")

TOKEN_MISSING = (
    "No Discord token is set: put DISCORD_TOKEN=<your bot token> in a .env file or the environment "
    "(see .env.example), or run `make sandbox` to try Crossroads without a Discord account."
)
TOKEN_REJECTED = (
    "Discord rejected the token in DISCORD_TOKEN: copy a fresh one from the Bot page of your "
    "application in the Discord Developer Portal and set it again."
)


def cog_modules() -> list[str]:
    """Every extension module in the top-level `cogs` package, in a stable order."""
    import cogs

    return sorted(
        f"cogs.{info.name}"
        for info in pkgutil.iter_modules(cogs.__path__)
        if not info.name.startswith("_")
    )


def point_at_discord(settings: Settings) -> None:
    """Route REST (and the webhook routes interactions use) and the gateway to the configured hosts."""
    if settings.discord_api_base:
        discord.http.Route.BASE = settings.discord_api_base
    if settings.discord_gateway_url:
        DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(settings.discord_gateway_url)


class TooLate(app_commands.CheckFailure):
    """The interaction is too old to be answered in time; it was shed without doing anything."""


class CrossroadsTree(app_commands.CommandTree["CrossroadsBot"]):
    """The command tree, with one error handler for every slash command."""

    async def interaction_check(self, interaction: discord.Interaction[CrossroadsBot], /) -> bool:
        bind_deadline(interaction)
        if not expiry.in_time(interaction):
            expiry.shed(interaction, "a slash command")
            raise TooLate
        return True

    async def on_error(
        self, interaction: discord.Interaction[CrossroadsBot], error: app_commands.AppCommandError
    ) -> None:
        if isinstance(error, TooLate):
            return
        if isinstance(error, app_commands.CommandInvokeError) and expiry.gone(error.original, "a command's reply"):
            return
        message = describe_command_error(error)
        if message is None:
            command = interaction.command.qualified_name if interaction.command else "?"
            log.error("Command /%s failed", command, exc_info=error)
            message = UNEXPECTED_ERROR
        await send_ephemeral(interaction, message)


def describe_command_error(error: app_commands.AppCommandError) -> str | None:
    """A sentence for errors a member can act on; None for bugs, which are logged instead."""
    if isinstance(error, app_commands.MissingPermissions):
        needed = ", ".join(p.replace("_", " ").title() for p in error.missing_permissions)
        return f"You need the {needed} permission in this server to use this command."
    if isinstance(error, app_commands.BotMissingPermissions):
        needed = ", ".join(p.replace("_", " ").title() for p in error.missing_permissions)
        return f"I need the {needed} permission here; ask a server admin to grant it to my role."
    if isinstance(error, app_commands.NoPrivateMessage):
        return "This command only works in a server, not in direct messages."
    if isinstance(error, app_commands.CommandOnCooldown):
        return f"Slow down a little: try again in {error.retry_after:.0f} seconds."
    if isinstance(error, app_commands.CheckFailure):
        return "You cannot use this command here."
    if isinstance(error, app_commands.CommandInvokeError) and isinstance(error.original, StoreError):
        return store_sentence(error.original)
    return None


class CrossroadsBot(commands.Bot):
    """The bot. `store` and `content` are ready once setup_hook has run."""

    def __init__(self, settings: Settings, *, sync_on_start: bool = True) -> None:
        intents = discord.Intents.none()
        intents.guilds = True
        super().__init__(
            command_prefix=commands.when_mentioned,
            intents=intents,
            help_command=None,
            tree_cls=CrossroadsTree,
            owner_ids=set(settings.owner_ids) or None,
            allowed_mentions=discord.AllowedMentions.none(),
        )
        self.settings = settings
        self.sync_on_start = sync_on_start
        self.store = Store(settings.database_path, synchronous=settings.database_synchronous)
        self._content: Content | None = None

    @property
    def content(self) -> Content:
        if self._content is None:
            raise RuntimeError("content is not loaded yet")
        return self._content

    @content.setter
    def content(self, value: Content) -> None:
        self._content = value

    async def setup_hook(self) -> None:
        expiry.reset()
        await self._use_local_gateway_if_needed()
        await self.store.open()
        self.content = load_content(self.settings.content_dir)
        for module in cog_modules():
            await self.load_extension(module)
        log.info("Loaded %d cogs", len(self.extensions))
        if self.sync_on_start and self.settings.dev_guild_id:
            guild = discord.Object(id=self.settings.dev_guild_id)
            self.tree.copy_global_to(guild=guild)
            synced = await self.tree.sync(guild=guild)
            log.info("Synced %d commands to server %s", len(synced), self.settings.dev_guild_id)

    async def _use_local_gateway_if_needed(self) -> None:
        """discord.py connects to Discord's fixed gateway; with a custom REST base and no explicit
        gateway URL, ask that REST base where its gateway is, once."""
        if self.settings.discord_api_base and not self.settings.discord_gateway_url:
            _shards, url, _limits = await self.http.get_bot_gateway()
            DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(url)
            log.info("Using gateway %s", url)

    async def on_ready(self) -> None:
        user = self.user
        log.info("Ready as %s (id %s) in %d servers", user, user.id if user else "?", len(self.guilds))

    async def close(self) -> None:
        try:
            await super().close()
        finally:
            self._cancel_pending_ready()
            await self.store.close()

    def _cancel_pending_ready(self) -> None:
        """discord.py waits about two seconds after the last GUILD_CREATE before dispatching
        on_ready and does not cancel that wait on close; a bot stopped sooner would dispatch
        into a closed client and log an AttributeError on its way out."""
        ready_task = getattr(self._connection, "_ready_task", None)
        if isinstance(ready_task, asyncio.Task) and not ready_task.done():
            ready_task.cancel()


def _token(settings: Settings) -> str | None:
    """The bot token, or None (after saying how to set it) when there is none."""
    token = settings.discord_token.get_secret_value().strip() if settings.discord_token else ""
    if not token:
        print(TOKEN_MISSING, file=sys.stderr)
        return None
    return token


def describe_start_failure(exc: BaseException) -> str | None:
    """The sentence for a failure to log in or start up; None for anything unexpected."""
    if isinstance(exc, discord.LoginFailure):
        return TOKEN_REJECTED
    if isinstance(exc, ContentError):
        return (
            f"Crossroads cannot start because its content files are invalid.\n{exc.report()}\n"
            "Fix the files listed above (`python -m bot check` lists the same problems)."
        )
    if isinstance(exc, StoreError):
        return str(exc)
    if isinstance(exc, discord.PrivilegedIntentsRequired):
        return (
            "Discord refused the gateway intents; Crossroads needs none of the privileged ones, "
            "so check the application in the Developer Portal."
        )
    if isinstance(exc, discord.GatewayNotFound | OSError):
        return f"Cannot reach Discord ({exc}); check the network and try again."
    return None


START_FAILURES = (
    discord.LoginFailure,
    ContentError,
    StoreError,
    discord.PrivilegedIntentsRequired,
    discord.GatewayNotFound,
    OSError,
)


async def serve(settings: Settings) -> int:
    """Run the bot until it is stopped; the body of `python -m bot run`. Returns the exit code."""
    token = _token(settings)
    if token is None:
        return 2
    point_at_discord(settings)
    bot = CrossroadsBot(settings)
    loop = asyncio.get_running_loop()
    stop_tasks: list[asyncio.Task[None]] = []

    def request_stop() -> None:
        if not stop_tasks:
            log.info("Stopping")
            stop_tasks.append(loop.create_task(bot.close()))

    installed = []
    for sig in (signal.SIGINT, signal.SIGTERM):
        try:
            loop.add_signal_handler(sig, request_stop)
            installed.append(sig)
        except (NotImplementedError, RuntimeError):
            pass
    try:
        await bot.start(token)
        return 0
    except START_FAILURES as exc:
        print(describe_start_failure(exc), file=sys.stderr)
        return 1
    finally:
        for sig in installed:
            loop.remove_signal_handler(sig)
        if not bot.is_closed():
            await bot.close()
        else:
            await bot.store.close()


async def sync_commands(settings: Settings, guild_id: int | None) -> int:
    """Push the slash commands to one server (instant) or globally (can take up to an hour)."""
    token = _token(settings)
    if token is None:
        return 2
    point_at_discord(settings)
    bot = CrossroadsBot(settings, sync_on_start=False)
    try:
        async with bot:
            await bot.login(token)
            if guild_id is not None:
                guild = discord.Object(id=guild_id)
                bot.tree.copy_global_to(guild=guild)
                synced = await bot.tree.sync(guild=guild)
                print(f"Synced {len(synced)} commands to server {guild_id}.")
            else:
                synced = await bot.tree.sync()
                print(
                    f"Synced {len(synced)} commands globally; Discord can take up to an hour "
                    "to show them everywhere."
                )
            return 0
    except START_FAILURES as exc:
        print(describe_start_failure(exc), file=sys.stderr)
        return 1
