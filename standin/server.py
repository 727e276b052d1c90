"""A Discord stand-in on 127.0.0.1: the REST API under /api/v10 and the Gateway, in one aiohttp app.

    async with StandIn() as standin:           # a server "Test Server", #general, roles, alice, morgan
        env = standin.bot_env()                  # DISCORD_API_BASE, DISCORD_TOKEN, DEV_GUILD_ID
        ...                                      # run the bot against it
        alice = standin.member("alice")          # see standin.member for the member API

It answers the way Discord answers, down to error codes, and refuses what Discord refuses:
messages over the limits (400, 50035), a second initial response (400, 40060), an answer after
the acknowledgement deadline (404, 10062), a DM to a member whose DMs are closed (403, 50007),
a role at or above the bot's top role (403, 50013). Whatever the bot did wrong is kept in
`failures`; `assert_clean()` raises if anything not declared expected is there. Tests can make
the next matching request fail with a 429 (which discord.py retries after `retry_after`) or a
5xx with `inject()`.
"""

# Waiting with a deadline is what these helpers are for, so `timeout` is part of their API.
# ruff: noqa: ASYNC109

from __future__ import annotations

import asyncio
import collections
import json
import logging
import re
import time
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from aiohttp import BodyPartReader, web

from standin import limits
from standin.gateway import Gateway, Session, shard_of
from standin.state import (
    ATTACHMENT_SIZE_LIMIT,
    Channel,
    ChannelType,
    Failure,
    Guild,
    GuildMember,
    Interaction,
    InteractionType,
    MessageFlag,
    Payload,
    Perm,
    ResponseType,
    Role,
    Snowflakes,
    StoredAttachment,
    StoredMessage,
    User,
    content_type_for,
    new_token,
    pings,
)

if TYPE_CHECKING:
    from standin.member import Member

log = logging.getLogger("standin")

API = "/api/v10"
DEFAULT_TOKEN = "sandbox.bot.token"
TOKEN_LIFETIME = 15 * 60.0
EXPECTED_REFUSALS = ("dms_closed", "missing_permissions")
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


class InteractionFailed(AssertionError):
    """The member saw "This interaction failed": the bot did not answer in time."""


def json_response(data: Any, status: int = 200, headers: dict[str, str] | None = None) -> web.Response:
    """A JSON body with `Content-Type: application/json` exactly, as discord.py requires."""
    all_headers = {"Content-Type": "application/json"}
    if headers:
        all_headers.update(headers)
    return web.Response(body=json.dumps(data, separators=(",", ":")).encode(), status=status, headers=all_headers)


def no_content() -> web.Response:
    return web.Response(status=204)


@dataclass
class Injection:
    """Make the next `count` requests matching `method` and `path` fail with `status`."""

    status: int
    method: str | None = None
    path: re.Pattern[str] | None = None
    count: int = 1
    retry_after: float = 0.2
    is_global: bool = False
    hits: int = 0

    def matches(self, method: str, path: str) -> bool:
        if self.count <= 0:
            return False
        if self.method is not None and self.method != method:
            return False
        return self.path is None or self.path.search(path) is not None


@dataclass
class Upload:
    index: int
    filename: str
    data: bytes
    content_type: str | None


@dataclass
class RequestRecord:
    method: str
    path: str
    status: int
    at: float = field(default_factory=time.time)


class StandInError(Exception):
    """A Discord error response: status, JSON code, message and optional form errors."""

    def __init__(self, status: int, code: int, message: str, *, kind: str | None = None, errors: Payload | None = None):
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.kind = kind
        self.errors = errors

    def body(self) -> Payload:
        data: Payload = {"message": self.message, "code": self.code}
        if self.errors:
            data["errors"] = self.errors
        return data


def form_error(problems: list[limits.Problem]) -> StandInError:
    body = limits.form_error(problems)
    detail = "; ".join(str(p) for p in problems)
    return StandInError(400, 50035, f"Invalid Form Body: {detail}", kind="limit", errors=body["errors"])


World = Callable[["StandIn"], None]


def default_world(standin: StandIn) -> None:
    """A server "Test Server" with #general; "Moderator" just above the bot's role and "Admin"
    (Manage Server) at the top; members "alice" and "morgan" (an Admin)."""
    guild = standin.add_guild("Test Server")
    standin.add_channel(guild, "general")
    standin.add_role(guild, "Moderator", position=guild.roles[standin.bot_role_id(guild)].position + 1)
    admins = standin.add_role(guild, "Admin", permissions=Perm.MANAGE_GUILD, position=standin.top_position() + 1)
    standin.add_member("alice", guild=guild)
    standin.add_member("morgan", guild=guild, roles=[admins])


class StandIn:
    """The stand-in. Use as an async context manager, or call `start()` and `stop()`.

    World: built at construction by `world(standin)` (`default_world` unless given); `guild`,
    `channel`, `guilds`, `channels`, `users`, `messages`, `add_guild()`, `add_channel()`,
    `add_role()`, `add_member()`, `update_role()`, `delete_role()`, `close_dms()`;
    `member(name)` gives the scriptable member.
    Wiring: `api_base`, `gateway_url`, `token`, `bot_env()`, `wait_for_bot()`; `gateway` holds the
    bot's sessions (`drop()`, `request_reconnect()`, `identifies`, `shards`: the session of each shard).
    Sharding: `shard_count` (what `GET /gateway/bot` recommends, 1 by default), `add_guild(name,
    shard=1)` for a server on a given shard, `shard_of(guild)`; see standin.gateway for the routing.
    Records: `failures` (what Discord would refuse or report), `refusals` (DMs closed, missing
    permissions), `interactions` (each with its response type and `ack_seconds`), `route_hits`
    ("METHOD /route/{template}" → count), `global_commands` and `guild_commands`.
    Control: `ack_deadline` (seconds, 3 by default), `token_lifetime` (how long follow-ups and
    edits of an interaction work, 15 minutes by default), `inject()`, `expect_failures()`,
    `assert_clean()`.
    """

    def __init__(
        self,
        *,
        token: str = DEFAULT_TOKEN,
        ack_deadline: float = 3.0,
        world: World | None = None,
        bot_name: str = "Bot",
        host: str = "127.0.0.1",
        record_requests: bool = False,
        shard_count: int = 1,
    ) -> None:
        if shard_count < 1:
            raise ValueError("shard_count must be at least 1")
        self.token = token
        self.ack_deadline = ack_deadline
        self.token_lifetime = TOKEN_LIFETIME
        self.host = host
        self.ids = Snowflakes()
        self.application_id = self.ids.next()
        self.bot_user = User(id=self.application_id, username=bot_name, bot=True)
        self.app_owner = User(id=self.ids.next(), username="app-owner")
        self.users: dict[int, User] = {self.bot_user.id: self.bot_user, self.app_owner.id: self.app_owner}
        self.names: dict[int, str] = {user.id: f"@{user.username}" for user in self.users.values()}
        self.guilds: dict[int, Guild] = {}
        self.channels: dict[int, Channel] = {}
        self.dm_channels: dict[int, Channel] = {}
        self.messages: dict[int, StoredMessage] = {}
        self.attachments: dict[int, StoredAttachment] = {}
        self.interactions: dict[int, Interaction] = {}
        self.interactions_by_token: dict[str, Interaction] = {}
        self.global_commands: list[Payload] = []
        self.guild_commands: dict[int, list[Payload]] = {}
        self.command_ids: dict[tuple[int | None, int, str], int] = {}
        self.failures: list[Failure] = []
        self.refusals: list[Failure] = []
        self.injections: list[Injection] = []
        self.route_hits: collections.Counter[str] = collections.Counter()
        self.requests: list[RequestRecord] = []
        self.record_requests = record_requests
        self._expected: collections.Counter[str] = collections.Counter()
        self._watchers: dict[int, list[asyncio.Future[None]]] = {}
        self._deferred_updates: dict[int, list[Interaction]] = {}
        self._members: dict[int, Member] = {}
        self._in_flight = 0
        self._last_activity = time.monotonic()
        self._by_name: dict[str, User] = {user.username: user for user in self.users.values()}
        self.gateway = Gateway(
            check_token=lambda token: token == self.token,
            ready_payload=self._ready_payload,
            guild_payloads=lambda: [g.payload(self.bot_user.id) for g in self.guilds.values()],
            shard_count=shard_count,
        )
        self._runner: web.AppRunner | None = None
        self.port = 0
        self._first_guild: Guild | None = None
        self._first_channel: Channel | None = None
        (world or default_world)(self)

    # ----------------------------------------------------------------- world building

    @property
    def guild(self) -> Guild:
        """The first server added (in the default world, "Test Server")."""
        if self._first_guild is None:
            raise LookupError("the stand-in has no server yet; call add_guild()")
        return self._first_guild

    @property
    def channel(self) -> Channel:
        """The first text channel of the first server (in the default world, #general)."""
        if self._first_channel is None:
            raise LookupError("the stand-in has no text channel yet; call add_channel()")
        return self._first_channel

    def top_position(self, guild: Guild | None = None) -> int:
        guild = guild or self.guild
        return max((r.position for r in guild.roles.values()), default=0)

    def bot_role_id(self, guild: Guild) -> int:
        for role in guild.roles.values():
            if role.bot_id == self.bot_user.id:
                return role.id
        raise KeyError("the bot has no managed role in this server")

    @property
    def shard_count(self) -> int:
        """The shard count `GET /gateway/bot` recommends (set it before the bot starts)."""
        return self.gateway.shard_count

    @shard_count.setter
    def shard_count(self, value: int) -> None:
        if value < 1:
            raise ValueError("shard_count must be at least 1")
        self.gateway.shard_count = value

    def shard_of(self, guild: Guild | int, shard_count: int | None = None) -> int:
        """The shard a server's events go to: `(guild_id >> 22) % shard_count`."""
        guild_id = guild if isinstance(guild, int) else guild.id
        return shard_of(guild_id, shard_count or self.shard_count)

    def add_guild(self, name: str, *, shard: int | None = None) -> Guild:
        """A new server; with `shard`, its id lands on that shard of `shard_count`."""
        if shard is not None and not 0 <= shard < self.shard_count:
            raise ValueError(f"shard {shard} is not one of the {self.shard_count} shards")
        guild_id = self.ids.next() if shard is None else self.ids.on_shard(shard, self.shard_count)
        guild = Guild(id=guild_id, name=name, owner_id=self.app_owner.id)
        guild.roles[guild.id] = Role(id=guild.id, name="@everyone", position=0, permissions=Perm.EVERYONE_DEFAULT)
        self.names[guild.id] = "@everyone"
        bot_role = Role(
            id=self.ids.next(),
            name=self.bot_user.username,
            position=3,
            permissions=Perm.MANAGE_ROLES
            | Perm.SEND_MESSAGES
            | Perm.EMBED_LINKS
            | Perm.ATTACH_FILES
            | Perm.VIEW_CHANNEL,
            managed=True,
            bot_id=self.bot_user.id,
        )
        guild.roles[bot_role.id] = bot_role
        self.names[bot_role.id] = f"@{bot_role.name}"
        guild.members[self.bot_user.id] = GuildMember(user=self.bot_user, role_ids={bot_role.id})
        guild.members[self.app_owner.id] = GuildMember(user=self.app_owner)
        self.guilds[guild.id] = guild
        if self._first_guild is None:
            self._first_guild = guild
        return guild

    def add_channel(self, guild: Guild, name: str) -> Channel:
        channel = Channel(
            id=self.ids.next(), type=ChannelType.GUILD_TEXT, name=name, guild_id=guild.id, position=len(guild.channels)
        )
        guild.channels[channel.id] = channel
        self.channels[channel.id] = channel
        self.names[channel.id] = f"#{name}"
        if self._first_channel is None and guild is self._first_guild:
            self._first_channel = channel
        return channel

    def add_role(
        self, guild: Guild, name: str, *, permissions: int = 0, position: int | None = None, managed: bool = False
    ) -> Role:
        """A role at `position` (others at or above it move up one), or on top when omitted."""
        if position is None:
            position = self.top_position(guild) + 1
        for role in guild.roles.values():
            if role.id != guild.id and role.position >= position:
                role.position += 1
        role = Role(id=self.ids.next(), name=name, position=position, permissions=permissions, managed=managed)
        guild.roles[role.id] = role
        self.names[role.id] = f"@{name}"
        return role

    def add_user(self, name: str, *, dms_open: bool = True) -> User:
        user = User(id=self.ids.next(), username=name, global_name=name.title(), dms_open=dms_open)
        if name in self._by_name:
            raise ValueError(f"there is already a user named {name!r}")
        self.users[user.id] = user
        self._by_name[name] = user
        self.names[user.id] = f"@{user.display_name}"
        return user

    def add_member(
        self,
        name: str,
        *,
        guild: Guild | None = None,
        roles: Iterable[Role] = (),
        dms_open: bool = True,
    ) -> User:
        """A new user who is a member of `guild` (default: the first server) with `roles`."""
        guild = guild or self.guild
        user = self.add_user(name, dms_open=dms_open)
        guild.members[user.id] = GuildMember(user=user, role_ids={role.id for role in roles})
        return user

    def user_named(self, name: str) -> User:
        try:
            return self._by_name[name]
        except KeyError:
            raise KeyError(f"no user named {name!r}; add one with add_member()") from None

    def member(self, who: str | User, *, guild: Guild | None = None) -> Member:
        """The scriptable member for a user (created on first use); see standin.member."""
        from standin import member as scripted

        user = self.user_named(who) if isinstance(who, str) else who
        existing = self._members.get(user.id)
        if existing is None:
            existing = scripted.Member(self, user, guild or self.guild)
            self._members[user.id] = existing
        return existing

    def close_dms(self, who: str | User) -> None:
        user = self.user_named(who) if isinstance(who, str) else who
        user.dms_open = False

    def open_dms(self, who: str | User) -> None:
        user = self.user_named(who) if isinstance(who, str) else who
        user.dms_open = True

    def update_role(self, role: Role, guild: Guild | None = None, **changes: Any) -> Role:
        """Change a role (name, permissions, position, ...) and tell the bot (GUILD_ROLE_UPDATE)."""
        guild = guild or self.guild
        for key, value in changes.items():
            if not hasattr(role, key):
                raise AttributeError(f"roles have no {key!r}")
            setattr(role, key, value)
        self.names[role.id] = f"@{role.name}"
        self.gateway.dispatch("GUILD_ROLE_UPDATE", {"guild_id": str(guild.id), "role": role.payload()})
        return role

    def delete_role(self, role: Role, guild: Guild | None = None) -> None:
        """Delete a role, take it from every member and tell the bot (GUILD_ROLE_DELETE)."""
        guild = guild or self.guild
        guild.roles.pop(role.id, None)
        for member in guild.members.values():
            member.role_ids.discard(role.id)
        self.gateway.dispatch("GUILD_ROLE_DELETE", {"guild_id": str(guild.id), "role_id": str(role.id)})

    def roles_of(self, who: str | User, guild: Guild | None = None) -> list[str]:
        """Names of a member's roles, lowest first (without @everyone)."""
        guild = guild or self.guild
        user = self.user_named(who) if isinstance(who, str) else who
        member = guild.members[user.id]
        roles = sorted((guild.roles[r] for r in member.role_ids), key=lambda r: r.position)
        return [role.name for role in roles]

    # ----------------------------------------------------------------- lifecycle

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def api_base(self) -> str:
        return f"{self.base_url}{API}"

    @property
    def gateway_url(self) -> str:
        return f"ws://{self.host}:{self.port}/ws"

    def bot_env(self, **extra: str) -> dict[str, str]:
        """Environment variables that point `python -m bot run` at this stand-in."""
        env = {
            "DISCORD_TOKEN": self.token,
            "DISCORD_API_BASE": self.api_base,
            "DEV_GUILD_ID": str(self.guild.id),
        }
        env.update(extra)
        return env

    async def start(self) -> StandIn:
        app = web.Application(middlewares=[self._middleware], client_max_size=64 * 1024 * 1024)
        self._routes(app)
        self._runner = web.AppRunner(app, access_log=None, handle_signals=False, shutdown_timeout=0.5)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, 0)
        await site.start()
        server = site._server
        assert server is not None
        sockets = getattr(server, "sockets", None) or []
        self.port = int(sockets[0].getsockname()[1])
        return self

    async def stop(self) -> None:
        for interaction in self.interactions.values():
            if interaction.deadline is not None:
                interaction.deadline.cancel()
        await self.gateway.close_all()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> StandIn:
        return await self.start()

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    async def wait_for_bot(self, timeout: float = 30.0, shards: Iterable[int] = (0,)) -> Session:
        """Wait until the bot has identified (each of these shards) and received READY and its
        GUILD_CREATEs; returns the first shard's session."""
        return await self.gateway.wait_for_guilds(timeout, shards)

    # ----------------------------------------------------------------- failures and injections

    def inject(
        self,
        status: int = 429,
        *,
        method: str | None = None,
        path: str | None = None,
        count: int = 1,
        retry_after: float = 0.2,
        is_global: bool = False,
    ) -> Injection:
        """Fail the next `count` REST requests whose method and path (a regular expression searched
        in the path after /api/v10, e.g. r"/callback$" or r"/channels/\\d+/messages") match.
        429 answers carry `retry_after` the way Discord sends it; 500/502/504 are retried by
        discord.py, other statuses raise in the bot."""
        injection = Injection(
            status=status,
            method=method.upper() if method else None,
            path=re.compile(path) if path else None,
            count=count,
            retry_after=retry_after,
            is_global=is_global,
        )
        self.injections.append(injection)
        return injection

    def record(self, kind: str, message: str, *, route: str = "", code: int = 0) -> Failure:
        failure = Failure(kind=kind, message=message, route=route, code=code)
        if kind in EXPECTED_REFUSALS:
            self.refusals.append(failure)
        else:
            self.failures.append(failure)
            log.info("stand-in recorded %s", failure)
        return failure

    def failures_of(self, kind: str) -> list[Failure]:
        return [f for f in self.failures if f.kind == kind]

    def expect_failures(self, *kinds: str) -> None:
        """Declare that the running test expects failures of these kinds (e.g. "limit")."""
        for kind in kinds:
            self._expected[kind] += 1

    def unexpected_failures(self) -> list[Failure]:
        return [f for f in self.failures if f.kind not in self._expected]

    def assert_clean(self) -> None:
        """Raise AssertionError listing every recorded failure the test did not declare."""
        unexpected = self.unexpected_failures()
        if unexpected:
            lines = "\n".join(f"  - {f}" for f in unexpected)
            raise AssertionError(f"the bot did something Discord would refuse or report:\n{lines}")

    # ----------------------------------------------------------------- change notification

    def _notify(self, channel_id: int) -> None:
        waiters = self._watchers.pop(channel_id, None)
        if waiters:
            for future in waiters:
                if not future.done():
                    future.set_result(None)

    async def wait_change(self, channel_ids: Iterable[int], timeout: float) -> bool:
        """Wait until something changes in any of these channels; False on timeout."""
        loop = asyncio.get_running_loop()
        future: asyncio.Future[None] = loop.create_future()
        ids = list(channel_ids)
        for channel_id in ids:
            self._watchers.setdefault(channel_id, []).append(future)
        try:
            await asyncio.wait_for(asyncio.shield(future), timeout)
            return True
        except TimeoutError:
            return False
        finally:
            for channel_id in ids:
                waiters = self._watchers.get(channel_id)
                if waiters and future in waiters:
                    waiters.remove(future)
            if not future.done():
                future.cancel()

    # ----------------------------------------------------------------- gateway payloads

    def _ready_payload(self, session: Session) -> Payload:
        return {
            "v": 10,
            "user": {**self.bot_user.payload(), "verified": True, "mfa_enabled": False, "email": None},
            "guilds": [{"id": str(g.id), "unavailable": True} for g in self.guilds.values() if session.owns(g.id)],
            "session_id": session.id,
            "session_type": "normal",
            "resume_gateway_url": self.gateway_url,
            "shard": list(session.shard),
            "application": {"id": str(self.application_id), "flags": 0},
            "private_channels": [],
            "relationships": [],
            "presences": [],
            "guild_join_requests": [],
            "geo_ordered_rtc_regions": ["local"],
            "user_settings": {},
            "_trace": ["standin"],
        }

    # ----------------------------------------------------------------- interactions (member side)

    def dm_channel(self, user: User) -> Channel:
        channel = self.dm_channels.get(user.id)
        if channel is None:
            channel = Channel(id=self.ids.next(), type=ChannelType.DM, recipient=user)
            self.dm_channels[user.id] = channel
            self.channels[channel.id] = channel
        return channel

    def find_command(self, name: str, guild_id: int | None) -> Payload | None:
        pools = [self.guild_commands.get(guild_id, [])] if guild_id is not None else []
        pools.append(self.global_commands)
        for pool in pools:
            for command in pool:
                if command["name"] == name and command.get("type", 1) == 1:
                    return command
        return None

    def start_interaction(
        self,
        *,
        type: int,
        user: User,
        channel: Channel,
        data: Payload,
        message: StoredMessage | None = None,
        age: float = 0.0,
    ) -> Interaction:
        """Create an interaction and dispatch INTERACTION_CREATE to the bot. `age` (seconds) makes it
        arrive that long after Discord created it (a slow gateway or a backlog): its id says so, and
        its acknowledgement window has that much less left."""
        loop = asyncio.get_running_loop()
        guild = self.guilds.get(channel.guild_id) if channel.guild_id is not None else None
        interaction = Interaction(
            id=self.ids.next(age),
            token=new_token(),
            type=type,
            user=user,
            channel_id=channel.id,
            guild_id=guild.id if guild else None,
            data=data,
            message_id=message.id if message else None,
            settled=loop.create_future(),
        )
        self.interactions[interaction.id] = interaction
        self.interactions_by_token[interaction.token] = interaction
        interaction.deadline = loop.call_later(max(0.0, self.ack_deadline - age), self._expire, interaction)
        self.gateway.dispatch("INTERACTION_CREATE", self._interaction_payload(interaction, guild, channel, message))
        return interaction

    def _interaction_payload(
        self, interaction: Interaction, guild: Guild | None, channel: Channel, message: StoredMessage | None
    ) -> Payload:
        user = interaction.user
        data: Payload = {
            "id": str(interaction.id),
            "application_id": str(self.application_id),
            "type": interaction.type,
            "data": interaction.data,
            "token": interaction.token,
            "version": 1,
            "locale": user.locale,
            "entitlements": [],
            "entitlement_sku_ids": [],
            "attachment_size_limit": ATTACHMENT_SIZE_LIMIT,
            "channel_id": str(channel.id),
        }
        if guild is not None:
            perms = guild.permissions_of(user.id)
            data.update(
                guild_id=str(guild.id),
                guild_locale=guild.locale,
                guild={"id": str(guild.id), "locale": guild.locale, "features": []},
                member=guild.member_payload(user.id, with_permissions=True),
                app_permissions=str(guild.permissions_of(self.bot_user.id)),
                authorizing_integration_owners={"0": str(guild.id)},
                context=0,
                channel={**channel.payload(), "permissions": str(perms)},
            )
        else:
            data.update(
                user=user.payload(),
                app_permissions=str(Perm.EVERYONE_DEFAULT),
                authorizing_integration_owners={"0": "0"},
                context=1,
                channel=channel.payload(),
            )
        if message is not None:
            data["message"] = message.payload()
        return data

    def _expire(self, interaction: Interaction) -> None:
        interaction.deadline = None
        if interaction.acknowledged:
            return
        interaction.expired = True
        self.record(
            "unacknowledged",
            f"{interaction.label} from {interaction.user.username} was not acknowledged within "
            f"{self.ack_deadline:g} seconds; the member saw 'This interaction failed'",
            code=10062,
        )
        interaction.fail(InteractionFailed(f"{interaction.label}: This interaction failed (no answer in time)"))

    # ----------------------------------------------------------------- messages

    def visible_messages(self, channel: Channel, viewer: User) -> list[StoredMessage]:
        out = []
        for message_id in channel.message_ids:
            message = self.messages[message_id]
            if message.deleted:
                continue
            if message.visible_to is not None and message.visible_to != viewer.id:
                continue
            out.append(message)
        return out

    def _create_message(
        self,
        channel: Channel,
        payload: Payload,
        uploads: list[Upload],
        *,
        interaction: Interaction | None = None,
        flags: int = 0,
    ) -> StoredMessage:
        message = StoredMessage(
            id=self.ids.next(),
            channel_id=channel.id,
            guild_id=channel.guild_id,
            author=self.bot_user,
            flags=flags,
        )
        self._apply(message, payload, uploads, creating=True)
        message.pings = pings(message.content, payload.get("allowed_mentions"), self.names)
        message.flags |= flags
        if interaction is not None:
            message.webhook_id = self.application_id
            message.application_id = self.application_id
            message.type = 20 if interaction.type == InteractionType.APPLICATION_COMMAND else 0
            metadata: Payload = {
                "id": str(interaction.id),
                "type": interaction.type,
                "user": interaction.user.payload(),
                "authorizing_integration_owners": {"0": str(interaction.guild_id or 0)},
            }
            if interaction.type == InteractionType.APPLICATION_COMMAND:
                metadata["name"] = interaction.data.get("name")
            if interaction.message_id is not None:
                metadata["interacted_message_id"] = str(interaction.message_id)
            message.interaction_metadata = metadata
            if message.flags & MessageFlag.EPHEMERAL:
                message.visible_to = interaction.user.id
        self.messages[message.id] = message
        channel.message_ids.append(message.id)
        channel.last_message_id = message.id
        self._notify(channel.id)
        return message

    def _apply(self, message: StoredMessage, payload: Payload, uploads: list[Upload], *, creating: bool) -> None:
        if "content" in payload:
            message.content = payload["content"] or ""
        if "embeds" in payload:
            message.embeds = list(payload["embeds"] or [])
        elif "embed" in payload and payload["embed"] is not None:
            message.embeds = [payload["embed"]]
        if "components" in payload:
            message.components = list(payload["components"] or [])
        if "flags" in payload and payload["flags"] is not None:
            keep = message.flags & (MessageFlag.EPHEMERAL | MessageFlag.LOADING)
            message.flags = (int(payload["flags"]) & ~MessageFlag.LOADING) | keep
        message.attachments = self._attachments(message, payload, uploads, creating=creating)
        if not creating:
            message.edited_at = time.time()
        message.version += 1

    def _attachments(
        self, message: StoredMessage, payload: Payload, uploads: list[Upload], *, creating: bool
    ) -> list[StoredAttachment]:
        by_index = {upload.index: upload for upload in uploads}
        existing = {a.id: a for a in message.attachments}
        result: list[StoredAttachment] = []
        used: set[int] = set()
        listed = payload.get("attachments")
        if isinstance(listed, list):
            for item in listed:
                try:
                    item_id = int(item.get("id"))
                except (TypeError, ValueError):
                    continue
                if item_id in by_index and item_id not in used:
                    used.add(item_id)
                    result.append(self._store_upload(message, by_index[item_id], item.get("description")))
                elif item_id in existing:
                    result.append(existing[item_id])
        elif not creating:
            result.extend(message.attachments)
        for upload in uploads:
            if upload.index not in used:
                result.append(self._store_upload(message, upload, None))
        return result

    def _store_upload(self, message: StoredMessage, upload: Upload, description: str | None) -> StoredAttachment:
        attachment_id = self.ids.next()
        attachment = StoredAttachment(
            id=attachment_id,
            filename=upload.filename,
            data=upload.data,
            content_type=content_type_for(upload.filename, upload.content_type),
            url=f"{self.base_url}/attachments/{message.channel_id}/{attachment_id}/{upload.filename}",
            description=description,
        )
        self.attachments[attachment_id] = attachment
        return attachment

    def _settle_deferred_update(self, channel_id: int, message: StoredMessage, *, edited: bool) -> None:
        waiting = self._deferred_updates.get(channel_id)
        if not waiting:
            return
        for interaction in list(waiting):
            if not edited or interaction.message_id == message.id:
                waiting.remove(interaction)
                interaction.settle(message)

    # ----------------------------------------------------------------- HTTP plumbing

    @property
    def quiet_for(self) -> float:
        """Seconds since the bot last had a REST request in progress (0 while one is)."""
        if self._in_flight:
            return 0.0
        return time.monotonic() - self._last_activity

    @web.middleware
    async def _middleware(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        if not request.path.startswith(API):
            return await handler(request)
        self._in_flight += 1
        try:
            return await self._handle(request, handler)
        finally:
            self._in_flight -= 1
            self._last_activity = time.monotonic()

    async def _handle(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        path = request.path
        sub = path[len(API) :]
        method = request.method
        route = f"{method} {sub}"
        if self.injections:
            for injection in self.injections:
                if injection.matches(method, sub):
                    injection.count -= 1
                    injection.hits += 1
                    self._log_request(method, sub, injection.status)
                    return self._injected(injection)
        needs_token = not sub.startswith(("/webhooks/", "/interactions/"))
        if needs_token and request.headers.get("Authorization") != f"Bot {self.token}":
            self._log_request(method, sub, 401)
            return json_response({"message": "401: Unauthorized", "code": 0}, status=401)
        try:
            response = await handler(request)
        except StandInError as exc:
            if exc.kind is not None:
                self.record(exc.kind, exc.message, route=route, code=exc.code)
            self._log_request(method, sub, exc.status)
            return json_response(exc.body(), status=exc.status)
        resource = request.match_info.route.resource
        template = resource.canonical[len(API) :] if resource is not None else sub
        self.route_hits[f"{method} {template}"] += 1
        self._log_request(method, sub, response.status)
        return response

    def _log_request(self, method: str, path: str, status: int) -> None:
        if self.record_requests:
            self.requests.append(RequestRecord(method, path, status))

    def _injected(self, injection: Injection) -> web.Response:
        if injection.status == 429:
            headers = {
                "Via": "1.1 google",
                "Retry-After": str(max(1, int(injection.retry_after + 0.999))),
                "X-RateLimit-Scope": "global" if injection.is_global else "user",
            }
            if injection.is_global:
                headers["X-RateLimit-Global"] = "true"
            body = {
                "message": "You are being rate limited.",
                "retry_after": injection.retry_after,
                "global": injection.is_global,
            }
            return json_response(body, status=429, headers=headers)
        if injection.status >= 500:
            return web.Response(status=injection.status, text="upstream connect error", content_type="text/plain")
        return json_response({"message": f"{injection.status}: injected", "code": 0}, status=injection.status)

    def _routes(self, app: web.Application) -> None:
        r = app.router
        r.add_get("/ws", self.gateway.handle)
        r.add_get("/attachments/{channel}/{attachment}/{filename}", self.get_attachment)
        a = API
        r.add_get(f"{a}/gateway", self.get_gateway)
        r.add_get(f"{a}/gateway/bot", self.get_gateway_bot)
        r.add_get(f"{a}/users/@me", self.get_me)
        r.add_post(f"{a}/users/@me/channels", self.open_dm)
        r.add_get(f"{a}/users/{{user_id:\\d+}}", self.get_user)
        r.add_get(f"{a}/oauth2/applications/@me", self.get_application)
        r.add_get(f"{a}/applications/@me", self.get_application)
        for scope in ("", "/guilds/{guild_id:\\d+}"):
            base = f"{a}/applications/{{app_id:\\d+}}{scope}/commands"
            r.add_get(base, self.list_commands)
            r.add_put(base, self.overwrite_commands)
            r.add_post(base, self.upsert_command)
            r.add_get(f"{base}/{{command_id:\\d+}}", self.get_command)
            r.add_delete(f"{base}/{{command_id:\\d+}}", self.delete_command)
        r.add_post(f"{a}/interactions/{{interaction_id:\\d+}}/{{token}}/callback", self.interaction_callback)
        r.add_post(f"{a}/webhooks/{{app_id:\\d+}}/{{token}}", self.create_followup)
        msg = f"{a}/webhooks/{{app_id:\\d+}}/{{token}}/messages/{{message_id}}"
        r.add_get(msg, self.get_webhook_message)
        r.add_patch(msg, self.edit_webhook_message)
        r.add_delete(msg, self.delete_webhook_message)
        r.add_get(f"{a}/channels/{{channel_id:\\d+}}", self.get_channel)
        r.add_post(f"{a}/channels/{{channel_id:\\d+}}/typing", self.typing)
        r.add_get(f"{a}/channels/{{channel_id:\\d+}}/messages", self.list_messages)
        r.add_post(f"{a}/channels/{{channel_id:\\d+}}/messages", self.create_channel_message)
        cmsg = f"{a}/channels/{{channel_id:\\d+}}/messages/{{message_id:\\d+}}"
        r.add_get(cmsg, self.get_channel_message)
        r.add_patch(cmsg, self.edit_channel_message)
        r.add_delete(cmsg, self.delete_channel_message)
        r.add_get(f"{a}/guilds/{{guild_id:\\d+}}", self.get_guild)
        r.add_get(f"{a}/guilds/{{guild_id:\\d+}}/roles", self.get_roles)
        r.add_get(f"{a}/guilds/{{guild_id:\\d+}}/channels", self.get_guild_channels)
        r.add_get(f"{a}/guilds/{{guild_id:\\d+}}/members/{{user_id:\\d+}}", self.get_member)
        role = f"{a}/guilds/{{guild_id:\\d+}}/members/{{user_id:\\d+}}/roles/{{role_id:\\d+}}"
        r.add_put(role, self.add_member_role)
        r.add_delete(role, self.remove_member_role)
        r.add_route("*", f"{a}/{{tail:.*}}", self.unknown_route)

    async def unknown_route(self, request: web.Request) -> web.Response:
        route = f"{request.method} {request.path[len(API) :]}"
        self.record("unknown_route", "the stand-in has no such route (Discord may not either)", route=route)
        return json_response({"message": "404: Not Found", "code": 0}, status=404)

    async def _body(self, request: web.Request) -> tuple[Payload, list[Upload]]:
        """The JSON body, or payload_json and files[n] of a multipart/form-data body."""
        if request.content_type == "multipart/form-data":
            payload: Payload = {}
            uploads: list[Upload] = []
            reader = await request.multipart()
            while True:
                part = await reader.next()
                if part is None:
                    break
                if not isinstance(part, BodyPartReader):
                    continue
                name = part.name or ""
                data = await part.read()
                if name == "payload_json":
                    payload = json.loads(bytes(data).decode() or "{}")
                else:
                    match = re.fullmatch(r"files\[(\d+)\]|file(\d*)", name)
                    if match is None:
                        continue
                    index = int(match.group(1) or match.group(2) or len(uploads))
                    uploads.append(
                        Upload(
                            index=index,
                            filename=part.filename or f"file{index}",
                            data=bytes(data),
                            content_type=part.headers.get("Content-Type"),
                        )
                    )
            for upload in uploads:
                if len(upload.data) > ATTACHMENT_SIZE_LIMIT:
                    raise StandInError(413, 40005, "Request entity too large", kind="limit")
            return payload, uploads
        raw = await request.read()
        if not raw:
            return {}, []
        try:
            value = json.loads(raw)
        except ValueError:
            raise StandInError(400, 50109, "The request body contains invalid JSON.", kind="bad_request") from None
        return (value if isinstance(value, dict) else {"__list__": value}), []

    def _guild(self, request: web.Request) -> Guild:
        guild = self.guilds.get(int(request.match_info["guild_id"]))
        if guild is None:
            raise StandInError(404, 10004, "Unknown Guild", kind="bad_request")
        return guild

    def _channel(self, request: web.Request) -> Channel:
        channel = self.channels.get(int(request.match_info["channel_id"]))
        if channel is None:
            raise StandInError(404, 10003, "Unknown Channel", kind="bad_request")
        return channel

    # ----------------------------------------------------------------- REST: identity

    async def get_gateway(self, request: web.Request) -> web.Response:
        return json_response({"url": self.gateway_url})

    async def get_gateway_bot(self, request: web.Request) -> web.Response:
        return json_response(
            {
                "url": self.gateway_url,
                "shards": self.shard_count,
                "session_start_limit": {
                    "total": 1000,
                    "remaining": 999,
                    "reset_after": 86_400_000,
                    "max_concurrency": 1,
                },
            }
        )

    async def get_me(self, request: web.Request) -> web.Response:
        return json_response({**self.bot_user.payload(), "verified": True, "mfa_enabled": False, "locale": "en-US"})

    async def get_user(self, request: web.Request) -> web.Response:
        user = self.users.get(int(request.match_info["user_id"]))
        if user is None:
            raise StandInError(404, 10013, "Unknown User", kind="bad_request")
        return json_response(user.payload())

    async def get_application(self, request: web.Request) -> web.Response:
        return json_response(
            {
                "id": str(self.application_id),
                "name": self.bot_user.username,
                "icon": None,
                "description": "Crossroads in the local stand-in",
                "summary": "",
                "type": None,
                "bot_public": False,
                "bot_require_code_grant": False,
                "verify_key": "0" * 64,
                "flags": 0,
                "owner": self.app_owner.payload(),
                "team": None,
                "bot": self.bot_user.payload(),
                "rpc_origins": [],
                "redirect_uris": [],
                "tags": [],
                "interactions_endpoint_url": None,
                "integration_types_config": {"0": {}},
                "approximate_guild_count": len(self.guilds),
            }
        )

    # ----------------------------------------------------------------- REST: application commands

    def _check_app(self, request: web.Request) -> int | None:
        if int(request.match_info["app_id"]) != self.application_id:
            raise StandInError(403, 50001, "Missing Access", kind="bad_request")
        guild_id = request.match_info.get("guild_id")
        if guild_id is None:
            return None
        if int(guild_id) not in self.guilds:
            raise StandInError(403, 50001, "Missing Access", kind="bad_request")
        return int(guild_id)

    def _commands(self, guild_id: int | None) -> list[Payload]:
        if guild_id is None:
            return self.global_commands
        return self.guild_commands.setdefault(guild_id, [])

    def _stored_command(self, guild_id: int | None, command: Payload) -> Payload:
        kind = int(command.get("type", 1))
        key = (guild_id, kind, str(command.get("name")))
        command_id = self.command_ids.setdefault(key, self.ids.next())
        stored = {
            "id": str(command_id),
            "application_id": str(self.application_id),
            "version": str(self.ids.next()),
            "type": kind,
            "name": command.get("name"),
            "name_localizations": command.get("name_localizations"),
            "description": command.get("description", ""),
            "description_localizations": command.get("description_localizations"),
            "options": command.get("options") or [],
            "default_member_permissions": command.get("default_member_permissions"),
            "dm_permission": command.get("dm_permission", True),
            "nsfw": command.get("nsfw", False),
            "contexts": command.get("contexts"),
            "integration_types": command.get("integration_types") or [0],
        }
        if guild_id is not None:
            stored["guild_id"] = str(guild_id)
        return stored

    async def list_commands(self, request: web.Request) -> web.Response:
        return json_response(self._commands(self._check_app(request)))

    async def overwrite_commands(self, request: web.Request) -> web.Response:
        guild_id = self._check_app(request)
        body, _ = await self._body(request)
        commands = body.get("__list__", body)
        problems = limits.check_commands(commands)
        if problems:
            raise form_error(problems)
        stored = [self._stored_command(guild_id, command) for command in commands]
        if guild_id is None:
            self.global_commands = stored
        else:
            self.guild_commands[guild_id] = stored
        return json_response(stored)

    async def upsert_command(self, request: web.Request) -> web.Response:
        guild_id = self._check_app(request)
        body, _ = await self._body(request)
        problems = limits.check_commands([body])
        if problems:
            raise form_error(problems)
        stored = self._stored_command(guild_id, body)
        pool = [c for c in self._commands(guild_id) if c["id"] != stored["id"]]
        pool.append(stored)
        if guild_id is None:
            self.global_commands = pool
        else:
            self.guild_commands[guild_id] = pool
        return json_response(stored, status=201)

    async def get_command(self, request: web.Request) -> web.Response:
        guild_id = self._check_app(request)
        for command in self._commands(guild_id):
            if command["id"] == request.match_info["command_id"]:
                return json_response(command)
        raise StandInError(404, 10063, "Unknown application command", kind="bad_request")

    async def delete_command(self, request: web.Request) -> web.Response:
        guild_id = self._check_app(request)
        pool = self._commands(guild_id)
        kept = [c for c in pool if c["id"] != request.match_info["command_id"]]
        if len(kept) == len(pool):
            raise StandInError(404, 10063, "Unknown application command", kind="bad_request")
        pool[:] = kept
        return no_content()

    # ----------------------------------------------------------------- REST: interaction responses

    async def interaction_callback(self, request: web.Request) -> web.Response:
        interaction = self.interactions.get(int(request.match_info["interaction_id"]))
        body, uploads = await self._body(request)
        if interaction is None or interaction.token != request.match_info["token"]:
            raise StandInError(404, 10062, "Unknown interaction", kind="unknown_interaction")
        if interaction.expired:
            raise StandInError(
                404,
                10062,
                f"Unknown interaction: {interaction.label} was answered after the "
                f"{self.ack_deadline:g}-second deadline",
                kind="unknown_interaction",
            )
        if interaction.acknowledged:
            raise StandInError(
                400,
                40060,
                f"Interaction has already been acknowledged ({interaction.label})",
                kind="already_acknowledged",
            )
        response_type = body.get("type")
        data = body.get("data") or {}
        allowed = {
            InteractionType.APPLICATION_COMMAND: {4, 5, 9},
            InteractionType.MESSAGE_COMPONENT: {4, 5, 6, 7, 9},
            InteractionType.AUTOCOMPLETE: {8},
            InteractionType.MODAL_SUBMIT: {4, 5, 6, 7},
        }.get(interaction.type, set())
        if response_type not in allowed:
            raise StandInError(
                400,
                50035,
                f"Invalid Form Body: response type {response_type!r} is not valid for {interaction.label}",
                kind="bad_request",
            )
        channel = self.channels[interaction.channel_id]
        message: StoredMessage | None = None
        if response_type == ResponseType.CHANNEL_MESSAGE:
            problems = limits.check_message(data, files=len(uploads))
            if problems:
                raise form_error(problems)
            flags = int(data.get("flags") or 0) & MessageFlag.EPHEMERAL
            message = self._create_message(channel, data, uploads, interaction=interaction, flags=flags)
            interaction.original_message_id = message.id
        elif response_type == ResponseType.DEFERRED_CHANNEL_MESSAGE:
            flags = (int(data.get("flags") or 0) & MessageFlag.EPHEMERAL) | MessageFlag.LOADING
            message = self._create_message(channel, {}, [], interaction=interaction, flags=flags)
            interaction.original_message_id = message.id
        elif response_type in (ResponseType.DEFERRED_UPDATE_MESSAGE, ResponseType.UPDATE_MESSAGE):
            target = self.messages.get(interaction.message_id or 0)
            if target is None:
                raise StandInError(
                    400, 50035, f"Invalid Form Body: {interaction.label} has no message to update", kind="bad_request"
                )
            interaction.original_message_id = target.id
            if response_type == ResponseType.UPDATE_MESSAGE:
                problems = limits.check_message(data, files=len(uploads), editing=True)
                if problems:
                    raise form_error(problems)
                self._apply(target, data, uploads, creating=False)
                self._notify(target.channel_id)
                message = target
            else:
                self._deferred_updates.setdefault(channel.id, []).append(interaction)
        elif response_type == ResponseType.AUTOCOMPLETE_RESULT:
            problems = limits.check_choices(data.get("choices", []))
            if problems:
                raise form_error(problems)
            interaction.choices = list(data.get("choices", []))
        elif response_type == ResponseType.MODAL:
            problems = limits.check_modal(data)
            if problems:
                raise form_error(problems)
            interaction.modal = data
        interaction.response_type = int(response_type)
        interaction.acknowledged_at = time.monotonic()
        if interaction.deadline is not None:
            interaction.deadline.cancel()
            interaction.deadline = None
        if response_type in (ResponseType.CHANNEL_MESSAGE, ResponseType.UPDATE_MESSAGE):
            interaction.settle(message)
        elif response_type == ResponseType.AUTOCOMPLETE_RESULT:
            interaction.settle(interaction.choices)
        elif response_type == ResponseType.MODAL:
            interaction.settle(interaction.modal)
        if "with_response" not in request.query:
            return no_content()
        callback: Payload = {
            "id": str(interaction.id),
            "type": interaction.type,
            "response_message_loading": response_type == ResponseType.DEFERRED_CHANNEL_MESSAGE,
            "response_message_ephemeral": bool(message is not None and message.ephemeral),
        }
        if message is not None:
            callback["response_message_id"] = str(message.id)
        resource: Payload = {"type": response_type}
        if message is not None:
            resource["message"] = message.payload()
        return json_response({"interaction": callback, "resource": resource})

    def _webhook_interaction(self, request: web.Request) -> Interaction:
        interaction = self.interactions_by_token.get(request.match_info["token"])
        if interaction is None or int(request.match_info["app_id"]) != self.application_id:
            raise StandInError(404, 10015, "Unknown Webhook", kind="bad_request")
        if not interaction.acknowledged:
            raise StandInError(
                404, 10015, f"Unknown Webhook: {interaction.label} has not been acknowledged yet", kind="bad_request"
            )
        if time.monotonic() - interaction.created_at > self.token_lifetime:
            raise StandInError(
                401,
                50027,
                f"Invalid Webhook Token: {interaction.label} expired after {self.token_lifetime:g} seconds",
                kind="bad_request",
            )
        return interaction

    def _webhook_message(self, request: web.Request, interaction: Interaction) -> StoredMessage:
        raw = request.match_info["message_id"]
        message_id = interaction.original_message_id if raw == "@original" else int(raw) if raw.isdigit() else None
        message = self.messages.get(message_id or 0)
        if message is None or message.deleted or message.channel_id != interaction.channel_id:
            raise StandInError(404, 10008, "Unknown Message", kind="bad_request")
        return message

    async def create_followup(self, request: web.Request) -> web.Response:
        interaction = self._webhook_interaction(request)
        body, uploads = await self._body(request)
        problems = limits.check_message(body, files=len(uploads))
        if problems:
            raise form_error(problems)
        channel = self.channels[interaction.channel_id]
        original = self.messages.get(interaction.original_message_id or 0)
        interaction.followup_count += 1
        if (
            interaction.response_type == ResponseType.DEFERRED_CHANNEL_MESSAGE
            and original is not None
            and original.flags & MessageFlag.LOADING
        ):
            original.flags &= ~MessageFlag.LOADING
            self._apply(original, {k: v for k, v in body.items() if k != "flags"}, uploads, creating=False)
            original.edited_at = None
            message = original
            self._notify(channel.id)
        else:
            flags = int(body.get("flags") or 0) & MessageFlag.EPHEMERAL
            message = self._create_message(channel, body, uploads, interaction=interaction, flags=flags)
        interaction.settle(message)
        if request.query.get("wait") in ("true", "1", "True"):
            return json_response(message.payload())
        return no_content()

    async def get_webhook_message(self, request: web.Request) -> web.Response:
        interaction = self._webhook_interaction(request)
        return json_response(self._webhook_message(request, interaction).payload())

    async def edit_webhook_message(self, request: web.Request) -> web.Response:
        interaction = self._webhook_interaction(request)
        message = self._webhook_message(request, interaction)
        body, uploads = await self._body(request)
        problems = limits.check_message(body, files=len(uploads), editing=True)
        if problems:
            raise form_error(problems)
        was_loading = bool(message.flags & MessageFlag.LOADING)
        message.flags &= ~MessageFlag.LOADING
        self._apply(message, body, uploads, creating=False)
        if was_loading:
            message.edited_at = None
        self._notify(message.channel_id)
        interaction.settle(message)
        waiting = self._deferred_updates.get(message.channel_id)
        if waiting and interaction in waiting:
            waiting.remove(interaction)
        return json_response(message.payload())

    async def delete_webhook_message(self, request: web.Request) -> web.Response:
        interaction = self._webhook_interaction(request)
        message = self._webhook_message(request, interaction)
        message.deleted = True
        self._notify(message.channel_id)
        return no_content()

    # ----------------------------------------------------------------- REST: channels and messages

    async def open_dm(self, request: web.Request) -> web.Response:
        body, _ = await self._body(request)
        try:
            user = self.users[int(body.get("recipient_id", 0))]
        except (KeyError, TypeError, ValueError):
            raise StandInError(400, 50035, "Invalid Form Body: unknown recipient_id", kind="bad_request") from None
        return json_response(self.dm_channel(user).payload())

    async def get_channel(self, request: web.Request) -> web.Response:
        return json_response(self._channel(request).payload())

    async def typing(self, request: web.Request) -> web.Response:
        self._channel(request)
        return no_content()

    async def list_messages(self, request: web.Request) -> web.Response:
        channel = self._channel(request)
        limit = min(int(request.query.get("limit", "50")), 100)
        visible = [self.messages[m] for m in channel.message_ids if not self.messages[m].deleted]
        visible = [m for m in visible if m.visible_to is None]
        return json_response([m.payload() for m in reversed(visible[-limit:])])

    def _check_can_send(self, channel: Channel) -> None:
        if channel.type == ChannelType.DM:
            assert channel.recipient is not None
            if not channel.recipient.dms_open:
                raise StandInError(
                    403,
                    50007,
                    f"Cannot send messages to this user ({channel.recipient.username} has DMs closed)",
                    kind="dms_closed",
                )
            return
        guild = self.guilds[channel.guild_id or 0]
        needed = Perm.VIEW_CHANNEL | Perm.SEND_MESSAGES
        if guild.permissions_of(self.bot_user.id) & needed != needed:
            raise StandInError(403, 50013, "Missing Permissions", kind="missing_permissions")

    async def create_channel_message(self, request: web.Request) -> web.Response:
        channel = self._channel(request)
        body, uploads = await self._body(request)
        self._check_can_send(channel)
        problems = limits.check_message(body, files=len(uploads))
        if problems:
            raise form_error(problems)
        flags = int(body.get("flags") or 0)
        if flags & MessageFlag.EPHEMERAL:
            raise StandInError(
                400, 50035, "Invalid Form Body: only interaction responses can be ephemeral", kind="limit"
            )
        message = self._create_message(channel, body, uploads)
        self._settle_deferred_update(channel.id, message, edited=False)
        return json_response(message.payload())

    def _channel_message(self, request: web.Request) -> StoredMessage:
        channel = self._channel(request)
        message = self.messages.get(int(request.match_info["message_id"]))
        if message is None or message.deleted or message.channel_id != channel.id or message.visible_to is not None:
            raise StandInError(404, 10008, "Unknown Message", kind="bad_request")
        return message

    async def get_channel_message(self, request: web.Request) -> web.Response:
        return json_response(self._channel_message(request).payload())

    async def edit_channel_message(self, request: web.Request) -> web.Response:
        message = self._channel_message(request)
        if message.author.id != self.bot_user.id:
            raise StandInError(403, 50005, "Cannot edit a message authored by another user", kind="bad_request")
        body, uploads = await self._body(request)
        problems = limits.check_message(body, files=len(uploads), editing=True)
        if problems:
            raise form_error(problems)
        self._apply(message, body, uploads, creating=False)
        self._notify(message.channel_id)
        self._settle_deferred_update(message.channel_id, message, edited=True)
        return json_response(message.payload())

    async def delete_channel_message(self, request: web.Request) -> web.Response:
        message = self._channel_message(request)
        message.deleted = True
        self._notify(message.channel_id)
        return no_content()

    async def get_attachment(self, request: web.Request) -> web.Response:
        attachment = self.attachments.get(int(request.match_info["attachment"]))
        if attachment is None:
            return web.Response(status=404)
        kind = attachment.content_type or "application/octet-stream"
        return web.Response(body=attachment.data, headers={"Content-Type": kind})

    # ----------------------------------------------------------------- REST: guilds, members, roles

    async def get_guild(self, request: web.Request) -> web.Response:
        guild = self._guild(request)
        data = guild.payload(self.bot_user.id)
        for key in ("members", "channels", "threads", "presences", "voice_states"):
            data.pop(key, None)
        return json_response(data)

    async def get_roles(self, request: web.Request) -> web.Response:
        return json_response([role.payload() for role in self._guild(request).roles.values()])

    async def get_guild_channels(self, request: web.Request) -> web.Response:
        return json_response([channel.payload() for channel in self._guild(request).channels.values()])

    async def get_member(self, request: web.Request) -> web.Response:
        guild = self._guild(request)
        user_id = int(request.match_info["user_id"])
        if user_id not in guild.members:
            raise StandInError(404, 10007, "Unknown Member")
        return json_response(guild.member_payload(user_id))

    def _role_change(self, request: web.Request) -> tuple[Guild, GuildMember, Role]:
        guild = self._guild(request)
        member = guild.members.get(int(request.match_info["user_id"]))
        if member is None:
            raise StandInError(404, 10007, "Unknown Member", kind="bad_request")
        role = guild.roles.get(int(request.match_info["role_id"]))
        if role is None:
            raise StandInError(404, 10011, "Unknown Role", kind="bad_request")
        bot_perms = guild.permissions_of(self.bot_user.id)
        if not bot_perms & Perm.MANAGE_ROLES:
            raise StandInError(
                403, 50013, "Missing Permissions: the bot lacks Manage Roles", kind="missing_permissions"
            )
        if role.position >= guild.top_position(self.bot_user.id) or role.managed or role.id == guild.id:
            raise StandInError(
                403,
                50013,
                f"Missing Permissions: role {role.name!r} is not below the bot's highest role",
                kind="missing_permissions",
            )
        return guild, member, role

    async def add_member_role(self, request: web.Request) -> web.Response:
        _guild, member, role = self._role_change(request)
        member.role_ids.add(role.id)
        return no_content()

    async def remove_member_role(self, request: web.Request) -> web.Response:
        _guild, member, role = self._role_change(request)
        member.role_ids.discard(role.id)
        return no_content()
