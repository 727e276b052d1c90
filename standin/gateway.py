"""The stand-in's Gateway: JSON text frames over a WebSocket.

HELLO, IDENTIFY, heartbeat and ACK, READY and GUILD_CREATE, dispatches with sequence numbers,
RESUME after a dropped connection (replaying what the bot missed), and INVALID_SESSION for a
session that cannot be resumed. Each connection has one writer task fed by a queue, so any
number of tasks can dispatch at once without interleaving frames.

Sharding as Discord does it: IDENTIFY may carry `shard: [id, count]` (without it, `[0, 1]`); the
session of shard `id` gets READY and GUILD_CREATE only for the servers whose
`(guild_id >> 22) % count` is `id`, and every event about a server (interactions in it included)
goes to that shard's connection. Events with no server, such as interactions in DMs, go to
shard 0. A shard id outside `0 .. count - 1` is closed with 4010 (invalid shard).
"""

# Waiting with a deadline is what these helpers are for, so `timeout` is part of their API.
# ruff: noqa: ASYNC109

from __future__ import annotations

import asyncio
import collections
import contextlib
import json
import logging
import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import WSMsgType, web

log = logging.getLogger("standin.gateway")

HEARTBEAT_INTERVAL_MS = 41_250
REPLAY_BUFFER = 5_000

OP_DISPATCH = 0
OP_HEARTBEAT = 1
OP_IDENTIFY = 2
OP_RESUME = 6
OP_RECONNECT = 7
OP_INVALID_SESSION = 9
OP_HELLO = 10
OP_HEARTBEAT_ACK = 11

CLOSE_INVALID_SHARD = 4010
# Events whose payload is a server itself (its id under "id" rather than "guild_id").
GUILD_PAYLOAD_EVENTS = frozenset({"GUILD_CREATE", "GUILD_UPDATE", "GUILD_DELETE"})


def shard_of(guild_id: int, shard_count: int) -> int:
    """The shard Discord sends a server's events to."""
    return (guild_id >> 22) % shard_count


def guild_of(event: str, data: Any) -> int | None:
    """The server an event is about, or None (a DM interaction, a user update)."""
    if not isinstance(data, dict):
        return None
    value = data.get("id") if event in GUILD_PAYLOAD_EVENTS else data.get("guild_id")
    return int(value) if value is not None else None


@dataclass
class Session:
    """One identified bot session; outlives its connection so it can be resumed."""

    id: str
    shard_id: int = 0
    shard_count: int = 1
    seq: int = 0
    sent: collections.deque[tuple[int, str]] = field(default_factory=lambda: collections.deque(maxlen=REPLAY_BUFFER))
    connection: Connection | None = None
    identified_at: float = 0.0
    guilds_sent: asyncio.Event = field(default_factory=asyncio.Event)
    resumes: int = 0

    @property
    def shard(self) -> tuple[int, int]:
        return self.shard_id, self.shard_count

    def owns(self, guild_id: int) -> bool:
        """Whether this shard receives the server's events."""
        return shard_of(guild_id, self.shard_count) == self.shard_id

    def frame(self, event: str, data: Any) -> tuple[int, str]:
        self.seq += 1
        text = json.dumps({"op": OP_DISPATCH, "t": event, "s": self.seq, "d": data}, separators=(",", ":"))
        self.sent.append((self.seq, text))
        return self.seq, text


class Connection:
    """One WebSocket from the bot, with a single writer."""

    def __init__(self, ws: web.WebSocketResponse) -> None:
        self.ws = ws
        self.queue: asyncio.Queue[str | None] = asyncio.Queue()
        self.writer = asyncio.create_task(self._write())

    async def _write(self) -> None:
        while True:
            text = await self.queue.get()
            if text is None:
                return
            try:
                await self.ws.send_str(text)
            except (ConnectionError, RuntimeError):
                return

    def send(self, text: str) -> None:
        self.queue.put_nowait(text)

    async def close(self, code: int) -> None:
        self.queue.put_nowait(None)
        with contextlib.suppress(Exception):
            await self.writer
        with contextlib.suppress(Exception):
            await self.ws.close(code=code)


class Gateway:
    """Accepts the bot's WebSocket connections and keeps its sessions, one current session per shard.

    `shard_count` is what `GET /gateway/bot` recommends; bots may identify with any count."""

    def __init__(
        self,
        *,
        check_token: Callable[[str], bool],
        ready_payload: Callable[[Session], dict[str, Any]],
        guild_payloads: Callable[[], list[dict[str, Any]]],
        shard_count: int = 1,
    ) -> None:
        self._check_token = check_token
        self._ready_payload = ready_payload
        self._guild_payloads = guild_payloads
        self.shard_count = shard_count
        self.sessions: dict[str, Session] = {}
        self.shards: dict[int, Session] = {}
        self.connections: set[Connection] = set()
        self.identifies = 0
        self.session_changed = asyncio.Event()
        self._accepting = asyncio.Event()
        self._accepting.set()

    @property
    def current(self) -> Session | None:
        """Shard 0's session: the only one of a bot that does not shard."""
        return self.shards.get(0)

    def session_for(self, guild_id: int | None) -> Session | None:
        """The session of the shard that receives this server's events (shard 0's without one)."""
        if guild_id is None:
            return self.current
        for session in self.shards.values():
            if session.owns(guild_id):
                return session
        return None

    def dispatch(self, event: str, data: Any, *, guild_id: int | None = None) -> bool:
        """Send an event to the session of the shard it belongs to (the server in `guild_id`, or the
        one the payload names); buffered for RESUME when that session is disconnected.
        Returns whether a live connection took it."""
        session = self.session_for(guild_id if guild_id is not None else guild_of(event, data))
        if session is None:
            return False
        _seq, text = session.frame(event, data)
        if session.connection is not None:
            session.connection.send(text)
            return True
        return False

    @property
    def connected(self) -> bool:
        return self.current is not None and self.current.connection is not None

    def ready(self, shard_id: int = 0) -> Session | None:
        """The shard's session once it is connected and has its READY and GUILD_CREATEs."""
        session = self.shards.get(shard_id)
        if session is not None and session.guilds_sent.is_set() and session.connection is not None:
            return session
        return None

    async def wait_for_guilds(self, timeout: float, shards: Iterable[int] = (0,)) -> Session:
        """Wait until each of these shards has a connected session that received READY and its
        GUILD_CREATEs; returns the first shard's session."""
        wanted = list(shards)

        async def wait() -> Session:
            while True:
                sessions = [self.ready(shard_id) for shard_id in wanted]
                if all(sessions) and sessions[0] is not None:
                    return sessions[0]
                self.session_changed.clear()
                await self.session_changed.wait()

        return await asyncio.wait_for(wait(), timeout)

    def _changed(self) -> None:
        self.session_changed.set()

    async def drop(self, *, code: int = 4000, shard_id: int = 0) -> None:
        """Close a shard's connection as a network failure would; the session stays resumable."""
        session = self.shards.get(shard_id)
        if session is not None and session.connection is not None:
            connection = session.connection
            session.connection = None
            self._changed()
            await connection.close(code)

    async def request_reconnect(self, shard_id: int = 0) -> None:
        """Ask a shard to reconnect and resume (opcode 7), as Discord does before maintenance."""
        session = self.shards.get(shard_id)
        if session is not None and session.connection is not None:
            session.connection.send(json.dumps({"op": OP_RECONNECT, "d": None}))

    def hold_connections(self) -> None:
        """New gateway connections wait, as during an outage, until release_connections()."""
        self._accepting.clear()

    def release_connections(self) -> None:
        self._accepting.set()

    async def close_all(self) -> None:
        for connection in list(self.connections):
            await connection.close(1001)
        self.connections.clear()

    async def handle(self, request: web.Request) -> web.StreamResponse:
        await self._accepting.wait()
        ws = web.WebSocketResponse(max_msg_size=0, autoping=True)
        await ws.prepare(request)
        connection = Connection(ws)
        self.connections.add(connection)
        session: Session | None = None
        connection.send(json.dumps({"op": OP_HELLO, "d": {"heartbeat_interval": HEARTBEAT_INTERVAL_MS}}))
        try:
            async for message in ws:
                if message.type != WSMsgType.TEXT:
                    if message.type == WSMsgType.BINARY:
                        await connection.close(4002)
                        break
                    continue
                try:
                    frame = json.loads(message.data)
                except ValueError:
                    await connection.close(4002)
                    break
                op = frame.get("op")
                data = frame.get("d")
                if op == OP_HEARTBEAT:
                    connection.send(json.dumps({"op": OP_HEARTBEAT_ACK}))
                elif op == OP_IDENTIFY:
                    if session is not None:
                        await connection.close(4005)
                        break
                    if not isinstance(data, dict) or not self._check_token(str(data.get("token", ""))):
                        await connection.close(4004)
                        break
                    shard = _shard(data.get("shard", [0, 1]))
                    if shard is None:
                        await connection.close(CLOSE_INVALID_SHARD)
                        break
                    session = self._identify(connection, *shard)
                elif op == OP_RESUME:
                    if session is not None:
                        await connection.close(4005)
                        break
                    session = self._resume(connection, data if isinstance(data, dict) else {})
                elif op in (3, 4, 8, 31):
                    continue
                else:
                    await connection.close(4001)
                    break
        finally:
            self.connections.discard(connection)
            if session is not None and session.connection is connection:
                session.connection = None
                self._changed()
            connection.queue.put_nowait(None)
        return ws

    def _identify(self, connection: Connection, shard_id: int = 0, shard_count: int = 1) -> Session:
        self.identifies += 1
        session = Session(
            id=secrets.token_hex(16),
            shard_id=shard_id,
            shard_count=shard_count,
            identified_at=asyncio.get_running_loop().time(),
        )
        session.connection = connection
        self.sessions[session.id] = session
        previous = self.shards.get(shard_id)
        if previous is not None and previous.connection is not None and previous.connection is not connection:
            old = previous.connection
            previous.connection = None
            asyncio.get_running_loop().create_task(old.close(4009))
        self.shards[shard_id] = session
        _seq, text = session.frame("READY", self._ready_payload(session))
        connection.send(text)
        for guild in self._guild_payloads():
            if not session.owns(int(guild["id"])):
                continue
            _seq, text = session.frame("GUILD_CREATE", guild)
            connection.send(text)
        session.guilds_sent.set()
        self._changed()
        return session

    def _resume(self, connection: Connection, data: dict[str, Any]) -> Session | None:
        session = self.sessions.get(str(data.get("session_id")))
        if session is None or not self._check_token(str(data.get("token", ""))):
            connection.send(json.dumps({"op": OP_INVALID_SESSION, "d": False}))
            return None
        last = data.get("seq") or 0
        if session.sent and session.sent[0][0] > last + 1:
            connection.send(json.dumps({"op": OP_INVALID_SESSION, "d": False}))
            return None
        session.connection = connection
        session.resumes += 1
        for seq, text in session.sent:
            if seq > last:
                connection.send(text)
        _seq, text = session.frame("RESUMED", {})
        connection.send(text)
        self.shards[session.shard_id] = session
        self._changed()
        return session


def _shard(value: Any) -> tuple[int, int] | None:
    """`[id, count]` from IDENTIFY when it names a valid shard, else None."""
    if not isinstance(value, list | tuple) or len(value) != 2:
        return None
    shard_id, shard_count = value
    if not all(isinstance(n, int) and not isinstance(n, bool) for n in (shard_id, shard_count)):
        return None
    if shard_count < 1 or not 0 <= shard_id < shard_count:
        return None
    return shard_id, shard_count
