"""The stand-in's world: one application, its bot user, servers, channels, roles, members,
messages and interactions, each able to render itself as the JSON payload Discord would send.

Nothing here does I/O. The REST and Gateway layers read and change a `World`; the scriptable
member reads it back.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import itertools
import mimetypes
import re
import secrets
import time
from dataclasses import dataclass, field
from typing import Any

DISCORD_EPOCH_MS = 1_420_070_400_000
ATTACHMENT_SIZE_LIMIT = 10 * 1024 * 1024

Payload = dict[str, Any]


class Perm:
    """Permission bits the stand-in looks at (a subset of Discord's)."""

    CREATE_INSTANT_INVITE = 1 << 0
    ADMINISTRATOR = 1 << 3
    MANAGE_CHANNELS = 1 << 4
    MANAGE_GUILD = 1 << 5
    ADD_REACTIONS = 1 << 6
    VIEW_CHANNEL = 1 << 10
    SEND_MESSAGES = 1 << 11
    EMBED_LINKS = 1 << 14
    ATTACH_FILES = 1 << 15
    READ_MESSAGE_HISTORY = 1 << 16
    USE_EXTERNAL_EMOJIS = 1 << 18
    CHANGE_NICKNAME = 1 << 26
    MANAGE_ROLES = 1 << 28
    USE_APPLICATION_COMMANDS = 1 << 31

    EVERYONE_DEFAULT = (
        CREATE_INSTANT_INVITE
        | ADD_REACTIONS
        | VIEW_CHANNEL
        | SEND_MESSAGES
        | EMBED_LINKS
        | ATTACH_FILES
        | READ_MESSAGE_HISTORY
        | USE_EXTERNAL_EMOJIS
        | CHANGE_NICKNAME
        | USE_APPLICATION_COMMANDS
    )
    ALL = (1 << 53) - 1


class MessageFlag:
    EPHEMERAL = 1 << 6
    LOADING = 1 << 7
    SUPPRESS_NOTIFICATIONS = 1 << 12
    IS_COMPONENTS_V2 = 1 << 15


class ChannelType:
    GUILD_TEXT = 0
    DM = 1


class InteractionType:
    PING = 1
    APPLICATION_COMMAND = 2
    MESSAGE_COMPONENT = 3
    AUTOCOMPLETE = 4
    MODAL_SUBMIT = 5


class ResponseType:
    PONG = 1
    CHANNEL_MESSAGE = 4
    DEFERRED_CHANNEL_MESSAGE = 5
    DEFERRED_UPDATE_MESSAGE = 6
    UPDATE_MESSAGE = 7
    AUTOCOMPLETE_RESULT = 8
    MODAL = 9


def iso(moment: float) -> str:
    return dt.datetime.fromtimestamp(moment, tz=dt.UTC).isoformat()


class Snowflakes:
    """Discord-shaped ids: milliseconds since the Discord epoch, then a counter."""

    def __init__(self) -> None:
        self._counter = itertools.count(1)

    def next(self, age: float = 0.0) -> int:
        """A new id; `age` (seconds) backdates it, as for an interaction that reached the bot late."""
        ms = int((time.time() - age) * 1000) - DISCORD_EPOCH_MS
        return (ms << 22) | (next(self._counter) & 0x3FFFFF)

    def on_shard(self, shard_id: int, shard_count: int) -> int:
        """A new id whose `(id >> 22) % shard_count` is `shard_id` (its time moved ahead at most
        `shard_count - 1` milliseconds), for a server that must land on a given shard."""
        ms = int(time.time() * 1000) - DISCORD_EPOCH_MS
        ms += (shard_id - ms) % shard_count
        return (ms << 22) | (next(self._counter) & 0x3FFFFF)


@dataclass
class User:
    id: int
    username: str
    bot: bool = False
    global_name: str | None = None
    dms_open: bool = True
    locale: str = "en-US"

    @property
    def display_name(self) -> str:
        return self.global_name or self.username

    def payload(self) -> Payload:
        return {
            "id": str(self.id),
            "username": self.username,
            "discriminator": "0",
            "global_name": self.global_name,
            "avatar": None,
            "bot": self.bot,
            "system": False,
            "public_flags": 0,
            "flags": 0,
            "banner": None,
            "accent_color": None,
            "avatar_decoration_data": None,
        }


@dataclass
class Role:
    id: int
    name: str
    position: int
    permissions: int = 0
    managed: bool = False
    color: int = 0
    hoist: bool = False
    mentionable: bool = False
    bot_id: int | None = None

    def payload(self) -> Payload:
        data: Payload = {
            "id": str(self.id),
            "name": self.name,
            "color": self.color,
            "colors": {"primary_color": self.color, "secondary_color": None, "tertiary_color": None},
            "hoist": self.hoist,
            "icon": None,
            "unicode_emoji": None,
            "position": self.position,
            "permissions": str(self.permissions),
            "managed": self.managed,
            "mentionable": self.mentionable,
            "flags": 0,
        }
        if self.bot_id is not None:
            data["tags"] = {"bot_id": str(self.bot_id)}
        return data


@dataclass
class Channel:
    id: int
    type: int
    name: str = ""
    guild_id: int | None = None
    position: int = 0
    recipient: User | None = None
    message_ids: list[int] = field(default_factory=list)
    last_message_id: int | None = None

    def payload(self) -> Payload:
        if self.type == ChannelType.DM:
            assert self.recipient is not None
            return {
                "id": str(self.id),
                "type": self.type,
                "last_message_id": str(self.last_message_id) if self.last_message_id else None,
                "recipients": [self.recipient.payload()],
                "flags": 0,
            }
        return {
            "id": str(self.id),
            "type": self.type,
            "guild_id": str(self.guild_id),
            "name": self.name,
            "position": self.position,
            "permission_overwrites": [],
            "topic": None,
            "nsfw": False,
            "parent_id": None,
            "rate_limit_per_user": 0,
            "last_message_id": str(self.last_message_id) if self.last_message_id else None,
            "flags": 0,
        }


@dataclass
class GuildMember:
    user: User
    role_ids: set[int] = field(default_factory=set)
    joined_at: float = field(default_factory=time.time)
    nick: str | None = None


@dataclass
class Guild:
    id: int
    name: str
    owner_id: int
    roles: dict[int, Role] = field(default_factory=dict)
    channels: dict[int, Channel] = field(default_factory=dict)
    members: dict[int, GuildMember] = field(default_factory=dict)
    locale: str = "en-US"

    @property
    def everyone(self) -> Role:
        return self.roles[self.id]

    def role_named(self, name: str) -> Role:
        for role in self.roles.values():
            if role.name == name:
                return role
        raise KeyError(f"no role named {name!r} in {self.name!r}")

    def channel_named(self, name: str) -> Channel:
        for channel in self.channels.values():
            if channel.name == name:
                return channel
        raise KeyError(f"no channel named {name!r} in {self.name!r}")

    def permissions_of(self, user_id: int) -> int:
        if user_id == self.owner_id:
            return Perm.ALL
        member = self.members.get(user_id)
        value = self.everyone.permissions
        if member is not None:
            for role_id in member.role_ids:
                role = self.roles.get(role_id)
                if role is not None:
                    value |= role.permissions
        if value & Perm.ADMINISTRATOR:
            return Perm.ALL
        return value

    def top_position(self, user_id: int) -> int:
        member = self.members.get(user_id)
        if member is None:
            return 0
        positions = [self.roles[r].position for r in member.role_ids if r in self.roles]
        return max(positions, default=0)

    def member_payload(self, user_id: int, *, with_user: bool = True, with_permissions: bool = False) -> Payload:
        member = self.members[user_id]
        data: Payload = {
            "roles": [str(r) for r in sorted(member.role_ids)],
            "joined_at": iso(member.joined_at),
            "deaf": False,
            "mute": False,
            "flags": 0,
            "pending": False,
            "nick": member.nick,
            "avatar": None,
            "banner": None,
            "premium_since": None,
            "communication_disabled_until": None,
        }
        if with_user:
            data["user"] = member.user.payload()
        if with_permissions:
            data["permissions"] = str(self.permissions_of(user_id))
        return data

    def payload(self, bot_user_id: int) -> Payload:
        return {
            "id": str(self.id),
            "name": self.name,
            "icon": None,
            "splash": None,
            "discovery_splash": None,
            "banner": None,
            "description": None,
            "owner_id": str(self.owner_id),
            "afk_channel_id": None,
            "afk_timeout": 300,
            "verification_level": 0,
            "default_message_notifications": 0,
            "explicit_content_filter": 0,
            "features": [],
            "mfa_level": 0,
            "system_channel_id": None,
            "system_channel_flags": 0,
            "rules_channel_id": None,
            "public_updates_channel_id": None,
            "vanity_url_code": None,
            "premium_tier": 0,
            "premium_subscription_count": 0,
            "preferred_locale": self.locale,
            "nsfw_level": 0,
            "premium_progress_bar_enabled": False,
            "roles": [role.payload() for role in self.roles.values()],
            "emojis": [],
            "stickers": [],
            "joined_at": iso(self.members[bot_user_id].joined_at) if bot_user_id in self.members else None,
            "large": False,
            "unavailable": False,
            "member_count": len(self.members),
            "voice_states": [],
            "members": [self.member_payload(bot_user_id)] if bot_user_id in self.members else [],
            "channels": [channel.payload() for channel in self.channels.values()],
            "threads": [],
            "presences": [],
            "stage_instances": [],
            "guild_scheduled_events": [],
            "soundboard_sounds": [],
            "lazy": True,
        }


@dataclass
class StoredAttachment:
    id: int
    filename: str
    data: bytes
    content_type: str | None
    url: str
    description: str | None = None

    def payload(self) -> Payload:
        return {
            "id": str(self.id),
            "filename": self.filename,
            "size": len(self.data),
            "url": self.url,
            "proxy_url": self.url,
            "content_type": self.content_type,
            "description": self.description,
        }


@dataclass
class StoredMessage:
    """One message as Discord keeps it. `visible_to` is set for ephemeral messages."""

    id: int
    channel_id: int
    guild_id: int | None
    author: User
    content: str = ""
    embeds: list[Payload] = field(default_factory=list)
    components: list[Payload] = field(default_factory=list)
    attachments: list[StoredAttachment] = field(default_factory=list)
    flags: int = 0
    type: int = 0
    created_at: float = field(default_factory=time.time)
    edited_at: float | None = None
    visible_to: int | None = None
    webhook_id: int | None = None
    application_id: int | None = None
    interaction_metadata: Payload | None = None
    deleted: bool = False
    version: int = 0
    pings: list[str] = field(default_factory=list)

    @property
    def ephemeral(self) -> bool:
        return bool(self.flags & MessageFlag.EPHEMERAL)

    def payload(self) -> Payload:
        data: Payload = {
            "id": str(self.id),
            "channel_id": str(self.channel_id),
            "type": self.type,
            "author": self.author.payload(),
            "content": self.content,
            "embeds": self.embeds,
            "components": self.components,
            "attachments": [a.payload() for a in self.attachments],
            "flags": self.flags,
            "timestamp": iso(self.created_at),
            "edited_timestamp": iso(self.edited_at) if self.edited_at is not None else None,
            "tts": False,
            "mention_everyone": False,
            "mentions": [],
            "mention_roles": [],
            "pinned": False,
        }
        if self.guild_id is not None:
            data["guild_id"] = str(self.guild_id)
        if self.webhook_id is not None:
            data["webhook_id"] = str(self.webhook_id)
        if self.application_id is not None:
            data["application_id"] = str(self.application_id)
        if self.interaction_metadata is not None:
            data["interaction_metadata"] = self.interaction_metadata
        return data


@dataclass
class Failure:
    """Something Discord would have refused or reported, recorded for the test that caused it.

    kind: "limit" (a payload over Discord's limits or otherwise invalid, 400), "unacknowledged"
    (an interaction not answered within the ack deadline), "unknown_route" (404 for a route the
    stand-in does not know), "already_acknowledged" (40060), "unknown_interaction" (10062, an
    answer after the deadline), "bad_request" (any other 4xx the bot caused).
    """

    kind: str
    message: str
    route: str = ""
    code: int = 0
    at: float = field(default_factory=time.time)

    def __str__(self) -> str:
        where = f" [{self.route}]" if self.route else ""
        code = f" (code {self.code})" if self.code else ""
        return f"{self.kind}{where}{code}: {self.message}"


@dataclass
class Interaction:
    """One interaction from a member to the bot, from dispatch to settled reply."""

    id: int
    token: str
    type: int
    user: User
    channel_id: int
    guild_id: int | None
    data: Payload
    message_id: int | None = None
    created_at: float = field(default_factory=time.monotonic)
    response_type: int | None = None
    acknowledged_at: float | None = None
    original_message_id: int | None = None
    followup_count: int = 0
    expired: bool = False
    modal: Payload | None = None
    choices: list[Payload] | None = None
    settled: asyncio.Future[Any] | None = None
    deadline: asyncio.TimerHandle | None = None

    @property
    def acknowledged(self) -> bool:
        return self.response_type is not None

    @property
    def ack_seconds(self) -> float | None:
        """Seconds from dispatch to the bot's initial response."""
        return None if self.acknowledged_at is None else self.acknowledged_at - self.created_at

    @property
    def label(self) -> str:
        if self.type in (InteractionType.APPLICATION_COMMAND, InteractionType.AUTOCOMPLETE):
            return f"/{command_path(self.data)}"
        if self.type == InteractionType.MESSAGE_COMPONENT:
            return f"component {self.data.get('custom_id')!r}"
        if self.type == InteractionType.MODAL_SUBMIT:
            return f"modal {self.data.get('custom_id')!r}"
        return f"interaction type {self.type}"

    def settle(self, value: Any) -> None:
        if self.settled is not None and not self.settled.done():
            self.settled.set_result(value)

    def fail(self, exc: BaseException) -> None:
        if self.settled is not None and not self.settled.done():
            self.settled.set_exception(exc)


def command_path(data: Payload) -> str:
    """`quiz start` for a command with a subcommand."""
    parts = [str(data.get("name", ""))]
    options = data.get("options") or []
    while options and options[0].get("type") in (1, 2):
        parts.append(str(options[0]["name"]))
        options = options[0].get("options") or []
    return " ".join(parts)


USER_MENTION = re.compile(r"<@!?(\d+)>")
ROLE_MENTION = re.compile(r"<@&(\d+)>")


def pings(content: str, allowed_mentions: Payload | None, names: dict[int, str]) -> list[str]:
    """Who a new message notifies, by Discord's rules: every mention in the content unless
    `allowed_mentions` narrows it (embeds never ping). Names like "@alice", "@AI Engineer",
    "@everyone"."""
    if not content:
        return []
    parse = set(allowed_mentions.get("parse") or []) if allowed_mentions is not None else {"users", "roles", "everyone"}
    users = {int(u) for u in (allowed_mentions or {}).get("users") or []}
    roles = {int(r) for r in (allowed_mentions or {}).get("roles") or []}
    out: list[str] = []
    for match in USER_MENTION.finditer(content):
        ident = int(match.group(1))
        if "users" in parse or ident in users:
            out.append(names.get(ident, f"<@{ident}>"))
    for match in ROLE_MENTION.finditer(content):
        ident = int(match.group(1))
        if "roles" in parse or ident in roles:
            out.append(names.get(ident, f"<@&{ident}>"))
    if "everyone" in parse:
        out.extend(word for word in ("@everyone", "@here") if word in content)
    return list(dict.fromkeys(out))


def content_type_for(filename: str, declared: str | None = None) -> str:
    """The content type Discord reports for an upload: sniffed from the name when the client
    sent none or a generic one (as discord.py does), with a charset for text."""
    if declared and declared != "application/octet-stream":
        return declared
    guessed, _ = mimetypes.guess_type(filename)
    if guessed is None:
        extra = {".yaml": "application/yaml", ".yml": "application/yaml", ".md": "text/markdown"}
        guessed = extra.get(filename[filename.rfind(".") :].lower()) if "." in filename else None
    if guessed is None:
        return "application/octet-stream"
    if guessed.startswith("text/") or guessed in ("application/json", "application/yaml"):
        return f"{guessed}; charset=utf-8"
    return guessed


def new_token() -> str:
    return "aW50ZXJhY3Rpb246" + secrets.token_urlsafe(48)
