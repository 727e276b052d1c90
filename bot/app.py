"""The Crossroads bot: a commands.Bot that owns the store and the content, and loads the cogs."""

from __future__ import annotations

import asyncio
import logging
import pkgutil
import signal
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, cast

import discord
import platformdirs
import yarl
from discord import app_commands
from discord.errors import ConnectionClosed
from discord.ext import commands
from discord.gateway import DiscordWebSocket
from discord.webhook.async_ import AsyncWebhookAdapter
from discord.webhook.async_ import async_context as webhook_adapter

from bot import deadline
from bot.content import Content, load_content
from bot.deadline import Deadline
from bot.instance import STANDBY_POLL, AlreadyRunning, InstanceLock, Lease, LeaseLost, jobs_lease, shard_lease
from bot.jobs import ScheduledJobs
from bot.knowledge import KnowledgeBase, semantic
from bot.knowledge.server_entries import GuildKnowledge, GuildLayer
from bot.ops.metrics import MetricsError, Monitor, record_interaction, record_store_error
from bot.problems import ContentError
from bot.settings import Settings
from bot.storage import StoreError
from bot.storage.backends import storage_for
from bot.storage.protocol import Storage
from bot.ui import expiry
from bot.ui.checks import EVERYWHERE, SERVER_INSTALLS
from bot.ui.errors import (
    BUTTON_INACTIVE,
    UNEXPECTED_ERROR,
    CommandRefused,
    bind_deadline,
    send_ephemeral,
    store_sentence,
)

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

    return sorted(f"cogs.{info.name}" for info in pkgutil.iter_modules(cogs.__path__) if not info.name.startswith("_"))


# A callback sent later than this before the end of the 3-second window would arrive too late.
CALLBACK_MARGIN = 0.3


class InteractionWindowClosed(discord.HTTPException):
    """The acknowledgement could not be delivered within Discord's 3 seconds (Discord kept failing)."""

    def __init__(self) -> None:
        Exception.__init__(self, "Discord's 3-second window closed before the reply could be delivered")
        self.response = cast(Any, None)
        self.status = 504
        self.code = 0
        self.text = str(self)


class WindowedWebhookAdapter(AsyncWebhookAdapter):
    """discord.py retries a 5xx after 1 s, then 3 s: the second retry would land after Discord's
    3-second window has closed. Cut an interaction callback off at the last moment a request
    could still arrive, so the caller turns to another route while that is still useful."""

    async def create_interaction_response(self, interaction_id: int, token: str, **kwargs: Any) -> Any:
        window = Deadline.for_interaction(interaction_id, margin=CALLBACK_MARGIN)
        if window.too_late():
            raise InteractionWindowClosed()
        try:
            async with asyncio.timeout(window.remaining()):
                result = await super().create_interaction_response(interaction_id, token, **kwargs)
        except TimeoutError:
            raise InteractionWindowClosed() from None
        # Acknowledged: what the handler does next has the follow-up's 15 minutes, not 3 seconds.
        deadline.set_current(None)
        return result


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
        if isinstance(error, CommandRefused):
            # A refusal is an answer like any other, not a failure.
            record_interaction(interaction, "ok")
            await send_ephemeral(interaction, str(error))
            return
        message = describe_command_error(error)
        failure = error.original if isinstance(error, app_commands.CommandInvokeError) else error
        if isinstance(failure, StoreError):
            record_store_error(failure)
        record_interaction(interaction, "store_error" if isinstance(failure, StoreError) else "error")
        if message is None:
            command = interaction.command.qualified_name if interaction.command else "?"
            log.error("Command /%s failed", command, exc_info=error)
            message = UNEXPECTED_ERROR
        await send_ephemeral(interaction, message)


def describe_command_error(error: app_commands.AppCommandError) -> str | None:
    """A sentence for errors a member can act on; None for bugs, which are logged instead."""
    if isinstance(error, CommandRefused):
        return str(error)
    if isinstance(error, app_commands.MissingPermissions):
        needed = ", ".join(p.replace("_", " ").title() for p in error.missing_permissions)
        return f"You need the {needed} permission in this server to use this command."
    if isinstance(error, app_commands.NoPrivateMessage):
        return "This command only works in a server, not in direct messages."
    if isinstance(error, app_commands.CommandOnCooldown):
        return f"Slow down a little: try again in {error.retry_after:.0f} seconds."
    if isinstance(error, app_commands.CheckFailure):
        return "You cannot use this command here."
    if isinstance(error, app_commands.CommandInvokeError) and isinstance(error.original, StoreError):
        return store_sentence(error.original)
    return None


class CrossroadsBot(commands.AutoShardedBot):
    """The bot. `store` and `content` are ready once setup_hook has run.

    It runs the gateway shards SHARD_IDS of SHARD_COUNT (every shard of SHARD_COUNT without
    SHARD_IDS); with neither set, one connection as shard 0 of 1."""

    def __init__(self, settings: Settings, *, sync_on_start: bool = True) -> None:
        intents = discord.Intents.none()
        intents.guilds = True
        monitor = Monitor(settings.metrics_address, settings.metrics_port)
        shards: dict[str, Any] = {"shard_count": settings.shard_count or 1}
        if settings.shard_ids is not None:
            shards["shard_ids"] = list(settings.shard_ids)
        super().__init__(
            **shards,
            http_trace=monitor.trace,
            command_prefix=commands.when_mentioned,
            intents=intents,
            help_command=None,
            tree_cls=CrossroadsTree,
            owner_ids=set(settings.owner_ids) or None,
            allowed_mentions=discord.AllowedMentions.none(),
            allowed_contexts=EVERYWHERE,
            allowed_installs=SERVER_INSTALLS,
        )
        self.monitor = monitor
        self.settings = settings
        self.sync_on_start = sync_on_start
        self.store: Storage = storage_for(settings)
        self._content: Content | None = None
        self.guild_knowledge = GuildKnowledge(lambda: self.content.knowledge, self._guild_layer)
        self.jobs: ScheduledJobs | None = None

    @property  # type: ignore[override]
    def ws(self) -> DiscordWebSocket | None:
        """The gateway connection of this process's first shard, once it is connected."""
        for shard_id in sorted(self.shards):
            return self._get_websocket(shard_id=shard_id)
        return None

    @ws.setter
    def ws(self, value: DiscordWebSocket | None) -> None:
        # discord.py's Client keeps one connection here; the shards keep theirs instead.
        pass

    @property
    def runs_shard_zero(self) -> bool:
        """Whether this process runs shard 0, which also gets every interaction in DMs."""
        return 0 in self.settings.runs_shards

    @property
    def content(self) -> Content:
        if self._content is None:
            raise RuntimeError("content is not loaded yet")
        return self._content

    @content.setter
    def content(self, value: Content) -> None:
        self._content = value

    async def knowledge_for(self, guild_id: int | None) -> KnowledgeBase:
        """The knowledge base a server sees: the shipped content plus its own entries."""
        return await self.guild_knowledge.get(guild_id)

    async def _guild_layer(self, guild_id: int) -> GuildLayer:
        rows = await self.store.load_server_entries(guild_id)
        return GuildLayer.build(
            (item.body for item in rows.entries), ((c.entry_id, c.hidden, c.questions) for c in rows.changes)
        )

    async def setup_hook(self) -> None:
        # Every task started from here on (each interaction's) answers through this adapter.
        webhook_adapter.set(WindowedWebhookAdapter())
        expiry.reset()
        await self._use_local_gateway_if_needed()
        await self.store.open()
        self.content = load_content(self.settings.content_dir)
        semantic.use_cache_file(self.embedding_cache_path())
        await self.monitor.start(self)
        for module in cog_modules():
            await self.load_extension(module)
        log.info("Loaded %d cogs", len(self.extensions))

    async def sync_on_start_if_mine(self) -> None:
        """With DEV_GUILD_ID set, sync the slash commands to that server at start: only in the
        process running shard 0, so several shard processes do not each push the same commands."""
        if not (self.sync_on_start and self.settings.dev_guild_id):
            return
        if not self.runs_shard_zero:
            log.info("Not syncing slash commands: the process running shard 0 does")
            return
        guild = discord.Object(id=self.settings.dev_guild_id)
        self.tree.copy_global_to(guild=guild)
        synced = await self.tree.sync(guild=guild)
        log.info("Synced %d commands to server %s", len(synced), self.settings.dev_guild_id)

    def start_jobs(self, lease: Lease | None) -> None:
        """Run the scheduled jobs here, when `lease` (PostgreSQL) is ours or always (SQLite)."""
        self.jobs = ScheduledJobs(self.store, lease)
        self.jobs.start()

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

    async def on_interaction(self, interaction: discord.Interaction[CrossroadsBot]) -> None:
        if interaction.type is discord.InteractionType.component and not self._handles_component(interaction):
            await send_ephemeral(interaction, BUTTON_INACTIVE)

    def _handles_component(self, interaction: discord.Interaction[CrossroadsBot]) -> bool:
        """Whether some view or DynamicItem takes this custom_id; discord.py silently drops the rest,
        which leaves the member with "This interaction failed"."""
        data: dict[str, object] = dict(interaction.data or {})
        custom_id = str(data.get("custom_id", ""))
        views = getattr(self._connection, "_view_store", None)
        if views is None:
            return True
        if any(pattern.fullmatch(custom_id) for pattern in getattr(views, "_dynamic_items", {})):
            # discord.py builds a DynamicItem only from a button that is on the clicked message.
            return interaction.message is None or custom_id in _custom_ids(interaction.message)
        component_type = data.get("component_type")
        key = (component_type if isinstance(component_type, int) else 0, custom_id)
        return any(key in items for items in getattr(views, "_views", {}).values())

    async def close(self) -> None:
        try:
            if self.jobs is not None:
                await self.jobs.stop()
            if isinstance(self.loop, asyncio.AbstractEventLoop):
                await super().close()
            else:
                # Never logged in: discord.py's sharded client has nothing open to close yet.
                for extension in list(self.extensions):
                    await self.unload_extension(extension)
        finally:
            self._cancel_pending_ready()
            await self.monitor.stop()
            await self.store.close()
            semantic.persist()

    def embedding_cache_path(self) -> Path | None:
        """Where the embeddings of the server entries (and edited content) are kept between starts:
        beside the SQLite database, or in the user's cache folder with PostgreSQL (none when that
        folder cannot be made: the bot then embeds them again at each start)."""
        if self.settings.database_url is None:
            path = self.settings.database_path
            return path.with_name(path.name + "-embeddings.npz")
        folder = platformdirs.user_cache_path("crossroads", appauthor=False)
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError:
            return None
        return folder / "embeddings.npz"

    def _cancel_pending_ready(self) -> None:
        """discord.py waits about two seconds after the last GUILD_CREATE before dispatching
        on_ready and does not cancel that wait on close; a bot stopped sooner would dispatch
        into a closed client and log an AttributeError on its way out."""
        state = self._connection
        pending = [getattr(state, "_ready_task", None), *getattr(state, "_ready_tasks", {}).values()]
        for task in pending:
            if isinstance(task, asyncio.Task) and not task.done():
                task.cancel()


def _custom_ids(message: discord.Message) -> set[str]:
    found: set[str] = set()
    for row in message.components:
        for child in getattr(row, "children", [row]):
            custom_id = getattr(child, "custom_id", None)
            if custom_id:
                found.add(custom_id)
    return found


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
    if isinstance(exc, ConnectionClosed):
        return describe_gateway_close(exc.code)
    if isinstance(exc, AlreadyRunning):
        return str(exc)
    if isinstance(exc, LeaseLost):
        return (
            f"Crossroads lost the database connection that holds {exc} in PostgreSQL and stopped, "
            "so that only one process runs them; start it again once the database answers."
        )
    if isinstance(exc, ContentError):
        return (
            f"Crossroads cannot start because its content files are invalid.\n{exc.report()}\n"
            "Fix the files listed above (`python -m bot check` lists the same problems)."
        )
    if isinstance(exc, StoreError | MetricsError):
        return str(exc)
    if isinstance(exc, discord.PrivilegedIntentsRequired):
        return (
            "Discord refused the gateway intents; Crossroads needs none of the privileged ones, "
            "so check the application in the Developer Portal."
        )
    if isinstance(exc, discord.GatewayNotFound | OSError):
        return f"Cannot reach Discord ({exc}); check the network and try again."
    return None


def describe_gateway_close(code: int | None) -> str:
    """The sentence for a gateway connection Discord ended for good while the bot ran."""
    if code == 4004:
        return TOKEN_REJECTED
    reasons = {
        4010: "an invalid shard",
        4011: "a bot in too many servers for one connection",
        4012: "an outdated gateway version",
        4013: "invalid gateway intents",
    }
    reason = reasons.get(code or 0, "a reason it did not give")
    return f"Discord closed the gateway connection (close code {code}) for {reason}; Crossroads has stopped."


START_FAILURES = (
    discord.LoginFailure,
    ConnectionClosed,
    AlreadyRunning,
    LeaseLost,
    ContentError,
    StoreError,
    MetricsError,
    discord.PrivilegedIntentsRequired,
    discord.GatewayNotFound,
    OSError,
)


async def serve(settings: Settings, factory: Callable[[Settings], CrossroadsBot] = CrossroadsBot) -> int:
    """Run the bot until it is stopped; the body of `python -m bot run`. Returns the exit code.

    `factory` builds the bot from the settings; a harness passes one that keeps a handle on it."""
    token = _token(settings)
    if token is None:
        return 2
    point_at_discord(settings)
    bot = factory(settings)
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
    url = settings.database_url.get_secret_value() if settings.database_url is not None else None
    # SQLite: one process per database file. PostgreSQL: one process per shard, others stand by.
    instance = InstanceLock(settings.database_path) if url is None else None
    lease = shard_lease(url, settings.runs_shards) if url is not None else None
    try:
        if instance is not None:
            instance.acquire()
        await bot.login(token)
        if lease is not None and not await _take_shards(bot, lease):
            return 0
        await bot.sync_on_start_if_mine()
        bot.start_jobs(jobs_lease(url) if url is not None else None)
        await _connect_holding(bot, lease)
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
        if instance is not None:
            instance.release()
        if lease is not None:
            await lease.release()


async def _take_shards(bot: CrossroadsBot, lease: Lease) -> bool:
    """Wait, holding no gateway connection, until this process holds its shards; False when the
    bot was stopped while standing by. The content and the store are ready by then, so taking
    over costs only the gateway connection."""
    waited = False
    unreachable = False
    while not bot.is_closed():
        if await lease.try_acquire():
            log.info("%s %s", "Taking over" if waited else "Running", lease.name)
            return True
        if lease.last_error is not None and not unreachable:
            log.warning("Cannot reach the database to take %s (%s); trying again", lease.name, lease.last_error)
        elif lease.last_error is None and not waited:
            log.info(
                "Standing by: another process runs %s on this database; this one takes over when it stops",
                lease.name,
            )
        unreachable = lease.last_error is not None
        waited = waited or not unreachable
        await asyncio.sleep(STANDBY_POLL)
    return False


async def _connect_holding(bot: CrossroadsBot, lease: Lease | None) -> None:
    """Connect to the gateway and run until stopped; with a lease, stop as soon as it is lost,
    since another process may then take these shards."""
    if lease is None:
        await bot.connect()
        return
    connect = asyncio.create_task(bot.connect(), name="gateway")
    watch = asyncio.create_task(lease.watch(), name="shard-lease")
    try:
        await asyncio.wait({connect, watch}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        watch.cancel()
    if connect.done():
        connect.result()
        return
    log.error("Lost the database connection that holds %s; stopping", lease.name)
    await bot.close()
    await asyncio.gather(connect, return_exceptions=True)
    raise LeaseLost(lease.name)


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
                    f"Synced {len(synced)} commands globally; Discord can take up to an hour to show them everywhere."
                )
            return 0
    except START_FAILURES as exc:
        print(describe_start_failure(exc), file=sys.stderr)
        return 1
